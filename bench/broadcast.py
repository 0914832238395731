"""One broadcast to 10,000 learners through the production outbox sender, against the
sandbox with Telegram's limits on (30 messages a second overall, 1 a second into one chat).

    .venv/bin/python -m bench.broadcast                      # the three runs below, 10,000 each
    .venv/bin/python -m bench.broadcast --learners 2000 --runs free

Runs (each on a fresh sandbox and a fresh SQLite file):
- free:     no faults;
- faults:   5 % of send calls answered 429 retry_after 1 (seeded), so every one of them pauses
            every send for a second, as the sender must;
- paid:     allow_paid_broadcast, against the sandbox's 1000 a second.

2 % of the learners blocked the bot (their sends answer 403). The bot side is the real one:
aiogram with the SendThrottle session middleware (30/s, 1/s per chat, 1000/s paid), the
OutboxSender claiming, marking, sending and recording in SQLite, on the wall clock. Reported
per run: messages a second from the first to the last delivered message (as seen by the
sandbox) and as a share of the limit, the busiest second overall and into one chat, 429s seen,
lost (an open chat that got nothing) and duplicated (a chat that got more than one).
"""
from __future__ import annotations

import bot  # noqa: F401  (first, as in `talimger run`: aiogram's types built on demand)
import argparse
import asyncio
import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.enums import ParseMode

from bot.db.migrate import upgrade_to_head
from bot.db.repositories.outbox import NewDelivery
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import SystemClock
from bot.telegram.outbox_payloads import text_payload
from bot.telegram.throttle import LocalSendLimiter, SendThrottle
from sandbox import Sandbox
from sandbox.client import SandboxClient
from scheduler.outbox import OutboxSender

FREE_RATE, PAID_RATE = 30, 1000
RUNS = ("free", "faults", "paid")


@dataclass
class RunFigures:
    name: str
    learners: int
    blocked: int
    sent: int
    seconds: float
    rate: float
    limit: int
    busiest_second: int
    busiest_chat_second: int
    offered_second: int
    rate_limited: int
    refused_429: int
    lost: int
    duplicated: int
    states: dict[str, int]

    @property
    def share(self) -> float:
        return self.rate / self.limit

    def line(self) -> str:
        return (f"{self.name:7} {self.sent:>6} sent in {self.seconds:7.1f} s = {self.rate:7.1f}/s = "
                f"{100 * self.share:5.1f} % of {self.limit}/s; busiest second {self.busiest_second}, "
                f"into one chat {self.busiest_chat_second}; offered in one second {self.offered_second}; "
                f"429s {self.refused_429} ({self.rate_limited} for sending too fast); blocked {self.blocked}; "
                f"lost {self.lost}; duplicated {self.duplicated}; rows {self.states}")


async def run_broadcast(name: str, learners: int, *, blocked_share: float = 0.02, fault_share: float = 0.0,
                        paid: bool = False, seed: int = 1, bot_rate: float = FREE_RATE) -> RunFigures:
    """One broadcast of `learners` messages, start to finish; see the module docstring."""
    blocked = round(learners * blocked_share)
    async with Sandbox() as sandbox, SandboxClient(sandbox.url) as client:
        await client.settings(rate_limits_enabled=True)
        users = await client.new_users(learners, language_codes=["kk", "ru", "en"], blocked=blocked, seed=seed)
        if fault_share:
            await client.random_fault("send*", 429, fault_share, retry_after=1, seed=seed)
        with tempfile.TemporaryDirectory() as folder:
            engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
            await upgrade_to_head(engine)
            uow_factory = UnitOfWorkFactory(create_session_factory(engine), serialize_writes=True)
            clock = SystemClock()
            async with uow_factory() as uow:
                broadcast = await uow.broadcasts.create(created_by=1, now=clock.now(), send_at=clock.now(),
                                                        audience={"kind": "everyone"}, locale="en", paid=paid,
                                                        recipients=learners)
                await uow.outbox.enqueue([
                    NewDelivery("broadcast", user["id"], text_payload(f"Announcement for {user['first_name']}",
                                                                      paid=paid),
                                clock.now(), user["id"], broadcast.id) for user in users])
                await uow.commit()
            session = AiohttpSession(api=sandbox.api_server)
            throttle = SendThrottle(LocalSendLimiter(bot_rate, 1, 3, PAID_RATE))
            session.middleware(throttle)
            bot = Bot(sandbox.token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
            sender = OutboxSender(uow_factory, bot, throttle, clock)
            try:
                while True:
                    await sender.drain()
                    async with uow_factory() as uow:
                        states = await uow.outbox.figures(broadcast.id)
                    if not states.get("pending") and not states.get("sending"):
                        break
                    await asyncio.sleep(0.05)  # rows waiting out a 429's retry_after
            finally:
                await session.close()
                await engine.dispose()
        figures = await client.figures()
    per_chat = {int(chat): count for chat, count in figures["per_chat"].items()}
    open_chats = [user["id"] for user in users if not user["blocked"]]
    seconds = (figures["last_sent_at"] or 0) - (figures["first_sent_at"] or 0)
    # n messages span n - 1 intervals: the rate between the first and the last one.
    rate = (figures["sent"] - 1) / seconds if seconds > 0 else float("nan")
    return RunFigures(
        name=name, learners=learners, blocked=blocked, sent=figures["sent"], seconds=seconds, rate=rate,
        limit=PAID_RATE if paid else FREE_RATE, busiest_second=figures["max_in_window"]["overall"],
        busiest_chat_second=figures["max_in_window"]["into_one_chat"],
        offered_second=figures["max_in_window"]["offered_overall"], rate_limited=figures["rate_limited"],
        refused_429=figures["per_outcome"].get("429", 0),
        lost=sum(1 for chat in open_chats if per_chat.get(chat, 0) == 0),
        duplicated=sum(1 for count in per_chat.values() if count > 1), states=states)


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--runs", nargs="+", choices=RUNS, default=list(RUNS))
    parser.add_argument("--bot-rate", type=float, default=FREE_RATE,
                        help="the bot's own overall pace (SEND_RATE_GLOBAL); the sandbox stays at 30/s")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the sender logs every batch at INFO
    settings: dict[str, dict[str, Any]] = {"free": {}, "faults": {"fault_share": 0.05}, "paid": {"paid": True}}
    for name in args.runs:
        started = time.perf_counter()
        result = await run_broadcast(name, args.learners, bot_rate=args.bot_rate, **settings[name])
        print(result.line(), f"(run took {time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
