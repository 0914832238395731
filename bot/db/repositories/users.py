"""Users: who talks to the bot, their language and profile."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> User | None:
        return await self._session.get(User, user_id)

    def add(self, user: User) -> User:
        self._session.add(user)
        return user
