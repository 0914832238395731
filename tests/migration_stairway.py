"""The migration stairway, shared by the SQLite and the PostgreSQL tests: up to head, down to
0001 (before the certificates step), down to nothing, and up again to the same schema."""
from __future__ import annotations

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.db.migrate import alembic_config
from bot.db.session import create_engine


async def walk_the_stairway(url: str) -> None:
    engine = create_engine(url)

    def migrate(connection: Connection, target: str, down: bool = False) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, target)

    def shape(connection: Connection) -> dict[str, object]:
        inspector = inspect(connection)
        tables = set(inspector.get_table_names()) - {"alembic_version"}
        if "certificates" not in tables:
            return {"tables": tables}
        return {
            "tables": tables,
            "users": {column["name"] for column in inspector.get_columns("users")},
            "certificates": {column["name"] for column in inspector.get_columns("certificates")},
            "unique": {tuple(c["column_names"]) for c in inspector.get_unique_constraints("certificates")},
            "attempt_lecture_nullable": next(c["nullable"] for c in inspector.get_columns("quiz_attempts")
                                             if c["name"] == "lecture_id"),
        }

    try:
        async with engine.begin() as connection:
            await connection.run_sync(migrate, "head")
            head = await connection.run_sync(shape)
        assert "name_confirmed" in head["users"] and "revoked_by" in head["certificates"]  # type: ignore[operator]
        assert ("enrolment_id",) not in head["unique"] and head["attempt_lecture_nullable"]  # type: ignore[operator]
        async with engine.begin() as connection:
            await connection.run_sync(migrate, "0001", True)
            initial = await connection.run_sync(shape)
        assert "name_confirmed" not in initial["users"] and ("enrolment_id",) in initial["unique"]  # type: ignore[operator]
        assert not initial["attempt_lecture_nullable"]
        async with engine.begin() as connection:
            await connection.run_sync(migrate, "base", True)
            assert (await connection.run_sync(shape))["tables"] == set()
        async with engine.begin() as connection:
            await connection.run_sync(migrate, "head")
            assert await connection.run_sync(shape) == head
    finally:
        await engine.dispose()
