"""file_ids of local media already uploaded, per bot."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import MediaFile


class MediaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def file_id(self, fingerprint: str) -> str | None:
        row = await self._session.get(MediaFile, fingerprint)
        return row.file_id if row else None

    async def remember(self, fingerprint: str, file_id: str, now: datetime) -> None:
        await self._session.merge(MediaFile(fingerprint=fingerprint, file_id=file_id, created_at=now))

    async def forget(self, fingerprint: str) -> None:
        row = await self._session.get(MediaFile, fingerprint)
        if row is not None:
            await self._session.delete(row)
            await self._session.flush()  # gone before a new file_id is remembered under the same key
