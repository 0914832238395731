"""What one update costs the database: the sender's row, conversation state and staff role are
read in one statement, and /progress reads the certificate once; on SQLite a learner's update goes
to aiosqlite's thread only for its first write and its commit, a coordinator's report for every
statement; no filter of a learner's update runs on a worker thread (issue 12, "one process does
more")."""
from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiosqlite
import pytest
from aiogram.dispatcher.event import handler as aiogram_handler
from sqlalchemy import event, select

from bot.app import Talimger
from bot.db.models import MediaFile
from bot.services.clock import ManualClock
from bot.services.staff import Role
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver, is_question
from tests.e2e.staff_steps import hold_role

ADMIN_CHAT_ID = -1009000031
COORDINATOR_ID = 700_031


@contextmanager
def statements(app: Talimger) -> Iterator[list[str]]:
    """Every SQL statement the bot runs inside the block, as sent to the driver."""
    assert app.engine is not None
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(app.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", record)


def reading(seen: list[str], table: str) -> list[str]:
    """The SELECTs whose own FROM (subqueries aside) is `table`."""
    def main_table(statement: str) -> str | None:
        found = re.search(r" FROM (\w+)", re.sub(r"\(SELECT [^()]*\)", "", statement))
        return found.group(1) if found else None
    return [s for s in seen if s.startswith("SELECT") and main_table(s) == table]


async def test_a_quiz_answer_reads_the_sender_state_and_roles_in_one_statement(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 12: a quiz answer used to read users, fsm_states and staff_roles one by one (and
    users once more); now one SELECT reads the three, and the answer still shows as before."""
    learner = LearnerDriver(await client.new_user("Aigerim", language_code="en"), course_key, "en")
    last = await learner.read_lecture(await learner.start())
    await learner.user.press(last, learner.words["quiz"])
    question = await learner.user.wait_for(is_question)
    with statements(bot_app) as seen:
        await learner.user.press(question, course_key.right_letter(question))
        following = await learner.user.wait_for(lambda m: m.message_id > question.message_id and is_question(m))
    assert "Question 2" in following.text
    assert len(reading(seen, "users")) == 1, reading(seen, "users")
    assert reading(seen, "fsm_states") == [] and reading(seen, "staff_roles") == []
    assert any("fsm_states" in s and "staff_roles" in s for s in reading(seen, "users"))
    # The attempt and its enrolment: one statement (was two).
    assert len(reading(seen, "quiz_attempts")) == 1 and reading(seen, "enrolments") == []
    # The answer is stored by one UPDATE; the item in the session holds it as stored, so the
    # commit writes nothing more.
    writes = [s for s in seen if not s.startswith(("SELECT", "INSERT INTO processed_updates"))]
    assert len(writes) == 1 and writes[0].startswith("UPDATE attempt_items SET chosen_option="), writes


async def test_progress_reads_the_certificate_once_and_the_course_with_the_enrolment(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 12: /progress of a learner without a certificate read the certificates table twice,
    and the enrolment and its course in two statements."""
    learner = LearnerDriver(await client.new_user("Daulet", language_code="en"), course_key, "en")
    await learner.start()
    with statements(bot_app) as seen:
        await learner.user.send("/progress")
        overview = await learner.user.wait_for(lambda m: "Lecture" in m.text or "lecture" in m.text)
    assert overview.text
    assert len(reading(seen, "certificates")) == 1, reading(seen, "certificates")
    # The enrolment and its course: one statement (was two: the context asks whether the course
    # has a newer version).
    assert len(reading(seen, "enrolments")) == 1 and reading(seen, "courses") == [], seen


async def test_a_video_chunk_the_process_has_sent_before_reads_no_file_id(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 12: the video's file_id was read from media_files at every send, after the update's
    commit: on PostgreSQL a transaction of its own (BEGIN, SELECT, COMMIT) in a chunk's "Next" and
    in the answer that finishes a quiz (the lab's file). A file_id known to the process is reused."""
    first = LearnerDriver(await client.new_user("Asel", language_code="en"), course_key, "en")
    await first.read_lecture(await first.start())  # uploads the lecture's video; its file_id is remembered
    second = LearnerDriver(await client.new_user("Bauyrzhan", language_code="en"), course_key, "en")
    message = await second.start()
    while message.media is None:
        assert second.words["next"] in message.button_texts, "the lecture has no video chunk"
        before = message
        await second.user.press(before, second.words["next"])
        with statements(bot_app) as seen:
            message = await second.user.wait_for(lambda m: m.message_id > before.message_id)
            await asyncio.sleep(0.2)  # the update's last statements may trail the message it sent
    assert reading(seen, "media_files") == [], seen
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:  # the one stored file_id is the one sent
        assert message.media.file_id == (await uow.session.scalar(select(MediaFile.file_id)))


@contextmanager
def hops_to_sqlite_thread(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The name of every function aiosqlite hands to its thread inside the block."""
    hops: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(aiosqlite.Connection, "_execute", counted)
        yield hops


@pytest.mark.only_backend("sqlite", reason="aiosqlite's thread is SQLite's")
async def test_a_quiz_answer_makes_no_trip_to_the_sqlite_thread(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 12: SQLAlchemy's aiosqlite adapter made four trips per statement (open a cursor,
    execute, fetch, close), then one; now an update's claim and a learner's reads, writes and commit
    run on the event loop's thread (the claim, the transaction's first write, found the write lock
    free; the WAL is checkpointed on aiosqlite's thread every so many commits, not by this one)."""
    learner = LearnerDriver(await client.new_user("Saule", language_code="en"), course_key, "en")
    last = await learner.read_lecture(await learner.start())
    await learner.user.press(last, learner.words["quiz"])
    question = await learner.user.wait_for(is_question)
    with statements(bot_app) as seen, hops_to_sqlite_thread(monkeypatch) as hops:
        await learner.user.press(question, course_key.right_letter(question))
        following = await learner.user.wait_for(lambda m: m.message_id > question.message_id and is_question(m))
    assert "Question 2" in following.text
    assert len(seen) >= 5 and seen[0].startswith("INSERT INTO processed_updates"), seen
    assert hops == [], (seen, hops)


@pytest.mark.only_backend("sqlite", reason="aiosqlite's thread is SQLite's")
async def test_a_coordinators_report_reads_on_the_sqlite_thread(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 12: the staff's reports read whole courses; each of their statements goes to
    aiosqlite's thread, where a long read does not stop the other learners' updates. Only the
    update's claim and the sender's own row (before the update is routed) are on the loop."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    coordinator = await client.new_user("Kamila", id=COORDINATOR_ID, language_code="en")
    await client.new_group("Admins", [coordinator], id=ADMIN_CHAT_ID, type="supergroup")
    await hold_role(app, COORDINATOR_ID, Role.COORDINATOR)
    chat = coordinator.in_chat(ADMIN_CHAT_ID)
    with statements(app) as seen, hops_to_sqlite_thread(monkeypatch) as hops:
        await chat.send("/stats")
        report = await chat.wait_for(lambda m: m.from_bot and "Enrolled" in m.text)
    assert "python-basics" in report.text
    on_the_thread = [hop for hop in hops if hop == "_run"]
    assert sum(s.startswith("SELECT") for s in seen) >= 3 and len(on_the_thread) == len(seen) - 2, (seen, hops)


async def test_a_learners_update_runs_no_filter_on_a_worker_thread(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 12: aiogram runs a plain-function filter (`F.chat.type == "private"`) through
    asyncio.to_thread; a quiz answer made three such thread trips, /progress five."""
    learner = LearnerDriver(await client.new_user("Nurlan", language_code="en"), course_key, "en")
    last = await learner.read_lecture(await learner.start())
    await learner.user.press(last, learner.words["quiz"])
    question = await learner.user.wait_for(is_question)
    off_loop: list[str] = []
    original = asyncio.to_thread

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        off_loop.append(repr(getattr(function, "func", function)))
        return await original(function, *args, **kwargs)

    monkeypatch.setattr(aiogram_handler.asyncio, "to_thread", counted)
    await learner.user.press(question, course_key.right_letter(question))
    following = await learner.user.wait_for(lambda m: m.message_id > question.message_id and is_question(m))
    await learner.user.send("/progress")
    overview = await learner.user.wait_for(lambda m: m.message_id > following.message_id)
    assert "Question 2" in following.text and "ecture" in overview.text
    assert off_loop == []
