"""Plain records the sandbox keeps in memory: users, chats, messages, files, settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class Settings:
    """Switches a test flips through ``/sandbox/api/settings``.

    Rate windows are measured on the sandbox clock (so tests advance it instead of sleeping).
    """

    rate_limits_enabled: bool = False
    global_rate_limit: int = 30  # send* calls overall ...
    global_rate_window: float = 1.0  # ... per this many seconds
    paid_rate_limit: int = 1000  # send* calls overall with allow_paid_broadcast (every send counts)
    paid_rate_window: float = 1.0
    chat_rate_limit: int = 1  # send* calls into one chat ...
    chat_rate_window: float = 1.0  # ... per this many seconds
    group_rate_limit: int = 20  # extra limit for group chats (Telegram: 20 per minute)
    group_rate_window: float = 60.0
    callback_query_ttl: float = 900.0  # seconds a callback query can still be answered
    strict_file_ids: bool = False  # unknown file_id → 400 instead of a placeholder
    max_upload_bytes: int = 50 * 1024 * 1024
    max_download_bytes: int = 20 * 1024 * 1024
    update_ttl: float = 24 * 3600.0  # Telegram keeps undelivered updates for 24 hours
    # Seconds a send* call takes to answer after its message is in the chat (network and
    # Telegram's own latency): a bot killed meanwhile sent the message but never learnt it.
    send_latency: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update; unknown keys or wrong types raise ``ValueError``."""
        known = {f.name: f for f in fields(self)}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown setting {key!r}")
            current = getattr(self, key)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{key} must be true or false")
            elif isinstance(current, (int, float)):
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ValueError(f"{key} must be a non-negative number")
                value = type(current)(value)
            setattr(self, key, value)


@dataclass
class SandboxUser:
    """A human on the user side."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass
class StoredFile:
    """A file the sandbox knows: uploaded bytes, a URL it could not fetch, or a placeholder."""

    file_id: str
    file_unique_id: str
    kind: str  # photo | video | document
    data: bytes | None = None
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None  # sent by http(s) URL (not downloadable offline)
    external: bool = False  # a file_id the sandbox did not issue
    width: int | None = None
    height: int | None = None
    duration: int | None = None

    @property
    def size(self) -> int | None:
        return len(self.data) if self.data is not None else None

    @property
    def file_path(self) -> str:
        """Path for ``/file/bot<token>/<path>``, shaped like Telegram's (``documents/file_3.pdf``)."""
        suffix = ""
        if self.file_name and "." in self.file_name:
            suffix = "." + self.file_name.rsplit(".", 1)[1]
        elif self.kind == "photo":
            suffix = ".jpg"
        return f"{self.kind}s/{self.file_id}{suffix}"


@dataclass
class Media:
    """The media part of a message."""

    file: StoredFile
    kind: str


@dataclass
class CallbackRecord:
    """A button press and what the bot answered."""

    id: str
    chat_id: int
    message_id: int
    from_id: int
    data: str | None
    created: float
    forged: bool = False
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class ChatMessage:
    """One message in a chat, as the sandbox remembers it (user's or bot's)."""

    message_id: int
    chat_id: int
    from_bot: bool
    sender_id: int
    date: float
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    media: Media | None = None
    reply_markup: dict[str, Any] | None = None  # as sent (inline or reply keyboard)
    contact: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    edited: int = 0
    edit_date: float | None = None
    deleted: bool = False
    version: int = 0  # chat version at which this message last changed
    callback_ids: list[str] = field(default_factory=list)

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            return self.reply_markup["inline_keyboard"]
        return []


@dataclass
class Chat:
    """A private chat (id == user id) or a group (negative id)."""

    id: int
    type: str  # private | group | supergroup
    title: str | None = None
    user_id: int | None = None  # the other side of a private chat
    member_ids: list[int] = field(default_factory=list)
    admin_ids: list[int] = field(default_factory=list)
    blocked: bool = False  # the user blocked the bot (private chats)
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    next_message_id: int = 1
    version: int = 0


@dataclass
class Fault:
    """"The next ``count`` calls of ``method`` fail with ``error_code``/``description``"."""

    method: str  # lower-cased method name, or "*" for any
    error_code: int
    description: str
    count: int = 1
    retry_after: int | None = None


@dataclass
class RandomFault:
    """"Each call of ``method`` fails with ``error_code`` with this ``probability``" — until removed.

    ``method`` is a lower-cased method name, "*" for any, or "send*" for the send methods
    (sendMessage, sendPhoto, sendVideo, sendDocument, copyMessage). The draws come from the
    sandbox's seeded random generator, so a run with the same seed and the same calls fails the
    same calls."""

    method: str
    error_code: int
    description: str
    probability: float
    retry_after: int | None = None
    hits: int = 0  # calls this fault failed so far


@dataclass
class CallRecord:
    """One Bot API call the bot made, for test assertions."""

    method: str
    params: dict[str, Any]
    status: int
    description: str | None
    time: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
