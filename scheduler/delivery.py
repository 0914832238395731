"""Sending one scheduled message, in the learner's language, through the bot's paced session."""
from __future__ import annotations

import enum
import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.utils.i18n import I18n

from bot.telegram.keyboards_reminders import notice_keyboard
from bot.telegram.texts_reminders import notice_text
from scheduler.planning import Outgoing

log = logging.getLogger(__name__)


class Delivery(enum.Enum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403: the learner blocked the bot (or deleted their account)
    NOT_SENT = "not_sent"  # Telegram certainly did not deliver it (429s outlasted the throttle's retries)
    GAVE_UP = "gave_up"  # refused for good (400): retrying would fail the same way
    UNKNOWN = "unknown"  # the network or Telegram failed mid-request: it may have arrived


async def deliver(bot: Bot, i18n: I18n, outgoing: Outgoing) -> Delivery:
    """Send and say what happened; never raises for a Telegram or network failure."""
    with i18n.context(), i18n.use_locale(outgoing.locale):
        text = notice_text(outgoing.view, outgoing.locale)
        markup = notice_keyboard(outgoing.view, outgoing.enrolment_id)
    try:
        # The bot's session carries SendThrottle: ≤ 30/s overall, ≤ 1/s per chat, 429s waited out.
        await bot.send_message(outgoing.user_id, text, reply_markup=markup)
    except TelegramForbiddenError:
        return Delivery.BLOCKED
    except TelegramRetryAfter as error:
        log.warning("reminder to %s not sent: still 429 after retries (%s)", outgoing.user_id, error)
        return Delivery.NOT_SENT
    except TelegramBadRequest as error:
        log.error("reminder to %s refused by Telegram, not retried: %s", outgoing.user_id, error)
        return Delivery.GAVE_UP
    except (TelegramServerError, TelegramNetworkError) as error:
        log.warning("reminder to %s may or may not have arrived (%s); counted as sent", outgoing.user_id, error)
        return Delivery.UNKNOWN
    except TelegramAPIError as error:
        log.error("reminder to %s failed: %s", outgoing.user_id, error)
        return Delivery.GAVE_UP
    return Delivery.SENT
