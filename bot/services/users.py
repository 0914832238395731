"""Who the learner is: their record, language and profile."""
from __future__ import annotations

import re
from datetime import timedelta
from dataclasses import dataclass

from bot.config import SUPPORTED_LOCALES
from bot.db.models import User
from bot.db.uow import UnitOfWork
from bot.services.clock import Clock
from bot.services.names import telegram_name
from bot.services.names import NameProblem, NameRefused, checked_name, clean_name
from bot.services.views import ProfileView

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$")
SEEN_PRECISION = timedelta(minutes=1)


class ProfileError(ValueError):
    """The value cannot be stored; `.field` says which, and for a name `.problem` says why."""

    def __init__(self, field: str, problem: NameProblem | None = None) -> None:
        super().__init__(field)
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class TelegramIdentity:
    user_id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None


def locale_from_telegram(language_code: str | None, default: str) -> str:
    """Telegram's `language_code` ("ru", "kk", "en-US") mapped onto our three languages."""
    if not language_code:
        return default
    base = language_code.lower().replace("_", "-").split("-")[0]
    if base == "kz":  # seen in the wild for Kazakh
        base = "kk"
    return base if base in SUPPORTED_LOCALES else default


def normalize_name(raw: str) -> str:
    """The same rule as the certificate's (bot/services/names.py), as a profile error."""
    try:
        return clean_name(raw)
    except NameRefused as refused:
        raise ProfileError("name", refused.problem) from refused


def normalize_email(raw: str) -> str:
    email = raw.strip()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise ProfileError("email")
    local, _, domain = email.partition("@")
    return f"{local}@{domain.lower()}"


def normalize_phone(raw: str) -> str:
    digits = "".join(char for char in raw if char.isdigit())
    if not 7 <= len(digits) <= 15:
        raise ProfileError("phone")
    return "+" + digits


class UserService:
    def __init__(self, uow: UnitOfWork, clock: Clock, default_locale: str = "en") -> None:
        self._uow = uow
        self._clock = clock
        self._default_locale = default_locale

    async def seen(self, identity: TelegramIdentity) -> User:
        """Create or refresh the user; writing to the bot again makes a blocked user active."""
        now = self._clock.now()
        user = await self._uow.users.get(identity.user_id)
        if user is None:
            return await self._uow.users.add_unless_present(
                identity.user_id, first_name=identity.first_name, last_name=identity.last_name,
                username=identity.username, telegram_language=identity.language_code,
                is_active=True, created_at=now, last_seen_at=now)
        # Only what changed is set: setting an attribute, even to its value, makes the session
        # flush the row's history before the update's next statement (issue 12: a twentieth of a
        # quiz answer's CPU, for no write).
        for name, value in (("first_name", identity.first_name), ("last_name", identity.last_name),
                            ("username", identity.username), ("telegram_language", identity.language_code)):
            if getattr(user, name) != value:
                setattr(user, name, value)
        if not user.is_active:
            # They blocked the bot and now write again: reminders resume (the sweep plans them).
            user.is_active = True
            await self._uow.reminders.wake_user(user.id, now)
        # A minute's precision is enough for "last seen" and saves a write per update.
        if now - user.last_seen_at >= SEEN_PRECISION:
            user.last_seen_at = now
        return user

    async def get(self, user_id: int) -> User | None:
        return await self._uow.users.get(user_id)

    def locale_of(self, user: User) -> str:
        return user.locale or locale_from_telegram(user.telegram_language, self._default_locale)

    async def set_locale(self, user_id: int, locale: str) -> bool:
        user = await self._uow.users.get(user_id)
        if user is None or locale not in SUPPORTED_LOCALES:
            return False
        user.locale = locale
        return True

    async def profile(self, user_id: int) -> ProfileView:
        user = await self._uow.users.get(user_id)
        assert user is not None
        # The Telegram name stands in only if the name rule would print it: a card never shows
        # markup, direction overrides or blank "names" as the learner's name.
        shown = checked_name(telegram_name(user))
        return ProfileView(user.full_name, shown if isinstance(shown, str) else "", user.phone, user.email)

    async def update_profile(self, user_id: int, field: str, raw: str) -> str:
        """Validate and store one profile field; raises ProfileError and stores nothing if invalid."""
        normalizers = {"name": normalize_name, "email": normalize_email, "phone": normalize_phone}
        value = normalizers[field](raw)
        user = await self._uow.users.get(user_id)
        assert user is not None
        setattr(user, {"name": "full_name"}.get(field, field), value)
        return value

    async def remember_course_link(self, user_id: int, slug: str | None) -> None:
        user = await self._uow.users.get(user_id)
        if user is not None:
            user.pending_course_slug = slug
