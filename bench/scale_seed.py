"""bench/scale.py's data: the sample course published through the app, then 100,000 learners,
their progress, 200,000 finished attempts (1,000,000 answered items), running attempts, learners
due a reminder and processed update ids, bulk-inserted (sqlite3 executemany; asyncpg COPY)."""
from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.sweep import NOW, TOKEN, stamp
from bot.app import SendLimits, Talimger
from bot.config import Settings
from bot.services.clock import ManualClock

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
        # What a database in use for months has had: autovacuum's pass over the loaded rows (their
        # visibility map and hint bits) and a checkpoint. Without it that work falls into the
        # measured updates: autovacuum and the first readers writing pages behind them.
        await connection.execute("VACUUM (ANALYZE)")
        await connection.execute("CHECKPOINT")
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


async def seed(url: str, data_dir: Path, learners: int, running: int, due: int) -> None:
    """Publish the sample course, then insert the rows (PostgreSQL: the database is EMPTIED first)."""
    if url.startswith("postgresql"):
        await reset_postgres(url)
        await publish_sample(url, data_dir)
        await seed_postgres(url, learners, running, due)
    else:
        await publish_sample(url, data_dir)
        await seed_sqlite(Path(url.split("///", 1)[1]), learners, running, due)


def seed_in_subprocess(url: str, data_dir: Path, learners: int, running: int, due: int) -> None:
    """Seeding in a process of its own: the measured one never holds the million generated rows nor
    loads Alembic for the first migration, so its RSS is the serving bot's."""
    subprocess.run([sys.executable, "-m", "bench.scale_seed", url, str(data_dir), str(learners), str(running),
                    str(due)], check=True)


async def read_rows(url: str, learners: int, running: int, due: int) -> Rows:
    """The seeded course's ids, for the measuring process."""
    if url.startswith("postgresql"):
        import asyncpg

        connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            async def fetch(sql: str) -> list[tuple[Any, ...]]:
                return [tuple(row) for row in await connection.fetch(sql)]
            return Rows(*await course_rows(fetch), learners, running, due, lambda moment: moment.replace(tzinfo=None))
        finally:
            await connection.close()
    with sqlite3.connect(url.split("///", 1)[1]) as db:
        return Rows(*await course_rows(sqlite_fetch(db)), learners, running, due, stamp)


if __name__ == "__main__":
    asyncio.run(seed(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])))
