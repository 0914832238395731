"""The bot's update queue: offsets, allowed_updates, long polling, redelivery.

Semantics follow getUpdates: an update stays until a later call's ``offset`` confirms it
(``offset`` drops every update below it; a negative offset keeps only the last ``-offset``);
``allowed_updates`` is remembered between calls; Telegram keeps updates for 24 hours.
"""

from __future__ import annotations

import asyncio
import bisect
from dataclasses import dataclass, field
from typing import Any

# Update types Telegram sends when allowed_updates is empty (everything but these three).
_OPT_IN_TYPES = {"chat_member", "message_reaction", "message_reaction_count"}
HISTORY_LIMIT = 20_000  # delivered updates remembered for /redeliver


class Notifier:
    """Wake every waiter at once; safe to create outside a running loop."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    async def wait(self, timeout: float) -> bool:
        """Wait until ``notify()`` or ``timeout`` seconds; True if notified."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            if future in self._waiters:
                self._waiters.remove(future)

    def notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for future in waiters:
            if not future.done():
                try:
                    future.set_result(None)
                except RuntimeError:  # its event loop is gone (a finished test); nobody waits
                    pass


@dataclass(eq=False)
class PendingUpdate:
    """An update not yet confirmed by the bot."""

    update_id: int
    kind: str  # message | callback_query | edited_message ...
    payload: dict[str, Any]
    created: float
    deliveries: int = 0
    redelivered: bool = False  # survives one offset that is already past it

    def to_api(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class UpdateQueue:
    """Pending updates plus every update ever made (for redelivery)."""

    next_update_id: int = 1
    pending: list[PendingUpdate] = field(default_factory=list)
    history: dict[int, PendingUpdate] = field(default_factory=dict)
    allowed_updates: list[str] | None = None
    notifier: Notifier = field(default_factory=Notifier)
    poller: Any = None  # the getUpdates request currently waiting (only one at a time)

    def add(self, kind: str, payload: dict[str, Any], now: float) -> PendingUpdate:
        update = PendingUpdate(self.next_update_id, kind, payload, now)
        self.next_update_id += 1
        self.pending.append(update)
        self.history[update.update_id] = update
        if len(self.history) > HISTORY_LIMIT:
            del self.history[next(iter(self.history))]
        self.notifier.notify()
        return update

    def confirm(self, offset: int) -> None:
        """Apply getUpdates' ``offset``: forget confirmed updates (pending stays sorted)."""
        if offset < 0:
            keep = -offset
            self.pending = self.pending[-keep:] if keep else []
            return
        cut = bisect.bisect_left([u.update_id for u in self.pending], offset)
        if cut:
            # Re-queued on purpose and not yet re-delivered: survives the offset once.
            requeued = [u for u in self.pending[:cut] if u.redelivered and u.deliveries == 0]
            self.pending = requeued + self.pending[cut:]

    def expire(self, older_than: float) -> None:
        self.pending = [u for u in self.pending if u.created >= older_than]

    def remove(self, update_id: int) -> None:
        """Forget one update (a webhook delivery the bot acknowledged)."""
        self.pending = [u for u in self.pending if u.update_id != update_id]

    def drop_all(self) -> None:
        self.pending = []

    def remember_allowed(self, allowed: list[str] | None) -> None:
        if allowed is not None:
            self.allowed_updates = list(allowed)

    def is_allowed(self, kind: str) -> bool:
        if not self.allowed_updates:
            return kind not in _OPT_IN_TYPES
        return kind in self.allowed_updates

    def take(self, limit: int) -> list[PendingUpdate]:
        """Up to ``limit`` deliverable updates, oldest first (they stay until confirmed)."""
        batch: list[PendingUpdate] = []
        for update in self.pending:
            if len(batch) >= limit:
                break
            if self.is_allowed(update.kind):
                update.deliveries += 1
                batch.append(update)
        return batch

    def has_deliverable(self) -> bool:
        return any(self.is_allowed(u.kind) for u in self.pending)

    def redeliver(self, update_id: int) -> PendingUpdate:
        """Put an update back (same update_id), as Telegram does after a restart."""
        update = self.history[update_id]
        update.redelivered = True
        update.deliveries = 0
        if not any(u is update for u in self.pending):
            bisect.insort(self.pending, update, key=lambda u: u.update_id)
        self.notifier.notify()
        return update
