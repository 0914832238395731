"""Everything the sandbox holds in memory, and the small operations on it."""

from __future__ import annotations

import random
import secrets
from collections import deque
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from sandbox.clock import SandboxClock
from sandbox.errors import CHAT_NOT_FOUND, bad_request
from sandbox.figures import SEND_METHODS, SendLog, SendRecord
from sandbox.limits import RateLimiter
from sandbox.models import (
    CallbackRecord,
    CallRecord,
    Chat,
    ChatMessage,
    Fault,
    RandomFault,
    SandboxUser,
    Settings,
    StoredFile,
)
from sandbox.updates import Notifier, UpdateQueue

DEFAULT_TOKEN = "123456:sandbox-token"
CALL_LOG_SIZE = 20_000


@dataclass
class WebhookConfig:
    """What setWebhook stored (url == "" means polling mode)."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class BotProfile:
    """The one bot the sandbox serves, and what it configured about itself."""

    id: int
    username: str
    first_name: str
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)  # language → description
    short_descriptions: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def get_me(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }


class SandboxState:
    """The sandbox's memory: bot, users, chats, files, updates, settings, faults, call log."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        clock: SandboxClock | None = None,
        *,
        settings: Settings | None = None,
        bot_username: str = "talimger_sandbox_bot",
        bot_first_name: str = "Talimger",
    ) -> None:
        self.token = token
        self.clock = clock or SandboxClock()
        self.settings = settings or Settings()
        bot_id = token.split(":", 1)[0]
        self.bot = BotProfile(
            id=int(bot_id) if bot_id.isdigit() else 123456,
            username=bot_username,
            first_name=bot_first_name,
        )
        self.users: dict[int, SandboxUser] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.updates = UpdateQueue()
        self.webhook = WebhookConfig()
        self.faults: list[Fault] = []
        self.random_faults: list[RandomFault] = []
        self.fault_random = random.Random(0)  # reseeded by POST /sandbox/api/faults/random {seed}
        self.sends = SendLog()  # every send* call, for the figures a test asks for
        self.calls: deque[CallRecord] = deque(maxlen=CALL_LOG_SIZE)
        self.rate = RateLimiter()
        self.closing = False  # set on shutdown so long polls return at once
        self._chat_notifiers: dict[int, Notifier] = {}
        # Counters kept as plain numbers so a saved sandbox resumes them (sandbox.persistence).
        self.next_number = 1  # file numbers and callback query ids
        self.next_user_id = 100_001
        self.next_group_id = -1_000_001
        # The group the browser page and `talimger run` treat as the bot's admin chat.
        self.admin_chat_id: int | None = None
        # Called after every change worth saving (set by a ``StateStore``; None keeps it in memory).
        self.on_change: Callable[[], None] | None = None

    def changed(self) -> None:
        """Something worth keeping changed (a saving sandbox writes it to disk soon)."""
        if self.on_change is not None:
            self.on_change()

    def take_number(self) -> int:
        number = self.next_number
        self.next_number += 1
        return number

    # --- time ------------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    # --- users and chats -------------------------------------------------------------------
    def add_user(self, first_name: str, user_id: int | None = None, **extra: Any) -> SandboxUser:
        """Create a user and their private chat (chat id == user id)."""
        if user_id is None:
            while self.next_user_id in self.users:
                self.next_user_id += 1
            user_id = self.next_user_id
            self.next_user_id += 1
        if user_id <= 0 or user_id in self.users:
            raise ValueError(f"user id {user_id} is taken or invalid")
        user = SandboxUser(id=user_id, first_name=first_name, **extra)
        self.users[user_id] = user
        self.chats[user_id] = Chat(id=user_id, type="private", user_id=user_id)
        self.changed()
        return user

    def add_group(
        self,
        title: str,
        member_ids: list[int],
        group_id: int | None = None,
        *,
        admin_ids: list[int] | None = None,
        chat_type: str = "group",
    ) -> Chat:
        """Create a group chat (negative id) with the given members."""
        if group_id is None:
            while self.next_group_id in self.chats:
                self.next_group_id -= 1
            group_id = self.next_group_id
        if group_id >= 0 or group_id in self.chats:
            raise ValueError(f"group id {group_id} is taken or not negative")
        unknown = [m for m in member_ids + (admin_ids or []) if m not in self.users]
        if unknown:
            raise ValueError(f"unknown member ids {unknown}")
        chat = Chat(
            id=group_id,
            type=chat_type,
            title=title,
            member_ids=list(member_ids),
            admin_ids=list(admin_ids or []),
        )
        self.chats[group_id] = chat
        self.changed()
        return chat

    def get_chat(self, chat_id: Any) -> Chat:
        """The chat for a Bot API ``chat_id`` or 400 "chat not found"."""
        if isinstance(chat_id, str):
            chat_id = chat_id.strip()
            if chat_id.lstrip("-").isdigit():
                chat_id = int(chat_id)
        if not isinstance(chat_id, int) or isinstance(chat_id, bool) or chat_id not in self.chats:
            raise bad_request(CHAT_NOT_FOUND)
        return self.chats[chat_id]

    # --- messages --------------------------------------------------------------------------
    def new_message(self, chat: Chat, *, from_bot: bool, sender_id: int, **fields: Any) -> ChatMessage:
        message = ChatMessage(
            message_id=chat.next_message_id,
            chat_id=chat.id,
            from_bot=from_bot,
            sender_id=sender_id,
            date=self.now(),
            **fields,
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        self.touch(chat, message)
        return message

    def touch(self, chat: Chat, message: ChatMessage | None = None) -> None:
        """Record a change in ``chat`` (bumps its version, wakes transcript long polls).

        Pass ``message`` only when its content changed (new, edited, deleted): its own
        version then marks it as changed for clients waiting on "what is new"."""
        chat.version += 1
        if message is not None:
            message.version = chat.version
        self.chat_notifier(chat.id).notify()
        self.changed()

    def chat_notifier(self, chat_id: int) -> Notifier:
        return self._chat_notifiers.setdefault(chat_id, Notifier())

    # --- files -----------------------------------------------------------------------------
    def add_file(self, kind: str, file_id: str | None = None, **fields: Any) -> StoredFile:
        """Register a file under a fresh (or the given, for placeholders) file_id."""
        number = self.take_number()
        if file_id is None:
            file_id = f"SBX{kind[:1].upper()}{number}_{secrets.token_urlsafe(12)}"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=f"U{number}{secrets.token_hex(4)}",
            kind=kind,
            **fields,
        )
        self.files[file_id] = stored
        self.changed()
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        file_id = path.split("/", 1)[-1].split(".", 1)[0]
        stored = self.files.get(file_id)
        return stored if stored is not None and stored.file_path == path else None

    # --- callback queries and updates ------------------------------------------------------
    def new_callback_id(self) -> str:
        # Telegram's ids are long decimal strings.
        return f"{self.bot.id}{self.take_number():06d}{secrets.randbelow(10**6):06d}"

    def enqueue(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update for the bot; returns its update_id."""
        update_id = self.updates.add(kind, payload, self.now()).update_id
        self.changed()
        return update_id

    # --- faults and the call log -----------------------------------------------------------
    def add_fault(self, fault: Fault) -> None:
        self.faults.append(fault)

    def take_fault(self, method: str) -> Fault | RandomFault | None:
        """The first queued fault for ``method`` (or "*"), used up by one call; else a random
        fault that matches and whose draw comes up."""
        name = method.lower()
        for fault in self.faults:
            if fault.count > 0 and fault.method in (name, "*"):
                fault.count -= 1
                if fault.count == 0:
                    self.faults.remove(fault)
                return fault
        for random_fault in self.random_faults:
            matches = random_fault.method in (name, "*") or (
                random_fault.method == "send*" and name in SEND_METHODS
            )
            if matches and self.fault_random.random() < random_fault.probability:
                random_fault.hits += 1
                return random_fault
        return None

    def log_call(
        self,
        method: str,
        params: dict[str, Any],
        status: int,
        description: str | None,
        *,
        rate_limited: bool = False,
        at: float | None = None,
    ) -> None:
        now = self.now() if at is None else at
        self.calls.append(CallRecord(method, params, status, description, now))
        if method.lower() in SEND_METHODS:
            self.sends.add(SendRecord(method, _chat_id(params.get("chat_id")), now, status,
                                      _truthy(params.get("allow_paid_broadcast")), rate_limited))

    def shutdown(self) -> None:
        """Wake every long poll so the server can stop quickly."""
        self.closing = True
        self.updates.notifier.notify()
        for notifier in self._chat_notifiers.values():
            notifier.notify()


def _chat_id(raw: Any) -> int | None:
    """A send's chat_id as a number (Bot API clients may send it as a string)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    return None


def _truthy(raw: Any) -> bool:
    return raw is True or (isinstance(raw, str) and raw.strip().lower() in ("true", "1"))
