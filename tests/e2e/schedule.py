"""Helpers for the release and reminder tests: a scheduled copy of the sample course, a movable clock."""
from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, select

from bot.app import Talimger
from bot.db.models import Delivery
from bot.services.clock import ManualClock
from content import SAMPLE_COURSE_DIR
from sandbox.client import ChatUser
from sandbox.client_models import SandboxMessage
from tests.e2e.driver import LearnerDriver

UTC = timezone.utc


def scheduled_course(root: Path, **settings: object) -> Path:
    """The sample course with extra `settings`, in a content folder of its own; returns that folder."""
    target = root / "courses" / SAMPLE_COURSE_DIR.name
    shutil.copytree(SAMPLE_COURSE_DIR, target)
    course_file = target / "course.yaml"
    data = yaml.safe_load(course_file.read_text(encoding="utf-8"))
    data["settings"] = {**data.get("settings", {}), **settings}
    course_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target.parent


def move_to(clock: ManualClock, moment: datetime) -> None:
    clock.advance(seconds=(moment - clock.now()).total_seconds())


def local(zone: str, *parts: int) -> datetime:
    """A wall-clock moment in `zone`, as UTC."""
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@dataclass(frozen=True)
class SweepOutcome:
    """One sweep and the outbox run after it: what was looked at, and what became of what it queued."""

    claimed: int
    queued: int
    recovered: int
    sent: int
    blocked: int
    failed: int
    waiting: int  # queued and still pending (a retry later)


async def sweep(app: Talimger) -> SweepOutcome:
    """Sweep, then send everything due; the outcome is read from the outbox rows this sweep made,
    whoever sent them (the app's own sender may run in the background)."""
    assert app.sweeper is not None and app.outbox is not None and app.uow_factory is not None
    async with app.uow_factory() as uow:
        before = await uow.session.scalar(select(func.coalesce(func.max(Delivery.id), 0)))
    report = await app.sweeper.sweep()
    await app.outbox.drain()
    async with app.uow_factory() as uow:
        states = Counter((await uow.session.scalars(select(Delivery.state).where(Delivery.id > before))).all())
    return SweepOutcome(report.claimed, report.queued, report.recovered, states["sent"], states["blocked"],
                        states["failed"], states["pending"])


def is_notice(message: SandboxMessage) -> bool:
    """A scheduled message: each ends with a pointer to /settings, in every language."""
    lines = message.text.strip().splitlines()
    return message.from_bot and bool(lines) and "/settings" in lines[-1] and message.text.startswith(("⏰", "📖", "🗓"))


async def notices(user: ChatUser) -> list[SandboxMessage]:
    """The scheduled messages in the learner's chat, oldest first."""
    return [message for message in await user.transcript() if is_notice(message)]


async def sweep_hourly(app: Talimger, clock: ManualClock, days: int) -> list[datetime]:
    """Sweep once an hour for `days` days; the moments at which something was sent."""
    sent_at = []
    for _ in range(24 * days):
        clock.advance(hours=1)
        if (await sweep(app)).sent:
            sent_at.append(clock.now())
    return sent_at


async def read_two_parts(learner: LearnerDriver) -> None:
    """/start, the language, and one "Next": the learner stops at part 2 of lecture 1."""
    first = await learner.start()
    await learner.user.press(first, learner.words["next"])
    await learner.user.wait_for(lambda m: m.message_id > first.message_id and learner.words["next"] in m.button_texts)
