"""N simulated learners take lecture 1 of the sample course at once, through the sandbox.

Reports, in one run: Talimger's bot CPU per update and per quiz answer, beside
- a bot that makes the same Bot API calls as a quiz answer (bench/same_calls_bot.py: answer
  the press, edit the question, send the next one; after the fifth, the lab and the result, as
  Talimger does for a pass) with no database — the goal is Talimger at most 2x its CPU per quiz
  answer;
- an aiogram echo bot (bench/echo_bot.py) driven through the same sandbox code with the same
  number of updates per user;
and the bot processes' updates/s and peak memory:

    .venv/bin/python -m bench.learners --learners 80 --rounds 3

Every bot runs at once, each against its own sandbox, and they take turns: in each round, N new
learners go through each bot's phases, one bot after the other. Bots compared within a round meet
the same moment's machine, so the ratio is taken per round and its median reported (the machine's
load moves a single figure by a third from one minute to the next). A first round warms every bot
up at full concurrency and is not counted.

The bot's pacing (30 messages/s, 1/s per chat, which Telegram imposes) is switched off
here: this measures what one process can handle, not what Telegram lets it send.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
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
    """One stretch of the run, measured on its own: updates sent, wall and bot CPU seconds, and
    the Bot API calls the bot made meanwhile (getUpdates left out)."""
    name: str
    updates: int
    seconds: float
    cpu_seconds: float  # the bot process's own CPU time while the learners ran this phase
    calls: Counter[str] = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds

    @property
    def cpu_ms_per_update(self) -> float:
        return 1000 * self.cpu_seconds / self.updates


# A phase's drive: (client, learner index, what the previous phase returned) -> (updates sent, state)
Drive = Callable[[SandboxClient, int, Any], Awaitable[tuple[int, Any]]]


@dataclass
class RunningBot:
    """A bot process with its own sandbox, and what each round measured of it."""
    name: str
    pid: int
    client: SandboxClient
    phases: list[tuple[str, Drive]]
    warm_up_updates: list[int]  # updates per phase of the one learner who went first
    rounds: list[list[Phase]] = field(default_factory=list)
    peak_rss_mb: float = float("nan")

    def phase(self, name: str) -> Phase:
        """This phase over all rounds."""
        parts = [phase for measured in self.rounds for phase in measured if phase.name == name]
        return Phase(name, sum(p.updates for p in parts), sum(p.seconds for p in parts),
                     sum(p.cpu_seconds for p in parts), sum((p.calls for p in parts), Counter()))

    def per_round(self, name: str) -> list[Phase]:
        return [phase for measured in self.rounds for phase in measured if phase.name == name]

    @property
    def total(self) -> Phase:
        parts = [self.phase(name) for name, _ in self.phases]
        return Phase("all", sum(p.updates for p in parts), sum(p.seconds for p in parts),
                     sum(p.cpu_seconds for p in parts))


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


@asynccontextmanager
async def running(name: str, bot_command: list[str], env: dict[str, str], phases: list[tuple[str, Drive]],
                  bot_dir: Path = ROOT, py_spy: Path | None = None) -> AsyncIterator[RunningBot]:
    """The bot against its own sandbox, after one learner went through every phase (start-up,
    migrations and caches are not measured); py-spy, if asked, records from then on."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    sandbox = subprocess.Popen([sys.executable, "-m", "sandbox", "--port", str(port)], cwd=ROOT)
    process = spy = None
    try:
        await wait_up(url)
        process = subprocess.Popen(bot_command, cwd=bot_dir, env={**os.environ, **env, "BOT_TOKEN": DEFAULT_TOKEN,
                                                                   "TELEGRAM_API_URL": url, "LOG_LEVEL": "WARNING"})
        async with SandboxClient(url) as client:
            state: Any = None
            warm_up = []
            for _, drive in phases:
                updates, state = await drive(client, 0, state)
                warm_up.append(updates)
            if py_spy is not None:
                spy = subprocess.Popen(["py-spy", "record", "--pid", str(process.pid), "--rate", "250",
                                        "--format", "raw", "-o", str(py_spy.resolve())])
                await asyncio.sleep(1)  # py-spy attaches
            bot = RunningBot(name, process.pid, client, phases, warm_up)
            yield bot
            bot.peak_rss_mb = peak_rss_mb(process.pid)
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # it writes OUT as it stops
            spy.wait(timeout=60)
        for child in (process, sandbox):
            if child is not None:
                child.terminate()
                child.wait(timeout=10)


