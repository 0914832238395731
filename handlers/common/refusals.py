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

from bot.services.refusals import RefusedError
from bot.services.views import Refusal
from bot.telegram.presenter import Presenter
from bot.telegram.texts import refusal_text

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

# Refusals worth a dialog the learner dismisses; the rest (repeats of old presses) are a short note.
ALERTED = {Refusal.LOCKED, Refusal.COOLDOWN, Refusal.NOT_RELEASED, Refusal.NO_ATTEMPTS_LEFT,
           Refusal.NOT_ENROLLED, Refusal.UNKNOWN_COURSE}


class RefusalAnswer(BaseMiddleware):
    """Set on the root router's message and callback_query observers: it wraps every handler."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except RefusedError as refused:
            presenter: Presenter | None = data.get("presenter")
            locale = presenter.locale if presenter is not None else str(data.get("locale") or "en")
            text = refusal_text(refused.refused, locale)
            user = data.get("event_from_user")
            log.info("refused %s for user %s: %s", type(event).__name__, user.id if user else None,
                     refused.reason.value)
            if isinstance(event, CallbackQuery):
                try:
                    await event.answer(text, show_alert=refused.reason in ALERTED)
                    return None
                except TelegramBadRequest as error:  # the handler had answered the press before it was refused
                    log.info("press %s already answered (%s): the refusal goes to the chat", event.id, error.message)
            if presenter is not None:
                await presenter.text(text)
            return None
