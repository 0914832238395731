"""Webhook mode: while setWebhook holds a URL, POST each pending update to it, in order.

A 2xx answer confirms the update; anything else is recorded in getWebhookInfo's
last_error_* and retried with a short back-off (Telegram retries too). A reply whose JSON body
carries ``"method"`` is executed as a Bot API call, as Telegram allows.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from sandbox.botapi import STATE_KEY, execute
from sandbox.state import SandboxState

DELIVERY_TIMEOUT = 10.0
MAX_BACKOFF = 5.0


async def webhook_ctx(app: web.Application) -> AsyncIterator[None]:
    """aiohttp cleanup context running the deliverer for the app's lifetime."""
    task = asyncio.create_task(_deliver_forever(app[STATE_KEY]))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _deliver_forever(state: SandboxState) -> None:
    failures = 0
    async with ClientSession(timeout=ClientTimeout(total=DELIVERY_TIMEOUT)) as session:
        while not state.closing:
            if not state.webhook.url or not state.updates.has_deliverable():
                await state.updates.notifier.wait(1.0)
                continue
            update = state.updates.take(1)[0]
            error = await _post(session, state, update.to_api())
            if error is None:
                failures = 0
                state.updates.remove(update.update_id)
                continue
            failures += 1
            state.webhook.last_error_date = int(state.now())
            state.webhook.last_error_message = error
            await state.updates.notifier.wait(min(0.1 * 2**failures, MAX_BACKOFF))


async def _post(session: ClientSession, state: SandboxState, update: dict[str, Any]) -> str | None:
    """Deliver one update; None on success, else the error as getWebhookInfo words it."""
    headers = {}
    if state.webhook.secret_token:
        headers["X-Telegram-Bot-Api-Secret-Token"] = state.webhook.secret_token
    try:
        async with session.post(state.webhook.url, json=update, headers=headers) as resp:
            text = await resp.text()
            if not 200 <= resp.status < 300:
                return f"Wrong response from the webhook: {resp.status} {resp.reason}"
    except (ClientError, asyncio.TimeoutError, OSError) as exc:
        return f"Connection failed: {type(exc).__name__}"
    await _run_reply(state, text)
    return None


async def _run_reply(state: SandboxState, text: str) -> None:
    try:
        reply = json.loads(text) if text.strip() else None
    except ValueError:
        return
    if isinstance(reply, dict) and isinstance(reply.get("method"), str):
        params = {k: v for k, v in reply.items() if k != "method"}
        await execute(state, reply["method"], params)
