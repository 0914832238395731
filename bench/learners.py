"""N simulated learners take lecture 1 of the sample course at once, through the sandbox.

Reports updates handled per second and the bot process's peak memory, beside an aiogram
echo bot driven through the same sandbox code with the same number of updates per user,
measured in the same run:

    .venv/bin/python -m bench.learners --learners 50

The bot's pacing (30 messages/s, 1/s per chat, which Telegram imposes) is switched off
here: this measures what one process can handle, not what Telegram lets it send.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from content import SAMPLE_COURSE_DIR
from sandbox.client import ChatUser, SandboxClient
from sandbox.state import DEFAULT_TOKEN
from tests.e2e.driver import CourseKey, LearnerDriver

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Figures:
    name: str
    updates: int
    seconds: float
    cpu_seconds: float  # the bot process's own CPU time while the learners ran
    peak_rss_mb: float

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds

    @property
    def cpu_ms_per_update(self) -> float:
        return 1000 * self.cpu_seconds / self.updates


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc (clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def wait_up(url: str) -> None:
    for _ in range(200):
        try:
            async with SandboxClient(url) as client:
                await client.bot_info()
                return
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError(f"sandbox at {url} did not start")


async def measure(name: str, bot_command: list[str], env: dict[str, str],
                  drive: Callable[[SandboxClient, int], Awaitable[int]], learners: int) -> Figures:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    sandbox = subprocess.Popen([sys.executable, "-m", "sandbox", "--port", str(port)], cwd=ROOT)
    bot = None
    try:
        await wait_up(url)
        bot = subprocess.Popen(bot_command, cwd=ROOT, env={**os.environ, **env, "BOT_TOKEN": DEFAULT_TOKEN,
                                                           "TELEGRAM_API_URL": url, "LOG_LEVEL": "WARNING"})
        async with SandboxClient(url) as client:
            await drive(client, 0)  # one learner first: start-up, migrations and caches are not measured
            cpu_before, started = cpu_seconds(bot.pid), time.perf_counter()
            counts = await asyncio.gather(*(drive(client, index + 1) for index in range(learners)))
            seconds, cpu = time.perf_counter() - started, cpu_seconds(bot.pid) - cpu_before
        return Figures(name, sum(counts), seconds, cpu, peak_rss_mb(bot.pid))
    finally:
        for process in (bot, sandbox):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)


def learner_drive(key: CourseKey) -> Callable[[SandboxClient, int], Awaitable[int]]:
    async def drive(client: SandboxClient, index: int) -> int:
        """Lecture 1 of the sample course: /start, language, every chunk, the quiz. Returns updates sent."""
        learner = LearnerDriver(await client.new_user(f"Learner{index}", language_code="en"), key, "en", timeout=120)
        last = await learner.read_lecture(await learner.start())
        await learner.take_quiz(last, correct=5)
        chunks = int(last.text.split("part ")[1].split(" of ")[0])
        return 2 + (chunks - 1) + 1 + 5  # /start, language, "Next" presses, the quiz button, five answers
    return drive


def echo_drive(updates_per_user: int) -> Callable[[SandboxClient, int], Awaitable[int]]:
    async def drive(client: SandboxClient, index: int) -> int:
        user: ChatUser = await client.new_user(f"Echo{index}")
        for number in range(updates_per_user):
            await user.send(f"ping {number}")
            await user.wait_for(lambda m, n=number: m.text == f"ping {n}", timeout=60)
        return updates_per_user
    return drive


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50)
    args = parser.parse_args()
    key = CourseKey.from_course(SAMPLE_COURSE_DIR)
    with tempfile.TemporaryDirectory() as data:
        talimger = await measure(
            "talimger", [sys.executable, "-m", "bot", "run"],
            {"DATABASE_URL": f"sqlite+aiosqlite:///{data}/bench.db", "SEND_RATE_GLOBAL": "100000",
             "SEND_RATE_PER_CHAT": "100000", "SEND_BURST_PER_CHAT": "100000", "WEB_PORT": "0"},
            learner_drive(key), args.learners)
    per_user = round(talimger.updates / args.learners)
    echo = await measure("aiogram echo", [sys.executable, "-m", "bench.echo_bot"], {}, echo_drive(per_user),
                         args.learners)
    print(f"{args.learners} concurrent learners, {talimger.updates} updates (echo: {echo.updates})")
    print(f"{'bot':<14}{'updates/s':>12}{'bot CPU ms/update':>20}{'peak RSS MB':>14}")
    for figures in (talimger, echo):
        print(f"{figures.name:<14}{figures.per_second:>12.1f}{figures.cpu_ms_per_update:>20.2f}"
              f"{figures.peak_rss_mb:>14.1f}")
    print(f"talimger / echo: {talimger.per_second / echo.per_second:.2f}x the throughput (wall clock, shared "
          f"with the sandbox and the simulated learners on this machine), "
          f"{talimger.cpu_ms_per_update / echo.cpu_ms_per_update:.1f}x the bot CPU per update, "
          f"{talimger.peak_rss_mb / echo.peak_rss_mb:.2f}x the peak memory")


if __name__ == "__main__":
    asyncio.run(main())
