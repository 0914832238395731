"""Old processed-update ids are forgotten; recent ones still stop a re-delivery."""
from __future__ import annotations

from sqlalchemy import select

from bot.db.models import ProcessedUpdate
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from scheduler.housekeeping import Housekeeper


async def test_update_ids_older_than_two_days_are_forgotten(uow_factory: UnitOfWorkFactory,
                                                             clock: ManualClock) -> None:
    async with uow_factory() as uow:
        assert await uow.updates.claim(1, clock.now())
        await uow.commit()
    clock.advance(days=1)
    async with uow_factory() as uow:
        assert await uow.updates.claim(2, clock.now())
        await uow.commit()
    clock.advance(days=1, hours=1)
    assert await Housekeeper(uow_factory, clock).forget_old_updates() == 1
    async with uow_factory() as uow:
        assert (await uow.session.scalars(select(ProcessedUpdate.update_id))).all() == [2]
        assert not await uow.updates.claim(2, clock.now()), "a recent update is still recognised"
