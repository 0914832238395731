"""Per-update plumbing: one unit of work, applied once, for a known user, in their language.

Order on the dispatcher (bot/dispatcher.py): UnitOfWorkMiddleware → aiogram's FSM → PresenterMiddleware."""
from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import Chat, TelegramObject, Update, User as TelegramUser
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n.middleware import I18nMiddleware

from bot.db.repositories.users import UpdateContext
from bot.db.sqlite_one_hop import statements_on_loop
from bot.db.uow import UnitOfWork, UnitOfWorkFactory
from bot.media_store import MediaStore
from bot.services.clock import Clock
from bot.services.registry import Services
from bot.services.users import TelegramIdentity, locale_from_telegram
from bot.telegram.commit_before_send import current_uow
from bot.telegram.course_alerts import CourseAlerts
from bot.telegram.fsm_storage import fsm_key
from bot.telegram.media import MediaResolver
from bot.telegram.presenter import Presenter

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UnitOfWorkMiddleware(BaseMiddleware):
    """Opens the update's unit of work, skips re-delivered updates, commits once at the end.

    The update id is claimed in the same transaction as the handler's writes: if the
    process dies before the commit, the re-delivered update is applied then, once.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, rng: random.Random, default_locale: str,
                 owner_ids: frozenset[int] = frozenset(), state_keys: FSMContextMiddleware | None = None) -> None:
        self._owner_ids = owner_ids
        # Set when the conversation state lives in the database: its row is read with the user's.
        self._state_keys = state_keys
        self._uow_factory = uow_factory
        self._clock = clock
        self._rng = rng
        self._default_locale = default_locale

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        async with self._uow_factory() as uow:
            await uow.begin_write()
            with statements_on_loop():  # one row, by its key
                claimed = await uow.updates.claim(event.update_id, self._clock.now())
            if not claimed:
                log.info("update %s was applied before; skipping the re-delivery", event.update_id)
                return None
            services = Services(uow, self._clock, self._rng, self._default_locale, self._owner_ids)
            data["uow"] = uow
            data["services"] = services
            telegram_user: TelegramUser | None = data.get("event_from_user")
            if telegram_user is not None and not telegram_user.is_bot:
                # Held while the user service runs: the session keeps rows only while someone refers to them.
                sender = await self._read_sender(uow, telegram_user.id, data)
                user = await services.users.seen(
                    TelegramIdentity(telegram_user.id, telegram_user.first_name, telegram_user.last_name,
                                     telegram_user.username, telegram_user.language_code)
                )
                data["user"] = user
                del sender
                data["locale"] = services.users.locale_of(user)
            token = current_uow.set(uow)  # aiogram's FSM, next in line, reads the state in this same transaction
            try:
                result = await handler(event, data)
            except Exception:
                await uow.rollback()
                raise
            finally:
                current_uow.reset(token)
            await uow.commit()
            return result


    async def _read_sender(self, uow: UnitOfWork, user_id: int, data: dict[str, Any]) -> UpdateContext:
        """The user's row, their conversation state and whether they hold a staff role, in one
        statement; the user service, aiogram's FSM and the staff filters then find them read."""
        key = None
        if self._state_keys is not None:
            context = self._state_keys.resolve_event_context(data["bot"], data)
            key = fsm_key(context.key) if context is not None else None
        with statements_on_loop():  # one row by its key, at most one of each joined table
            read = await uow.users.get_for_update(user_id, key)
        if read.user is None:
            return read  # a new user: each part is read (and written) on its own, as before
        if key is not None:
            uow.fsm_states.remember(key, read.state)
        if not read.holds_a_role:
            uow.staff.remember_no_roles(user_id)
        return read


class LearnerStatementsOnLoop(BaseMiddleware):
    """A learner's handler reads and writes a few rows of that learner's own: those of its SQLite
    statements that cannot wait for a lock run on the event loop's thread, without a hop to
    aiosqlite's (bot/db/sqlite_one_hop.py). Not for the staff's handlers: their reports read
    whole courses."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        with statements_on_loop():
            return await handler(event, data)


class PresenterMiddleware(BaseMiddleware):
    """The chat's presenter, in the user's language; after aiogram's FSM middleware, so a message
    that asks for typed input can set the conversation state it awaits."""

    def __init__(self, clock: Clock, default_locale: str, public_base_url: str, issuer: str = "Talimger",
                 alerts: CourseAlerts | None = None, media_store: MediaStore | None = None) -> None:
        self._clock = clock
        self._default_locale = default_locale
        self._public_base_url = public_base_url
        self._issuer = issuer
        self._alerts = alerts
        self._media_store = media_store

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is not None:
            data["presenter"] = Presenter(data["bot"], chat.id, data.get("locale", self._default_locale),
                                          MediaResolver(data["uow"], self._clock, self._media_store),
                                          self._public_base_url, self._issuer, self._alerts,
                                          conversation=data.get("state"))
        return await handler(event, data)


class UserLocaleMiddleware(I18nMiddleware):
    """The learner's chosen language, else Telegram's language_code, else the default."""

    def __init__(self, i18n: I18n, default_locale: str) -> None:
        super().__init__(i18n)
        self._default_locale = default_locale

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        # Resolved by UnitOfWorkMiddleware while the user row is at hand; an error
        # handler runs after a rollback and must not touch expired rows. Without it (the
        # database failed before the row was read) Telegram's language_code still speaks.
        if locale := data.get("locale"):
            return str(locale)
        telegram_user: TelegramUser | None = data.get("event_from_user")
        return locale_from_telegram(telegram_user.language_code if telegram_user else None, self._default_locale)
