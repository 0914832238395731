"""The weekly digest to the admin chat: each course's figures and the quiz questions item analysis
flags (too easy, too hard, negative discrimination). Queued in the outbox (kind 'digest') with the
key "digest:<course>:<ISO week>", so a second run in the same week (a restart, two replicas)
adds nothing."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from aiogram.utils.i18n import I18n

from bot.db.repositories.outbox import NewDelivery
from bot.db.uow import UnitOfWorkFactory
from bot.services.analytics import AnalyticsService
from bot.services.clock import Clock
from bot.services.item_analysis import analyse_items, flagged
from bot.telegram.outbox_payloads import text_payload
from bot.telegram.texts_analytics import digest_text

log = logging.getLogger(__name__)


def iso_week(moment: datetime) -> str:
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


class WeeklyDigest:
    def __init__(self, uow_factory: UnitOfWorkFactory, i18n: I18n, clock: Clock, admin_chat_id: int | None,
                 locale: str) -> None:
        self._uow_factory = uow_factory
        self._i18n = i18n
        self._clock = clock
        self._admin_chat_id = admin_chat_id
        self._locale = locale  # the admin chat has no one language: the bot's default

    async def run(self) -> int:
        """Queue this week's digest of every published course; returns how many were queued."""
        if self._admin_chat_id is None:
            return 0
        now = self._clock.now()
        week = iso_week(now)
        items = []
        async with self._uow_factory() as uow:
            analytics = AnalyticsService(uow, self._clock, None, self._locale)
            for course in await uow.catalog.courses():
                if course.current_number is None:
                    continue  # nothing published: nothing learners could answer
                stats = await analytics.stats(course)
                lectures = [lecture.key for lecture in stats.lectures]
                answers = await uow.analytics.answers(course.course_id)
                # Pure Python over every answer of the course: off the event loop, learners keep being answered.
                questions = flagged(await asyncio.to_thread(analyse_items, answers, lectures))
                with self._i18n.context(), self._i18n.use_locale(self._locale):
                    text = digest_text(stats, questions, self._locale)
                items.append(NewDelivery(kind="digest", chat_id=self._admin_chat_id, payload=text_payload(text),
                                         not_before=now, dedupe_key=f"digest:{course.slug}:{week}"))
            await uow.begin_write()
            queued = await uow.outbox.enqueue(items)
            await uow.commit()
        log.info("weekly digest %s: %d of %d courses queued for the admin chat", week, queued, len(items))
        return queued
