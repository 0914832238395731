"""The reminder sweep's SQL: claim due learners, mark a send, record it, wake learners up.

Every write after the claim is conditional on the claim token, so a process whose claim
expired (and was taken over) changes nothing. See scheduler/sweep.py for the protocol.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Enrolment, LectureProgress, QuizAttempt, User, UTCDateTime
from bot.services.reminders import AttemptFacts


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

    async def mark_sending(self, enrolment_id: int, token: str, kind: str, lecture_key: str, at: datetime) -> bool:
        """Write "sending" before the send; False if the claim was lost (then do not send)."""
        result = await self._session.execute(
            update(Enrolment).where(Enrolment.id == enrolment_id, Enrolment.claim_token == token)
            .values(sending_kind=kind, sending_lecture=lecture_key, sending_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)

    async def record(self, token: str, outcome: Recorded, now: datetime) -> bool:
        """Store what was sent and the next wake-up, and let go of the row.

        If the learner acted while the row was held, the plan was made from stale rows:
        look again at the next sweep instead.
        """
        values: dict[str, Any] = {
            "next_remind_at": _unless_acted(outcome.seen_activity, outcome.next_remind_at, now),
            "claim_token": None, "claimed_until": None,
            "sending_kind": None, "sending_lecture": None, "sending_at": None,
        }
        if outcome.nudges_sent is not None:
            values.update(nudges_sent=outcome.nudges_sent, last_nudge_at=outcome.last_nudge_at)
        if outcome.announced_lecture is not None:
            values["announced_lecture"] = outcome.announced_lecture
        result = await self._session.execute(
            update(Enrolment).where(Enrolment.id == outcome.enrolment_id, Enrolment.claim_token == token)
            .values(**values).execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)

    async def release_unmarked(self, ids: Sequence[int], token: str) -> int:
        """Let go of rows still claimed and not being sent (a sweep stopped half-way)."""
        result = await self._session.execute(
            update(Enrolment).where(Enrolment.id.in_(ids), Enrolment.claim_token == token,
                                    Enrolment.sending_kind.is_(None))
            .values(claim_token=None, claimed_until=None).execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    async def unmark(self, enrolment_id: int, token: str, retry_at: datetime) -> None:
        """The send certainly failed (Telegram said so): try again later."""
        await self._session.execute(
            update(Enrolment).where(Enrolment.id == enrolment_id, Enrolment.claim_token == token)
            .values(next_remind_at=retry_at, claim_token=None, claimed_until=None, sending_kind=None,
                    sending_lecture=None, sending_at=None)
            .execution_options(synchronize_session=False)
        )

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


def _unless_acted(seen_activity: datetime, planned: datetime | None, now: datetime) -> Any:
    return case((Enrolment.last_activity_at == literal(seen_activity, UTCDateTime()),
                 literal(planned, UTCDateTime())), else_=literal(now, UTCDateTime()))