async def run_round(bot: RunningBot, learners: int, first_index: int) -> None:
    """N new learners (numbered from first_index) through each of the bot's phases, all at once."""
    states: list[Any] = [None] * learners
    measured = []
    for phase_name, drive in bot.phases:
        await bot.client.clear_calls()
        cpu_before, started = cpu_seconds(bot.pid), time.perf_counter()
        results = await asyncio.gather(*(drive(bot.client, first_index + index, states[index])
                                         for index in range(learners)))
        seconds, cpu = time.perf_counter() - started, cpu_seconds(bot.pid) - cpu_before
        calls = Counter(call["method"] for call in await bot.client.calls() if call["method"] != "getUpdates")
        states = [state for _, state in results]
        measured.append(Phase(phase_name, sum(count for count, _ in results), seconds, cpu, calls))
    bot.rounds.append(measured)


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
    parser.add_argument("--learners", type=int, default=50, help="learners per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", metavar="DIR", type=Path,
                        help="also run Talimger from this checkout (e.g. `git worktree add /tmp/old main`), "
                             "in the same rounds: before/after figures on the same machine load")
    parser.add_argument("--py-spy", metavar="OUT", type=Path,
                        help="sample this checkout's bot with py-spy over the measured rounds (folded stacks, "
                             "idle left out, into OUT); its CPU figures then include the sampler's toll")
    args = parser.parse_args()
    key = CourseKey.from_course(SAMPLE_COURSE_DIR)
    env = {"SEND_RATE_GLOBAL": "100000", "SEND_RATE_PER_CHAT": "100000", "SEND_BURST_PER_CHAT": "100000",
           "WEB_PORT": "0"}
    command = [sys.executable, "-m", "bot", "run"]
    with tempfile.TemporaryDirectory() as base_data, tempfile.TemporaryDirectory() as data:
        async with running("talimger", command, {**env, "DATABASE_URL": f"sqlite+aiosqlite:///{data}/bench.db"},
                           learner_phases(key), py_spy=args.py_spy) as talimger:
            per_user = sum(talimger.warm_up_updates)
            async with (running("same-calls bot", [sys.executable, "-m", "bench.same_calls_bot"], {},
                                same_calls_phases()) as same,
                        running("aiogram echo", [sys.executable, "-m", "bench.echo_bot"], {},
                                echo_phases(per_user)) as echo):
                if args.baseline is not None:
                    async with running("talimger (base)", command,
                                       {**env, "DATABASE_URL": f"sqlite+aiosqlite:///{base_data}/bench.db"},
                                       learner_phases(key), bot_dir=args.baseline.resolve()) as baseline:
                        await take_turns([baseline, talimger, same, echo], args.learners, args.rounds)
                else:
                    baseline = None
                    await take_turns([talimger, same, echo], args.learners, args.rounds)
    report([bot for bot in (baseline, talimger, same, echo) if bot is not None], talimger, same, echo, baseline,
           args)


async def take_turns(bots: list[RunningBot], learners: int, rounds: int) -> None:
    """A first round, not counted, then `rounds` measured ones. The first round at full concurrency
    is when a bot opens its HTTP connections to the sandbox and fills its caches: the same-calls
    bot's CPU per answer fell by a sixth from its first round to its third when it was counted."""
    for number in range(rounds + 1):
        for bot in bots:
            await run_round(bot, learners, 1 + number * learners)
        if number == 0:
            for bot in bots:
                bot.rounds.clear()


