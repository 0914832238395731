"""Acting as one sandbox user in one chat: send, press, upload, and wait for the bot's answer."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import FormData

from sandbox.client_models import SandboxMessage

if TYPE_CHECKING:
    from sandbox.client import SandboxClient

Predicate = Callable[[SandboxMessage], bool]
POLL_SLICE = 10.0  # seconds per transcript long poll


class ChatUser:
    """Acting as one user in one chat (their private chat unless ``in_chat`` says otherwise)."""

    def __init__(self, client: SandboxClient, user_id: int, first_name: str, chat_id: int) -> None:
        self.client = client
        self.id = user_id
        self.first_name = first_name
        self.chat_id = chat_id
        self._mark = -1  # chat version right after this user's last action
        self._version = -1
        self._messages: dict[int, SandboxMessage] = {}

    def __repr__(self) -> str:
        return f"ChatUser(id={self.id}, chat_id={self.chat_id})"

    def in_chat(self, chat_id: int) -> ChatUser:
        """The same user acting in another chat (e.g. the admin group)."""
        return ChatUser(self.client, self.id, self.first_name, chat_id)

    def _path(self, action: str) -> str:
        return f"/sandbox/api/chats/{self.chat_id}/{action}"

    async def _act(self, action: str, **kwargs: Any) -> dict[str, Any]:
        data = await self.client.request("POST", self._path(action), **kwargs)
        self._mark = data.get("version", self._mark)
        return data

    # --- actions ---------------------------------------------------------------------------
    async def send(self, text: str, *, reply_to: int | None = None) -> dict[str, Any]:
        """Type a message (``/start payload`` gets its bot_command entity); returns
        ``{"update_id", "message"}``."""
        body: dict[str, Any] = {"from_id": self.id, "text": text}
        if reply_to is not None:
            body["reply_to_message_id"] = reply_to
        return await self._act("messages", json=body)

    async def start(self, payload: str | None = None) -> dict[str, Any]:
        """Open the bot through a deep link ``t.me/<bot>?start=<payload>``."""
        return await self._act("start", json={"from_id": self.id, "payload": payload})

    async def press(
        self,
        message: SandboxMessage | int,
        button_text: str | None = None,
        *,
        callback_data: str | None = None,
        forge: bool = False,
    ) -> str:
        """Press an inline button (by its text or callback_data); returns the query id."""
        message_id = message.message_id if isinstance(message, SandboxMessage) else message
        body: dict[str, Any] = {"from_id": self.id, "message_id": message_id, "forge": forge}
        if button_text is not None:
            body["button_text"] = button_text
        if callback_data is not None:
            body["callback_data"] = callback_data
        data = await self._act("press", json=body)
        return data["callback_query_id"]

    async def share_contact(self, phone_number: str, first_name: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"from_id": self.id, "phone_number": phone_number}
        if first_name:
            body["first_name"] = first_name
        return await self._act("contact", json=body)

    async def _upload(
        self, kind: str, file: str | Path | bytes, filename: str | None, caption: str | None
    ) -> dict[str, Any]:
        if isinstance(file, (str, Path)):
            path = Path(file)
            data, filename = path.read_bytes(), filename or path.name
        else:
            data, filename = file, filename or "file.bin"
        form = FormData()
        form.add_field("from_id", str(self.id))
        if caption:
            form.add_field("caption", caption)
        form.add_field("file", data, filename=filename)
        return await self._act(kind, data=form)

    async def send_document(
        self, file: str | Path | bytes, filename: str | None = None, caption: str | None = None
    ) -> dict[str, Any]:
        """Send a file as a document (a path, or bytes with ``filename``)."""
        return await self._upload("documents", file, filename, caption)

    async def send_video(
        self, file: str | Path | bytes, filename: str | None = None, caption: str | None = None
    ) -> dict[str, Any]:
        return await self._upload("videos", file, filename, caption)

    async def send_photo(
        self, file: str | Path | bytes, filename: str | None = None, caption: str | None = None
    ) -> dict[str, Any]:
        return await self._upload("photos", file, filename, caption)

    async def block(self) -> None:
        await self.client.request("POST", self._path("block"), json={"blocked": True})

    async def leave(self) -> None:
        """Leave this group chat (the admin chat, say): the bot then sees the user as "left"."""
        await self.client.request("POST", self._path("leave"), json={"from_id": self.id})

    async def delete(self, message: SandboxMessage | int) -> None:
        """Delete a message of this chat (one's own, say); the bot is not told, as in Telegram."""
        message_id = message.message_id if isinstance(message, SandboxMessage) else message
        await self._act("delete", json={"from_id": self.id, "message_id": message_id})

    async def unblock(self) -> None:
        await self.client.request("POST", self._path("block"), json={"blocked": False})

    # --- reading the chat ------------------------------------------------------------------
    async def transcript(self) -> list[SandboxMessage]:
        """Every message of the chat (refreshes the cache ``last_bot_message`` reads)."""
        await self._poll(-1, 0)
        return list(self._messages.values())

    async def _poll(self, since: int, timeout: float) -> None:
        version, messages = await self.client.transcript(self.chat_id, since, timeout)
        self._version = version
        self._messages = {m.message_id: m for m in messages}

    def last_bot_message(self) -> SandboxMessage | None:
        """The newest non-deleted bot message as of the last transcript fetch / wait."""
        bot = [m for m in self._messages.values() if m.from_bot and not m.deleted]
        return bot[-1] if bot else None

    async def mark(self) -> int:
        """Forget what is on screen: later ``wait_for`` calls only see newer changes."""
        await self._poll(-1, 0)
        self._mark = self._version
        return self._mark

    async def wait_for(
        self,
        predicate: Predicate | None = None,
        timeout: float = 10.0,
        *,
        since: int | None = None,
    ) -> SandboxMessage:
        """The newest bot message, new or changed since the last action, that matches.

        ``since`` overrides the baseline chat version (``since=-1``: the whole chat). A predicate
        that raises AttributeError/TypeError/KeyError/IndexError on a message counts as no match.
        Raises ``TimeoutError`` listing the last bot messages when nothing matches in time.
        """
        baseline = self._mark if since is None else since
        deadline = time.monotonic() + timeout
        seen = -1
        while True:
            found = self._match(predicate, baseline)
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await self._poll(seen, min(remaining, POLL_SLICE))
            seen = self._version
        recent = [m.summary() for m in self._messages.values() if m.from_bot][-5:]
        raise TimeoutError(
            f"no bot message in chat {self.chat_id} matched within {timeout}s "
            f"(changes after version {baseline}). Last bot messages:\n  "
            + "\n  ".join(recent or ["(none)"])
        )

    def _match(self, predicate: Predicate | None, baseline: int) -> SandboxMessage | None:
        for message in sorted(self._messages.values(), key=lambda m: -m.message_id):
            if not message.from_bot or message.deleted or message.version <= baseline:
                continue
            try:
                if predicate is None or predicate(message):
                    return message
            except (AttributeError, TypeError, KeyError, IndexError):
                # Messages differ in shape (no media, no buttons): such a message is no match.
                continue
        return None

    async def wait_for_answer(self, callback_query_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The bot's answerCallbackQuery for a press (polls until it arrives)."""
        deadline = time.monotonic() + timeout
        while True:
            answer = await self.client.callback_answer(callback_query_id)
            if answer is not None:
                return answer
            if time.monotonic() >= deadline:
                raise TimeoutError(f"callback query {callback_query_id} was not answered in {timeout}s")
            await self._poll(self._version, min(deadline - time.monotonic(), 1.0))

    async def wait_quiet(self, period: float = 0.3, timeout: float = 10.0) -> list[SandboxMessage]:
        """Wait until the chat has not changed for ``period`` seconds; returns the transcript."""
        deadline = time.monotonic() + timeout
        await self._poll(-1, 0)
        while time.monotonic() < deadline:
            before = self._version
            await self._poll(before, period)
            if self._version == before:
                break
        return list(self._messages.values())

    async def reply_keyboard(self) -> list[list[str]] | None:
        """The reply keyboard the bot last showed in this chat (None if removed / never)."""
        await self._poll(-1, 0)
        for message in reversed(list(self._messages.values())):
            if message.from_bot and message.reply_keyboard is not None:
                return message.reply_keyboard
            if message.from_bot and message.removes_keyboard:
                return None
        return None

    async def command_menu(self) -> dict[str, Any]:
        """The ``/`` menu this user sees in this chat: ``{"scope", "language_code", "commands"}``
        (resolved by Telegram's scope precedence and the user's language)."""
        return await self.client.request(
            "GET", self._path("commands"), params={"from_id": str(self.id)}
        )
