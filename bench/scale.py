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

import bot  # noqa: F401  (first, as in `talimger run`: aiogram's types built on demand)
import argparse
import asyncio
import gc
import tempfile
import time
from pathlib import Path

from bench.scale_measure import measure
from bench.scale_seed import (ATTEMPTS_PER_LEARNER, DUE, LEARNERS, RUNNING, build_app, read_rows,
                              seed_in_subprocess)
from bot.startup_heap import freeze_startup_heap


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
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave the start-up heap to full garbage collections (talimger run freezes it)")
    parser.add_argument("--compare-indexes", dest="compare", action="store_const", const="indexes",
                        help="measure without migration 0010's index, then with it, in this one run")
    parser.add_argument("--compare-ping", dest="compare", action="store_const", const="ping",
                        help="measure with the pool pinging each connection it hands out (as before), then "
                             "without, in this one run (PostgreSQL: SQLite's pool never pinged)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        started = time.perf_counter()
        if args.postgres:
            url = args.postgres
            seed_in_subprocess(url, data_dir, args.learners, args.running, args.due)
            where = "PostgreSQL"
        else:
            path = args.keep or data_dir / "scale.db"
            if args.keep:  # the course's media store lives beside the kept file, for the next run
                data_dir = args.keep.with_name(args.keep.stem + "-data")
                data_dir.mkdir(exist_ok=True)
            url = f"sqlite+aiosqlite:///{path}"
            reused = path.exists()
            if not reused:
                seed_in_subprocess(url, data_dir, args.learners, args.running, args.due)
            where = f"SQLite file {path.stat().st_size / 2**20:.0f} MB" + (" (reused)" if reused else "")
        rows = await read_rows(url, args.learners, args.running, args.due)
        print(f"{rows.learners:,} learners, {rows.learners * ATTEMPTS_PER_LEARNER * 5:,} answered items in "
              f"{rows.learners * ATTEMPTS_PER_LEARNER:,} finished attempts, {len(rows.running):,} running attempts; "
              f"{where}, built in {time.perf_counter() - started:.1f} s")
        app = build_app(url, data_dir)
        await app.prepare()
        if not args.no_freeze:
            print(f"start-up heap frozen, as `talimger run` does: {freeze_startup_heap():,} objects")
        try:
            await measure(app, rows, args.count, args.explain, args.profile, args.compare)
            collecting = time.perf_counter()
            gc.collect()  # the pause an update meets when a full collection falls in it
            print(f"one full garbage collection after the updates: {(time.perf_counter() - collecting) * 1000:.0f} ms")
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
