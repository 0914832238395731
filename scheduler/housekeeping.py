"""Periodic clean-up that keeps tables from growing without bound."""
from __future__ import annotations

import logging
from datetime import timedelta

from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import Clock

log = logging.getLogger(__name__)
# Telegram keeps an undelivered update for 24 hours, so after two days its id cannot come back.
UPDATE_MEMORY = timedelta(days=2)
# Sent reminders, nudges and notes are kept a month (what went out, to whom, Telegram's answer);
# a broadcast's rows stay with it, as its figures.
DELIVERY_MEMORY = timedelta(days=30)


class Housekeeper:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def forget_old_updates(self) -> int:
        async with self._uow_factory() as uow:
            await uow.begin_write()
            removed = await uow.updates.forget_before(self._clock.now() - UPDATE_MEMORY)
            await uow.commit()
        if removed:
            log.info("forgot %s processed update ids older than %s", removed, UPDATE_MEMORY)
        return removed

    async def forget_old_deliveries(self) -> int:
        async with self._uow_factory() as uow:
            await uow.begin_write()
            removed = await uow.outbox.forget_settled_before(self._clock.now() - DELIVERY_MEMORY)
            await uow.commit()
        if removed:
            log.info("forgot %s settled outbox rows older than %s", removed, DELIVERY_MEMORY)
        return removed

    async def run(self) -> None:
        await self.forget_old_updates()
        await self.forget_old_deliveries()
