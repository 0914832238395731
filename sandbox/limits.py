"""Telegram's size limits and rate limits (see /work/shared/TELEGRAM.md)."""

from __future__ import annotations

import math
import re
from collections import deque
from typing import Any

from sandbox.errors import bad_request, too_many_requests
from sandbox.models import Settings

MAX_TEXT = 4096  # characters after entity parsing (Telegram counts code points here)
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # UTF-8 bytes
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
MAX_COMMANDS = 100
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def check_text(text: str) -> None:
    """sendMessage / editMessageText text after parsing and trimming."""
    if not text:
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption(caption: str | None) -> None:
    if caption is not None and len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")


def check_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Validate a reply_markup object; returns it (or None) or raises 400."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("field \"keyboard\" must be an Array")
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else (button or {}).get("text")
                if not isinstance(text, str) or not text:
                    raise bad_request("BUTTON_TEXT_INVALID")
        return markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request("field \"inline_keyboard\" must be an Array of Arrays")
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse inline keyboard button: Text must be a String")
            actions = [key for key in _INLINE_ACTIONS if key in button]
            if not actions:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                    raise bad_request("BUTTON_URL_INVALID")


def check_commands(commands: Any) -> list[dict[str, str]]:
    """setMyCommands' list: ≤100 commands, names 1–32 of a-z0-9_, descriptions 1–256."""
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands")
    result = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand")
        command = item.get("command")
        description = item.get("description")
        if not isinstance(command, str) or not _COMMAND_NAME.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": command, "description": description})
    return result


class RateLimiter:
    """Sliding-window counters for send* calls, overall and per chat, on the sandbox clock.

    A send with ``allow_paid_broadcast`` is held to the paid limit (Telegram: 1000 a second)
    instead of the free one (30 a second); every send counts towards the paid limit, and the
    per-chat limits are the same for both."""

    def __init__(self) -> None:
        self._free: deque[float] = deque()  # sends without allow_paid_broadcast
        self._all: deque[float] = deque()  # every send, paid or not
        self._per_chat: dict[int, deque[float]] = {}

    def check(
        self, chat_id: int, now: float, settings: Settings, *, is_group: bool, paid: bool = False
    ) -> None:
        """Raise 429 if one more send into ``chat_id`` now would break a limit."""
        waits = [_wait(self._all, now, settings.paid_rate_limit, settings.paid_rate_window)]
        if not paid:
            waits.append(
                _wait(self._free, now, settings.global_rate_limit, settings.global_rate_window)
            )
        chat_log = self._per_chat.get(chat_id)
        if chat_log is not None:
            waits.append(_wait(chat_log, now, settings.chat_rate_limit, settings.chat_rate_window))
            if is_group:
                waits.append(
                    _wait(chat_log, now, settings.group_rate_limit, settings.group_rate_window)
                )
        longest = max(waits)
        if longest > 0:
            refusal = too_many_requests(math.ceil(longest))
            refusal.rate_limited = True
            raise refusal

    def record(self, chat_id: int, now: float, settings: Settings, *, paid: bool = False) -> None:
        """Count one send; entries older than the longest window are dropped."""
        horizon = now - max(
            settings.global_rate_window,
            settings.paid_rate_window,
            settings.chat_rate_window,
            settings.group_rate_window,
        )
        for log in (self._all,) if paid else (self._all, self._free):
            log.append(now)
            _prune(log, horizon)
        chat_log = self._per_chat.setdefault(chat_id, deque())
        chat_log.append(now)
        _prune(chat_log, horizon)


def _wait(log: deque[float], now: float, limit: int, window: float) -> float:
    """Seconds until one more event fits in ``limit`` per ``window``; 0 if it fits now."""
    if limit <= 0 or window <= 0 or len(log) < limit:
        return 0.0
    # The event that must leave the window before a new one fits (the log is in time order).
    oldest_that_counts = log[-limit]
    if oldest_that_counts <= now - window:
        return 0.0
    return oldest_that_counts + window - now


def _prune(log: deque[float], older_than: float) -> None:
    while log and log[0] <= older_than:
        log.popleft()
