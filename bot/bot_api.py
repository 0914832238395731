"""The Bot API session: how fast it sends, what wraps each request, and the first call that
tells a bad token or an unreachable server from a working one."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

from bot.config import ConfigError, Settings
from bot.metrics import BotMetrics
from bot.telegram.commit_before_send import CommitBeforeSend
from bot.telegram.metrics import ApiCallMetrics
from bot.telegram.response_types import KeepResponseTypes
from bot.telegram.throttle import SendThrottle, build_limiter


class BotApiSession(AiohttpSession):
    """aiogram's session; closing it waits aiogram's 250 ms for TLS connections to shut down only
    when there are any: a Bot API server over plain http (a local `telegram-bot-api`, the sandbox)
    has none, and a replica stopping in a rolling deploy should not idle for nothing."""

    async def close(self) -> None:
        if self.api.base.startswith("https:"):
            await super().close()
        elif self._session is not None and not self._session.closed:
            await self._session.close()


@dataclass
class SendLimits:
    global_rate: float = 30
    per_chat_rate: float = 1
    per_chat_burst: int = 3


@dataclass
class BotSession:
    bot: Bot
    throttle: SendThrottle  # the one pace of every send
    redis: Any  # the send limiter's connection, when REDIS_URL is set; the caller closes it


def build_bot(settings: Settings, token: str, api_url: str | None, send_limits: SendLimits | None,
              metrics: BotMetrics) -> BotSession:
    api = TelegramAPIServer.from_base(api_url) if api_url else PRODUCTION
    session = BotApiSession(api=api)
    limits = send_limits or SendLimits(settings.send_rate_global, settings.send_rate_per_chat,
                                       settings.send_burst_per_chat)
    # Registered first, so it is the outermost: the commit happens before any pacing wait.
    session.middleware(CommitBeforeSend())
    session.middleware(KeepResponseTypes())
    limiter, redis = build_limiter(settings.redis_url, token, limits.global_rate,
                                   limits.per_chat_rate, limits.per_chat_burst)
    throttle = SendThrottle(limiter)
    session.middleware(throttle)
    session.middleware(ApiCallMetrics(metrics))  # innermost: each request, each retry, counts
    bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    return BotSession(bot, throttle, redis)


async def check_bot_api(bot: Bot, token: str, api_url: str | None, webhook_mode: bool) -> None:
    """The first call to the Bot API: an unreachable server or a refused token is a setting to fix."""
    where = api_url or "Telegram (api.telegram.org)"
    try:
        if webhook_mode:
            await bot.get_webhook_info()  # the webhook is left as it is (see ensure_webhook)
        else:
            await bot.delete_webhook(drop_pending_updates=False)  # a webhook blocks getUpdates
    except TelegramUnauthorizedError:
        raise ConfigError(f"Bad setting BOT_TOKEN: {where} refused the token; "
                          f"copy it again from @BotFather") from None
    except TelegramNetworkError as error:
        reason = str(error).replace(token, "<BOT_TOKEN>")
        raise ConfigError(f"Bad setting TELEGRAM_API_URL: cannot reach the Bot API at {where}: {reason}") from None
