"""The sandbox's memory on disk, so a restarted sandbox is the same "Telegram" as before.

Telegram keeps chats, users, messages, files and the update counter across a bot's restarts; a
sandbox that forgot them would hand out update ids the bot has already applied (it skips them),
user ids that belong to someone else, and file_ids it no longer knows. So with a state file the
sandbox keeps:

* one JSON file (``sandbox.json``): users, chats with their messages, file records, button
  presses, the bot's commands and profile texts, the webhook, pending updates and every counter;
  written whole to a temporary file that is renamed over the old one, so it is never half-written;
* a folder beside it (``sandbox-files/``): the bytes of each uploaded file, written once.

The file is saved a moment after each change (``SAVE_DELAY``, so a burst of changes is one
write) and at shutdown. Not kept: settings, the clock's offset, injected faults and the call
log (they are a test's or a run's configuration, not Telegram's memory).

A file left by a process that did not shut down cleanly may miss the last moment's updates, whose
ids the bot may already have applied: the update ids then jump ahead by ``UNCLEAN_UPDATE_ID_GAP``
(Telegram's ids have gaps too), so no new update can carry an id the bot has seen.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from sandbox.models import CallbackRecord, Chat, ChatMessage, Media, SandboxUser, StoredFile
from sandbox.state import SandboxState
from sandbox.updates import PendingUpdate

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
SAVE_DELAY = 0.2  # seconds between a change and its write
UNCLEAN_UPDATE_ID_GAP = 1000


@dataclass(frozen=True)
class _Snapshot:
    generation: int
    data: dict[str, Any]
    new_files: list[tuple[str, bytes]]


class StateFileError(ValueError):
    """The state file is not one the sandbox wrote (truncated, edited by hand, another format)."""


class StateStore:
    """Loads a ``SandboxState`` from ``path`` and saves it there (bytes in ``<stem>-files/``)."""

    def __init__(self, path: Path | str, *, delay: float = SAVE_DELAY) -> None:
        self.path = Path(path)
        self.files_dir = self.path.with_name(f"{self.path.stem}-files")
        self.delay = delay
        self._timer: asyncio.TimerHandle | None = None
        self._written: set[str] = set()  # file_ids whose bytes are on disk
        self._writing: asyncio.Task[None] | None = None
        self._write_lock = threading.Lock()
        self._generation = 0  # of the latest snapshot taken
        self._written_generation = 0  # of the latest snapshot on disk

    # --- wiring ----------------------------------------------------------------------------
    def attach(self, state: SandboxState) -> bool:
        """Load what the file holds into ``state`` and save every later change; True if loaded."""
        loaded = self.load(state)
        state.on_change = lambda: self.schedule(state)
        return loaded

    def schedule(self, state: SandboxState) -> None:
        """Save soon (one write for a burst of changes); at once when no event loop runs."""
        if self._timer is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.save(state)
            return
        self._timer = loop.call_later(self.delay, self._save_later, state)

    def _save_later(self, state: SandboxState) -> None:
        """The snapshot is taken here, on the event loop (nothing changes under it); the JSON
        and the disk are the worker thread's, so a big state does not hold up every request."""
        self._timer = None
        if self._writing is not None and not self._writing.done():
            self.schedule(state)  # one write at a time: this burst goes in the next one
            return
        snapshot = self._snapshot(state, clean=False)
        self._writing = asyncio.get_running_loop().create_task(self._write_in_thread(snapshot))

    async def _write_in_thread(self, snapshot: _Snapshot) -> None:
        try:
            await asyncio.to_thread(self._write, snapshot)
        except OSError:
            # The disk is full or gone: keep serving from memory; the next change tries again.
            log.exception("could not save the sandbox's state to %s", self.path)

    def close(self, state: SandboxState) -> None:
        """The last save, marked clean (the server is stopping)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.save(state, clean=True)

    # --- saving ----------------------------------------------------------------------------
    def save(self, state: SandboxState, *, clean: bool = False) -> None:
        self._write(self._snapshot(state, clean=clean))

    def _snapshot(self, state: SandboxState, *, clean: bool) -> _Snapshot:
        """Everything to write, copied out of ``state`` (a write in a thread must not see it change)."""
        self._generation += 1
        new_files = [(stored.file_id, stored.data) for stored in state.files.values()
                     if stored.data is not None and stored.file_id not in self._written]
        data = {
            "format": FORMAT_VERSION,
            "clean_shutdown": clean,
            "counters": {
                "next_number": state.next_number,
                "next_user_id": state.next_user_id,
                "next_group_id": state.next_group_id,
                "next_update_id": state.updates.next_update_id,
            },
            "admin_chat_id": state.admin_chat_id,
            "bot": {
                "commands": [
                    {"scope": scope, "language_code": language, "commands": commands}
                    for (scope, language), commands in state.bot.commands.items()
                ],
                "descriptions": dict(state.bot.descriptions),
                "short_descriptions": dict(state.bot.short_descriptions),
                "names": dict(state.bot.names),
            },
            "webhook": asdict(state.webhook),  # asdict copies deeply
            "users": [asdict(user) for user in state.users.values()],
            "files": [_file_record(stored) for stored in state.files.values()],
            "chats": [_chat_record(chat) for chat in state.chats.values()],
            "callbacks": [asdict(record) for record in state.callbacks.values()],
            "updates": {
                "allowed_updates": _copied(state.updates.allowed_updates),
                "pending": [
                    {"update_id": u.update_id, "kind": u.kind, "payload": u.payload, "created": u.created}
                    for u in state.updates.pending
                ],
            },
        }
        return _Snapshot(self._generation, data, new_files)

    def _write(self, snapshot: _Snapshot) -> None:
        # A write in the thread may still be running when the clean one at shutdown comes: the
        # newer snapshot wins, an older one never lands on top of it.
        with self._write_lock:
            if snapshot.generation <= self._written_generation:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for file_id, payload in snapshot.new_files:
                if file_id in self._written:
                    continue
                self.files_dir.mkdir(parents=True, exist_ok=True)
                _write_atomically(self.files_dir / _file_name(file_id), payload)
                self._written.add(file_id)
            _write_atomically(self.path, json.dumps(snapshot.data, ensure_ascii=False).encode("utf-8"))
            self._written_generation = snapshot.generation

    # --- loading ---------------------------------------------------------------------------
    def load(self, state: SandboxState) -> bool:
        """Fill an empty ``state`` from the file; False when there is no file yet."""
        if not self.path.exists():
            return False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise StateFileError(f"{self.path} is not a sandbox state file ({error}); move it away "
                                 "to start with an empty sandbox") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
            raise StateFileError(f"{self.path} is not a sandbox state file of format {FORMAT_VERSION}; "
                                 "move it away to start with an empty sandbox")
        try:
            self._fill(state, data)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise StateFileError(f"{self.path} is damaged ({type(error).__name__}: {error}); move it away "
                                 "to start with an empty sandbox") from None
        return True

    def _fill(self, state: SandboxState, data: dict[str, Any]) -> None:
        counters = data["counters"]
        state.next_number = counters["next_number"]
        state.next_user_id = counters["next_user_id"]
        state.next_group_id = counters["next_group_id"]
        state.admin_chat_id = data.get("admin_chat_id")
        bot = data["bot"]
        state.bot.commands = {
            (item["scope"], item["language_code"]): item["commands"] for item in bot["commands"]
        }
        state.bot.descriptions = dict(bot["descriptions"])
        state.bot.short_descriptions = dict(bot["short_descriptions"])
        state.bot.names = dict(bot["names"])
        for key, value in data["webhook"].items():
            setattr(state.webhook, key, value)
        for record in data["users"]:
            user = SandboxUser(**_known(SandboxUser, record))
            state.users[user.id] = user
        for record in data["files"]:
            stored = self._load_file(record)
            state.files[stored.file_id] = stored
        for record in data["chats"]:
            chat = _load_chat(state, record)
            state.chats[chat.id] = chat
        for record in data["callbacks"]:
            callback = CallbackRecord(**_known(CallbackRecord, record))
            state.callbacks[callback.id] = callback
        queue = state.updates
        queue.next_update_id = counters["next_update_id"]
        if not data.get("clean_shutdown"):
            queue.next_update_id += UNCLEAN_UPDATE_ID_GAP
            log.warning("%s was not saved at a clean shutdown: update ids go on from %s",
                        self.path, queue.next_update_id)
        queue.allowed_updates = data["updates"]["allowed_updates"]
        for item in data["updates"]["pending"]:
            update = PendingUpdate(item["update_id"], item["kind"], item["payload"], item["created"])
            queue.pending.append(update)
            queue.history[update.update_id] = update

    def _load_file(self, record: dict[str, Any]) -> StoredFile:
        has_data = record.pop("has_data", False)
        stored = StoredFile(**_known(StoredFile, record))
        if has_data:
            path = self.files_dir / _file_name(stored.file_id)
            if path.exists():
                stored.data = path.read_bytes()
                self._written.add(stored.file_id)
            else:  # the folder was removed by hand: the record stays, as a file nobody can fetch
                log.warning("the bytes of %s are missing from %s", stored.file_id, self.files_dir)
                stored.external = True
        return stored


def _known(cls: type, record: dict[str, Any]) -> dict[str, Any]:
    """The record's fields that ``cls`` has (a file from a newer sandbox may have more)."""
    names = {f.name for f in fields(cls)}
    return {key: value for key, value in record.items() if key in names}


