"""Quiz attempts and every answer given."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AttemptItem, Enrolment, QuizAttempt

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


@dataclass(frozen=True)
class ItemState:
    """One question of an attempt as an answer press reads it (an attempt_items row)."""
    id: int
    position: int
    question_id: int
    option_order: list[Any]
    chosen_option: int | None
    is_correct: bool | None


@dataclass(frozen=True)
class AttemptState:
    """An attempt as an answer press reads it: its row, whose enrolment it is, and its questions
    in order. Plain values, not rows of the session: nothing here is written back by a flush."""
    id: int
    enrolment_id: int
    lecture_id: int | None
    kind: str
    size: int
    pass_score: int
    finished_at: datetime | None
    learner_id: int | None  # the enrolment's user; None if the enrolment row is gone
    version_id: int | None  # the enrolment's course version
    items: tuple[ItemState, ...]


class AttemptRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, attempt_id: int) -> QuizAttempt | None:
        return await self._session.get(QuizAttempt, attempt_id)

    async def answer_state(self, attempt_id: int) -> AttemptState | None:
        """The attempt, its learner and its questions in one statement of table rows, not mapped
        objects: every quiz answer reads it, and loading three kinds of objects into the session
        cost more CPU than SQLite's whole work (issue 12)."""
        rows = (await self._session.execute(_ANSWER_STATE, {"attempt": attempt_id})).all()
        if not rows:
            return None
        first = rows[0]
        items = tuple(ItemState(row.item_id, row.position, row.question_id, row.option_order, row.chosen_option,
                                row.is_correct) for row in rows if row.item_id is not None)
        return AttemptState(first.id, first.enrolment_id, first.lecture_id, first.kind, first.size, first.pass_score,
                            first.finished_at, first.user_id, first.version_id, items)

    async def open_attempt(self, enrolment_id: int, lecture_key: str) -> QuizAttempt | None:
        statement = select(QuizAttempt).where(
            QuizAttempt.enrolment_id == enrolment_id,
            QuizAttempt.lecture_key == lecture_key,
            QuizAttempt.finished_at.is_(None),
        )
        return await self._session.scalar(statement)

    async def start(self, enrolment_id: int, lecture_key: str, **values: object) -> QuizAttempt | None:
        """Insert a running attempt unless the enrolment has one for `lecture_key`; None then.

        One statement against the unique index of running attempts: of many presses at once
        (on PostgreSQL, in parallel transactions) exactly one inserts, the others get None.
        """
        columns = dict(enrolment_id=enrolment_id, lecture_key=lecture_key, **values)
        dialect = self._session.get_bind().dialect.name
        if dialect in _INSERTS:
            statement = _INSERTS[dialect](QuizAttempt).values(**columns).on_conflict_do_nothing(
                index_elements=[QuizAttempt.enrolment_id, QuizAttempt.lecture_key],
                index_where=text("finished_at IS NULL"),
            )
        else:  # another database: the unique index still refuses a second one (as an error)
            statement = insert(QuizAttempt).values(**columns)
        attempt_id = await self._session.scalar(statement.returning(QuizAttempt.id))
        return await self._session.get(QuizAttempt, attempt_id) if attempt_id is not None else None

    async def claim_showing(self, attempt_id: int, button_message_id: int | None) -> bool:
        """Whether a press under `button_message_id` may show the running attempt's question.

        Once per message, claimed like an answer: of many presses under one message only
        the first shows it; a press under another message (a reminder) shows it again.
        """
        if button_message_id is None:
            return True
        statement = (
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id, QuizAttempt.finished_at.is_(None),
                   (QuizAttempt.button_message_id.is_(None))
                   | (QuizAttempt.button_message_id != button_message_id))
            .values(button_message_id=button_message_id)
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount)

    async def has_open_attempt(self, enrolment_id: int) -> bool:
        """Whether any attempt of the enrolment is running: a lecture quiz or the final test."""
        statement = select(QuizAttempt.id).where(
            QuizAttempt.enrolment_id == enrolment_id, QuizAttempt.finished_at.is_(None)).limit(1)
        return await self._session.scalar(statement) is not None

    async def last_finished(self, enrolment_id: int, lecture_key: str) -> QuizAttempt | None:
        return await self._session.scalar(_LAST_FINISHED, {"enrolment": enrolment_id, "key": lecture_key})

    async def finished_for_enrolment(self, enrolment_id: int) -> Sequence[QuizAttempt]:
        statement = (
            select(QuizAttempt)
            .where(QuizAttempt.enrolment_id == enrolment_id, QuizAttempt.finished_at.is_not(None))
            .order_by(QuizAttempt.finished_at, QuizAttempt.id)
        )
        return (await self._session.scalars(statement)).all()

    async def finished_for_key(self, enrolment_id: int, lecture_key: str) -> Sequence[QuizAttempt]:
        """Finished attempts at one lecture's quiz (or the final test), oldest first."""
        statement = (
            select(QuizAttempt)
            .where(QuizAttempt.enrolment_id == enrolment_id, QuizAttempt.lecture_key == lecture_key,
                   QuizAttempt.finished_at.is_not(None))
            .order_by(QuizAttempt.finished_at, QuizAttempt.id)
        )
        return (await self._session.scalars(statement)).all()

    async def items(self, attempt_id: int) -> Sequence[AttemptItem]:
        return (await self._session.scalars(_ITEMS, {"attempt": attempt_id})).all()

    async def record_answer(self, item_id: int, chosen: int, correct: bool, at: object) -> bool:
        """Store an answer unless one is stored already: a double press counts once.

        A Core UPDATE of the table (issue 12): the ORM's UPDATE of the mapped class cost about
        0.3 ms more per answer, evaluating its WHERE against every item in the session to sync them."""
        result = await self._session.execute(
            _RECORD_ANSWER, {"item": item_id, "chosen": chosen, "correct": correct, "at": at})
        return bool(result.rowcount)

    async def finish(self, attempt_id: int, score: int, passed: bool, at: object) -> bool:
        """Grade a running attempt; False if it was finished already. A Core UPDATE of the table:
        the answer that finishes it reads the attempt as plain values (`answer_state`), so no
        object in the session is there to be kept in step."""
        result = await self._session.execute(_FINISH, {"attempt": attempt_id, "new_score": score, "did_pass": passed,
                                                       "at": at})
        return bool(result.rowcount)

    def add(self, *rows: object) -> None:
        self._session.add_all(rows)

    async def flush(self) -> None:
        await self._session.flush()


