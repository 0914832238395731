"""Who a broadcast reaches: the audience rules (everyone, a course, a language, stalled, not opened
this week's lecture, finished, not started), always within the courses the coordinator may act on.

The SQL is in bot/db/repositories/broadcast_audience.py; the rules that need the course schedule
("this week's lecture") are here, in plain Python."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.config import SUPPORTED_LOCALES
from bot.db.repositories.broadcast_audience import AudienceRow, VersionPlan
from bot.db.uow import UnitOfWork
from bot.services.releases import ReleaseSchedule
from bot.services.users import locale_from_telegram

EVERYONE, LANGUAGE, STALLED, UNOPENED, FINISHED, NOT_STARTED = (
    "everyone", "language", "stalled", "unopened", "finished", "not_started")
AUDIENCE_KINDS = (EVERYONE, LANGUAGE, STALLED, UNOPENED, FINISHED, NOT_STARTED)
MAX_STALLED_DAYS = 365


@dataclass(frozen=True)
class Audience:
    """kind within `course_id` (None: every course the coordinator may act on)."""

    kind: str = EVERYONE
    course_id: int | None = None
    language: str | None = None  # LANGUAGE only
    days: int | None = None  # STALLED only: no activity for more than this many days

    def __post_init__(self) -> None:
        if self.kind not in AUDIENCE_KINDS:
            raise ValueError(f"unknown audience {self.kind!r}")
        if self.kind == LANGUAGE and self.language not in SUPPORTED_LOCALES:
            raise ValueError(f"unknown language {self.language!r}")
        if self.kind == STALLED and not (self.days is not None and 1 <= self.days <= MAX_STALLED_DAYS):
            raise ValueError(f"stalled days out of range: {self.days!r}")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "course_id": self.course_id}
        if self.language is not None:
            data["language"] = self.language
        if self.days is not None:
            data["days"] = self.days
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        return cls(kind=data.get("kind", EVERYONE), course_id=data.get("course_id"), language=data.get("language"),
                   days=data.get("days"))


@dataclass(frozen=True)
class Recipient:
    user_id: int
    locale: str


@dataclass(frozen=True)
class AudienceCount:
    """The learners a broadcast goes to (each once), and those skipped because they opted out."""

    recipients: tuple[Recipient, ...]
    opted_out: int
    by_locale: dict[str, int] = field(default_factory=dict)


def this_weeks_lecture(plan: VersionPlan, enrolled_at: datetime, passed: set[str], now: datetime) -> str | None:
    """The lecture a learner is expected at this week: on a dated schedule, the first lecture of the
    latest week open for them; self-paced, the first lecture they have not passed. None: nothing."""
    if not plan.lectures:
        return None
    schedule = ReleaseSchedule.of(plan.release_mode, plan.timezone, plan.release_time, plan.release_dates)
    if schedule.is_self_paced:
        return next((key for key, _week in plan.lectures if key not in passed), None)
    open_weeks = [week for _key, week in plan.lectures
                  if (opens := schedule.opens_at(week, enrolled_at)) is None or opens <= now]
    if not open_weeks:
        return None
    latest = max(open_weeks)
    return next(key for key, week in plan.lectures if week == latest)


async def select_audience(uow: UnitOfWork, audience: Audience, course_ids: frozenset[int] | None, now: datetime,
                          default_locale: str) -> AudienceCount:
    """The recipients of `audience` within `course_ids` (None: every course), opted-out learners
    counted apart. A learner enrolled in several courses is counted (and messaged) once."""
    repository = uow.broadcast_audience
    rows: Sequence[AudienceRow]
    if audience.kind == STALLED:
        assert audience.days is not None
        rows = await repository.enrolments(course_ids, finished=False,
                                           idle_before=now - timedelta(days=audience.days))
    elif audience.kind == FINISHED:
        rows = await repository.enrolments(course_ids, finished=True)
    elif audience.kind == NOT_STARTED:
        rows = await repository.enrolments(course_ids, finished=False, not_started=True)
    elif audience.kind == UNOPENED:
        rows = await _not_opened_this_week(uow, await repository.enrolments(course_ids, finished=False), now)
    else:
        rows = await repository.enrolments(course_ids)
    chosen: dict[int, tuple[str, bool]] = {}
    for row in rows:
        locale = row.locale or locale_from_telegram(row.telegram_language, default_locale)
        if audience.kind == LANGUAGE and locale != audience.language:
            continue
        chosen.setdefault(row.user_id, (locale, row.announcements))
    recipients = tuple(Recipient(user_id, locale) for user_id, (locale, wants) in chosen.items() if wants)
    by_locale: dict[str, int] = {}
    for recipient in recipients:
        by_locale[recipient.locale] = by_locale.get(recipient.locale, 0) + 1
    return AudienceCount(recipients, sum(1 for _locale, wants in chosen.values() if not wants), by_locale)


async def _not_opened_this_week(uow: UnitOfWork, rows: Sequence[AudienceRow], now: datetime) -> list[AudienceRow]:
    plans = await uow.broadcast_audience.plans(row.version_id for row in rows)
    progress = await uow.broadcast_audience.opened_and_passed(row.enrolment_id for row in rows)
    found = []
    for row in rows:
        plan = plans.get(row.version_id)
        opened, passed = progress.get(row.enrolment_id, (set(), set()))
        lecture = this_weeks_lecture(plan, row.enrolled_at, passed, now) if plan is not None else None
        if lecture is not None and lecture not in opened:
            found.append(row)
    return found
