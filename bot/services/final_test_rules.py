"""Where a learner stands with the course's final test: defined, passed, attempts, cool-down."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.models import CourseVersion
from bot.db.uow import UnitOfWork
from bot.services.learner_context import LearnerContext, learner_zone

# Final test attempts live with the lecture quizzes; this key cannot clash with a lecture's,
# since lecture keys allow only letters, digits, "_" and "-".
FINAL_TEST_KEY = "*final"
FINAL_KIND = "final"


def final_pass_score(size: int, pass_percent: int) -> int:
    """Correct answers needed: the smallest count at or above the pass percentage."""
    return max(1, min(size, math.ceil(size * pass_percent / 100)))


def has_final_test(version: CourseVersion) -> bool:
    return bool(version.final_test_size)


@dataclass(frozen=True)
class FinalTestStatus:
    size: int
    pass_percent: int
    passed: bool
    best_percent: float | None  # of the best finished attempt
    attempts_used: int
    attempts_left: int | None  # None: no limit
    retry_at: datetime | None  # a failed attempt's cool-down, if it is still running
    zone: str  # the learner's time zone (/settings, else the course's), for showing `retry_at`

    @property
    def exhausted(self) -> bool:
        return not self.passed and self.attempts_left == 0


async def final_test_status(uow: UnitOfWork, context: LearnerContext, now: datetime) -> FinalTestStatus | None:
    """None when the learner's course version has no final test."""
    version = context.version
    if not has_final_test(version):
        return None
    attempts = await uow.attempts.finished_for_key(context.enrolment.id, FINAL_TEST_KEY)
    passed = any(attempt.passed for attempt in attempts)
    shares = [100 * (attempt.score or 0) / attempt.size for attempt in attempts if attempt.size]
    limit = version.final_test_attempts
    left = None if limit is None else max(0, limit - len(attempts))
    retry_at = None
    last = attempts[-1] if attempts else None
    if not passed and last is not None and last.finished_at is not None and version.final_test_cooldown_minutes:
        moment = last.finished_at + timedelta(minutes=version.final_test_cooldown_minutes)
        retry_at = moment if moment > now else None
    return FinalTestStatus(
        size=version.final_test_size or 0,
        pass_percent=version.final_test_pass_percent or 100,
        passed=passed,
        best_percent=round(max(shares), 1) if shares else None,
        attempts_used=len(attempts),
        attempts_left=left,
        retry_at=retry_at,
        zone=await learner_zone(uow, context),
    )
