"""file_ids of local media already uploaded, per bot."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import MediaFile


class FileIdCache:
    """The file_ids this process has read or learnt. A file_id stays good for its bot, so one known
    needs no query: it is read between two sends of an update (a lab's file after its text, a video
    chunk after the commit), where on PostgreSQL a read is a transaction of its own, three round
    trips. A file_id Telegram refuses is forgotten here as in the table (by this process; another
    replica meets the refusal itself, and uploads once more)."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self.entries: dict[str, str] = {}

    def put(self, fingerprint: str, file_id: str) -> None:
        if len(self.entries) >= self.max_entries:
            self.entries.clear()
        self.entries[fingerprint] = file_id


class MediaRepository:
    def __init__(self, session: AsyncSession, cache: FileIdCache | None = None) -> None:
        self._session = session
        self._cache = cache

    async def file_id(self, fingerprint: str) -> str | None:
        if self._cache is not None and (known := self._cache.entries.get(fingerprint)):
            return known
        row = await self._session.get(MediaFile, fingerprint)
        if row is None:
            return None
        if self._cache is not None:
            self._cache.put(fingerprint, row.file_id)
        return row.file_id

    async def remember(self, fingerprint: str, file_id: str, now: datetime) -> None:
        """Keep the newest file_id. Two replicas may upload one file at once (two learners reach the
        same video): an upsert, where read-then-insert failed the second with a duplicate key."""
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(MediaFile).values(fingerprint=fingerprint, file_id=file_id, created_at=now)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[MediaFile.fingerprint],
            set_={"file_id": statement.excluded.file_id, "created_at": statement.excluded.created_at}))
        if self._cache is not None:  # Telegram gave it: good even if this transaction rolls back
            self._cache.put(fingerprint, file_id)

    async def forget(self, fingerprint: str) -> None:
        if self._cache is not None:
            self._cache.entries.pop(fingerprint, None)
        row = await self._session.get(MediaFile, fingerprint)
        if row is not None:
            await self._session.delete(row)
            await self._session.flush()  # gone before a new file_id is remembered under the same key
