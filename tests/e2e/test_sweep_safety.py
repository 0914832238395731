"""A reminder is never sent twice: not after a crash mid-send, not with two sweepers,
and never to a learner who blocked the bot until they write again. (The sweep decides and
queues; the outbox sends: scheduler/sweep.py, scheduler/outbox.py.)"""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import Talimger
from bot.db.models import Delivery, Enrolment, User
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from sandbox.client import SandboxClient
from scheduler.outbox import OutboxConfig, OutboxSender
from scheduler.sweep import SweepConfig, Sweeper
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver
from tests.e2e.schedule import local, move_to, notices, read_two_parts, sweep, sweep_hourly

ALMATY = "Asia/Almaty"


class ProcessKilled(BaseException):
    """Stands for the process dying: nothing after the raise runs (not even `except Exception`)."""


async def test_a_crash_between_send_and_record_sends_nothing_twice_after_restart(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock, course_key: CourseKey) -> None:
    first_run = await start_bot(scheduler_enabled=False)  # only the dying sender below sends
    move_to(clock, local(ALMATY, 2026, 1, 5, 12, 0))
    learner = LearnerDriver(await client.new_user("Gulnar", language_code="en"), course_key, "en")
    await read_two_parts(learner)
    clock.advance(days=3)
    sent_at = clock.now()

    async def die(delivery: Delivery) -> None:
        raise ProcessKilled

    assert first_run.uow_factory and first_run.bot and first_run.sweeper and first_run.throttle
    assert (await first_run.sweeper.sweep()).queued == 1
    dying = OutboxSender(first_run.uow_factory, first_run.bot, first_run.throttle, clock,
                         OutboxConfig(claim_seconds=first_run.settings.outbox_claim_seconds), after_send=die)
    with pytest.raises(ProcessKilled):
        await dying.drain()
    assert len(await notices(learner.user)) == 1  # it went out; the record did not happen
    await first_run.stop()

    second_run = await start_bot()
    assert second_run.outbox is not None
    assert (await second_run.outbox.drain()).claimed == 0  # the dead process's claim still holds
    clock.advance(seconds=second_run.settings.outbox_claim_seconds + 1)
    await second_run.outbox.drain()  # (its own sender may have got there first)
    async with second_run.uow_factory() as uow:  # type: ignore[union-attr]
        assert [row.state for row in await uow.outbox.of_kind("reminder")] == ["unknown"]  # maybe delivered
    assert len(await notices(learner.user)) == 1  # never sent again

    # It counts as the first nudge: the second comes remind_again (3) days after it, then silence.
    move_to(clock, sent_at + timedelta(days=3, minutes=-1))
    assert (await sweep(second_run)).sent == 0
    clock.advance(minutes=1)
    assert (await sweep(second_run)).sent == 1
    assert await sweep_hourly(second_run, clock, days=10) == []
    assert len(await notices(learner.user)) == 2


async def test_two_sweepers_with_their_own_engines_on_one_database_file_send_each_reminder_once(
        bot_app: Talimger, client: SandboxClient, clock: ManualClock, course_key: CourseKey) -> None:
    learners = [LearnerDriver(await client.new_user(f"Learner{index}", language_code="en"), course_key, "en")
                for index in range(12)]
    for learner in learners:
        await learner.start()
    clock.advance(days=3, hours=1)

    assert bot_app.bot and bot_app.i18n
    engines = [create_engine(bot_app.settings.effective_database_url) for _ in range(2)]
    # Like two processes: each sweeper has its own engine (and, on SQLite, its own write lock).
    factories = [UnitOfWorkFactory(create_session_factory(engine), serialize_writes=engine.dialect.name == "sqlite")
                 for engine in engines]
    sweepers = [Sweeper(factory, bot_app.i18n, clock, "en", SweepConfig(batch_size=2)) for factory in factories]
    assert bot_app.throttle is not None
    senders = [OutboxSender(factory, bot_app.bot, bot_app.throttle, clock, OutboxConfig(batch_size=2, group_size=1))
               for factory in factories]
    try:
        # Each engine's first connection made before the race, as two running processes have theirs:
        # a PostgreSQL connect under load once let one sweeper claim all six batches alone.
        for engine in engines:
            async with engine.connect():
                pass
        reports = await asyncio.gather(*(sweeper.sweep() for sweeper in sweepers))
        assert sum(report.queued for report in reports) == 12, reports
        assert sum(report.claimed for report in reports) == 12, reports
        assert all(report.claimed > 0 for report in reports), reports  # both took part
        await asyncio.gather(*(sender.drain() for sender in senders), bot_app.outbox.drain())  # type: ignore[union-attr]
        for learner in learners:
            assert len(await notices(learner.user)) == 1
        again = await asyncio.gather(*(sweeper.sweep() for sweeper in sweepers))
        assert sum(report.queued for report in again) == 0
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_learner_who_blocked_the_bot_is_marked_inactive_until_they_start_again(
        bot_app: Talimger, client: SandboxClient, clock: ManualClock, course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Hakim", language_code="en"), course_key, "en")
    await learner.start()
    user = learner.user
    await user.block()
    clock.advance(days=3, hours=1)
    report = await sweep(bot_app)
    assert (report.blocked, report.sent) == (1, 0)

    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        stored = await uow.session.get(User, user.id)
        enrolment = await uow.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id))
        assert stored is not None and not stored.is_active
        assert enrolment is not None and enrolment.next_remind_at is None

    # Never scheduled while blocked: weeks pass without a single attempt to send.
    await client.clear_calls()
    assert await sweep_hourly(bot_app, clock, days=14) == []
    assert [call for call in await client.calls("sendMessage") if call["params"].get("chat_id") == user.id] == []

    # Writing again (the sandbox unblocks, as Telegram's "Restart" does) makes them active and scheduled.
    await user.send("/start")
    welcome = await user.wait_for(lambda m: "Welcome back" in m.text)
    await user.wait_for(lambda m: m.message_id > welcome.message_id and "Next ▶" in m.button_texts)
    async with bot_app.uow_factory() as uow:
        stored = await uow.session.get(User, user.id)
        enrolment = await uow.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id))
        assert stored is not None and stored.is_active
        assert enrolment is not None and enrolment.next_remind_at is not None
    restarted = clock.now()
    sent_at = await sweep_hourly(bot_app, clock, days=4)
    assert len(sent_at) == 1 and restarted + timedelta(days=3) <= sent_at[0]
    assert len(await notices(user)) == 1
