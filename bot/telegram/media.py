"""Turn a course media source into something Telegram accepts, reusing uploaded file_ids."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from aiogram.types import FSInputFile, Message

from bot.db.uow import UnitOfWork
from bot.services.clock import Clock


def local_path(source: dict[str, Any], source_dir: str) -> Path | None:
    if not source.get("file"):
        return None
    path = Path(source["file"])
    return path if path.is_absolute() else Path(source_dir) / path


def fingerprint(path: Path) -> str:
    """Changes when the file does, so an edited video is uploaded again."""
    stat = path.stat()
    return f"{path.resolve()}:{stat.st_size}:{int(stat.st_mtime)}"[-128:]


class MediaResolver:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def resolve(self, source: dict[str, Any], source_dir: str) -> str | FSInputFile:
        """A cached file_id, the Telegram file_id or URL as given, or the local file to upload."""
        if source.get("file_id"):
            return str(source["file_id"])
        if source.get("url"):
            return str(source["url"])
        path = local_path(source, source_dir)
        if path is None or not path.exists():
            raise FileNotFoundError(f"media file missing: {path}")
        cached = await self._uow.media.file_id(fingerprint(path))
        return cached or FSInputFile(path)

    async def remember(self, source: dict[str, Any], source_dir: str, sent: Message) -> None:
        path = local_path(source, source_dir)
        if path is None or not path.exists():
            return
        media = sent.video or sent.document or sent.animation or sent.audio
        file_id = media.file_id if media else (sent.photo[-1].file_id if sent.photo else None)
        if file_id:
            await self._uow.media.remember(fingerprint(path), file_id, self._clock.now())