# The statements of every quiz answer, built once (issue 12): SQLAlchemy spent more CPU building a
# statement's expression on each call than running its cached compiled form.
_ATTEMPTS, _ENROLMENTS, _ITEM_TABLE = QuizAttempt.__table__, Enrolment.__table__, AttemptItem.__table__
_ANSWER_STATE = (
    select(_ATTEMPTS.c.id, _ATTEMPTS.c.enrolment_id, _ATTEMPTS.c.lecture_id, _ATTEMPTS.c.kind, _ATTEMPTS.c.size,
           _ATTEMPTS.c.pass_score, _ATTEMPTS.c.finished_at, _ENROLMENTS.c.user_id, _ENROLMENTS.c.version_id,
           _ITEM_TABLE.c.id.label("item_id"), _ITEM_TABLE.c.position, _ITEM_TABLE.c.question_id,
           _ITEM_TABLE.c.option_order, _ITEM_TABLE.c.chosen_option, _ITEM_TABLE.c.is_correct)
    .select_from(_ATTEMPTS.outerjoin(_ENROLMENTS, _ENROLMENTS.c.id == _ATTEMPTS.c.enrolment_id)
                 .outerjoin(_ITEM_TABLE, _ITEM_TABLE.c.attempt_id == _ATTEMPTS.c.id))
    .where(_ATTEMPTS.c.id == bindparam("attempt"))
    .order_by(_ITEM_TABLE.c.position)
)
_ITEMS = select(AttemptItem).where(AttemptItem.attempt_id == bindparam("attempt")).order_by(AttemptItem.position)
_FINISH = (update(_ATTEMPTS)
           .where(_ATTEMPTS.c.id == bindparam("attempt"), _ATTEMPTS.c.finished_at.is_(None))
           .values(score=bindparam("new_score"), passed=bindparam("did_pass"), finished_at=bindparam("at")))
_LAST_FINISHED = (select(QuizAttempt)
                  .where(QuizAttempt.enrolment_id == bindparam("enrolment"),
                         QuizAttempt.lecture_key == bindparam("key"), QuizAttempt.finished_at.is_not(None))
                  .order_by(QuizAttempt.finished_at.desc())
                  .limit(1))
_RECORD_ANSWER = (update(_ITEM_TABLE)
                  .where(_ITEM_TABLE.c.id == bindparam("item"), _ITEM_TABLE.c.chosen_option.is_(None))
                  .values(chosen_option=bindparam("chosen"), is_correct=bindparam("correct"),
                          answered_at=bindparam("at")))