def _file_record(stored: StoredFile) -> dict[str, Any]:
    record = {f.name: getattr(stored, f.name) for f in fields(StoredFile) if f.name != "data"}
    record["has_data"] = stored.data is not None
    return record


def _file_name(file_id: str) -> str:
    """A safe, fixed-length name for a file_id (placeholders may hold any character)."""
    return hashlib.sha256(file_id.encode("utf-8")).hexdigest()[:40]


def _copied(value: Any) -> Any:
    """A list's or dict's own copy (one level: the sandbox replaces nested values, it does not edit
    them), so a snapshot written in a thread does not change while it is encoded."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def _chat_record(chat: Chat) -> dict[str, Any]:
    record = {f.name: _copied(getattr(chat, f.name)) for f in fields(Chat) if f.name != "messages"}
    record["messages"] = [_message_record(message) for message in chat.messages.values()]
    return record


def _message_record(message: ChatMessage) -> dict[str, Any]:
    record = {f.name: _copied(getattr(message, f.name)) for f in fields(ChatMessage) if f.name != "media"}
    if message.media is not None:
        record["media"] = {"file_id": message.media.file.file_id, "kind": message.media.kind}
    return record


def _load_chat(state: SandboxState, record: dict[str, Any]) -> Chat:
    messages = record.get("messages", [])
    chat = Chat(**_known(Chat, {k: v for k, v in record.items() if k != "messages"}))
    for item in messages:
        media = item.get("media")
        fields_ = _known(ChatMessage, {k: v for k, v in item.items() if k != "media"})
        message = ChatMessage(**fields_)
        if media is not None:
            stored = state.files.get(media["file_id"])
            if stored is None:
                stored = StoredFile(media["file_id"], media["file_id"], media["kind"], external=True)
                state.files[stored.file_id] = stored
            message.media = Media(stored, media["kind"])
        chat.messages[message.message_id] = message
    return chat


def _write_atomically(path: Path, payload: bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path``: a process
    killed mid-write leaves the old file whole. (No fsync: this guards against a killed process,
    not a power cut, and it runs after every burst of changes.)"""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
