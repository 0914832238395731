"""The bot as a real process, killed with SIGKILL while the outbox is sending and started again
(issue 11, tests): nobody gets a message twice; the only ones that may not get it are the rows
the outbox was sending at the kill ('unknown': maybe delivered, so never sent again), and there
are at most one group of those. Once for a broadcast, once for a batch of reminders."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.db.models import Broadcast, Course, Delivery, Enrolment, LectureProgress, User
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock, SystemClock
from bot.services.course_import import CourseImporter
from content import SAMPLE_COURSE_DIR, load_course
from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.e2e.outbox_steps import LANGUAGES, queue_broadcast, seed_learners

GROUP_SIZE = 1  # OUTBOX_GROUP_SIZE (the default): rows marked "sending" together — the most a kill can leave unknown
CLAIM_SECONDS = 4  # a dead sender's claim runs out this soon, so the restart takes its rows over quickly
LEARNERS = 240
# Both backends pass (checked by hand on PostgreSQL: ~1.5 min a run) — kept to SQLite for time only.
KILL_ON_SQLITE_ONLY = ("two kill -9 runs of ~1.5 min each; the suite's 10-minute budget has no room for a second "
                       "pair. On PostgreSQL, claims that keep a row to one sender are pinned by "
                       "tests/e2e/test_outbox_core.py::test_two_senders_with_their_own_engines_send_each_copy_once"
                       "[postgresql] and tests/postgres/test_pg_outbox.py::"
                       "test_postgres_outbox_claim_skips_rows_another_open_transaction_holds")
SEND_LATENCY = 0.3  # the sandbox answers a send this long after delivering it: the kill lands mid-request


def _environment(sandbox: Sandbox, folder: Path, database_url: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key not in {"ADMIN_CHAT_ID", "OWNER_IDS"}}
    environment.update(BOT_TOKEN=sandbox.token, TELEGRAM_API_URL=sandbox.url,
                       DATABASE_URL=database_url, DATA_DIR=str(folder / "data"),
                       LOG_LEVEL="WARNING", WEB_PORT="0", SCHEDULER_ENABLED="true", SWEEP_INTERVAL_SECONDS="1",
                       OUTBOX_GROUP_SIZE=str(GROUP_SIZE), OUTBOX_BATCH_SIZE="30",
                       OUTBOX_CLAIM_SECONDS=str(CLAIM_SECONDS), SWEEP_CLAIM_SECONDS=str(CLAIM_SECONDS))
    return environment


@asynccontextmanager
async def bot_process(sandbox: Sandbox, folder: Path,
                      database_url: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """`talimger run` against the test's sandbox; killed on the way out if still running."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=folder, env=_environment(sandbox, folder, database_url),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _wait_until(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def _row_states(engine: AsyncEngine, kind: str) -> dict[int, str]:
    """chat → state of the `kind` rows, read while the bot may be writing (a busy SQLite file: {} this time)."""
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(select(Delivery.chat_id, Delivery.state).where(Delivery.kind == kind))
            return {chat: state for chat, state in rows}
    except OperationalError:
        return {}


async def _kill_mid_send_and_restart(sandbox: Sandbox, client: SandboxClient, folder: Path, database_url: str,
                                     kind: str, chats: set[int]) -> tuple[dict[int, str], dict[int, int], int]:
    """Start the bot, SIGKILL it once about a third of `chats` got their message and a group is
    in flight ("sending" in the database, its requests waiting for the sandbox's answer), start it
    again and let it finish. Returns the rows' states, messages per chat, and how many had arrived
    at the kill."""
    async def delivered() -> int:
        return (await client.figures())["sent"]

    # The test's own reader, beside the bot's process (SQLite: gives up on a busy file at once).
    engine = create_async_engine(database_url, connect_args={"timeout": 0.2} if database_url.startswith("sqlite") else {})
    try:
        return await _kill_and_restart(sandbox, client, folder, database_url, kind, chats, engine, delivered)
    finally:
        await engine.dispose()


async def _kill_and_restart(sandbox: Sandbox, client: SandboxClient, folder: Path, database_url: str, kind: str,
                            chats: set[int], engine: AsyncEngine,
                            delivered: Callable[[], Awaitable[int]]) -> tuple[dict[int, str], dict[int, int], int]:
    async def mid_send() -> bool:
        return await delivered() >= len(chats) // 3 and "sending" in (await _row_states(engine, kind)).values()

    await client.settings(send_latency=SEND_LATENCY)
    async with bot_process(sandbox, folder, database_url) as first:
        await _wait_until(mid_send, 120, "a third sent and a group in flight")
        first.send_signal(signal.SIGKILL)
        await first.wait()
    at_kill = await delivered()
    assert first.returncode == -signal.SIGKILL
    assert at_kill < len(chats)  # killed mid-send, not after

    async with bot_process(sandbox, folder, database_url) as second:
        async def settled() -> bool:
            states = await _row_states(engine, kind)
            return len(states) == len(chats) and not {"pending", "sending"} & set(states.values())

        await _wait_until(settled, 180, "every row to be settled after the restart")
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 30) == 0
    per_chat = {int(chat): count for chat, count in (await client.figures())["per_chat"].items()}
    return await _row_states(engine, kind), per_chat, at_kill


