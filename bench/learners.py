"""N simulated learners take lecture 1 of the sample course at once, through the sandbox.

Reports, in one run: Talimger's bot CPU per update and per quiz answer, beside
- a bot that makes the same Bot API calls as a quiz answer (bench/same_calls_bot.py: answer
  the press, edit the question, send the next one) with no database — the goal is Talimger at
  most 2x its CPU per quiz answer;
- an aiogram echo bot (bench/echo_bot.py) driven through the same sandbox code with the same
  number of updates per user;
and the bot processes' updates/s and peak memory:

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
from typing import Any

from content import SAMPLE_COURSE_DIR
from sandbox.client import ChatUser, SandboxClient
from sandbox.state import DEFAULT_TOKEN
from bench.same_calls_bot import QUESTIONS
from tests.e2e.driver import CourseKey, LearnerDriver, is_question

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Phase:
    """One stretch of the run, measured on its own: updates sent, wall and bot CPU seconds."""
    name: str
    updates: int
    seconds: float
    cpu_seconds: float  # the bot process's own CPU time while the learners ran this phase

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds

    @property
    def cpu_ms_per_update(self) -> float:
        return 1000 * self.cpu_seconds / self.updates


@dataclass
class Figures:
    name: str
    phases: list[Phase]
    peak_rss_mb: float

    def phase(self, name: str) -> Phase:
        return next(phase for phase in self.phases if phase.name == name)

    @property
    def total(self) -> Phase:
        return Phase("all", sum(p.updates for p in self.phases), sum(p.seconds for p in self.phases),
                     sum(p.cpu_seconds for p in self.phases))


# A phase's drive: (client, learner index, what the previous phase returned) -> (updates sent, state)
Drive = Callable[[SandboxClient, int, Any], Awaitable[tuple[int, Any]]]


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


async def measure(name: str, bot_command: list[str], env: dict[str, str], phases: list[tuple[str, Drive]],
                  learners: int, bot_dir: Path = ROOT, py_spy: Path | None = None) -> Figures:
    """Runs the bot against its own sandbox; all learners go through each phase at once, phase by
    phase, and each phase's bot CPU is read from /proc around it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    sandbox = subprocess.Popen([sys.executable, "-m", "sandbox", "--port", str(port)], cwd=ROOT)
    bot = spy = None
    try:
        await wait_up(url)
        bot = subprocess.Popen(bot_command, cwd=bot_dir, env={**os.environ, **env, "BOT_TOKEN": DEFAULT_TOKEN,
                                                           "TELEGRAM_API_URL": url, "LOG_LEVEL": "WARNING"})
        if py_spy is not None:
            spy = subprocess.Popen(["py-spy", "record", "--pid", str(bot.pid), "--rate", "250", "--format", "raw",
                                    "-o", str(py_spy.resolve())])
        async with SandboxClient(url) as client:
            state: Any = None
            for _, drive in phases:  # one learner first: start-up, migrations and caches are not measured
                _, state = await drive(client, 0, state)
            states: list[Any] = [None] * learners
            measured = []
            for phase_name, drive in phases:
                cpu_before, started = cpu_seconds(bot.pid), time.perf_counter()
                results = await asyncio.gather(*(drive(client, index + 1, states[index]) for index in range(learners)))
                seconds, cpu = time.perf_counter() - started, cpu_seconds(bot.pid) - cpu_before
                states = [state for _, state in results]
                measured.append(Phase(phase_name, sum(count for count, _ in results), seconds, cpu))
        return Figures(name, measured, peak_rss_mb(bot.pid))
    finally:
        for process in (bot, sandbox):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
        if spy is not None:
            spy.wait(timeout=60)  # it writes OUT once the bot has exited


def learner_phases(key: CourseKey) -> list[tuple[str, Drive]]:
    async def lecture(client: SandboxClient, index: int, _: Any) -> tuple[int, Any]:
        """/start, language, every chunk, the quiz button, up to the first question."""
        learner = LearnerDriver(await client.new_user(f"Learner{index}", language_code="en"), key, "en", timeout=120)
        last = await learner.read_lecture(await learner.start())
        await learner.user.press(last, learner.words["quiz"])
        question = await learner.user.wait_for(is_question, timeout=120)
        chunks = int(last.text.split("part ")[1].split(" of ")[0])
        return 2 + (chunks - 1) + 1, (learner, question)  # /start, language, "Next" presses, the quiz button

    async def answers(client: SandboxClient, index: int, state: Any) -> tuple[int, Any]:
        """Five answers, each: the press answered, the question edited, the next question (or the result) sent."""
        learner, question = state
        for number in range(1, QUESTIONS + 1):
            await learner.user.press(question, learner.key.right_letter(question))
            if number == QUESTIONS:
                await learner.user.wait_for(lambda m, q=question: m.message_id > q.message_id
                                            and m.text.startswith(learner.words["result"]), timeout=120)
            else:
                question = await learner.user.wait_for(lambda m, q=question: m.message_id > q.message_id
                                                       and is_question(m), timeout=120)
        return QUESTIONS, None

    return [("lecture", lecture), ("quiz answers", answers)]


