"""Broadcasts: a coordinator's announcement to an audience of learners, sent through the outbox.

Confirming creates the broadcast row and one outbox delivery per recipient in the caller's unit
of work (the update's commit), so a broadcast is either wholly queued or not at all. Each
learner gets the version in their language, else the default one. Pause, resume and cancel are
one UPDATE of the broadcast's state, which every sender sees at its next group of sends.
Payloads are plain dicts built by the Telegram side (bot/telegram/outbox_payloads.py)."""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from bot.db.repositories.broadcast_audience import CourseChoice
from bot.db.repositories.broadcasts import CANCELLED, DONE, PAUSED, SCHEDULED, SENDING
from bot.db.repositories.outbox import NewDelivery
from bot.db.uow import UnitOfWork
from bot.services.broadcast_audience import Audience, AudienceCount, select_audience
from bot.services.clock import Clock
from bot.services.staff import Role, StaffService

BROADCAST_KIND = "broadcast"
# Bot API, sendMessage/copyMessage `allow_paid_broadcast`: "Pass True to allow up to 1000 messages per
# second, ignoring broadcasting limits for a fee of 0.1 Telegram Stars per message. The relevant Stars
# will be withdrawn from the bot's balance" (https://core.telegram.org/bots/api#sendmessage; the same
# text in aiogram's SendMessage.allow_paid_broadcast). TELEGRAM.md: 1000/s paid vs about 30/s free.
STARS_PER_PAID_MESSAGE = 0.1
FREE_RATE, PAID_RATE = 30, 1000  # messages a second, for the ETA
FINAL_STATES = (DONE, CANCELLED)
# Telegram's answer to copyMessage when the coordinator deleted the original before it was copied.
SOURCE_GONE = "message to copy not found"


@dataclass(frozen=True)
class SourceGone:
    """A broadcast paused because its original message was deleted: whom to tell, and its figures."""

    broadcast_id: int
    chat_id: int
    message_id: int | None
    locale: str | None
    figures: BroadcastFigures


class BroadcastProblem(enum.Enum):
    COURSE_NOT_YOURS = "course_not_yours"
    NOBODY = "nobody"
    NOT_FOUND = "not_found"
    NOT_YOURS = "not_yours"
    TOO_LATE = "too_late"  # already done or cancelled, or already in the asked state
    IN_THE_PAST = "in_the_past"
    ALREADY_QUEUED = "already_queued"  # the same draft confirmed twice (a double press)


