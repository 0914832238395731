"""The outbox sender against the sandbox: what Telegram answers decides each row's fate
(400 failed with its reason, 403 blocked, 5xx retried, 429 pauses every send), a paused or
cancelled broadcast stops, and nothing is sent twice (issue 11: one outbox)."""
from __future__ import annotations

from datetime import timedelta

from bot.app import Talimger
from bot.db.models import User
from bot.db.repositories.outbox import NewDelivery
from bot.services.clock import ManualClock
from bot.telegram.outbox_payloads import copy_payload, text_payload
from sandbox.client import SandboxClient
from scheduler.outbox import OutboxConfig, OutboxSender
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver


async def _queue(app: Talimger, *items: NewDelivery) -> None:
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        await uow.outbox.enqueue(list(items))
        await uow.commit()


async def _states(app: Talimger, kind: str) -> dict[int, str]:
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        return {row.chat_id: row.state for row in await uow.outbox.of_kind(kind)}


def _note(chat_id: int, text: str, clock: ManualClock, kind: str = "note", **extra: object) -> NewDelivery:
    return NewDelivery(kind=kind, chat_id=chat_id, user_id=chat_id, payload=text_payload(text),
                       not_before=clock.now(), **extra)  # type: ignore[arg-type]


async def test_each_answer_from_telegram_settles_its_row_as_the_issue_says(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock, course_key: CourseKey) -> None:
    """issue 11: 5xx retried with backoff, 403 marks the learner blocked, 400 recorded with its reason."""
    app = await start_bot(scheduler_enabled=False)
    assert app.outbox is not None and app.uow_factory is not None
    refused, blocked, flaky = [await client.new_user(name, language_code="en") for name in ("Aru", "Bek", "Dana")]
    blocked_learner = LearnerDriver(blocked, course_key, "en")
    await blocked_learner.start()
    await blocked.block()

    await _queue(app, _note(refused.id, "<b>unclosed", clock), _note(blocked.id, "to a blocked chat", clock))
    await app.outbox.drain()
    assert await _states(app, "note") == {refused.id: "failed", blocked.id: "blocked"}
    shown = app.metrics.render().decode()  # /metrics: outbox rows settled, by kind and state, and the depth
    assert 'talimger_outbox_deliveries_total{kind="note",state="failed"} 1.0' in shown
    assert 'talimger_outbox_deliveries_total{kind="note",state="blocked"} 1.0' in shown
    assert "talimger_outbox_depth 0.0" in shown
    async with app.uow_factory() as uow:
        failed = [row for row in await uow.outbox.of_kind("note") if row.state == "failed"][0]
        assert "parse" in (failed.error or "").lower()  # Telegram's reason, kept for the coordinator
        assert failed.attempts == 1  # not retried
        stored = await uow.session.get(User, blocked.id)
        assert stored is not None and not stored.is_active

    await client.inject_fault("sendMessage", 502, count=2)
    await _queue(app, _note(flaky.id, "after two 502s", clock, kind="nudge"))
    await app.outbox.drain()
    assert await _states(app, "nudge") == {flaky.id: "pending"}  # waiting for its retry
    assert not [m for m in await flaky.transcript() if m.text == "after two 502s"]
    clock.advance(seconds=OutboxConfig.first_retry_seconds)
    await app.outbox.drain()
    assert await _states(app, "nudge") == {flaky.id: "pending"}  # the second 502: a longer wait
    clock.advance(seconds=OutboxConfig.first_retry_seconds)
    await app.outbox.drain()
    assert await _states(app, "nudge") == {flaky.id: "pending"}
    clock.advance(seconds=OutboxConfig.first_retry_seconds)
    await app.outbox.drain()
    assert await _states(app, "nudge") == {flaky.id: "sent"}
    assert [m.text for m in await flaky.transcript() if m.text == "after two 502s"] == ["after two 502s"]


