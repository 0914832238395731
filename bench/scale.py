"""/progress, /results and a quiz answer at 100,000 learners and 1,000,000 stored answers.

    .venv/bin/python -m bench.scale                         # SQLite file, 2,000 updates of each kind
    .venv/bin/python -m bench.scale --explain               # also EXPLAIN every statement they run
    .venv/bin/python -m bench.scale --postgres postgresql+asyncpg://user:pw@host/talimger_scale
                                                            # PostgreSQL: a database of its own, EMPTIED first

The sample course is published through the app (CourseImporter), then the rows are
bulk-inserted: 100,000 learners enrolled in it, their lecture progress spread over the four
lectures (a quarter each at lecture 1, 2, 3 and 4, the lectures before passed), two finished
attempts per learner (200,000 attempts, 1,000,000 answered attempt items), 6,000 learners
in the middle of a running attempt (0 to 4 of its 5 questions answered). 5,000 learners are
due a reminder, as in bench/sweep.py.

Then a Talimger app is built on that database (`prepare()`, the production dispatcher,
middlewares and handlers) with the bot session's network call replaced by a stub that builds
the request as aiogram does and answers a fake OK. Real aiogram `Update` objects go through
`dispatcher.feed_update`, one at a time; each one's wall time is a sample. Reported: p50/p95
per kind of update, the process's peak RSS after the seeding (Linux clear_refs), and then the
production reminder sweep over the same 100,000 learners (bench/sweep.py's `run`).
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import CallbackQuery, Chat, Message, MessageEntity, Update, User as TelegramUser
from sqlalchemy import event, text

from bench.sweep import NOW, TOKEN, reset_peak_rss, rss_mb, stamp
from bot.app import SendLimits, Talimger
from bot.config import Settings
from bot.services.clock import ManualClock
from bot.telegram.callbacks import AnswerCb
from scheduler.housekeeping import Housekeeper

LEARNERS = 100_000
ATTEMPTS_PER_LEARNER = 2  # finished ones; 5 answered items each
RUNNING = 6_000
DUE = 5_000
PROCESSED_PER_LEARNER = 12  # 5 updates a day for 2.5 days
BOT_ID = int(TOKEN.split(":")[0])


@dataclass
class Lecture:
    id: int
    key: str
    last_chunk: int
    questions: list[tuple[int, int, int]]  # (id, option count, correct index)


# --- seeding -------------------------------------------------------------------------------

def build_app(database_url: str, data_dir: Path) -> Talimger:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=data_dir,  # type: ignore[call-arg]
                        default_locale="en", web_port=0, scheduler_enabled=False, log_level="WARNING")
    return Talimger(settings, token=TOKEN, api_url="http://127.0.0.1:9", clock=ManualClock(NOW),
                    rng=random.Random(1), send_limits=SendLimits(1e6, 1e6, 1_000_000))


async def publish_sample(database_url: str, data_dir: Path) -> None:
    """The schema and the sample course, the way the bot does it on an empty database."""
    app = build_app(database_url, data_dir)
    app.clock = ManualClock(NOW - timedelta(days=30))
    await app.prepare()
    await app.bot.session.close()  # type: ignore[union-attr]
    await app.engine.dispose()  # type: ignore[union-attr]


async def course_rows(fetch: Any) -> tuple[int, int, list[Lecture]]:
    """The published sample course's ids, lectures and questions; `fetch(sql)` returns row tuples."""
    course_id, version_id = (await fetch("SELECT id, current_version_id FROM courses"))[0]
    lectures = []
    for lecture_id, key in await fetch(f"SELECT id, key FROM lectures WHERE version_id = {version_id} "
                                       f"ORDER BY position"):
        last_chunk = (await fetch(f"SELECT max(position) FROM chunks WHERE lecture_id = {lecture_id}"))[0][0]
        questions = [(qid, len(json.loads(options) if isinstance(options, str) else options), correct)
                     for qid, options, correct in await fetch(
                         f"SELECT id, options, correct_index FROM questions WHERE lecture_id = {lecture_id} ORDER BY id")]
        lectures.append(Lecture(lecture_id, key, last_chunk, questions))
    return course_id, version_id, lectures