class BroadcastRefused(Exception):
    def __init__(self, problem: BroadcastProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class BroadcastMessage:
    """The default version and the per-language ones (locale → payload)."""

    default: dict[str, Any]
    versions: dict[str, dict[str, Any]]

    def for_locale(self, locale: str) -> dict[str, Any]:
        return self.versions.get(locale, self.default)


@dataclass(frozen=True)
class CreatedBroadcast:
    broadcast_id: int
    recipients: int
    opted_out: int
    state: str
    send_at: datetime


@dataclass(frozen=True)
class BroadcastFigures:
    """A broadcast as /broadcasts and the progress message show it."""

    broadcast_id: int
    state: str
    audience: Audience
    course_slug: str | None
    created_at: datetime
    send_at: datetime
    finished_at: datetime | None
    paid: bool
    recipients: int
    opted_out: int
    sent: int
    failed: int
    blocked: int
    cancelled: int
    remaining: int  # pending or in flight
    unknown: int = 0  # in flight when a sender died: maybe delivered, never sent again

    @property
    def settled(self) -> int:
        return self.sent + self.failed + self.blocked + self.cancelled

    def eta_seconds(self, now: datetime) -> int:
        """At the pace seen so far (429s, retries and pauses included), never faster than the
        sender's own pace (30/s, paid 1000/s)."""
        rate = float(PAID_RATE if self.paid else FREE_RATE)
        elapsed = (now - self.send_at).total_seconds()
        if self.settled and elapsed >= 1:
            rate = min(rate, self.settled / elapsed)
        return math.ceil(self.remaining / rate)


_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M")


def parse_local_time(text: str, zone: str) -> datetime | None:
    """"2026-03-09 09:05" or "09.03.2026 09:05", a wall-clock time in `zone`, as an aware UTC moment."""
    cleaned = " ".join(text.split())
    for pattern in _TIME_FORMATS:
        try:
            local = datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
        return local.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
    return None


def time_example(now: datetime, zone: str) -> str:
    """Tomorrow at 09:00 in `zone`, typed the way parse_local_time reads it."""
    local = now.astimezone(ZoneInfo(zone)) + timedelta(days=1)
    return local.strftime("%Y-%m-%d") + " 09:00"


def estimated_stars(recipients: int) -> float:
    """What a paid broadcast costs at most: every message at the paid price."""
    return round(recipients * STARS_PER_PAID_MESSAGE, 1)


class BroadcastService:
    def __init__(self, uow: UnitOfWork, clock: Clock, staff: StaffService, default_locale: str) -> None:
        self._uow = uow
        self._clock = clock
        self._staff = staff
        self._default_locale = default_locale

    # -- what the coordinator may reach -----------------------------------------------------

    async def scope(self, user_id: int) -> frozenset[int] | None:
        """The courses whose learners the coordinator may reach; None: every course."""
        return await self._staff.course_ids_of(user_id, Role.COORDINATOR)

    async def courses(self, user_id: int) -> list[CourseChoice]:
        return await self._uow.broadcast_audience.courses(await self.scope(user_id))

    async def course(self, user_id: int, course_id: int) -> CourseChoice:
        """One course the coordinator may reach (a forged or foreign id is refused)."""
        found = [course for course in await self.courses(user_id) if course.course_id == course_id]
        if not found:
            raise BroadcastRefused(BroadcastProblem.COURSE_NOT_YOURS)
        return found[0]

    async def settle_course(self, user_id: int, audience: Audience) -> Audience:
        """A coordinator of one course always broadcasts within it; another course is refused."""
        scope = await self.scope(user_id)
        if audience.course_id is not None:
            await self.course(user_id, audience.course_id)
            return audience
        if scope is not None and len(scope) == 1:
            return Audience(audience.kind, next(iter(scope)), audience.language, audience.days)
        return audience

    async def count(self, user_id: int, audience: Audience) -> AudienceCount:
        audience = await self.settle_course(user_id, audience)
        course_ids = frozenset({audience.course_id}) if audience.course_id is not None else await self.scope(user_id)
        return await select_audience(self._uow, audience, course_ids, self._clock.now(), self._default_locale)

    async def zone_of(self, user_id: int, audience: Audience) -> str:
        """The time zone a schedule time is typed in: the course's; every course: UTC."""
        audience = await self.settle_course(user_id, audience)
        if audience.course_id is None:
            return "UTC"
        return (await self.course(user_id, audience.course_id)).timezone

    # -- confirming ---------------------------------------------------------------------------

    async def create(self, user_id: int, audience: Audience, message: BroadcastMessage, *, paid: bool,
                     send_at: datetime | None, locale: str, draft: str = "") -> CreatedBroadcast:
        """The broadcast row and one delivery per recipient, in the caller's unit of work.

        `draft` names the conversation that prepared it: confirming the same draft twice (two
        presses handled side by side) queues it once: the write turn (SQLite) or a lock on the
        coordinator's row (PostgreSQL) is taken before looking, so the second press sees the first
        one's broadcast."""
        now = self._clock.now()
        if send_at is not None and send_at <= now:
            raise BroadcastRefused(BroadcastProblem.IN_THE_PAST)
        await self._uow.begin_write()
        await self._uow.broadcast_audience.hold_confirmations_of(user_id)
        if draft and any(row.created_by == user_id and (row.audience or {}).get("draft") == draft
                         for row in await self._uow.broadcasts.recent(20)):
            raise BroadcastRefused(BroadcastProblem.ALREADY_QUEUED)
        audience = await self.settle_course(user_id, audience)
        chosen = await self.count(user_id, audience)
        if not chosen.recipients:
            raise BroadcastRefused(BroadcastProblem.NOBODY)
        when = send_at or now
        broadcast = await self._uow.broadcasts.create(
            created_by=user_id, now=now, send_at=when, course_id=audience.course_id,
            audience={**audience.to_json(), "versions": sorted(message.versions), "draft": draft}, locale=locale,
            paid=paid, recipients=len(chosen.recipients), opted_out=chosen.opted_out)
        await self._uow.outbox.enqueue([
            NewDelivery(kind=BROADCAST_KIND, chat_id=recipient.user_id, user_id=recipient.user_id,
                        broadcast_id=broadcast.id, payload=message.for_locale(recipient.locale), not_before=when)
            for recipient in chosen.recipients])
        return CreatedBroadcast(broadcast.id, len(chosen.recipients), chosen.opted_out, broadcast.state, when)

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        await self._uow.broadcasts.set_progress_message(broadcast_id, chat_id, message_id)

    # -- pause, resume, cancel --------------------------------------------------------------

    async def pause(self, user_id: int, broadcast_id: int) -> BroadcastFigures:
        await self._may_control(user_id, broadcast_id)
        if not await self._uow.broadcasts.set_state(broadcast_id, PAUSED, only_from=(SCHEDULED, SENDING)):
            raise BroadcastRefused(BroadcastProblem.TOO_LATE)
        return await self.figures(broadcast_id)

    async def resume(self, user_id: int, broadcast_id: int) -> BroadcastFigures:
        broadcast = await self._may_control(user_id, broadcast_id)
        # A broadcast paused before its time goes back to waiting for it.
        state = SCHEDULED if broadcast.send_at > self._clock.now() else SENDING
        if not await self._uow.broadcasts.set_state(broadcast_id, state, only_from=(PAUSED,)):
            raise BroadcastRefused(BroadcastProblem.TOO_LATE)
        return await self.figures(broadcast_id)

    async def cancel(self, user_id: int, broadcast_id: int) -> BroadcastFigures:
        await self._may_control(user_id, broadcast_id)
        if not await self._uow.broadcasts.set_state(broadcast_id, CANCELLED, only_from=(SCHEDULED, SENDING, PAUSED),
                                                    now=self._clock.now()):
            raise BroadcastRefused(BroadcastProblem.TOO_LATE)
        await self._uow.outbox.cancel_pending(broadcast_id)
        return await self.figures(broadcast_id)

    async def pause_if_source_gone(self, broadcast_id: int) -> SourceGone | None:
        """A broadcast sends copies of the coordinator's own message; if they deleted it, every copy
        fails. Pause it then (each further copy would fail too): returns what to tell its author, once
        (only the sender whose UPDATE paused it gets it), else None."""
        if not any(SOURCE_GONE in error.lower() for error in await self._uow.broadcasts.failed_errors(broadcast_id)):
            return None
        if not await self._uow.broadcasts.set_state(broadcast_id, PAUSED, only_from=(SENDING,)):
            return None
        broadcast = await self._uow.broadcasts.get(broadcast_id)
        if broadcast is None or broadcast.progress_chat_id is None:
            return None
        return SourceGone(broadcast_id, broadcast.progress_chat_id, broadcast.progress_message_id, broadcast.locale,
                          await self.figures(broadcast_id))

    async def _may_control(self, user_id: int, broadcast_id: int) -> Any:
        broadcast = await self._uow.broadcasts.get(broadcast_id)
        if broadcast is None:
            raise BroadcastRefused(BroadcastProblem.NOT_FOUND)
        if broadcast.created_by != user_id and not await self._staff.may_act(user_id, Role.COORDINATOR,
                                                                              broadcast.course_id):
            raise BroadcastRefused(BroadcastProblem.NOT_YOURS)
        await self._uow.begin_write()
        return broadcast

    # -- figures ------------------------------------------------------------------------------

    async def figures(self, broadcast_id: int) -> BroadcastFigures:
        broadcast = await self._uow.broadcasts.get(broadcast_id)
        if broadcast is None:
            raise BroadcastRefused(BroadcastProblem.NOT_FOUND)
        counts = await self._uow.outbox.figures(broadcast_id)
        slug = None
        if broadcast.course_id is not None:
            course = await self._uow.courses.get(broadcast.course_id)
            slug = course.slug if course is not None else None
        return BroadcastFigures(
            broadcast.id, broadcast.state, Audience.from_json(broadcast.audience or {}), slug, broadcast.created_at,
            broadcast.send_at, broadcast.finished_at, broadcast.paid, broadcast.recipients, broadcast.opted_out,
            sent=counts.get("sent", 0), failed=counts.get("failed", 0),
            blocked=counts.get("blocked", 0), cancelled=counts.get("cancelled", 0),
            remaining=counts.get("pending", 0) + counts.get("sending", 0), unknown=counts.get("unknown", 0))

    async def recent(self, user_id: int, limit: int = 10) -> list[BroadcastFigures]:
        """The latest broadcasts the coordinator may see: of their courses, or their own."""
        scope = await self.scope(user_id)
        shown = []
        for broadcast in await self._uow.broadcasts.recent(limit * 5 if scope is not None else limit):
            if scope is None or broadcast.created_by == user_id or broadcast.course_id in scope:
                shown.append(await self.figures(broadcast.id))
            if len(shown) >= limit:
                break
        return shown
