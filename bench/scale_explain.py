"""bench/scale.py --explain: the SQL one update runs, and the plan of each distinct statement
(EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import event

from bot.app import Talimger


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