def sqlite_fetch(db: sqlite3.Connection) -> Any:
    async def fetch(sql: str) -> list[tuple[Any, ...]]:
        return db.execute(sql).fetchall()
    return fetch


class Rows:
    """The rows of every table, generated lazily (a million items never sit in memory at once)."""

    def __init__(self, course_id: int, version_id: int, lectures: list[Lecture], learners: int, running: int,
                 due: int, dates: Any) -> None:
        self.course_id, self.version_id, self.lectures = course_id, version_id, lectures
        self.learners, self.due, self.date = learners, due, dates
        self.running = sorted(random.Random(7).sample(range(due + 1, learners + 1), running))
        self.enrolled = NOW - timedelta(days=20)

    def stage(self, user_id: int) -> int:
        """The lecture the learner is at (0-based): those before it are passed."""
        return user_id % len(self.lectures)

    def processed(self) -> Iterator[tuple[Any, ...]]:
        """Update ids already applied: five a learner a day for the last two and a half days
        (housekeeping keeps two), the oldest fifth due to be forgotten."""
        total = PROCESSED_PER_LEARNER * self.learners
        span = timedelta(days=2.5)
        for update_id in range(1, total + 1):
            yield update_id, self.date(NOW - span + span * update_id / total)

    def users(self) -> Iterator[tuple[Any, ...]]:
        for uid in range(1, self.learners + 1):
            last = NOW - timedelta(days=5 if uid <= self.due else 1)
            yield uid, self.date(self.enrolled), self.date(last)

    def enrolments(self) -> Iterator[tuple[Any, ...]]:
        for uid in range(1, self.learners + 1):
            idle = uid <= self.due
            last = NOW - timedelta(days=5 if idle else 1)
            wake = NOW - timedelta(hours=1) if idle else NOW + timedelta(days=2)
            yield uid, uid, self.course_id, self.version_id, self.date(self.enrolled), self.date(last), self.date(wake)

    def progress(self) -> Iterator[tuple[Any, ...]]:
        for uid in range(1, self.learners + 1):
            stage = self.stage(uid)
            for index, lecture in enumerate(self.lectures[:stage + 1]):
                opened = self.date(self.enrolled + timedelta(days=index))
                if index < stage:
                    yield uid, lecture.key, lecture.last_chunk, opened, self.date(self.enrolled + timedelta(days=index, hours=2)), 4
                else:
                    yield uid, lecture.key, lecture.last_chunk, opened, None, None

    def _finished(self, uid: int) -> list[tuple[int, bool]]:
        """(lecture index, passed) of the learner's finished attempts: the passes, then fails to make two."""
        stage = self.stage(uid)
        attempts = [(index, True) for index in range(stage)]
        while len(attempts) < ATTEMPTS_PER_LEARNER:
            attempts.insert(0, (stage, False))
        return attempts

    def attempts_and_items(self) -> tuple[Iterator[tuple[Any, ...]], Iterator[tuple[Any, ...]]]:
        attempts: list[tuple[Any, ...]] = []
        items: list[tuple[Any, ...]] = []

        def generate() -> Iterator[None]:
            attempt_id = 0
            running = set(self.running)
            for uid in range(1, self.learners + 1):
                plan = [(index, passed, True) for index, passed in self._finished(uid)]
                if uid in running:
                    plan.append((self.stage(uid), False, False))
                for number, (index, passed, finished) in enumerate(plan):
                    attempt_id += 1
                    lecture = self.lectures[index]
                    started = self.enrolled + timedelta(days=index, hours=1, minutes=number)
                    score = 4 if passed else 2
                    attempts.append((attempt_id, uid, lecture.id, lecture.key, self.date(started),
                                     self.date(started + timedelta(minutes=3)) if finished else None,
                                     score if finished else None, passed if finished else None))
                    answered = 5 if finished else uid % 5
                    for position in range(5):
                        qid, count, correct = lecture.questions[(position + number) % len(lecture.questions)]
                        order = [(shift + position) % count for shift in range(count)]
                        if position < answered:
                            chosen = correct if position < score else (correct + 1) % count
                            yield_row = (attempt_id, position, qid, json.dumps(order), chosen, chosen == correct,
                                         self.date(started + timedelta(seconds=20 * (position + 1))))
                        else:
                            yield_row = (attempt_id, position, qid, json.dumps(order), None, None, None)
                        items.append(yield_row)
                if len(items) >= 50_000:
                    yield None

            yield None

        return generate(), (attempts, items)  # type: ignore[return-value]


