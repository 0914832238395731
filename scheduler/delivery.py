"""A scheduled message as an outbox payload, in the learner's language (sent by scheduler/outbox.py)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n

from bot.db.repositories.outbox import NewDelivery
from bot.services.reminder_views import NoticeKind
from bot.telegram.keyboards_reminders import notice_keyboard
from bot.telegram.outbox_payloads import payload_of
from bot.telegram.texts_reminders import notice_text
from scheduler.planning import Outgoing


def notice_payload(i18n: I18n, outgoing: Outgoing) -> dict[str, Any]:
    with i18n.context(), i18n.use_locale(outgoing.locale):
        text = notice_text(outgoing.view, outgoing.locale)
        markup = notice_keyboard(outgoing.view, outgoing.enrolment_id)
    return payload_of(SendMessage(chat_id=outgoing.user_id, text=text, reply_markup=markup))


def notice_delivery(i18n: I18n, outgoing: Outgoing, now: datetime) -> NewDelivery:
    kind = "week" if outgoing.kind is NoticeKind.NEW_WEEK else "reminder"
    return NewDelivery(kind=kind, chat_id=outgoing.user_id, user_id=outgoing.user_id,
                       payload=notice_payload(i18n, outgoing), not_before=now)
