"""The reminder sweep's SQL: claim due learners, record what was queued for them, wake learners up.

Every write after the claim is conditional on the claim token, so a process whose claim
expired (and was taken over) changes nothing. See scheduler/sweep.py for the protocol.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, bindparam, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Enrolment, LectureProgress, QuizAttempt, User, UTCDateTime


@dataclass(frozen=True)
class AttemptFacts:
    """The learner's newest quiz attempt, as far as reminders care (the rows this repository reads)."""

    lecture_key: str
    finished_at: datetime | None
    passed: bool | None
    score: int | None
    size: int


@dataclass(frozen=True)
class Recorded:
    """What a sweep stores for one claimed learner when it lets go of the row."""

    enrolment_id: int
    seen_activity: datetime  # last_activity_at when the row was read
    next_remind_at: datetime | None
    nudges_sent: int | None = None  # None: unchanged
    last_nudge_at: datetime | None = None
    announced_lecture: str | None = None


class ReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def _dialect(self) -> str:
        return self._session.bind.dialect.name if self._session.bind else "sqlite"

    async def claim_due(self, now: datetime, token: str, until: datetime, limit: int) -> list[int]:
        """Claim up to `limit` learners due at `now` whose rows nobody holds; returns their enrolment ids.

        PostgreSQL: `FOR UPDATE SKIP LOCKED` lets replicas claim side by side without waiting
        on each other's rows. SQLite: one UPDATE is atomic under the database's write lock.
        """
        due = (
            select(Enrolment.id)
            .where(Enrolment.next_remind_at <= now,
                   or_(Enrolment.claimed_until.is_(None), Enrolment.claimed_until < now))
            .order_by(Enrolment.next_remind_at)
            .limit(limit)
        )
        if self._dialect == "postgresql":
            ids = list((await self._session.scalars(due.with_for_update(skip_locked=True))).all())
            if not ids:
                return []
            target = Enrolment.id.in_(ids)
        else:
            target = Enrolment.id.in_(due.scalar_subquery())
        result = await self._session.execute(
            update(Enrolment).where(target).values(claim_token=token, claimed_until=until)
            .returning(Enrolment.id).execution_options(synchronize_session=False)
        )
        return list(result.scalars().all())

    async def claimed(self, ids: Sequence[int], token: str) -> Sequence[tuple[Enrolment, User]]:
        statement = (
            select(Enrolment, User).join(User, User.id == Enrolment.user_id)
            .where(Enrolment.id.in_(ids), Enrolment.claim_token == token).order_by(Enrolment.next_remind_at)
        )
        return [(enrolment, user) for enrolment, user in (await self._session.execute(statement)).all()]

    async def progress_of(self, enrolment_ids: Sequence[int]) -> dict[int, dict[str, LectureProgress]]:
        found: dict[int, dict[str, LectureProgress]] = {key: {} for key in enrolment_ids}
        statement = select(LectureProgress).where(LectureProgress.enrolment_id.in_(enrolment_ids))
        for row in await self._session.scalars(statement):
            found[row.enrolment_id][row.lecture_key] = row
        return found

    async def newest_attempts(self, enrolment_ids: Sequence[int]) -> dict[int, AttemptFacts]:
        newest = (select(func.max(QuizAttempt.id)).where(QuizAttempt.enrolment_id.in_(enrolment_ids))
                  .group_by(QuizAttempt.enrolment_id))
        statement = select(QuizAttempt.enrolment_id, QuizAttempt.lecture_key, QuizAttempt.finished_at,
                           QuizAttempt.passed, QuizAttempt.score, QuizAttempt.size).where(QuizAttempt.id.in_(newest))
        return {row.enrolment_id: AttemptFacts(row.lecture_key, row.finished_at, row.passed, row.score, row.size)
                for row in await self._session.execute(statement)}

    async def held(self, ids: Sequence[int], token: str) -> set[int]:
        """Which of the rows this claim still holds; on PostgreSQL they stay locked to the end of the
        transaction, so the claim cannot be taken over between this check and the writes after it."""
        statement = select(Enrolment.id).where(Enrolment.id.in_(ids), Enrolment.claim_token == token)
        if self._dialect == "postgresql":
            statement = statement.with_for_update()
        return set((await self._session.scalars(statement)).all())

    async def record(self, token: str, outcomes: Sequence[Recorded], now: datetime) -> None:
        """Store what was sent and each row's next wake-up, and let go of the rows (one
        statement, many parameter sets).

        If the learner acted while the row was held, the plan was made from stale rows:
        look again at the next sweep instead.
        """
        if not outcomes:
            return
        await self._session.execute(_RECORD, [
            {"b_id": outcome.enrolment_id, "b_token": token, "b_seen": outcome.seen_activity,
             "b_next": outcome.next_remind_at, "b_now": now, "b_nudges": outcome.nudges_sent,
             "b_last_nudge": outcome.last_nudge_at, "b_announced": outcome.announced_lecture}
            for outcome in outcomes
        ])

    async def release_unmarked(self, ids: Sequence[int], token: str) -> int:
        """Let go of rows still claimed and not being sent (a sweep stopped half-way)."""
        result = await self._session.execute(
            update(Enrolment).where(Enrolment.id.in_(ids), Enrolment.claim_token == token,
                                    Enrolment.sending_kind.is_(None))
            .values(claim_token=None, claimed_until=None).execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    async def deactivate(self, user_id: int) -> None:
        """The learner blocked the bot: nothing is scheduled until they write again."""
        await self._session.execute(update(User).where(User.id == user_id).values(is_active=False)
                                    .execution_options(synchronize_session=False))
        await self._session.execute(
            update(Enrolment).where(Enrolment.user_id == user_id)
            .values(next_remind_at=None, claim_token=None, claimed_until=None, sending_kind=None,
                    sending_lecture=None, sending_at=None)
            .execution_options(synchronize_session=False)
        )

    async def wake_user(self, user_id: int, at: datetime) -> None:
        """Have the sweep look at every unfinished course of the learner by `at`."""
        await self._session.execute(
            update(Enrolment)
            .where(Enrolment.user_id == user_id, Enrolment.completed_at.is_(None),
                   or_(Enrolment.next_remind_at.is_(None), Enrolment.next_remind_at > at))
            .values(next_remind_at=at).execution_options(synchronize_session=False)
        )


def _record_statement() -> Any:
    table = Enrolment.__table__
    moment = UTCDateTime()
    nudges = bindparam("b_nudges", type_=Integer())
    return (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.claim_token == bindparam("b_token"))
        .values(
            next_remind_at=case((table.c.last_activity_at == bindparam("b_seen", type_=moment),
                                 bindparam("b_next", type_=moment)), else_=bindparam("b_now", type_=moment)),
            nudges_sent=func.coalesce(nudges, table.c.nudges_sent),
            last_nudge_at=case((nudges.is_(None), table.c.last_nudge_at),
                               else_=bindparam("b_last_nudge", type_=moment)),
            announced_lecture=func.coalesce(bindparam("b_announced", type_=String()), table.c.announced_lecture),
            claim_token=None, claimed_until=None, sending_kind=None, sending_lecture=None, sending_at=None,
        )
    )


_RECORD = _record_statement()
