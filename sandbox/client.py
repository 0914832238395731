"""An async test client for the sandbox's user side (``/sandbox/api``).

    async with SandboxClient(sandbox.url) as client:
        user = await client.new_user(first_name="Aru", language_code="ru")
        await user.send("/start")
        msg = await user.wait_for(lambda m: "Welcome" in m.text, timeout=10)
        await user.press(msg, "Next ▶")

``wait_for`` looks only at bot messages that are new or changed since the user's last action
(send / press / share / upload), so "the bot sends several messages after one action" is
handled by waiting for the one the predicate describes.

This module holds the connection and the people; the controls are in ``sandbox.client_controls``,
acting as a user in ``sandbox.client_chat_user``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import ClientSession

from sandbox.client_chat_user import ChatUser, Predicate
from sandbox.client_controls import SandboxControls
from sandbox.client_models import Button, MediaInfo, SandboxMessage

__all__ = ["Button", "ChatUser", "MediaInfo", "Predicate", "SandboxClient", "SandboxClientError", "SandboxMessage"]


class SandboxClientError(Exception):
    """The sandbox refused a user-side request."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class SandboxClient(SandboxControls):
    """The user side and the test controls (`SandboxControls`) of one sandbox, over HTTP."""

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

    async def download(self, file_id: str) -> bytes:
        """Bytes of a file stored in the sandbox."""
        if self._session is None:
            self._session = ClientSession()
        async with self._session.get(f"{self.base_url}/sandbox/files/{file_id}") as resp:
            if resp.status >= 400:
                raise SandboxClientError(resp.status, await resp.text())
            return await resp.read()