def same_calls_phases() -> list[tuple[str, Drive]]:
    async def first(client: SandboxClient, index: int, _: Any) -> tuple[int, Any]:
        user = await client.new_user(f"Same{index}")
        await user.send("/start")
        return 1, (user, await user.wait_for(is_question, timeout=120))

    async def answers(client: SandboxClient, index: int, state: Any) -> tuple[int, Any]:
        user, question = state
        for number in range(1, QUESTIONS + 1):
            await user.press(question, "A")
            if number == QUESTIONS:
                await user.wait_for(lambda m, q=question: m.message_id > q.message_id and m.text.startswith("Result"),
                                    timeout=120)
            else:
                question = await user.wait_for(lambda m, q=question: m.message_id > q.message_id and is_question(m),
                                               timeout=120)
        return QUESTIONS, None

    return [("setup", first), ("quiz answers", answers)]


def echo_phases(updates_per_user: int) -> list[tuple[str, Drive]]:
    async def drive(client: SandboxClient, index: int, _: Any) -> tuple[int, Any]:
        user: ChatUser = await client.new_user(f"Echo{index}")
        for number in range(updates_per_user):
            await user.send(f"ping {number}")
            await user.wait_for(lambda m, n=number: m.text == f"ping {n}", timeout=60)
        return updates_per_user, None
    return [("echo", drive)]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--baseline", metavar="DIR", type=Path,
                        help="also run Talimger from this checkout (e.g. `git worktree add /tmp/old main`), "
                             "in the same run: before/after figures on the same machine load")
    parser.add_argument("--py-spy", metavar="OUT", type=Path,
                        help="sample this checkout's bot with py-spy (folded stacks, idle left out, into OUT); "
                             "its CPU figures then include the sampler's toll on the bot")
    args = parser.parse_args()
    key = CourseKey.from_course(SAMPLE_COURSE_DIR)
    env = {"SEND_RATE_GLOBAL": "100000", "SEND_RATE_PER_CHAT": "100000", "SEND_BURST_PER_CHAT": "100000",
           "WEB_PORT": "0"}
    baseline = None
    if args.baseline is not None:
        with tempfile.TemporaryDirectory() as data:
            baseline = await measure(
                "talimger (base)", [sys.executable, "-m", "bot", "run"],
                {**env, "DATABASE_URL": f"sqlite+aiosqlite:///{data}/bench.db"}, learner_phases(key), args.learners,
                bot_dir=args.baseline.resolve())
    with tempfile.TemporaryDirectory() as data:
        talimger = await measure(
            "talimger", [sys.executable, "-m", "bot", "run"],
            {**env, "DATABASE_URL": f"sqlite+aiosqlite:///{data}/bench.db"}, learner_phases(key), args.learners,
            py_spy=args.py_spy)
    same = await measure("same-calls bot", [sys.executable, "-m", "bench.same_calls_bot"], {}, same_calls_phases(),
                         args.learners)
    per_user = round(talimger.total.updates / args.learners)
    echo = await measure("aiogram echo", [sys.executable, "-m", "bench.echo_bot"], {}, echo_phases(per_user),
                         args.learners)
    print(f"{args.learners} concurrent learners; Talimger {talimger.total.updates} updates "
          f"({talimger.phase('quiz answers').updates} quiz answers), echo {echo.total.updates}, "
          f"same-calls bot {same.phase('quiz answers').updates} quiz answers")
    print(f"{'bot':<16}{'phase':<14}{'updates':>9}{'updates/s':>11}{'CPU ms/update':>15}{'peak RSS MB':>13}")
    for figures in ([baseline] if baseline else []) + [talimger, same, echo]:
        for phase in [*figures.phases, *([figures.total] if len(figures.phases) > 1 else [])]:
            print(f"{figures.name:<16}{phase.name:<14}{phase.updates:>9}{phase.per_second:>11.1f}"
                  f"{phase.cpu_ms_per_update:>15.2f}{figures.peak_rss_mb:>13.1f}")
    answer, same_answer = talimger.phase("quiz answers"), same.phase("quiz answers")
    echo_update = echo.total
    if baseline is not None:
        base_answer = baseline.phase("quiz answers")
        print(f"CPU per quiz answer, base checkout ({args.baseline}): {base_answer.cpu_ms_per_update:.2f} ms = "
              f"{base_answer.cpu_ms_per_update / same_answer.cpu_ms_per_update:.2f}x the same-calls bot's; "
              f"this checkout / base: {answer.cpu_ms_per_update / base_answer.cpu_ms_per_update:.2f}x per quiz answer, "
              f"{talimger.total.cpu_ms_per_update / baseline.total.cpu_ms_per_update:.2f}x per update, "
              f"{talimger.peak_rss_mb / baseline.peak_rss_mb:.2f}x the peak RSS")
    print(f"CPU per quiz answer: Talimger {answer.cpu_ms_per_update:.2f} ms = "
          f"{answer.cpu_ms_per_update / same_answer.cpu_ms_per_update:.2f}x the same-calls bot's "
          f"({same_answer.cpu_ms_per_update:.2f} ms: answer the press, edit, send; no database), "
          f"{answer.cpu_ms_per_update / echo_update.cpu_ms_per_update:.2f}x the echo bot's CPU per update "
          f"({echo_update.cpu_ms_per_update:.2f} ms)")
    print(f"all updates: talimger / echo {talimger.total.per_second / echo_update.per_second:.2f}x the throughput "
          f"(wall clock, shared with the sandbox and the simulated learners on this machine), "
          f"{talimger.total.cpu_ms_per_update / echo_update.cpu_ms_per_update:.1f}x the bot CPU per update, "
          f"{talimger.peak_rss_mb / echo.peak_rss_mb:.2f}x the peak memory")


if __name__ == "__main__":
    asyncio.run(main())
