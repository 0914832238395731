"""The sandbox's test controls, as methods of `SandboxClient`: settings, the clock, faults,
figures, recorded calls and updates, and the transcript a `ChatUser` reads."""

from __future__ import annotations

from typing import Any

from sandbox.client_models import SandboxMessage


class SandboxControls:
    """Mixed into `SandboxClient`, which provides `request`."""

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        raise NotImplementedError

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
