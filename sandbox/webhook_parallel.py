"""Webhook delivery over several connections at once, as Telegram does (`max_connections`, 40 by
default): updates of different chats go out together, those of one chat one after another, in
order. `sandbox/webhook.py` posts one update at a time, which is enough for one bot process; the
cluster tests (several replicas behind a load balancer) install this one with `install()`.
"""
from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import ClientSession, ClientTimeout

import sandbox.webhook as webhook
from sandbox.state import SandboxState

CONNECTIONS = 40


def _chat_of(update: dict[str, Any]) -> Any:
    for kind in ("message", "edited_message", "callback_query", "my_chat_member", "chat_member"):
        body = update.get(kind)
        if isinstance(body, dict):
            chat = body.get("chat") or (body.get("message") or {}).get("chat") or body.get("from") or {}
            return chat.get("id")
    return None


async def deliver_in_parallel(state: SandboxState, connections: int = CONNECTIONS) -> None:
    in_flight: dict[int, asyncio.Task[None]] = {}  # update id → its delivery
    busy_chats: set[Any] = set()
    failures = 0

    async def deliver(session: ClientSession, update: Any, chat: Any) -> None:
        nonlocal failures
        try:
            error = await webhook._post(session, state, update.to_api())
            if error is None:
                failures = 0
                state.updates.remove(update.update_id)
            else:
                failures += 1
                state.webhook.last_error_date = int(state.now())
                state.webhook.last_error_message = error
                await asyncio.sleep(min(0.1 * 2 ** min(failures, 10), webhook.MAX_BACKOFF))
        finally:
            busy_chats.discard(chat)
            in_flight.pop(update.update_id, None)
            state.updates.notifier.notify()

    async with ClientSession(timeout=ClientTimeout(total=webhook.DELIVERY_TIMEOUT)) as session:
        while not state.closing:
            started = False
            if state.webhook.url and len(in_flight) < connections:
                for update in state.updates.take(len(state.updates.pending)):
                    if len(in_flight) >= connections:
                        break
                    chat = _chat_of(update.to_api())
                    if update.update_id in in_flight or (chat is not None and chat in busy_chats):
                        continue
                    if chat is not None:
                        busy_chats.add(chat)
                    in_flight[update.update_id] = asyncio.create_task(deliver(session, update, chat))
                    started = True
            if not started:
                await state.updates.notifier.wait(0.05)
        for task in list(in_flight.values()):
            task.cancel()


def install(connections: int = CONNECTIONS) -> Any:
    """From now on, sandboxes started in this process deliver over `connections` connections;
    returns what was there, for `restore`."""
    async def deliver(state: SandboxState) -> None:
        await deliver_in_parallel(state, connections)

    previous = webhook._deliver_forever
    webhook._deliver_forever = deliver  # type: ignore[assignment]
    return previous


def restore(previous: Any) -> None:
    webhook._deliver_forever = previous