def _check_exactly_once(kind: str, chats: set[int], states: dict[int, str], per_chat: dict[int, int],
                        at_kill: int) -> None:
    doubled = {chat: n for chat, n in per_chat.items() if n > 1}
    missed = chats - set(per_chat)
    unknown = {chat for chat, state in states.items() if state == "unknown"}
    print(f"\n{kind}: {len(chats)} chats, {at_kill} delivered at the kill; after the restart rows "
          f"{ {s: list(states.values()).count(s) for s in set(states.values())} }; {len(missed)} never got it "
          f"(all among the {len(unknown)} rows in flight at the kill, marked unknown); {len(doubled)} got it twice")
    assert doubled == {}
    assert set(per_chat) <= chats
    assert missed <= unknown  # nobody skipped but the rows that were in flight
    assert 1 <= len(unknown) <= GROUP_SIZE  # killed with a group in flight: at most that group
    assert {state for chat, state in states.items() if chat not in unknown} == {"sent"}


@pytest.mark.only_backend("sqlite", reason=KILL_ON_SQLITE_ONLY)
@pytest.mark.timeout(400)
async def test_a_broadcast_killed_mid_send_and_restarted_reaches_nobody_twice(
        tmp_path: Path, bot_database_url: str) -> None:
    """issue 11: kill -9 mid-broadcast, restart: no recipient gets it twice, none skipped but
    the few rows in flight at the kill (reported as 'unknown')."""
    async with Sandbox() as sandbox, SandboxClient(sandbox.url) as client:
        await client.settings(rate_limits_enabled=True)
        users = await client.new_users(LEARNERS, language_codes=LANGUAGES)
        engine = create_engine(bot_database_url)
        uow_factory = UnitOfWorkFactory(create_session_factory(engine),
                                        serialize_writes=engine.dialect.name == "sqlite")
        await seed_learners(uow_factory, users, SystemClock().now())
        await queue_broadcast(uow_factory, SystemClock().now())

        states, per_chat, at_kill = await _kill_mid_send_and_restart(
            sandbox, client, tmp_path, bot_database_url, "broadcast", {user["id"] for user in users})
        _check_exactly_once("broadcast", {user["id"] for user in users}, states, per_chat, at_kill)
        try:
            async with uow_factory() as uow:
                assert (await uow.session.scalars(select(Broadcast.state))).all() == ["done"]
        finally:
            await engine.dispose()


async def _seed_idle_learners(database_url: str, count: int) -> None:
    """`count` learners of the sample course, idle five days in its first lecture and due a
    reminder an hour ago, without quiet hours (as bench/sweep.py's, on either backend)."""
    now = SystemClock().now()
    engine = create_engine(database_url)
    uow_factory = UnitOfWorkFactory(create_session_factory(engine), serialize_writes=engine.dialect.name == "sqlite")
    try:
        async with uow_factory() as uow:
            published = await CourseImporter(uow, ManualClock(now - timedelta(days=30))).publish(
                load_course(SAMPLE_COURSE_DIR))
            version_id = await uow.session.scalar(select(Course.current_version_id).where(
                Course.id == published.course_id))
            enrolled, idle, due = now - timedelta(days=20), now - timedelta(days=5), now - timedelta(hours=1)
            uow.session.add_all(User(id=user_id, first_name="Learner", locale="en", is_active=True, quiet_hours="off",
                                     created_at=enrolled, last_seen_at=idle) for user_id in range(1, count + 1))
            await uow.session.flush()  # the users before their enrolments (no relationship orders them)
            enrolments = [Enrolment(user_id=user_id, course_id=published.course_id, version_id=version_id,
                                    enrolled_at=enrolled, last_activity_at=idle, next_remind_at=due)
                          for user_id in range(1, count + 1)]
            uow.session.add_all(enrolments)
            await uow.session.flush()
            uow.session.add_all(LectureProgress(enrolment_id=enrolment.id, lecture_key="variables", chunk_cursor=2,
                                                opened_at=enrolled) for enrolment in enrolments)
            await uow.commit()
    finally:
        await engine.dispose()


@pytest.mark.only_backend("sqlite", reason=KILL_ON_SQLITE_ONLY)
@pytest.mark.timeout(400)
async def test_a_reminder_batch_killed_mid_send_and_restarted_reaches_nobody_twice(
        tmp_path: Path, bot_database_url: str) -> None:
    """issue 11: the same for reminders, now that the sweep queues them into the outbox: the
    real sweep finds the idle learners due, the outbox sends; kill -9 mid-send, restart."""
    await _seed_idle_learners(bot_database_url, LEARNERS)
    async with Sandbox() as sandbox, SandboxClient(sandbox.url) as client:
        await client.settings(rate_limits_enabled=True)
        for user_id in range(1, LEARNERS + 1):
            sandbox.state.add_user("Learner", user_id)
        states, per_chat, at_kill = await _kill_mid_send_and_restart(
            sandbox, client, tmp_path, bot_database_url, "reminder", set(range(1, LEARNERS + 1)))
    _check_exactly_once("reminder", set(range(1, LEARNERS + 1)), states, per_chat, at_kill)
