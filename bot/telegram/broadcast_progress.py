"""A broadcast's live progress: one message in the coordinator's chat, edited at most every 3 s
(a bar, sent / failed / blocked / remaining, an ETA), and a final report when it is over.

Registered on the outbox sender's observers (bot/app.py); the pause / resume / cancel buttons
show the new state at once through the same two steps. The moment shown is claimed (one
conditional UPDATE) before the edit, so two senders (or a sender and a button press) do not both
edit within the interval, and a final report is sent once: its mark is a progress time after
finished_at, and only the sender whose claim wrote it sends the report."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.db.uow import UnitOfWork, UnitOfWorkFactory
from bot.services.broadcast import FINAL_STATES, BroadcastService
from bot.services.clock import Clock
from bot.services.staff import StaffService
from bot.telegram.keyboards_broadcast import control_keyboard
from bot.telegram.texts_broadcast import final_report_text, progress_text, source_gone_text

log = logging.getLogger(__name__)
EDIT_INTERVAL = timedelta(seconds=3)
_AFTER = timedelta(microseconds=1)


@dataclass(frozen=True)
class ProgressView:
    broadcast_id: int
    chat_id: int
    message_id: int
    text: str
    markup: InlineKeyboardMarkup | None
    report: str | None  # the final report, once


async def prepare_progress(uow: UnitOfWork, i18n: I18n, clock: Clock, default_locale: str, broadcast_id: int,
                           force: bool = False) -> ProgressView | None:
    """What the progress message should say now, or None (no message, shown less than 3 s ago,
    final report already sent). Marks the moment shown; the caller commits before sending."""
    broadcast = await uow.broadcasts.get(broadcast_id)
    if broadcast is None or broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
        return None
    now = clock.now()
    final = broadcast.state in FINAL_STATES
    # What was read above may be stale by the time we write (another sender may have shown it meanwhile):
    # the claim below is one conditional UPDATE, and only its winner shows the progress or the report.
    shown_by: datetime | None
    if final:
        finished = broadcast.finished_at or now
        shown_by = finished  # a final report once sent is marked after finished_at
        mark = max(now, finished) + _AFTER
    else:
        shown_by = None if force else now - EDIT_INTERVAL
        mark = now
    if shown_by is not None and broadcast.progress_at is not None and broadcast.progress_at > shown_by:
        return None  # shown already: no need to ask the database
    await uow.begin_write()
    if not await uow.broadcasts.claim_progress(broadcast_id, mark, shown_by):
        return None
    figures = await BroadcastService(uow, clock, StaffService(uow, clock), default_locale).figures(broadcast_id)
    zone = "UTC"
    if broadcast.course_id is not None:
        courses = await uow.broadcast_audience.courses(frozenset({broadcast.course_id}))
        zone = courses[0].timezone if courses else "UTC"
    with i18n.context(), i18n.use_locale(broadcast.locale or default_locale):
        return ProgressView(broadcast_id, broadcast.progress_chat_id, broadcast.progress_message_id,
                            progress_text(figures, broadcast.locale or default_locale, zone, now),
                            control_keyboard(broadcast_id, figures.state),
                            final_report_text(figures) if final else None)


async def send_progress(bot: Bot, view: ProgressView) -> None:
    try:
        await bot.edit_message_text(text=view.text, chat_id=view.chat_id, message_id=view.message_id,
                                    reply_markup=view.markup)
    except TelegramBadRequest as error:
        if "not modified" not in error.message:
            log.warning("broadcast %s: could not edit progress message %s in chat %s: %s", view.broadcast_id,
                        view.message_id, view.chat_id, error.message)
    except TelegramAPIError as error:
        log.warning("broadcast %s: progress message %s in chat %s not edited: %s", view.broadcast_id,
                    view.message_id, view.chat_id, error)
    if view.report is None:
        return
    try:
        await bot.send_message(view.chat_id, view.report, reply_to_message_id=view.message_id)
    except TelegramAPIError as error:
        log.warning("broadcast %s: final report not sent to chat %s: %s", view.broadcast_id, view.chat_id, error)


class BroadcastProgressObserver:
    """`app.outbox.observers` member: told which broadcasts moved after each group of sends."""

    def __init__(self, uow_factory: UnitOfWorkFactory, bot: Bot, i18n: I18n, clock: Clock,
                 default_locale: str) -> None:
        self._uow_factory = uow_factory
        self._bot = bot
        self._i18n = i18n
        self._clock = clock
        self._default_locale = default_locale

    async def __call__(self, broadcast_ids: set[int]) -> None:
        for broadcast_id in sorted(broadcast_ids):
            paused = await self._pause_if_source_gone(broadcast_id)
            async with self._uow_factory() as uow:
                view = await prepare_progress(uow, self._i18n, self._clock, self._default_locale, broadcast_id,
                                              force=paused)
                if view is None:
                    continue
                await uow.commit()
            await send_progress(self._bot, view)

    async def _pause_if_source_gone(self, broadcast_id: int) -> bool:
        """The coordinator deleted the message being copied: pause, and tell them once."""
        async with self._uow_factory() as uow:
            service = BroadcastService(uow, self._clock, StaffService(uow, self._clock), self._default_locale)
            gone = await service.pause_if_source_gone(broadcast_id)
            if gone is None:
                return False
            await uow.commit()
        log.warning("broadcast %s paused: its original message was deleted (%s copies failed)", broadcast_id,
                    gone.figures.failed)
        with self._i18n.context(), self._i18n.use_locale(gone.locale or self._default_locale):
            text = source_gone_text(gone.figures)
        try:
            await self._bot.send_message(gone.chat_id, text, reply_to_message_id=gone.message_id)
        except TelegramAPIError as error:
            log.warning("broadcast %s: the paused notice not sent to chat %s: %s", broadcast_id, gone.chat_id, error)
        return True