async def seed_sqlite(path: Path, learners: int, running: int, due: int) -> Rows:
    with sqlite3.connect(path) as db:
        rows = Rows(*await course_rows(sqlite_fetch(db)), learners, running, due, stamp)
        db.executemany("INSERT INTO users (id, first_name, locale, is_active, created_at, last_seen_at) "
                       "VALUES (?, 'Learner', 'en', 1, ?, ?)", rows.users())
        db.executemany("INSERT INTO enrolments (id, user_id, course_id, version_id, enrolled_at, last_activity_at, "
                       "next_remind_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows.enrolments())
        db.executemany("INSERT INTO lecture_progress (enrolment_id, lecture_key, chunk_cursor, opened_at, passed_at, "
                       "best_score) VALUES (?, ?, ?, ?, ?, ?)", rows.progress())
        batches, (attempts, items) = rows.attempts_and_items()
        for _ in batches:
            db.executemany("INSERT INTO quiz_attempts (id, enrolment_id, lecture_id, lecture_key, kind, size, "
                           "pass_score, started_at, finished_at, score, passed) "
                           "VALUES (?, ?, ?, ?, 'lecture', 5, 3, ?, ?, ?, ?)", attempts)
            db.executemany("INSERT INTO attempt_items (attempt_id, position, question_id, option_order, "
                           "chosen_option, is_correct, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)", items)
            attempts.clear()
            items.clear()
        db.executemany("INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)", rows.processed())
        db.execute("ANALYZE")  # what `PRAGMA optimize` would gather on a long-running database
    return rows


async def seed_postgres(url: str, learners: int, running: int, due: int) -> Rows:
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        async def fetch(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(row) for row in await connection.fetch(sql)]

        rows = Rows(*await course_rows(fetch), learners, running, due,
                    lambda moment: moment.replace(tzinfo=None))
        async with connection.transaction():
            await connection.copy_records_to_table(
                "users", records=[(uid, "Learner", "en", True, True, True, True, True, False, created, seen)
                                  for uid, created, seen in rows.users()],
                columns=["id", "first_name", "locale", "is_active", "remind_new_week", "remind_stalled",
                         "remind_retry", "announcements", "name_confirmed", "created_at", "last_seen_at"])
            await connection.copy_records_to_table(
                "enrolments", records=list(rows.enrolments()),
                columns=["id", "user_id", "course_id", "version_id", "enrolled_at", "last_activity_at", "next_remind_at"])
            await connection.copy_records_to_table(
                "lecture_progress", records=list(rows.progress()),
                columns=["enrolment_id", "lecture_key", "chunk_cursor", "opened_at", "passed_at", "best_score"])
            batches, (attempts, items) = rows.attempts_and_items()
            for _ in batches:
                await connection.copy_records_to_table(
                    "quiz_attempts", records=[(*row[:4], "lecture", 5, 3, *row[4:]) for row in attempts],
                    columns=["id", "enrolment_id", "lecture_id", "lecture_key", "kind", "size", "pass_score",
                             "started_at", "finished_at", "score", "passed"])
                await connection.copy_records_to_table(
                    "attempt_items", records=items,
                    columns=["attempt_id", "position", "question_id", "option_order", "chosen_option", "is_correct",
                             "answered_at"])
                attempts.clear()
                items.clear()
            await connection.copy_records_to_table("processed_updates", records=list(rows.processed()),
                                                   columns=["update_id", "processed_at"])
            for table, column in (("enrolments", "id"), ("lecture_progress", "id"), ("quiz_attempts", "id"),
                                  ("attempt_items", "id")):
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), (SELECT max({column}) FROM {table}))")
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return rows


