"""The bot as a real process, killed with SIGKILL while the outbox is sending and started again
(issue 11, tests): nobody gets a message twice; the only ones that may not get it are the rows
the outbox was sending at the kill ('unknown': maybe delivered, so never sent again), and there
are at most one group of those. Once for a broadcast, once for a batch of reminders."""
from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest

import bench.sweep
from bot.db.migrate import upgrade_to_head
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import SystemClock
from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.e2e.outbox_steps import LANGUAGES, queue_broadcast, seed_learners

GROUP_SIZE = 1  # OUTBOX_GROUP_SIZE (the default): rows marked "sending" together — the most a kill can leave unknown
CLAIM_SECONDS = 4  # a dead sender's claim runs out this soon, so the restart takes its rows over quickly
LEARNERS = 240
SEND_LATENCY = 0.3  # the sandbox answers a send this long after delivering it: the kill lands mid-request


def _environment(sandbox: Sandbox, folder: Path, database: Path) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key not in {"ADMIN_CHAT_ID", "OWNER_IDS"}}
    environment.update(BOT_TOKEN=sandbox.token, TELEGRAM_API_URL=sandbox.url,
                       DATABASE_URL=f"sqlite+aiosqlite:///{database}", DATA_DIR=str(folder / "data"),
                       LOG_LEVEL="WARNING", WEB_PORT="0", SCHEDULER_ENABLED="true", SWEEP_INTERVAL_SECONDS="1",
                       OUTBOX_GROUP_SIZE=str(GROUP_SIZE), OUTBOX_BATCH_SIZE="30",
                       OUTBOX_CLAIM_SECONDS=str(CLAIM_SECONDS), SWEEP_CLAIM_SECONDS=str(CLAIM_SECONDS))
    return environment


@asynccontextmanager
async def bot_process(sandbox: Sandbox, folder: Path, database: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """`talimger run` against the test's sandbox; killed on the way out if still running."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=folder, env=_environment(sandbox, folder, database),
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


def _row_states(database: Path, kind: str) -> dict[int, str]:
    """chat → state of the `kind` rows, read while the bot may be writing (a busy file: {} this time)."""
    try:
        with sqlite3.connect(database, timeout=0.2) as db:
            return dict(db.execute("SELECT chat_id, state FROM deliveries WHERE kind = ?", (kind,)).fetchall())
    except sqlite3.OperationalError:
        return {}


async def _kill_mid_send_and_restart(sandbox: Sandbox, client: SandboxClient, folder: Path, database: Path,
                                     kind: str, chats: set[int]) -> tuple[dict[int, str], dict[int, int], int]:
    """Start the bot, SIGKILL it once about a third of `chats` got their message and a group is
    in flight ("sending" in the database, its requests waiting for the sandbox's answer), start it
    again and let it finish. Returns the rows' states, messages per chat, and how many had arrived
    at the kill."""
    async def delivered() -> int:
        return (await client.figures())["sent"]

    async def mid_send() -> bool:
        return await delivered() >= len(chats) // 3 and "sending" in _row_states(database, kind).values()

    await client.settings(send_latency=SEND_LATENCY)
    async with bot_process(sandbox, folder, database) as first:
        await _wait_until(mid_send, 120, "a third sent and a group in flight")
        first.send_signal(signal.SIGKILL)
        await first.wait()
    at_kill = await delivered()
    assert first.returncode == -signal.SIGKILL
    assert at_kill < len(chats)  # killed mid-send, not after

    async with bot_process(sandbox, folder, database) as second:
        async def settled() -> bool:
            states = _row_states(database, kind)
            return len(states) == len(chats) and not {"pending", "sending"} & set(states.values())

        await _wait_until(settled, 180, "every row to be settled after the restart")
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 30) == 0
    per_chat = {int(chat): count for chat, count in (await client.figures())["per_chat"].items()}
    return _row_states(database, kind), per_chat, at_kill


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


@pytest.mark.timeout(400)
async def test_a_broadcast_killed_mid_send_and_restarted_reaches_nobody_twice(tmp_path: Path) -> None:
    """issue 11: kill -9 mid-broadcast, restart: no recipient gets it twice, none skipped but
    the few rows in flight at the kill (reported as 'unknown')."""
    database = tmp_path / "talimger.db"
    async with Sandbox() as sandbox, SandboxClient(sandbox.url) as client:
        await client.settings(rate_limits_enabled=True)
        users = await client.new_users(LEARNERS, language_codes=LANGUAGES)
        engine = create_engine(f"sqlite+aiosqlite:///{database}")
        await upgrade_to_head(engine)
        uow_factory = UnitOfWorkFactory(create_session_factory(engine), serialize_writes=True)
        await seed_learners(uow_factory, users, SystemClock().now())
        await queue_broadcast(uow_factory, SystemClock().now())
        await engine.dispose()

        states, per_chat, at_kill = await _kill_mid_send_and_restart(
            sandbox, client, tmp_path, database, "broadcast", {user["id"] for user in users})
    _check_exactly_once("broadcast", {user["id"] for user in users}, states, per_chat, at_kill)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT state FROM broadcasts").fetchall() == [("done",)]


@pytest.mark.timeout(400)
async def test_a_reminder_batch_killed_mid_send_and_restarted_reaches_nobody_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 11: the same for reminders, now that the sweep queues them into the outbox: the
    real sweep finds the idle learners due, the outbox sends; kill -9 mid-send, restart."""
    database = tmp_path / "talimger.db"
    # bench.sweep's learners, idle five days and due an hour ago — as of now, without quiet hours.
    monkeypatch.setattr(bench.sweep, "NOW", datetime.now(timezone.utc))
    await bench.sweep.prepare(database, LEARNERS, LEARNERS)
    with sqlite3.connect(database) as db:
        db.execute("UPDATE users SET quiet_hours = 'off'")
    async with Sandbox() as sandbox, SandboxClient(sandbox.url) as client:
        await client.settings(rate_limits_enabled=True)
        for user_id in range(1, LEARNERS + 1):
            sandbox.state.add_user("Learner", user_id)
        states, per_chat, at_kill = await _kill_mid_send_and_restart(
            sandbox, client, tmp_path, database, "reminder", set(range(1, LEARNERS + 1)))
    _check_exactly_once("reminder", set(range(1, LEARNERS + 1)), states, per_chat, at_kill)