def report(bots: list[RunningBot], talimger: RunningBot, same: RunningBot, echo: RunningBot,
           baseline: RunningBot | None, args: argparse.Namespace) -> None:
    answers, same_answers = talimger.phase("quiz answers"), same.phase("quiz answers")
    print(f"{args.rounds} rounds (after one not counted) of {args.learners} concurrent learners; each round Talimger "
          f"{talimger.rounds[0][0].updates + talimger.rounds[0][1].updates} updates "
          f"({talimger.rounds[0][1].updates} quiz answers), the same-calls bot "
          f"{same.rounds[0][1].updates} quiz answers, echo {echo.rounds[0][0].updates} updates")
    print(f"{'bot':<16}{'phase':<14}{'updates':>9}{'updates/s':>11}{'CPU ms/update':>15}{'peak RSS MB':>13}")
    for bot in bots:
        phases = [bot.phase(name) for name, _ in bot.phases]
        for phase in [*phases, *([bot.total] if len(phases) > 1 else [])]:
            print(f"{bot.name:<16}{phase.name:<14}{phase.updates:>9}{phase.per_second:>11.1f}"
                  f"{phase.cpu_ms_per_update:>15.2f}{bot.peak_rss_mb:>13.1f}")
    for bot in (talimger, same):
        quiz = bot.phase("quiz answers")
        learners = quiz.updates / QUESTIONS
        print(f"Bot API calls per learner's five answers, {bot.name}: "
              + ", ".join(f"{method} {count / learners:g}" for method, count in sorted(quiz.calls.items())))
    ratios = [ours.cpu_ms_per_update / floor.cpu_ms_per_update
              for ours, floor in zip(talimger.per_round("quiz answers"), same.per_round("quiz answers"))]
    print("CPU per quiz answer by round, Talimger / same-calls bot: " + "; ".join(
        f"{ours.cpu_ms_per_update:.2f} / {floor.cpu_ms_per_update:.2f} ms = {ratio:.2f}x"
        for ours, floor, ratio in zip(talimger.per_round("quiz answers"), same.per_round("quiz answers"), ratios)))
    echo_update = echo.total
    if baseline is not None:
        base_answers = baseline.phase("quiz answers")
        base_ratios = [base.cpu_ms_per_update / floor.cpu_ms_per_update
                       for base, floor in zip(baseline.per_round("quiz answers"), same.per_round("quiz answers"))]
        print(f"CPU per quiz answer, base checkout ({args.baseline}): {base_answers.cpu_ms_per_update:.2f} ms = "
              f"{base_answers.cpu_ms_per_update / same_answers.cpu_ms_per_update:.2f}x the same-calls bot's "
              f"(median of the rounds {statistics.median(base_ratios):.2f}x); this checkout / base: "
              f"{answers.cpu_ms_per_update / base_answers.cpu_ms_per_update:.2f}x per quiz answer, "
              f"{talimger.total.cpu_ms_per_update / baseline.total.cpu_ms_per_update:.2f}x per update, "
              f"{talimger.peak_rss_mb / baseline.peak_rss_mb:.2f}x the peak RSS")
    print(f"CPU per quiz answer: Talimger {answers.cpu_ms_per_update:.2f} ms = "
          f"{answers.cpu_ms_per_update / same_answers.cpu_ms_per_update:.2f}x the same-calls bot's "
          f"({same_answers.cpu_ms_per_update:.2f} ms; median of the rounds {statistics.median(ratios):.2f}x), "
          f"{answers.cpu_ms_per_update / echo_update.cpu_ms_per_update:.2f}x the echo bot's CPU per update "
          f"({echo_update.cpu_ms_per_update:.2f} ms)")
    print(f"all updates: talimger / echo {talimger.total.per_second / echo_update.per_second:.2f}x the throughput "
          f"(wall clock, shared with the sandbox and the simulated learners on this machine), "
          f"{talimger.total.cpu_ms_per_update / echo_update.cpu_ms_per_update:.1f}x the bot CPU per update, "
          f"{talimger.peak_rss_mb / echo.peak_rss_mb:.2f}x the peak memory")


if __name__ == "__main__":
    asyncio.run(main())
