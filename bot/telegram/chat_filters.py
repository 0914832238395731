"""The private-chat filter of the learner's routers, as a coroutine (issue 12).

aiogram runs a filter that is a plain function (a magic `F.chat.type == "private"` is one) in a
worker thread through `asyncio.to_thread`, once per router an update passes: three thread hops
for a quiz answer, five for /progress. This filter answers the same question on the event loop."""
from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message


class InPrivateChat(Filter):
    """A message in a private chat, or a button pressed under one (`F.chat.type == "private"`
    for a message, `F.message.chat.type == "private"` for a press)."""

    async def __call__(self, event: Message | CallbackQuery) -> bool:
        message = event.message if isinstance(event, CallbackQuery) else event
        return message is not None and message.chat.type == "private"


PRIVATE = InPrivateChat()
