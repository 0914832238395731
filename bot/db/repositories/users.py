"""Users: who talks to the bot, their language and profile."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> User | None:
        return await self._session.get(User, user_id)

    async def confirm_name(self, user_id: int) -> bool:
        """Mark the name confirmed unless it already is; False if it was (another press got there first)."""
        statement = (
            update(User)
            .where(User.id == user_id, User.name_confirmed.is_(False))
            .values(name_confirmed=True)
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount)

    def add(self, user: User) -> User:
        self._session.add(user)
        return user
