"""A finished broadcast's final report is sent once, even when two senders notice the end at the
same moment (issue 11 fix item 5): each sender claims the report with one conditional UPDATE."""
from __future__ import annotations

import asyncio

from sandbox.client import SandboxClient

from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.telegram.broadcast_progress import BroadcastProgressObserver
from tests.e2e.broadcast_steps import (ADMIN_CHAT_ID, admin_chat, coordinator_in_admin_chat, data, draft_to_summary,
                                       seed_learners)
from tests.e2e.conftest import AppFactory
from tests.e2e.content_steps import scalar
from tests.e2e.test_course_scope import load_mini


async def test_two_senders_noticing_the_end_at_once_send_one_final_report(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock, bot_database_url: str) -> None:
    """issue 11 fix item 5: before, both read "not reported yet", both wrote the mark and both sent
    the report. Two observers, each on its own engine (two processes on one database), called
    together on a finished, not yet reported broadcast: the coordinator gets one report."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, scheduler_enabled=False)
    assert app.outbox is not None and app.bot is not None and app.i18n is not None
    seeded = await seed_learners(client, app, await load_mini(app))
    coordinator = await coordinator_in_admin_chat(client, app)
    await admin_chat(client, coordinator)
    summary = await draft_to_summary(coordinator, "Lab 3 is checked", seeded.course_a, "finished")
    await coordinator.press(summary, callback_data=data("confirm"))
    await coordinator.wait_for(lambda m: "is queued (recipients: 1)" in m.text)
    broadcast_id = int(await scalar(app, "SELECT max(id) FROM broadcasts"))  # type: ignore[arg-type]
    # The sender finishes the broadcast, but its observers are not told: the end is left for the two below.
    observers, app.outbox.observers = app.outbox.observers, []
    await app.outbox.drain()
    app.outbox.observers = observers
    assert await scalar(app, "SELECT state FROM broadcasts WHERE id = :b", b=broadcast_id) == "done"

    engines = [create_engine(bot_database_url) for _ in range(2)]
    try:
        senders = [BroadcastProgressObserver(UnitOfWorkFactory(create_session_factory(engine), serialize_writes=True),
                                             app.bot, app.i18n, clock, "en") for engine in engines]
        for _round in range(3):  # and again: a report once sent is not sent again
            await asyncio.gather(*(sender({broadcast_id}) for sender in senders))
    finally:
        for engine in engines:
            await engine.dispose()

    await coordinator.wait_for(lambda m: f"Broadcast #{broadcast_id} finished." in m.text)
    await asyncio.sleep(0.3)
    reports = [m for m in await coordinator.transcript()
               if m.from_bot and m.text.startswith(f"📊 Broadcast #{broadcast_id} finished.")]
    assert len(reports) == 1
