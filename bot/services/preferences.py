"""/settings: which reminders a learner gets, their quiet hours and time zone."""
from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.db.models import User
from bot.db.uow import UnitOfWork
from bot.services.clock import Clock
from bot.services.quiet_hours import QuietHours
from bot.services.reminder_views import NoticeKind, SettingsView
from bot.services.views import AttemptResult

# Offered as buttons; "course" means the course's own setting.
QUIET_HOURS_CHOICES = ("22:00-08:00", "23:00-07:00", "21:00-09:00", "00:00-06:00", "off")
TIME_ZONE_CHOICES = ("Asia/Almaty", "Asia/Aqtobe", "Europe/Moscow", "Europe/Istanbul", "Europe/Berlin",
                     "Europe/London", "America/New_York", "UTC")
COURSE_DEFAULT = "course"
DEFAULT_ZONE = "UTC"
DEFAULT_QUIET = "22:00-08:00"

_TOGGLES = {NoticeKind.NEW_WEEK: "remind_new_week", NoticeKind.STALLED: "remind_stalled",
            NoticeKind.RETRY: "remind_retry"}


class PreferencesService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def view(self, user_id: int) -> SettingsView:
        user = await self._user(user_id)
        course_zone, course_quiet = await self._course_defaults(user_id)
        zone = user.timezone or course_zone
        quiet = QuietHours.parse(user.quiet_hours or course_quiet)
        return SettingsView(user.remind_new_week, user.remind_stalled, user.remind_retry,
                            str(quiet) if quiet else None, zone, user.timezone is None,
                            self._clock.now().astimezone(ZoneInfo(zone)), user.announcements)

    async def toggle(self, user_id: int, kind: NoticeKind) -> bool:
        """Turn one kind of reminder on or off; returns the new value."""
        user = await self._user(user_id)
        column = _TOGGLES[kind]
        value = not getattr(user, column)
        setattr(user, column, value)
        await self._replan(user_id)
        return value

    async def toggle_announcements(self, user_id: int) -> bool:
        """Opt out of the coordinators' announcements, or back in; returns the new value. Broadcasts
        read it when they pick their recipients; reminders do not depend on it. Opting out also drops
        the copies of broadcasts already queued for them (a scheduled one, or one still sending)."""
        user = await self._user(user_id)
        user.announcements = not user.announcements
        if not user.announcements:
            await self._uow.broadcast_audience.cancel_unsent_to(user_id)
        return user.announcements

    async def set_quiet_hours(self, user_id: int, choice: str) -> bool:
        """One of QUIET_HOURS_CHOICES, or COURSE_DEFAULT; False for anything else (a forged press)."""
        if choice != COURSE_DEFAULT and choice not in QUIET_HOURS_CHOICES:
            return False
        (await self._user(user_id)).quiet_hours = None if choice == COURSE_DEFAULT else choice
        await self._replan(user_id)
        return True

    async def set_time_zone(self, user_id: int, choice: str) -> bool:
        """One of TIME_ZONE_CHOICES, or COURSE_DEFAULT; False for anything else (a forged press:
        "Factory", "right/UTC" and "posix/…" are zone files too, but no learner's zone)."""
        if choice != COURSE_DEFAULT and choice not in TIME_ZONE_CHOICES:
            return False
        (await self._user(user_id)).timezone = None if choice == COURSE_DEFAULT else choice
        await self._replan(user_id)
        return True

    async def offer_zone_once(self, user_id: int, result: AttemptResult) -> AttemptResult:
        """A result that shows a time (the retake moment, the next lecture's opening) offers to
        change the time zone the first time, to a learner still on the course's zone; once."""
        if result.retry_at is None and result.next_opens_at is None:
            return result
        user = await self._user(user_id)
        if user.timezone is not None or user.zone_offered_at is not None:
            return result
        user.zone_offered_at = self._clock.now()
        return replace(result, offer_zone=True)

    async def _replan(self, user_id: int) -> None:
        # Anything may now be due earlier (a kind turned on, a shorter night): the next
        # sweep looks at the learner and plans from the new settings.
        await self._uow.session.flush()
        await self._uow.reminders.wake_user(user_id, self._clock.now())

    async def _user(self, user_id: int) -> User:
        user = await self._uow.users.get(user_id)
        assert user is not None, "the middleware creates the user before any handler runs"
        return user

    async def _course_defaults(self, user_id: int) -> tuple[str, str]:
        """The time zone and quiet hours of the learner's current course (defaults before one)."""
        enrolment = await self._uow.enrolments.latest_for_user(user_id)
        version = await self._uow.courses.version(enrolment.version_id) if enrolment else None
        if version is None:
            return DEFAULT_ZONE, DEFAULT_QUIET
        return version.timezone, version.quiet_hours
