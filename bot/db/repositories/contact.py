"""Direct contact: the messages of learner ↔ coordinator conversations, and finding a learner by name."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ContactMessage, User


class ContactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def remember(self, chat_id: int, message_ids: Iterable[int], learner_id: int, direction: str,
                 staff_id: int | None, at: datetime) -> None:
        for message_id in message_ids:
            self._session.add(ContactMessage(chat_id=chat_id, message_id=message_id, learner_id=learner_id,
                                             direction=direction, staff_id=staff_id, created_at=at))

    async def learner_of(self, chat_id: int, message_id: int, direction: str) -> int | None:
        """The learner whose conversation holds this message, or None for any other message."""
        return await self._session.scalar(
            select(ContactMessage.learner_id).where(ContactMessage.chat_id == chat_id,
                                                    ContactMessage.message_id == message_id,
                                                    ContactMessage.direction == direction))

    async def user_by_username(self, username: str) -> User | None:
        """Telegram usernames are case-insensitive."""
        return await self._session.scalar(
            select(User).where(func.lower(User.username) == username.lower()).order_by(User.id).limit(1))
