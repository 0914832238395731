"""Telegram's webhook on the web app: aiogram's SimpleRequestHandler, secret checked, answered quickly.

How the answer is timed (aiogram offers two modes, neither right alone):
- `handle_in_background=True` answers 200 before the update is even looked at. Telegram then never
  sends it again, so an update in flight when a replica dies (a deploy, a crash) is lost.
- `handle_in_background=False` holds the request until the handlers end (up to 55 s). A learner
  paced at one message a second holds Telegram's connection that long; the connections Telegram
  opens to a bot are few (`max_connections`, 40), so slow updates delay everybody else's.

So the update is fed in the background and the answer waits for it at most ANSWER_WITHIN
seconds: almost every update is applied (its id claimed and its writes committed in one
transaction, see UnitOfWorkMiddleware) before Telegram hears 200; one that failed for a passing
reason (the database or Redis unreachable, the network) gets 500 and Telegram delivers it again,
to be applied then, once; one that failed on a fault of ours is logged and confirmed, as polling
drops it (redelivering it would fail the same way, again and again); only a slow one is confirmed
before it ends. On shutdown the web app stops taking updates and waits for those in flight.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.telegram.passing_failures import is_passing

log = logging.getLogger(__name__)

ANSWER_WITHIN = 5.0  # seconds; far inside Telegram's deadline, long enough for any ordinary update
DRAIN_WITHIN = 30.0  # seconds a stopping process gives updates in flight to finish


class WebhookHandler(SimpleRequestHandler):
    """POST <WEBHOOK_URL's path>: 401 without the right secret (nothing is read), else the update is applied."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret_token: str, **data: Any) -> None:
        super().__init__(dispatcher, bot, handle_in_background=True, secret_token=secret_token, **data)

    async def _handle_request_background(self, bot: Bot, request: web.Request) -> web.Response:
        try:
            update = await request.json(loads=bot.session.json_loads)
        except ValueError:
            log.warning("webhook: a request with the right secret but no JSON body was refused")
            return web.Response(status=400, text="Bad Request")
        update_id = update.get("update_id") if isinstance(update, dict) else None
        task = asyncio.create_task(self._apply(bot, update, update_id))
        self._background_feed_update_tasks.add(task)
        task.add_done_callback(self._forget)
        # asyncio.wait cancels nothing: a dropped connection leaves the update running to its end.
        done, _ = await asyncio.wait({task}, timeout=ANSWER_WITHIN)
        if task in done and not task.cancelled() and is_passing(task.exception()):
            # Rolled back, its claim included: Telegram's next delivery applies it.
            return web.Response(status=500, text="Internal Server Error")
        return web.json_response({}, dumps=bot.session.json_dumps)

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._background_feed_update_tasks.discard(task)
        if not task.cancelled():
            task.exception()  # logged in _apply; retrieved here so asyncio does not warn of it again

    async def _apply(self, bot: Bot, update: dict[str, Any], update_id: object) -> None:
        try:
            result = await self.dispatcher.feed_raw_update(bot=bot, update=update, **self.data)
        except Exception as error:
            if not is_passing(error):  # a passing one was logged by the error handler, which let it through
                log.exception("webhook: update %s failed", update_id)
            raise
        if isinstance(result, TelegramMethod):
            await self.dispatcher.silent_call_request(bot=bot, result=result)

    async def close(self) -> None:
        """On the web app's shutdown: finish what was taken. The bot's session belongs to the app, not to us."""
        pending = set(self._background_feed_update_tasks)
        if not pending:
            return
        log.info("webhook: waiting for %d update(s) in flight", len(pending))
        _done, late = await asyncio.wait(pending, timeout=DRAIN_WITHIN)
        if late:
            log.warning("webhook: %d update(s) still running after %.0f s are cut off", len(late), DRAIN_WITHIN)
