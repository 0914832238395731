"""A press whose update fails (Telegram 5xx, a read-only database) is still answered: no endless spinner."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select

from bot.app import Talimger
from bot.db.models import LectureProgress
from sandbox.client import SandboxClient
from tests.e2e.driver import CourseKey, LearnerDriver

FAILED = "Sorry, something went wrong on my side."


async def test_a_press_is_answered_when_telegram_fails_with_a_server_error(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 6: the handler's own answerCallbackQuery gets a 502; the error handler answers."""
    learner = LearnerDriver(await client.new_user("Unlucky", language_code="en"), course_key, "en")
    first = await learner.start()
    await client.inject_fault("answerCallbackQuery", 502, "Bad Gateway", count=1)
    query = await learner.user.press(first, learner.words["next"])
    assert (await learner.user.wait_for_answer(query))["text"] == FAILED
    await learner.user.wait_for(lambda m: "something went wrong" in m.text)


async def test_a_press_is_answered_when_the_database_is_read_only(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 6: the update cannot even be recorded; the press is answered and nothing moves."""
    learner = LearnerDriver(await client.new_user("Read Only", language_code="en"), course_key, "en")
    first = await learner.start()
    assert bot_app.engine is not None
    # Each backend's own switch to a read-only connection.
    switch = {"sqlite": "PRAGMA query_only = ON",
              "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"}[bot_app.engine.dialect.name]

    def read_only(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(switch)
        cursor.close()
        dbapi_connection.commit()  # PostgreSQL's SET is undone by a rollback; SQLite's PRAGMA is not

    event.listen(bot_app.engine.sync_engine, "connect", read_only)
    await bot_app.engine.dispose()  # every connection from now on is read-only
    query = await learner.user.press(first, learner.words["next"])
    assert (await learner.user.wait_for_answer(query))["text"] == FAILED
    await learner.user.wait_for(lambda m: "something went wrong" in m.text)

    event.remove(bot_app.engine.sync_engine, "connect", read_only)
    await bot_app.engine.dispose()
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        assert (await uow.session.scalars(select(LectureProgress.chunk_cursor))).all() == [0]


@pytest.fixture(autouse=True)
def _quiet_error_log(caplog: pytest.LogCaptureFixture) -> None:
    """The failures are expected here; their tracebacks are noise."""
    caplog.set_level("CRITICAL", logger="handlers.common.errors")
