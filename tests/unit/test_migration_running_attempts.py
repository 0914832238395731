"""Migration 0004_buttons: duplicate running attempts (left by the race it closes) are settled
before the unique index of running attempts is built, losing no answer."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.engine import Connection

from bot.db.migrate import alembic_config
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter
from content import load_course
from tests.conftest import MINI_COURSE
from tests.unit.learner_steps import Learner


async def test_duplicate_running_attempts_are_settled_before_the_unique_index(
        tmp_path: Path, clock: ManualClock) -> None:
    """issue 9 item 5: the copy with the most answers stays running, an unanswered copy goes,
    an answered one is closed and graded; then a second running copy cannot be inserted."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'dupes.db'}"
    engine = create_engine(url)

    def migrate(connection: Connection, target: str, down: bool = False) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, target)

    # The course and the learner are made at head (the models are head's), then the schema goes
    # back to before the index, where the race could leave duplicates.
    async with engine.begin() as connection:
        await connection.run_sync(migrate, "head")
    uow_factory = UnitOfWorkFactory(create_session_factory(engine))
    async with uow_factory() as uow:
        course_id = (await CourseImporter(uow, clock).publish(load_course(MINI_COURSE))).course_id
        await uow.commit()
    learner = Learner(uow_factory, clock, random.Random(5), 8101)
    last = await learner.read_to_end(await learner.enrol(course_id))

    async with engine.begin() as connection:
        await connection.run_sync(migrate, "0003", True)
    async with engine.begin() as connection:
        insert = text("INSERT INTO quiz_attempts (id, enrolment_id, lecture_id, lecture_key, kind, size, pass_score, "
                      "started_at) VALUES (:id, :enrolment, :lecture, 'l1', 'lecture', 2, 1, '2026-01-05 09:00:00')")
        for attempt_id in (1, 2, 3):
            await connection.execute(insert, {"id": attempt_id, "enrolment": last.enrolment_id,
                                              "lecture": last.lecture_id})
        question = await connection.scalar(text("SELECT id FROM questions WHERE lecture_id = :l LIMIT 1"),
                                           {"l": last.lecture_id})
        item = text("INSERT INTO attempt_items (attempt_id, position, question_id, option_order, chosen_option, "
                    "is_correct, answered_at) VALUES (:a, :p, :q, '[0, 1]', :chosen, :correct, :at)")
        # 1: nobody answered; 2: one right answer of two; 3: both answered (the one to keep running).
        await connection.execute(item, {"a": 1, "p": 0, "q": question, "chosen": None, "correct": None, "at": None})
        await connection.execute(item, {"a": 2, "p": 0, "q": question, "chosen": 0, "correct": True,
                                        "at": "2026-01-05 09:01:00"})
        await connection.execute(item, {"a": 2, "p": 1, "q": question, "chosen": None, "correct": None, "at": None})
        for position in (0, 1):
            await connection.execute(item, {"a": 3, "p": position, "q": question, "chosen": 1, "correct": False,
                                            "at": "2026-01-05 09:02:00"})
        await connection.run_sync(migrate, "head")

    async with engine.connect() as connection:
        rows = (await connection.execute(text(
            "SELECT id, finished_at IS NULL, score, passed FROM quiz_attempts ORDER BY id"))).all()
        answers = await connection.scalar(text("SELECT COUNT(*) FROM attempt_items WHERE chosen_option IS NOT NULL"))
    assert [tuple(row) for row in rows] == [(2, 0, 1, 1), (3, 1, None, None)]
    assert answers == 3, "no answer is lost"
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(insert, {"id": 4, "enrolment": last.enrolment_id, "lecture": last.lecture_id})
    await engine.dispose()
