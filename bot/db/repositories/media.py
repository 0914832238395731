"""file_ids of local media already uploaded, per bot."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import MediaFile


class MediaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def file_id(self, fingerprint: str) -> str | None:
        row = await self._session.get(MediaFile, fingerprint)
        return row.file_id if row else None

    async def remember(self, fingerprint: str, file_id: str, now: datetime) -> None:
        """Keep the newest file_id. Two replicas may upload one file at once (two learners reach the
        same video): an upsert, where read-then-insert failed the second with a duplicate key."""
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(MediaFile).values(fingerprint=fingerprint, file_id=file_id, created_at=now)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[MediaFile.fingerprint],
            set_={"file_id": statement.excluded.file_id, "created_at": statement.excluded.created_at}))

    async def forget(self, fingerprint: str) -> None:
        row = await self._session.get(MediaFile, fingerprint)
        if row is not None:
            await self._session.delete(row)
            await self._session.flush()  # gone before a new file_id is remembered under the same key
