"""Turn a course media source into something Telegram accepts, reusing uploaded file_ids.

A local file reaches a learner only from the bot's media store (see `bot.media_store`):
the chunk body names it by its store key (`stored`), next to the path the author wrote
(`file`, kept for the file name a learner sees). Versions loaded before the store existed
hold an absolute `file` only; those are still sent while the file is a regular file inside
the course folder they were loaded from, never through a symlink. Loading such a course
again (`talimger course load`) makes a new version whose media is in the store.

Anything that cannot be sent raises `MediaUnavailable`: the caller tells the learner and lets
them go on without the file instead of failing the update again at every press.

A file_id is valid only for the bot that uploaded it: the cache is keyed by the bot's id too
(the sandbox's bot and a real one may share a DATA_DIR), and a cached id Telegram no longer
knows is forgotten and the file uploaded again, once.
"""
from __future__ import annotations

import asyncio
import logging
import os
import stat
from collections.abc import AsyncGenerator, Awaitable, Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile, Message

from bot.db.uow import UnitOfWork
from bot.media_store import MediaRefused, MediaStore, MediaUnavailable, open_regular
from bot.services.clock import Clock

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

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


def _for_bot(fingerprint_: str, bot_id: int) -> str:
    """The cache key of a file for one bot (its file_ids mean nothing to another bot)."""
    return f"{fingerprint_}@{bot_id}"[-128:]


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

    async def send(self, bot: Bot, source: dict[str, Any], source_dir: str,
                   send: Callable[[str | FSInputFile], Awaitable[Message]]) -> Message:
        """Send the media with `send`: this bot's cached file_id, the file_id or URL as given,
        or the local file uploaded (its new file_id remembered).

        Raises `MediaUnavailable` when a local file cannot be sent safely.
        """
        source = _chosen_copy(source)
        media, cache_key = await self.resolve(source, source_dir, bot.id)
        try:
            sent = await send(media)
        except TelegramBadRequest as error:
            if cache_key is None or isinstance(media, FSInputFile) or "wrong file identifier" not in error.message:
                raise
            # A cached id this bot cannot use (a cache written before it was keyed by bot, or a
            # file Telegram dropped): forget it and upload from the store, once.
            log.warning("cached file_id of %s refused (%s); uploading the file again", cache_key, error.message)
            await self._uow.media.forget(cache_key)
            media = self._upload(source, source_dir)
            sent = await send(media)
        if isinstance(media, FSInputFile) and cache_key is not None:
            await self._remember(cache_key, sent)
        return sent

    async def resolve(self, source: dict[str, Any], source_dir: str,
                      bot_id: int) -> tuple[str | FSInputFile, str | None]:
        """What `bot_id` sends, and the cache key of a local file (None for a file_id or URL as given)."""
        source = _chosen_copy(source)
        if source.get("file_id"):
            return str(source["file_id"]), None
        if source.get("url"):
            return str(source["url"]), None
        key = source.get("stored")
        if key:
            # The key is the bytes' digest: a file_id uploaded from them needs no local file.
            cache_key = _for_bot(_store_fingerprint(str(key)), bot_id)
        else:
            path, _checked = self._legacy(source, source_dir)
            cache_key = _for_bot(fingerprint(path), bot_id)
        cached = await self._uow.media.file_id(cache_key)
        return (cached, cache_key) if cached else (self._upload(source, source_dir), cache_key)

    def _upload(self, source: dict[str, Any], source_dir: str) -> FSInputFile:
        """The local file to upload: from the media store, else a pre-store version's folder."""
        key = source.get("stored")
        if key:
            if self._store is None:
                raise MediaUnavailable(f"no media store to read {key} from")
            path, checked = self._store.checked(str(key))
            return NoFollowInputFile(path, checked, _display_name(source, path.name))
        path, checked = self._legacy(source, source_dir)
        return NoFollowInputFile(path, checked)

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

    async def _remember(self, cache_key: str, sent: Message) -> None:
        media = sent.video or sent.document or sent.animation or sent.audio
        file_id = media.file_id if media else (sent.photo[-1].file_id if sent.photo else None)
        if file_id:
            await self._uow.media.remember(cache_key, file_id, self._clock.now())
