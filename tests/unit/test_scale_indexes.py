"""Migration 0010_scale_indexes: the housekeeping DELETE of old update ids searches an index
instead of reading every processed update (about a million rows a day at 100,000 learners)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect

from bot.db.migrate import upgrade_to_head
from bot.db.models import ProcessedUpdate
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from scheduler.housekeeping import Housekeeper


async def test_forgetting_old_update_ids_searches_the_processed_at_index(tmp_path: Path) -> None:
    """issue 12: the plan of the statement housekeeping really runs, on a database migrated to head."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'scale.db'}")
    try:
        await upgrade_to_head(engine)
        seen: list[tuple[str, Any]] = []

        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            if statement.lstrip().upper().startswith("DELETE"):
                seen.append((statement, parameters))

        clock = ManualClock(datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc))
        await Housekeeper(UnitOfWorkFactory(create_session_factory(engine)), clock).forget_old_updates()
        assert len(seen) == 1 and "processed_updates" in seen[0][0]
        async with engine.connect() as connection:
            plan = (await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + seen[0][0], seen[0][1])).all()
            indexes = await connection.run_sync(lambda sync: inspect(sync).get_indexes("processed_updates"))
        details = [row[-1] for row in plan]
        assert details == ["SEARCH processed_updates USING INDEX ix_processed_updates_processed_at (processed_at<?)"]
        assert {"name": "ix_processed_updates_processed_at", "column_names": ["processed_at"]}.items() <= indexes[0].items()
        assert any(index.name == "ix_processed_updates_processed_at"
                   for index in ProcessedUpdate.__table__.indexes), "the model declares what the migration builds"
    finally:
        await engine.dispose()
