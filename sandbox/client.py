"""An async test client for the sandbox's user side (``/sandbox/api``).

    async with SandboxClient(sandbox.url) as client:
        user = await client.new_user(first_name="Aru", language_code="ru")
        await user.send("/start")
        msg = await user.wait_for(lambda m: "Welcome" in m.text, timeout=10)
        await user.press(msg, "Next ▶")

``wait_for`` looks only at bot messages that are new or changed since the user's last action
(send / press / share / upload), so "the bot sends several messages after one action" is
handled by waiting for the one the predicate describes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, FormData

from sandbox.client_models import Button, MediaInfo, SandboxMessage

__all__ = ["Button", "ChatUser", "MediaInfo", "SandboxClient", "SandboxClientError", "SandboxMessage"]

Predicate = Callable[[SandboxMessage], bool]
POLL_SLICE = 10.0  # seconds per transcript long poll


class SandboxClientError(Exception):
    """The sandbox refused a user-side request."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class SandboxClient:
    """The user side and the test controls of one sandbox, over HTTP."""

    def __init__(self, base_url: str, *, session: ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._own_session = session is None

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """JSON answer of ``method path`` or ``SandboxClientError``."""
        if self._session is None:
            self._session = ClientSession()
        async with self._session.request(method, self.base_url + path, **kwargs) as resp:
            data = await resp.json(content_type=None)
            if resp.status >= 400:
                message = data.get("error") if isinstance(data, dict) else data
                raise SandboxClientError(resp.status, str(message))
            return data

    # --- people ----------------------------------------------------------------------------
    async def new_user(
        self,
        first_name: str = "Learner",
        *,
        id: int | None = None,  # noqa: A002 - mirrors the API field
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> ChatUser:
        """Create a user (and their private chat) and return a handle to act as them."""
        body = {
            k: v
            for k, v in dict(
                id=id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            ).items()
            if v is not None
        }
        data = await self.request("POST", "/sandbox/api/users", json=body)
        return ChatUser(self, data["id"], data["first_name"], data["id"])

    async def new_users(
        self,
        count: int,
        *,
        first_name: str = "Learner",
        language_codes: list[str] | None = None,
        blocked: int = 0,
        seed: int = 0,
    ) -> list[dict[str, Any]]:
        """Create ``count`` users with private chats in one request; ``blocked`` of them (picked
        by ``seed``) have blocked the bot. Each: ``{id, first_name, language_code?, blocked}``;
        act as one with ``client.user(item["id"])``."""
        body: dict[str, Any] = {"count": count, "first_name": first_name, "blocked": blocked, "seed": seed}
        if language_codes:
            body["language_codes"] = language_codes
        data = await self.request("POST", "/sandbox/api/users/bulk", json=body)
        return data["users"]

    def user(self, user_id: int, chat_id: int | None = None) -> ChatUser:
        """A handle for an existing user (no request made)."""
        return ChatUser(self, user_id, "", chat_id if chat_id is not None else user_id)

    async def users(self) -> list[dict[str, Any]]:
        return await self.request("GET", "/sandbox/api/users")

    async def new_group(
        self,
        title: str,
        members: list[ChatUser | int],
        *,
        admins: list[ChatUser | int] | None = None,
        id: int | None = None,  # noqa: A002
        type: str = "group",  # noqa: A002
    ) -> dict[str, Any]:
        """Create a group chat; act in it with ``user.in_chat(group["id"])``."""
        ids = [m.id if isinstance(m, ChatUser) else m for m in members]
        admin_ids = [a.id if isinstance(a, ChatUser) else a for a in admins or []]
        body: dict[str, Any] = {"title": title, "member_ids": ids, "admin_ids": admin_ids, "type": type}
        if id is not None:
            body["id"] = id
        return await self.request("POST", "/sandbox/api/groups", json=body)

    # --- controls --------------------------------------------------------------------------
    async def settings(self, **changes: Any) -> dict[str, Any]:
        """Read the settings, or change some (``rate_limits_enabled=True``, ...)."""
        if not changes:
            return await self.request("GET", "/sandbox/api/settings")
        return await self.request("POST", "/sandbox/api/settings", json=changes)

    async def advance_clock(self, seconds: float) -> float:
        """Move the sandbox clock forward; returns the new sandbox time."""
        data = await self.request("POST", "/sandbox/api/clock", json={"advance": seconds})
        return data["now"]

    async def inject_fault(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        *,
        count: int = 1,
        retry_after: int | None = None,
    ) -> list[dict[str, Any]]:
        """Make the next ``count`` calls of ``method`` ("*" = any) fail."""
        body: dict[str, Any] = {"method": method, "error_code": error_code, "count": count}
        if description is not None:
            body["description"] = description
        if retry_after is not None:
            body["retry_after"] = retry_after
        return await self.request("POST", "/sandbox/api/faults", json=body)

    async def clear_faults(self) -> None:
        """Remove queued and random faults."""
        await self.request("DELETE", "/sandbox/api/faults")

    async def random_fault(
        self,
        method: str,
        error_code: int,
        probability: float,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        seed: int | None = None,
    ) -> list[dict[str, Any]]:
        """Fail each call of ``method`` ("*" any, "send*" every send method) with this
        probability until cleared; ``seed`` makes the draws repeatable. 429 defaults to
        retry_after 1. Returns the random faults in force (with ``hits`` so far)."""
        body: dict[str, Any] = {"method": method, "error_code": error_code, "probability": probability}
        for key, value in (("retry_after", retry_after), ("description", description), ("seed", seed)):
            if value is not None:
                body[key] = value
        return await self.request("POST", "/sandbox/api/faults/random", json=body)

    async def random_faults(self) -> list[dict[str, Any]]:
        return await self.request("GET", "/sandbox/api/faults/random")

    async def figures(self, window: float = 1.0) -> dict[str, Any]:
        """Figures over every send* call since the start or ``clear_figures``: ``sent``,
        ``max_in_window`` {overall, free, paid, into_one_chat, busiest_chat} (successful sends
        in any ``window`` seconds), ``per_outcome`` {status: calls}, ``per_method`` {method:
        {status: calls}}, ``per_chat`` {chat id: messages received}, ``first_sent_at`` /
        ``last_sent_at`` (sandbox clock)."""
        return await self.request("GET", "/sandbox/api/figures", params={"window": str(window)})

    async def clear_figures(self) -> None:
        await self.request("DELETE", "/sandbox/api/figures")

    async def redeliver(self, update_id: int) -> dict[str, Any]:
        return await self.request("POST", f"/sandbox/api/updates/{update_id}/redeliver")

    async def pending_updates(self) -> list[dict[str, Any]]:
        return await self.request("GET", "/sandbox/api/updates")

    async def bot_info(self) -> dict[str, Any]:
        return await self.request("GET", "/sandbox/api/bot")

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Bot API calls the bot made (optionally of one method), oldest first."""
        params = {"method": method} if method else {}
        return await self.request("GET", "/sandbox/api/calls", params=params)

    async def clear_calls(self) -> None:
        await self.request("DELETE", "/sandbox/api/calls")

    async def callback_answer(self, callback_query_id: str) -> dict[str, Any] | None:
        """What the bot answered to a press (text, show_alert, ...) or None yet."""
        return await self.request("GET", f"/sandbox/api/callback_answers/{callback_query_id}")

    async def transcript(
        self, chat_id: int, since_version: int = -1, timeout: float = 0
    ) -> tuple[int, list[SandboxMessage]]:
        """(version, messages) of a chat; long-polls while version <= since_version."""
        params = {"since_version": str(since_version), "timeout": str(timeout)}
        data = await self.request("GET", f"/sandbox/api/chats/{chat_id}/transcript", params=params)
        return data["version"], [SandboxMessage.from_transcript(m) for m in data["messages"]]

    async def download(self, file_id: str) -> bytes:
        """Bytes of a file stored in the sandbox."""
        if self._session is None:
            self._session = ClientSession()
        async with self._session.get(f"{self.base_url}/sandbox/files/{file_id}") as resp:
            if resp.status >= 400:
                raise SandboxClientError(resp.status, await resp.text())
            return await resp.read()


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
