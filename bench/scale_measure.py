"""bench/scale.py's measuring: updates fed one at a time through the production dispatcher, wall
and CPU time per update, the floor beside them, peak RSS, housekeeping ticks, and optionally
EXPLAIN and cProfile."""
from __future__ import annotations

import cProfile
import io
import pstats
import random
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import Update
from sqlalchemy import text

from bench.scale_explain import Statements, print_plans
from bench.scale_seed import Rows
from bench.scale_updates import FakeTelegram, answer_update, command_update, same_calls_bot
from bench.sweep import reset_peak_rss, rss_mb
from bot.app import Talimger
from scheduler.housekeeping import Housekeeper


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def measure(app: Talimger, rows: Rows, count: int, do_explain: bool, profile: str | None,
                  compare: str | None) -> None:
    """`compare`: "indexes" (without migration 0010's index, then with it) or "ping" (the pool
    pinging each connection it hands out, as before issue 12's fifth round, then not)."""
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

    # A reused file loses running attempts to every run (each answer moves one on; a finished one is gone).
    needed = count + 12  # the measured answers, 10 to warm up, one for --explain, one kept aside
    if len(running_attempts) < needed or not any(position == 4 for _, position in running_attempts.values()):
        raise SystemExit(f"only {len(running_attempts):,} running attempts are left in this database and "
                         f"{needed:,} are needed: measure fewer (--count) or delete the --keep file to seed a new one")
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
    phases: list[tuple[str, Callable[[], Awaitable[None]] | None]] = [("", None)]
    rounds = 1
    # interleaved in blocks, so the machine's noise falls on both alike
    if compare == "indexes":
        phases, rounds = [("without 0010", ddl(app, DROP_0010)), ("with 0010", ddl(app, CREATE_0010))], 5
    elif compare == "ping":
        phases, rounds = [("ping on checkout", pre_ping(app, True)), ("no ping", pre_ping(app, False))], 5
    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    floor: dict[str, list[float]] = {}
    ticks: dict[str, list[float]] = {}
    for _ in range(rounds):
        for phase, set_up in phases:
            if set_up is not None:
                await set_up()
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
        profiler.dump_stats("scale.prof")  # for pstats' callers/callees: python -m pstats scale.prof
        print("cProfile data in scale.prof")
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(40)
        print(buffer.getvalue())
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(25)
        print(buffer.getvalue())


DROP_0010 = "DROP INDEX IF EXISTS ix_processed_updates_processed_at"
CREATE_0010 = "CREATE INDEX ix_processed_updates_processed_at ON processed_updates (processed_at)"


def ddl(app: Talimger, statement: str) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        assert app.engine is not None
        async with app.engine.begin() as connection:
            await connection.exec_driver_sql(statement)
    return run


def pre_ping(app: Talimger, on: bool) -> Callable[[], Awaitable[None]]:
    async def switch() -> None:
        assert app.engine is not None
        app.engine.pool._pre_ping = on  # what create_async_engine(pool_pre_ping=...) sets
    return switch


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
