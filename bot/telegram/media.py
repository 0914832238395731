"""Turn a course media source into something Telegram accepts, reusing uploaded file_ids.

A local file reaches a learner only from the bot's media store (see `bot.media_store`):
the chunk body names it by its store key (`stored`), next to the path the author wrote
(`file`, kept for the file name a learner sees). Versions loaded before the store existed
hold an absolute `file` only; those are still sent while the file is a regular file inside
the course folder they were loaded from, never through a symlink. Loading such a course
again (`talimger course load`) makes a new version whose media is in the store.

Anything that cannot be sent raises `MediaUnavailable`: the caller logs it and lets the
learner go on without the file instead of failing the update again at every press.
"""
from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import AsyncGenerator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from aiogram.types import FSInputFile, Message

from bot.db.uow import UnitOfWork
from bot.media_store import MediaRefused, MediaStore, MediaUnavailable, open_regular
from bot.services.clock import Clock

if TYPE_CHECKING:
    from aiogram import Bot

__all__ = ["MediaResolver", "MediaUnavailable", "NoFollowInputFile", "fingerprint", "local_path"]


class NoFollowInputFile(FSInputFile):
    """A file uploaded only if, when it is read, it is still the regular file that was checked
    (same device and inode), opened without following a symlink."""

    def __init__(self, path: Path, checked: os.stat_result, filename: str | None = None) -> None:
        super().__init__(path, filename=filename)
        self._identity = (checked.st_dev, checked.st_ino)

    def _open(self) -> int:
        descriptor = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != self._identity:
            os.close(descriptor)
            raise MediaUnavailable(f"media file changed after it was checked: {self.path}")
        return descriptor

    async def read(self, bot: Bot) -> AsyncGenerator[bytes, None]:
        descriptor = await asyncio.to_thread(self._open)
        with os.fdopen(descriptor, "rb") as stream:
            while chunk := await asyncio.to_thread(stream.read, self.chunk_size):
                yield chunk


def local_path(source: dict[str, Any], source_dir: str) -> Path | None:
    """Where a pre-store version's file was: absolute, or relative to its course folder."""
    if not source.get("file"):
        return None
    path = Path(source["file"])
    return path if path.is_absolute() else Path(source_dir) / path


def fingerprint(path: Path) -> str:
    """Changes when the file does, so an edited video is uploaded again (pre-store versions)."""
    stat_result = path.stat()
    return f"{path.resolve()}:{stat_result.st_size}:{int(stat_result.st_mtime)}"[-128:]


def _store_fingerprint(key: str) -> str:
    return f"sha256:{key}"  # the bytes themselves: one upload serves every version holding them


def _display_name(source: dict[str, Any], fallback: str) -> str:
    written = source.get("file")
    name = PurePosixPath(str(written).replace("\\", "/")).name if written else ""
    return name or fallback


def _chosen_copy(source: dict[str, Any]) -> dict[str, Any]:
    """A language's own copy picked out as `{file: <its stored entry>}`: that entry itself."""
    chosen = source.get("file")
    return chosen if isinstance(chosen, dict) else source


class MediaResolver:
    def __init__(self, uow: UnitOfWork, clock: Clock, store: MediaStore | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._store = store

    async def resolve(self, source: dict[str, Any], source_dir: str) -> str | FSInputFile:
        """A cached file_id, the Telegram file_id or URL as given, or the local file to upload.

        Raises `MediaUnavailable` when a local file cannot be sent safely.
        """
        source = _chosen_copy(source)
        if source.get("file_id"):
            return str(source["file_id"])
        if source.get("url"):
            return str(source["url"])
        key = source.get("stored")
        if key:
            # The key is the bytes' digest: a file_id uploaded from them needs no local file.
            cached = await self._uow.media.file_id(_store_fingerprint(str(key)))
            if cached:
                return cached
            if self._store is None:
                raise MediaUnavailable(f"no media store to read {key} from")
            path, checked = self._store.checked(str(key))
            return NoFollowInputFile(path, checked, _display_name(source, path.name))
        path, checked = self._legacy(source, source_dir)
        cached = await self._uow.media.file_id(fingerprint(path))
        return cached or NoFollowInputFile(path, checked)

    @staticmethod
    def _legacy(source: dict[str, Any], source_dir: str) -> tuple[Path, os.stat_result]:
        """A pre-store version's file, if it is still a regular file inside its course folder."""
        path = local_path(source, source_dir)
        if path is None or not source_dir:
            raise MediaUnavailable(f"no local media file to send: {source!r}")
        try:
            descriptor = open_regular(path, Path(source_dir))
        except MediaRefused as refused:
            raise MediaUnavailable(f"media file of a pre-store course version {refused.reason}: {path}") from None
        try:
            return path, os.fstat(descriptor)
        finally:
            os.close(descriptor)

    async def remember(self, source: dict[str, Any], source_dir: str, sent: Message) -> None:
        source = _chosen_copy(source)
        media = sent.video or sent.document or sent.animation or sent.audio
        file_id = media.file_id if media else (sent.photo[-1].file_id if sent.photo else None)
        if not file_id:
            return
        key = source.get("stored")
        if key:
            await self._uow.media.remember(_store_fingerprint(str(key)), file_id, self._clock.now())
            return
        path = local_path(source, source_dir)
        if path is None or not path.exists():
            return
        await self._uow.media.remember(fingerprint(path), file_id, self._clock.now())