async def reset_postgres(url: str) -> None:
    """Empties the database: give a database of its own (`CREATE DATABASE talimger_scale`), never a shared one."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()


# --- measuring -------------------------------------------------------------------------------

class FakeTelegram:
    """Replaces the session's network call: aiogram builds the request, we answer a fake OK."""

    def __init__(self, bot: Bot) -> None:
        self.calls = 0
        self.last_texts: list[str] = []
        session = bot.session
        self._session = session

        async def make_request(bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
            session.build_form_data(bot, method)
            self.calls += 1
            returning = getattr(method, "__returning__", None)
            if returning is bool:
                result: Any = True
            elif type(method).__name__ == "GetMe":
                result = {"id": BOT_ID, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
            else:
                chat_id = int(getattr(method, "chat_id", 0) or 0)
                message_text = getattr(method, "text", None) or ""
                self.last_texts.append(message_text)
                result = {"message_id": self.calls, "date": int(NOW.timestamp()),
                          "chat": {"id": chat_id, "type": "private"}, "text": message_text}
            body = {"ok": True, "result": result}
            return session.check_response(bot=bot, method=method, status_code=200, content=json.dumps(body)).result

        session.make_request = make_request  # type: ignore[method-assign]


def learner(uid: int) -> TelegramUser:
    return TelegramUser(id=uid, is_bot=False, first_name="Learner", language_code="en")


def command_update(update_id: int, uid: int, command: str) -> Update:
    chat = Chat(id=uid, type="private", first_name="Learner")
    message = Message(message_id=update_id, date=NOW, chat=chat, from_user=learner(uid), text=command,
                      entities=[MessageEntity(type="bot_command", offset=0, length=len(command))])
    return Update(update_id=update_id, message=message)


def answer_update(update_id: int, uid: int, attempt_id: int, position: int) -> Update:
    chat = Chat(id=uid, type="private", first_name="Learner")
    shown = Message(message_id=1000 + position, date=NOW, chat=chat,
                    from_user=TelegramUser(id=BOT_ID, is_bot=True, first_name="Bench"), text="question")
    query = CallbackQuery(id=str(update_id), from_user=learner(uid), chat_instance="bench", message=shown,
                          data=AnswerCb(a=attempt_id, p=position, o=0).pack())
    return Update(update_id=update_id, callback_query=query)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Statements:
    """The SQL one update runs (for EXPLAIN)."""

    def __init__(self, engine: Any) -> None:
        self.seen: list[tuple[str, Any]] = []
        self.on = False

        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
            if self.on:
                self.seen.append((statement, parameters[0] if executemany else parameters))


async def explain(app: Talimger, statements: list[tuple[str, Any]]) -> list[str]:
    """EXPLAIN QUERY PLAN (SQLite) / EXPLAIN (PostgreSQL) of each distinct statement."""
    assert app.engine is not None
    out = []
    sqlite = app.engine.dialect.name == "sqlite"
    unique: dict[str, Any] = {}
    times: Counter[str] = Counter()
    for statement, parameters in statements:
        if statement.strip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            continue
        unique.setdefault(statement, parameters)
        times[statement] += 1
    async with app.engine.connect() as connection:
        for statement, parameters in unique.items():
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            try:
                if sqlite:
                    cursor = await driver.execute(prefix + statement, parameters)
                    plan = [" | ".join(str(v) for v in row[3:]) for row in await cursor.fetchall()]
                else:
                    plan = [row[0] for row in await driver.fetch(prefix + statement, *(parameters or ()))]
            except Exception as error:  # e.g. a batched multi-row INSERT whose parameters were split
                plan = [f"(no plan: {type(error).__name__})"]
            out.append(f"[x{times[statement]}] " + " ".join(statement.split()))
            out.extend("    " + line for line in plan)
    return out


async def print_plans(app: Talimger, name: str, seen: list[tuple[str, Any]]) -> None:
    print(f"\n--- {name}: {len(seen)} statements")
    for line in await explain(app, seen):
        print(line)


async def measure(app: Talimger, rows: Rows, count: int, do_explain: bool, profile: str | None,
                  compare: bool) -> None:
    assert app.dispatcher is not None and app.bot is not None and app.engine is not None
    telegram = FakeTelegram(app.bot)
    pick = random.Random(11)
    first_id = max(10_000_000, await max_update_id(app) + 1)  # a reused file has seen ids: they would be skipped
    update_ids = iter(range(first_id, first_id + 10_000_000))
    running_attempts = await running(app)
    statements = Statements(app.engine)

    def progress_update(uid: int) -> Update:
        return command_update(next(update_ids), uid, "/progress")

    def results_update(uid: int) -> Update:
        return command_update(next(update_ids), uid, "/results")

    # One attempt at its last question is kept aside: --explain shows the answer that finishes it.
    last = next(uid for uid, (_, position) in sorted(running_attempts.items()) if position == 4)
    answers = pick.sample([uid for uid in sorted(running_attempts) if uid != last], len(running_attempts) - 1)

    def answer_for(uid: int) -> Update:
        attempt_id, position = running_attempts[uid]
        running_attempts[uid] = (attempt_id, position + 1)
        return answer_update(next(update_ids), uid, attempt_id, position)

    kinds = {
        "/progress": (progress_update, lambda: pick.randint(1, rows.learners)),
        "/results": (results_update, lambda: pick.randint(1, rows.learners)),
        "quiz answer": (answer_for, iter(answers).__next__),
    }
    # Warm-up: first imports, compiled statements, aiogram's getMe.
    for make, who in kinds.values():
        for _ in range(10):
            await app.dispatcher.feed_update(app.bot, make(who()))
    if do_explain:
        finishing = {"quiz answer that finishes the attempt": (answer_for, lambda: last)}
        for name, (make, who) in {**kinds, **finishing}.items():
            statements.seen.clear()
            statements.on = True
            await app.dispatcher.feed_update(app.bot, make(who()))
            statements.on = False
            await print_plans(app, name, statements.seen)
        assert app.sweeper is not None and app.outbox is not None
        statements.seen.clear()
        statements.on = True
        report = await app.sweeper.sweep()
        sent = await app.outbox.drain()
        statements.on = False
        await print_plans(app, f"reminder sweep ({report.queued} queued) and outbox drain ({sent.sent} sent)",
                          statements.seen)
        print()
    peak_reset = reset_peak_rss()
    rss_before = rss_mb("VmRSS")
    profiler = cProfile.Profile() if profile else None
    baseline = same_calls_bot()
    housekeeper = Housekeeper(app.uow_factory, app.clock)  # type: ignore[arg-type]
    first, first_ms = await timed_ms(housekeeper.forget_old_updates)
    print(f"housekeeping, first tick: {first:,} old update ids forgotten in {first_ms:.0f} ms")
    phases: list[tuple[str, str | None]] = [("", None)]
    rounds = 1
    if compare:  # interleaved in blocks, so the machine's noise falls on both alike
        phases, rounds = [("without 0010", DROP_0010), ("with 0010", CREATE_0010)], 5
    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    floor: dict[str, list[float]] = {}
    ticks: dict[str, list[float]] = {}
    for _ in range(rounds):
        for phase, ddl in phases:
            if ddl is not None:
                async with app.engine.begin() as connection:
                    await connection.exec_driver_sql(ddl)
            for name, (make, who) in kinds.items():
                for _ in range(count // rounds):
                    update = make(who())
                    if profiler is not None and name == profile:
                        profiler.enable()
                    started, started_cpu = time.perf_counter(), time.process_time()
                    await app.dispatcher.feed_update(app.bot, update)
                    wall.setdefault((phase, name), []).append(1000 * (time.perf_counter() - started))
                    cpu.setdefault((phase, name), []).append(1000 * (time.process_time() - started_cpu))
                    if profiler is not None:
                        profiler.disable()
                for index in range(count // rounds // len(phases)):
                    update = answer_update(index, 7, 1, 0) if name == "quiz answer" else command_update(index, 7, name)
                    started = time.perf_counter()
                    await baseline.feed_update(app.bot, update)
                    floor.setdefault(name, []).append(1000 * (time.perf_counter() - started))
            ticks.setdefault(phase, []).extend([(await timed_ms(housekeeper.forget_old_updates))[1] for _ in range(3)])
    kept = await count_rows(app, "processed_updates")
    for phase, _ in phases:
        print(f"\n{phase}:" if phase else "")
        print(f"{'update':<14}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'CPU ms':>10}"
              f"{'floor p50':>10}{'floor p95':>10}   (floor: aiogram making the same calls, no database)")
        for name in kinds:
            samples, used, base = wall[(phase, name)], cpu[(phase, name)], floor[name]
            print(f"{name:<14}{len(samples):>6}{percentile(samples, 0.5):>10.2f}{percentile(samples, 0.95):>10.2f}"
                  f"{max(samples):>10.2f}{sum(used) / len(used):>10.2f}{percentile(base, 0.5):>10.2f}"
                  f"{percentile(base, 0.95):>10.2f}")
        print(f"housekeeping tick (nothing old left to forget; ~{kept:,} processed update ids kept): "
              f"median {percentile(ticks[phase], 0.5):.1f} ms, max {max(ticks[phase]):.1f} ms")
    peak = rss_mb("VmHWM")
    print(f"memory: RSS {rss_before:.1f} MB before the measured updates, peak {peak:.1f} MB"
          + ("" if peak_reset else " (peak since start: no /proc/self/clear_refs)")
          + f"; an aiogram bot that imports aiogram and nothing of ours: {aiogram_floor_mb():.1f} MB")
    print(f"Bot API calls answered by the stub: {telegram.calls}")
    if profiler is not None:
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(40)
        print(buffer.getvalue())
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(25)
        print(buffer.getvalue())


DROP_0010 = "DROP INDEX IF EXISTS ix_processed_updates_processed_at"
CREATE_0010 = "CREATE INDEX ix_processed_updates_processed_at ON processed_updates (processed_at)"


async def timed_ms(work: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = await work()
    return result, 1000 * (time.perf_counter() - started)


async def max_update_id(app: Talimger) -> int:
    assert app.engine is not None
    async with app.engine.connect() as connection:
        return int((await connection.exec_driver_sql("SELECT max(update_id) FROM processed_updates")).scalar() or 0)


async def count_rows(app: Talimger, table: str) -> int:
    assert app.engine is not None
    async with app.engine.connect() as connection:
        return int((await connection.exec_driver_sql(f"SELECT count(*) FROM {table}")).scalar_one())


def same_calls_bot() -> Dispatcher:
    """The floor: aiogram alone making the calls our handlers make (a reply; for a press, the
    answer to the press, an edit and the next message), with no database, i18n or course logic."""
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def reply(message: Message) -> None:
        await message.answer(message.text or "?")

    @dispatcher.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer("ok")
        assert isinstance(query.message, Message)
        await query.message.edit_text("answered")
        await query.message.answer("next question")

    return dispatcher


def aiogram_floor_mb() -> float:
    """Peak RSS of a fresh interpreter that imports aiogram and builds a Bot and a Dispatcher."""
    code = ("import aiogram; from aiogram import Bot, Dispatcher; Bot('1:a'); Dispatcher(); "
            "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])")
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) / 1024


async def running(app: Talimger) -> dict[int, tuple[int, int]]:
    """learner id -> (running attempt, position of its first unanswered question)."""
    assert app.engine is not None
    async with app.engine.connect() as connection:
        result = await connection.execute(text(
            "SELECT e.user_id, a.id, min(i.position) FROM quiz_attempts a JOIN enrolments e ON e.id = a.enrolment_id "
            "JOIN attempt_items i ON i.attempt_id = a.id "
            "WHERE a.finished_at IS NULL AND i.chosen_option IS NULL GROUP BY e.user_id, a.id"))
        return {uid: (attempt_id, position) for uid, attempt_id, position in result}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=LEARNERS)
    parser.add_argument("--running", type=int, default=RUNNING)
    parser.add_argument("--due", type=int, default=DUE)
    parser.add_argument("--count", type=int, default=2_000, help="updates of each kind measured")
    parser.add_argument("--postgres", metavar="URL", help="an EMPTIED PostgreSQL database instead of a SQLite file")
    parser.add_argument("--keep", metavar="PATH", type=Path, help="SQLite: build (or reuse) the file here")
    parser.add_argument("--explain", action="store_true", help="print the plan of every statement of one update each")
    parser.add_argument("--profile", choices=("/progress", "/results", "quiz answer"),
                        help="cProfile the measured updates of this kind")
    parser.add_argument("--no-sweep", action="store_true")
    parser.add_argument("--compare-indexes", action="store_true",
                        help="measure without migration 0010's index, then with it, in this one run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        started = time.perf_counter()
        if args.postgres:
            url = args.postgres
            await reset_postgres(url)
            await publish_sample(url, data_dir)
            rows = await seed_postgres(url, args.learners, args.running, args.due)
            where = "PostgreSQL"
        else:
            path = args.keep or data_dir / "scale.db"
            if args.keep:  # the course's media store lives beside the kept file, for the next run
                data_dir = args.keep.with_name(args.keep.stem + "-data")
                data_dir.mkdir(exist_ok=True)
            url = f"sqlite+aiosqlite:///{path}"
            reused = path.exists()
            if not reused:
                await publish_sample(url, data_dir)
                rows = await seed_sqlite(path, args.learners, args.running, args.due)
            else:
                with sqlite3.connect(path) as db:
                    rows = Rows(*await course_rows(sqlite_fetch(db)), args.learners, args.running, args.due, stamp)
            where = f"SQLite file {path.stat().st_size / 2**20:.0f} MB" + (" (reused)" if reused else "")
        print(f"{rows.learners:,} learners, {rows.learners * ATTEMPTS_PER_LEARNER * 5:,} answered items in "
              f"{rows.learners * ATTEMPTS_PER_LEARNER:,} finished attempts, {len(rows.running):,} running attempts; "
              f"{where}, built in {time.perf_counter() - started:.1f} s")
        app = build_app(url, data_dir)
        await app.prepare()
        try:
            await measure(app, rows, args.count, args.explain, args.profile, args.compare_indexes)
        finally:
            await app.bot.session.close()  # type: ignore[union-attr]
            await app.engine.dispose()  # type: ignore[union-attr]
        if not args.no_sweep and not args.postgres and not args.explain:  # --explain already swept
            from bench.sweep import run
            from scheduler.outbox import OutboxConfig
            from scheduler.sweep import SweepConfig

            print("\nreminder sweep over the same database:")
            await run(Path(url.split("///", 1)[1]), "stub", SweepConfig(), args.due, OutboxConfig.group_size)


if __name__ == "__main__":
    asyncio.run(main())
