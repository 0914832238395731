"""One way to refuse: a service raises `RefusedError`; one place on the Telegram side answers it
(handlers/common/refusals.py), a press with answerCallbackQuery, a message with a reply.
See docs/ARCHITECTURE.md, "How a refusal is answered"."""
from __future__ import annotations

from typing import TypeVar

from bot.services.views import Refusal, Refused

T = TypeVar("T")


class RefusedError(Exception):
    """A press or command that changes nothing, and why (the `Refusal` with its details).

    Raised before the service writes anything, so the update commits nothing of it."""

    def __init__(self, refused: Refused) -> None:
        super().__init__(refused.reason.value)
        self.refused = refused

    @property
    def reason(self) -> Refusal:
        return self.refused.reason


def raise_refused(result: T | Refused) -> T:
    """The service's public face: a `Refused` worked out inside becomes the one exception."""
    if isinstance(result, Refused):
        raise RefusedError(result)
    return result
