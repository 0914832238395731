"""1 vs 3 replicas on PostgreSQL behind nginx (issue 12): updates/s with pacing off, and CPU per
update, in one run, deployed by the cluster tests' harness (deploy/ recipe):

    TEST_POSTGRES_URL=postgresql+asyncpg://talimger:talimger@127.0.0.1:5432/talimger_test \\
    TEST_REDIS_URL=redis://127.0.0.1:6379/15 .venv/bin/python -m bench.replicas --updates 2000

Updates are posted to nginx as Telegram posts them (with the secret), CONNECTIONS at a time
(Telegram's default max_connections is 40): a /start from a new learner each, which the bot
answers with the language picker (a user row written, a sendMessage made). The sandbox's own
deliverer posts one update at a time, so it is bypassed here: it would measure the sandbox.
CPU per update is the replicas' user+system CPU (from /proc) over the updates handled.
"""
from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from sandbox.client import SandboxClient
from tests.cluster.harness import SECRET, Cluster, missing_servers

CONNECTIONS = 40
PACING_OFF = {"SEND_RATE_GLOBAL": "100000", "SEND_RATE_PER_CHAT": "100000", "SEND_BURST_PER_CHAT": "100000",
              "SCHEDULER_ENABLED": "false"}


def start_update(update_id: int, user: dict[str, object]) -> dict[str, object]:
    sender = {"id": user["id"], "is_bot": False, "first_name": user["first_name"], "language_code": "en"}
    return {"update_id": update_id,
            "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": user["id"], "type": "private"},
                        "from": sender, "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}


async def fresh_database(base_url: str) -> tuple[str, str]:
    base = make_url(base_url)
    name = f"talimger_bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), name


async def drop_database(base_url: str, name: str) -> None:
    admin = create_async_engine(make_url(base_url), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def measure(replicas: int, updates: int, base_url: str) -> dict[str, float]:
    url, name = await fresh_database(base_url)
    try:
        with tempfile.TemporaryDirectory() as folder:
            async with Cluster(Path(folder), url, replicas=replicas, extra_env=PACING_OFF) as cluster, \
                    SandboxClient(cluster.sandbox.url) as client:
                users = await client.new_users(updates, language_codes=["en"])
                cpu_before = sum(replica.cpu_seconds() for replica in cluster.replicas)
                gate = asyncio.Semaphore(CONNECTIONS)
                failures = 0
                async with aiohttp.ClientSession() as http:
                    async def post(number: int, user: dict[str, object]) -> None:
                        nonlocal failures
                        async with gate:
                            async with http.post(cluster.webhook_url, json=start_update(10_000_000 + number, user),
                                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as reply:
                                failures += reply.status != 200
                    started = time.perf_counter()
                    await asyncio.gather(*(post(number, user) for number, user in enumerate(users)))
                    # Answered means stored; the replies (sendMessage) may still be on their way.
                    while len([c for c in cluster.sandbox.state.calls if c.method == "sendMessage"]) < updates:
                        await asyncio.sleep(0.05)
                    took = time.perf_counter() - started
                cpu = sum(replica.cpu_seconds() for replica in cluster.replicas) - cpu_before
                handled = sum([await replica.metric("talimger_updates_handled_total") for replica in cluster.replicas])
    finally:
        await drop_database(base_url, name)
    return {"replicas": replicas, "updates": updates, "seconds": took, "updates_per_second": updates / took,
            "cpu_ms_per_update": 1000 * cpu / updates, "handled": handled, "failed_posts": failures}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--updates", type=int, default=2000)
    args = parser.parse_args()
    reason = missing_servers()
    if reason:
        raise SystemExit(reason)
    import os
    base_url = os.environ["TEST_POSTGRES_URL"]
    results = [await measure(count, args.updates, base_url) for count in (1, 3)]
    for result in results:
        print(f"{result['replicas']} replica(s): {result['updates']} updates in {result['seconds']:.1f} s = "
              f"{result['updates_per_second']:.0f} updates/s, {result['cpu_ms_per_update']:.2f} ms CPU per update "
              f"(replicas' user+system), handled {result['handled']:.0f}, failed posts {result['failed_posts']}")
    one, three = results
    print(f"3 vs 1: {three['updates_per_second'] / one['updates_per_second']:.2f}x the updates/s, "
          f"{three['cpu_ms_per_update'] / one['cpu_ms_per_update']:.2f}x the CPU per update")


if __name__ == "__main__":
    asyncio.run(main())
