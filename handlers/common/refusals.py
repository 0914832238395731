"""The one place a service's refusal is answered (docs/ARCHITECTURE.md, "How a refusal is answered").

Services raise `RefusedError`; handlers do not check for it. A press gets answerCallbackQuery with
the localized reason (an alert when the learner has something to read: a lock, a date, a limit;
a short note for routine repeats), a message gets a reply. The update still commits: a service
refuses before it writes, and the update id stays claimed, so a re-delivery is not re-answered."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, TelegramObject

from bot.services.analytics import AnalyticsRefused
from bot.services.course_drafts import ContentRefused
from bot.services.course_export import ExportRefused
from bot.services.course_upload import UploadRefused
from bot.services.refusals import RefusedError
from bot.services.staff import StaffError
from bot.services.views import Refusal
from bot.telegram.presenter import Presenter
from bot.telegram.texts import refusal_text
from bot.telegram.texts_analytics import analytics_refusal_text
from bot.telegram.texts_content import content_refused_text, upload_refused_text
from bot.telegram.texts_courses import export_refusal_text
from bot.telegram.texts_staff import staff_error_text

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

# Refusals worth a dialog the learner dismisses; the rest (repeats of old presses) are a short note.
ALERTED = {Refusal.LOCKED, Refusal.COOLDOWN, Refusal.NOT_RELEASED, Refusal.NO_ATTEMPTS_LEFT,
           Refusal.NOT_ENROLLED, Refusal.UNKNOWN_COURSE}


Refusing = RefusedError | ContentRefused | ExportRefused | UploadRefused | StaffError | AnalyticsRefused


def _explained(error: Refusing, locale: str) -> tuple[str, str, bool]:
    """(the text, the reason for the log, whether a press shows it as an alert)."""
    match error:
        case ContentRefused():
            return content_refused_text(error), error.problem.value, True
        case StaffError():
            return staff_error_text(error), str(error), False
        case UploadRefused():
            return upload_refused_text(error), f"{error.problem.value} {error.name}".strip(), True
        case ExportRefused():
            return export_refusal_text(error), f"{error.problem.value} {error.detail}".strip(), True
        case AnalyticsRefused():
            return analytics_refusal_text(error), f"{error.problem.value} {error.detail}".strip(), True
        case _:
            return refusal_text(error.refused, locale), error.reason.value, error.reason in ALERTED


class RefusalAnswer(BaseMiddleware):
    """Set on the root router's message and callback_query observers: it wraps every handler."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except (RefusedError, ContentRefused, ExportRefused, UploadRefused, StaffError, AnalyticsRefused) as refused:
            presenter: Presenter | None = data.get("presenter")
            locale = presenter.locale if presenter is not None else str(data.get("locale") or "en")
            text, reason, alert = _explained(refused, locale)
            user = data.get("event_from_user")
            log.info("refused %s for user %s: %s", type(event).__name__, user.id if user else None, reason)
            if isinstance(event, CallbackQuery):
                try:
                    await event.answer(text, show_alert=alert)
                    return None
                except TelegramBadRequest as error:  # the handler had answered the press before it was refused
                    log.info("press %s already answered (%s): the refusal goes to the chat", event.id, error.message)
            if presenter is not None:
                await presenter.text(text)
            return None
