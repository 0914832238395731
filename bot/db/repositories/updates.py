"""Which Telegram updates were already applied."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ProcessedUpdate


class ProcessedUpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, update_id: int, now: datetime) -> bool:
        """Record the update; False when it was recorded before (a re-delivery)."""
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        statement = _CLAIM["postgresql" if dialect == "postgresql" else "sqlite"]
        result = await self._session.execute(statement, {"update_id": update_id, "processed_at": now})
        return bool(result.rowcount)

    async def forget_before(self, moment: datetime) -> int:
        """Drop old records; Telegram keeps undelivered updates for 24 hours only."""
        result = await self._session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < moment)
        )
        return int(result.rowcount or 0)


# Built once, not per update (issue 12): the values come as execution parameters. On the table
# (Core), not the mapped class: an ORM INSERT given parameters would take the bulk-insert path.
_CLAIM = {name: insert(ProcessedUpdate.__table__).on_conflict_do_nothing(index_elements=["update_id"])
          for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))}
