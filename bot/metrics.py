"""What /metrics shows (Prometheus): updates and their handling time, Bot API calls, 429s.

Each bot has its own registry, not prometheus-client's global one, so several bots in one
process (the tests) count apart. Kept free of aiogram: the adapters in bot/telegram/metrics.py
feed it; the web app only renders it.
"""
from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

# Handling times worth telling apart: a reply that feels instant, one that lags, one that times out.
UPDATE_SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class BotMetrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter("talimger_updates_handled", "Updates handled, by update type and outcome",
                               ["type", "outcome"], registry=self.registry)
        self.update_seconds = Histogram("talimger_update_handling_seconds",
                                        "Time from an update's arrival in the dispatcher to the end of its handling",
                                        ["type"], buckets=UPDATE_SECONDS_BUCKETS, registry=self.registry)
        self.api_calls = Counter("talimger_bot_api_calls", "Bot API requests, by method and result status",
                                 ["method", "status"], registry=self.registry)
        self.api_retry_after = Counter("talimger_bot_api_retry_after",
                                       "Bot API requests answered 429 Too Many Requests, by method",
                                       ["method"], registry=self.registry)

    def update_handled(self, update_type: str, outcome: str, seconds: float) -> None:
        self.updates.labels(update_type, outcome).inc()
        self.update_seconds.labels(update_type).observe(seconds)

    def api_called(self, method: str, status: str) -> None:
        self.api_calls.labels(method, status).inc()
        if status == "429":
            self.api_retry_after.labels(method).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
