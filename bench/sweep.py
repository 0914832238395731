"""One reminder sweep over 100,000 enrolled learners of whom 5,000 are due, on a SQLite file.

    .venv/bin/python -m bench.sweep                       # sends into a stub session
    .venv/bin/python -m bench.sweep --sink sandbox        # sends over HTTP into the local sandbox

The rows are bulk-inserted straight into a migrated database holding the sample course
(5,000 learners idle for five days and due an hour ago; 95,000 active yesterday and due in
two days). The sweep is the production one: claim, plan, queue into the outbox; then the
production outbox sender claims, marks, sends through aiogram with SendThrottle on the
session, records. Pacing is switched off — with it, Telegram's 30 messages a second alone
make 5,000 messages take 167 s; this measures the work itself.

`stub` keeps aiogram's request building and response parsing and skips only the network;
`sandbox` adds real HTTP to the sandbox (rate limits off). Reported: wall and CPU time of
the sweep that sends, of a second sweep that finds nothing due (what every idle minute
costs), and the growth of the process's peak resident memory during the sending sweep.
"""
from __future__ import annotations

import bot  # noqa: F401  (first, as in `talimger run`: aiogram's types built on demand)
import argparse
import asyncio
import json
import sqlite3
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.enums import ParseMode
from aiogram.methods import TelegramMethod

from bot.db.migrate import upgrade_to_head
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter
from bot.telegram.i18n import create_i18n
from bot.telegram.throttle import LocalSendLimiter, SendThrottle
from content import SAMPLE_COURSE_DIR, load_course
from scheduler.outbox import OutboxConfig, OutboxSender
from scheduler.sweep import SweepConfig, Sweeper

NOW = datetime(2026, 1, 7, 7, 0, tzinfo=timezone.utc)  # midday in Almaty: no quiet hours in the way
TOKEN = "123456:BENCH"


def stamp(moment: datetime) -> str:
    """How the UTCDateTime column stores a moment in SQLite."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


class StubSession(AiohttpSession):
    """aiogram's request building and response parsing, without the network."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: Counter[int] = Counter()

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.build_form_data(bot, method)
        chat_id = int(getattr(method, "chat_id", 0))
        self.sent[chat_id] += 1
        body = {"ok": True, "result": {"message_id": self.sent.total(), "date": int(NOW.timestamp()),
                                       "chat": {"id": chat_id, "type": "private"}, "text": getattr(method, "text", "")}}
        return self.check_response(bot=bot, method=method, status_code=200, content=json.dumps(body)).result


async def prepare(path: Path, learners: int, due: int) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(engine)
    async with UnitOfWorkFactory(create_session_factory(engine))() as uow:
        await CourseImporter(uow, ManualClock(NOW - timedelta(days=30))).publish(load_course(SAMPLE_COURSE_DIR))
        await uow.commit()
    await engine.dispose()
    with sqlite3.connect(path) as db:
        course_id, version_id = db.execute("SELECT id, current_version_id FROM courses").fetchone()
        enrolled = stamp(NOW - timedelta(days=20))
        rows = []
        for user_id in range(1, learners + 1):
            idle = user_id <= due
            last = stamp(NOW - timedelta(days=5 if idle else 1))
            wake = stamp(NOW - timedelta(hours=1) if idle else NOW + timedelta(days=2))
            rows.append((user_id, last, wake))
        db.executemany("INSERT INTO users (id, first_name, locale, is_active, created_at, last_seen_at) "
                       "VALUES (?, 'Learner', 'en', 1, ?, ?)", [(uid, enrolled, last) for uid, last, _ in rows])
        db.executemany("INSERT INTO enrolments (id, user_id, course_id, version_id, enrolled_at, last_activity_at, "
                       "next_remind_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(uid, uid, course_id, version_id, enrolled, last, wake) for uid, last, wake in rows])
        db.executemany("INSERT INTO lecture_progress (enrolment_id, lecture_key, chunk_cursor, opened_at) "
                       "VALUES (?, 'variables', 2, ?)", [(uid, enrolled) for uid, _, _ in rows])


def rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss() -> bool:
    """Linux: make VmHWM start again from the current RSS (so setup does not count)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


async def timed(work: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    report = await work()
    return report, time.perf_counter() - wall, time.process_time() - cpu


async def run(path: Path, sink: str, config: SweepConfig, due: int, group: int) -> None:
    sandbox = None
    if sink == "sandbox":
        from sandbox import Sandbox

        sandbox = await Sandbox().start()
        session = AiohttpSession(api=sandbox.api_server)
        token = sandbox.token
        for user_id in range(1, due + 1):  # the due learners need a chat on the Bot API side
            sandbox.state.add_user("Learner", user_id)
    else:
        session, token = StubSession(), TOKEN
    throttle = SendThrottle(LocalSendLimiter(1_000_000, 1_000_000, 1_000_000, 1_000_000))  # pacing off
    session.middleware(throttle)
    bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    uow_factory = UnitOfWorkFactory(create_session_factory(engine), serialize_writes=True)
    clock = ManualClock(NOW)
    sweeper = Sweeper(uow_factory, create_i18n("en"), clock, "en", config)
    outbox = OutboxSender(uow_factory, bot, throttle, clock, OutboxConfig(group_size=group))
    try:
        rss_before = rss_mb("VmRSS")
        peak_reset = reset_peak_rss()
        report, wall, cpu = await timed(sweeper.sweep)
        sent, send_wall, send_cpu = await timed(outbox.drain)
        peak = rss_mb("VmHWM")
        idle, idle_wall, idle_cpu = await timed(sweeper.sweep)
    finally:
        await bot.session.close()
        await engine.dispose()
        if sandbox is not None:
            await sandbox.stop()
    print(f"sink: {sink}; sweep batch {config.batch_size}; outbox groups of {group}")
    print(f"sweep: {report.queued} queued of {report.claimed} claimed in {wall:.2f} s wall, {cpu:.2f} s CPU "
          f"({1000 * wall / max(report.queued, 1):.2f} ms a message)")
    print(f"outbox: {sent.sent} sent in {send_wall:.2f} s wall, {send_cpu:.2f} s CPU "
          f"({1000 * send_wall / max(sent.sent, 1):.2f} ms a message)")
    print(f"idle sweep (nothing due among 100,000): {1000 * idle_wall:.1f} ms wall, {1000 * idle_cpu:.1f} ms CPU, "
          f"{idle.claimed} claimed")
    growth = f"{peak - rss_before:.1f} MB" if peak_reset else "n/a (no /proc/self/clear_refs)"
    print(f"memory: RSS {rss_before:.1f} MB before, peak {peak:.1f} MB during the sweep and the sends (+{growth})")
    if isinstance(session, StubSession):
        doubled = [chat for chat, count in session.sent.items() if count > 1]
        print(f"messages per learner: {len(session.sent)} learners, {len(doubled)} got more than one")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=5_000)
    parser.add_argument("--sink", choices=("stub", "sandbox"), default="stub")
    parser.add_argument("--batch", type=int, default=SweepConfig.batch_size)
    parser.add_argument("--group", type=int, default=OutboxConfig.group_size, help="outbox rows sent together")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sweep.db"
        started = time.perf_counter()
        await prepare(path, args.learners, args.due)
        print(f"{args.learners:,} enrolled learners, {args.due:,} due; SQLite file {path.stat().st_size / 2**20:.0f} MB, "
              f"built in {time.perf_counter() - started:.1f} s")
        await run(path, args.sink, SweepConfig(batch_size=args.batch), args.due, args.group)


if __name__ == "__main__":
    asyncio.run(main())