async def test_a_429_pauses_every_send_not_only_the_refused_one(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11: a 429 pauses every send for retry_after; the refused row goes again, once."""
    app = await start_bot(scheduler_enabled=False)
    assert app.uow_factory is not None and app.bot is not None and app.throttle is not None
    first, second = [await client.new_user(name, language_code="en") for name in ("Erlan", "Fatima")]
    await client.inject_fault("sendMessage", 429, retry_after=1)
    await _queue(app, _note(first.id, "first", clock), _note(second.id, "second", clock))
    sender = OutboxSender(app.uow_factory, app.bot, app.throttle, clock, OutboxConfig(group_size=1))
    await client.clear_calls()
    await sender.drain()
    calls = await client.calls("sendMessage")
    refused = [call for call in calls if call["status"] == 429]
    to_second = [call for call in calls if call["params"].get("chat_id") == second.id]
    assert len(refused) == 1 and refused[0]["params"]["chat_id"] == first.id
    assert to_second[0]["time"] - refused[0]["time"] >= 0.95  # another chat, and still it waited

    clock.advance(seconds=1)
    await sender.drain()
    assert await _states(app, "note") == {first.id: "sent", second.id: "sent"}
    assert [m.text for m in await first.transcript() if m.text == "first"] == ["first"]


async def test_a_paused_broadcast_sends_nothing_until_resumed_and_a_cancelled_one_stops(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11: pause, resume and cancel act on the rows not yet sent; the copies keep the formatting."""
    app = await start_bot(scheduler_enabled=False)
    assert app.uow_factory is not None and app.outbox is not None and app.bot is not None
    coordinator = await client.new_user("Coordinator", language_code="en")
    source = await app.bot.send_message(coordinator.id, "Exam on <b>Friday</b>")  # the message to copy
    learners = [await client.new_user(f"Learner{index}", language_code="en") for index in range(4)]
    async with app.uow_factory() as uow:
        paused = await uow.broadcasts.create(created_by=coordinator.id, now=clock.now(), send_at=clock.now(),
                                             audience={"kind": "everyone"}, locale="en", recipients=2)
        cancelled = await uow.broadcasts.create(created_by=coordinator.id, now=clock.now(), send_at=clock.now(),
                                                audience={"kind": "everyone"}, locale="en", recipients=2)
        for broadcast, group in ((paused, learners[:2]), (cancelled, learners[2:])):
            await uow.outbox.enqueue([NewDelivery("broadcast", learner.id, copy_payload(coordinator.id,
                                                                                         source.message_id),
                                                  clock.now(), learner.id, broadcast.id) for learner in group])
        await uow.broadcasts.set_state(paused.id, "paused")
        await uow.broadcasts.set_state(cancelled.id, "cancelled")
        await uow.outbox.cancel_pending(cancelled.id)
        await uow.commit()

    assert (await app.outbox.drain()).sent == 0
    async with app.uow_factory() as uow:
        assert await uow.outbox.figures(paused.id) == {"pending": 2}
        assert await uow.outbox.figures(cancelled.id) == {"cancelled": 2}
        await uow.broadcasts.set_state(paused.id, "sending", only_from=("paused",))
        await uow.commit()
    assert (await app.outbox.drain()).sent == 2
    async with app.uow_factory() as uow:
        assert await uow.outbox.figures(paused.id) == {"sent": 2}
        done = await uow.broadcasts.get(paused.id)
        assert done is not None and done.state == "done" and done.finished_at == clock.now()
    for learner in learners[:2]:
        copies = [m for m in await learner.transcript() if "Friday" in m.text]
        assert len(copies) == 1 and "<b>Friday</b>" in copies[0].html  # copyMessage kept the bold
    for learner in learners[2:]:
        assert not [m for m in await learner.transcript() if "Friday" in m.text]


async def test_a_scheduled_broadcast_waits_for_its_time_and_one_to_one_messages_go_first(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11: a broadcast scheduled for later is not sent before it; a nudge queued after a
    broadcast's copies does not wait behind them."""
    app = await start_bot(scheduler_enabled=False)
    assert app.uow_factory is not None and app.outbox is not None
    learners = [await client.new_user(f"Learner{index}", language_code="en") for index in range(3)]
    later = clock.now() + timedelta(hours=2)
    async with app.uow_factory() as uow:
        broadcast = await uow.broadcasts.create(created_by=1, now=clock.now(), send_at=later,
                                                audience={"kind": "everyone"}, locale="en", recipients=3)
        await uow.outbox.enqueue([NewDelivery("broadcast", learner.id, text_payload("Announcement"), later,
                                              learner.id, broadcast.id) for learner in learners])
        await uow.commit()
    assert broadcast.state == "scheduled"
    await _queue(app, _note(learners[0].id, "A nudge", clock, kind="nudge"))
    assert (await app.outbox.drain()).sent == 1
    clock.advance(hours=2)
    assert (await app.outbox.drain()).sent == 3
    texts = [m.text for m in await learners[0].transcript() if m.from_bot]
    assert texts[-2:] == ["A nudge", "Announcement"]


async def test_two_senders_with_their_own_engines_send_each_copy_once(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11/12: every process may run the sender; claims keep each row to one of them."""
    import asyncio

    from bot.db.session import create_engine, create_session_factory
    from bot.db.uow import UnitOfWorkFactory

    app = await start_bot(scheduler_enabled=False)
    assert app.uow_factory is not None and app.bot is not None and app.throttle is not None
    learners = [await client.new_user(f"Learner{index}", language_code="en") for index in range(24)]
    async with app.uow_factory() as uow:
        broadcast = await uow.broadcasts.create(created_by=1, now=clock.now(), send_at=clock.now(),
                                                audience={"kind": "everyone"}, locale="en", recipients=24)
        await uow.outbox.enqueue([NewDelivery("broadcast", learner.id, text_payload("Once each"), clock.now(),
                                              learner.id, broadcast.id) for learner in learners])
        await uow.commit()
    engines = [create_engine(app.settings.effective_database_url) for _ in range(2)]
    senders = [OutboxSender(UnitOfWorkFactory(create_session_factory(engine),
                                              serialize_writes=engine.dialect.name == "sqlite"),
                            app.bot, app.throttle, clock, OutboxConfig(batch_size=3, group_size=1))
               for engine in engines]
    try:
        for engine in engines:  # connected before they race, as two running processes are
            async with engine.connect():
                pass
        reports = await asyncio.gather(*(sender.drain() for sender in senders))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sum(report.sent for report in reports) == 24 and all(report.sent > 0 for report in reports), reports
    for learner in learners:
        assert [m.text for m in await learner.transcript() if m.from_bot] == ["Once each"]
    async with app.uow_factory() as uow:
        assert await uow.outbox.figures(broadcast.id) == {"sent": 24}
        assert (await uow.broadcasts.get(broadcast.id)).state == "done"  # type: ignore[union-attr]
