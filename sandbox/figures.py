"""What a test or a benchmark asks of the sandbox afterwards: every send* call, and figures
over them — the most sends in any window (overall, paid or not, into one chat), counts per
method and per outcome, and how many messages each chat received.

The windows count successful sends (Telegram's limits are on messages sent; a refused call
sends nothing) — with the limits on, those can never break them — and, as ``offered_*``, the
sends the bot attempted at its own pace (successful or refused by the rate limiter, not by an
injected fault), which is what shows a bot sending faster than allowed. Times are on the
sandbox clock.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Calls that count against the send rate limits (Telegram's limits are on messages sent).
SEND_METHODS = frozenset({"sendmessage", "sendphoto", "sendvideo", "senddocument", "copymessage"})
SEND_LOG_SIZE = 2_000_000  # a 10,000-learner benchmark with retries is far below this


@dataclass(frozen=True)
class SendRecord:
    """One send* call: what, where, when, how it ended, and whether it was a paid broadcast."""

    method: str
    chat_id: int | None
    time: float
    status: int
    paid: bool
    rate_limited: bool = False  # refused by the rate limiter: the bot sent too fast

    @property
    def offered(self) -> bool:
        """Sent, or refused only because it came too fast: what the bot's pace put on the wire."""
        return self.status == 200 or self.rate_limited


class SendLog:
    """Every send* call since the start (or the last ``clear``)."""

    def __init__(self) -> None:
        self.records: list[SendRecord] = []

    def add(self, record: SendRecord) -> None:
        if len(self.records) >= SEND_LOG_SIZE:
            del self.records[: SEND_LOG_SIZE // 10]  # a bounded memory: forget the oldest tenth
        self.records.append(record)

    def clear(self) -> None:
        self.records.clear()

    def figures(self, window: float = 1.0) -> dict[str, Any]:
        """The figures described in the module docstring, as JSON-ready data."""
        records = self.records
        delivered = [r for r in records if r.status == 200]
        per_method: dict[str, Counter[str]] = defaultdict(Counter)
        for r in records:
            per_method[r.method][str(r.status)] += 1
        per_chat_times: dict[int, list[float]] = defaultdict(list)
        for r in delivered:
            if r.chat_id is not None:
                per_chat_times[r.chat_id].append(r.time)
        busiest_chat, into_one_chat = _busiest(per_chat_times, window)
        offered_per_chat: dict[int, list[float]] = defaultdict(list)
        for r in records:
            if r.offered and r.chat_id is not None:
                offered_per_chat[r.chat_id].append(r.time)
        first = min((r.time for r in delivered), default=None)
        last = max((r.time for r in delivered), default=None)
        return {
            "window": window,
            "calls": len(records),
            "sent": len(delivered),
            "sent_paid": sum(1 for r in delivered if r.paid),
            "rate_limited": sum(1 for r in records if r.rate_limited),
            "first_sent_at": first,
            "last_sent_at": last,
            "max_in_window": {
                "overall": max_in_window([r.time for r in delivered], window),
                "free": max_in_window([r.time for r in delivered if not r.paid], window),
                "paid": max_in_window([r.time for r in delivered if r.paid], window),
                "into_one_chat": into_one_chat,
                "busiest_chat": busiest_chat,
                "offered_overall": max_in_window([r.time for r in records if r.offered], window),
                "offered_into_one_chat": _busiest(offered_per_chat, window)[1],
            },
            "per_outcome": dict(sorted(Counter(str(r.status) for r in records).items())),
            "per_method": {method: dict(sorted(counts.items())) for method, counts in sorted(per_method.items())},
            # chat id (as a string: JSON keys) → messages it received
            "per_chat": {str(chat_id): len(times) for chat_id, times in sorted(per_chat_times.items())},
        }


def _busiest(per_chat: dict[int, list[float]], window: float) -> tuple[int | None, int]:
    """The chat with the most events in one window, and that count."""
    busiest, most = None, 0
    for chat_id, times in per_chat.items():
        count = max_in_window(times, window)
        if count > most:
            busiest, most = chat_id, count
    return busiest, most


def max_in_window(times: Iterable[float], window: float) -> int:
    """The most events in any half-open interval [t, t + window) — any window, not whole seconds."""
    ordered: Sequence[float] = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(ordered):
        while ordered[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best
