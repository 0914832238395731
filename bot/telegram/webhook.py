"""Telegram's side of webhook mode: point the bot's webhook at WEBHOOK_URL, once per deploy."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from aiogram import Bot

log = logging.getLogger(__name__)


async def ensure_webhook(bot: Bot, url: str, secret: str, allowed_updates: Sequence[str],
                         force: bool = False) -> bool:
    """Call setWebhook only when Telegram's webhook is not already this URL for these update types
    (or when forced: getWebhookInfo never shows the secret, so a new secret needs `force`).

    Replicas starting together all find the webhook set by the deploy step (`talimger webhook set`)
    and leave it alone; True when it was set here."""
    wanted = sorted(set(allowed_updates))
    if not force:
        info = await bot.get_webhook_info()
        if info.url == url and sorted(set(info.allowed_updates or [])) == wanted:
            log.info("webhook already points at %s", url)
            return False
    # Pending updates are kept: what arrived while polling stopped is delivered to the webhook.
    await bot.set_webhook(url, secret_token=secret, allowed_updates=wanted, drop_pending_updates=False)
    log.info("webhook set to %s (%s)", url, ", ".join(wanted))
    return True
