"""Users: who talks to the bot, their language and profile."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FsmState, StaffRole, User
from bot.db.repositories.fsm_states import FsmKey, fsm_where


@dataclass(frozen=True)
class UpdateContext:
    """What every update needs about its sender, read in one statement."""

    user: User | None
    state: FsmState | None  # the conversation state row of `fsm_key`, if any
    holds_a_role: bool


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> User | None:
        return await self._session.get(User, user_id)

    async def get_for_update(self, user_id: int, fsm_key: FsmKey | None) -> UpdateContext:
        """The user's row, their conversation state row (when `fsm_key` is given) and whether any
        staff role is granted to them: one round trip where three separate reads took three. The
        row lands in the session, so a later `get` of the user costs no query."""
        holds_a_role = exists().where(StaffRole.user_id == User.id).label("holds_a_role")
        if fsm_key is None:
            row = (await self._session.execute(select(User, holds_a_role).where(User.id == user_id))).first()
            return UpdateContext(row[0], None, bool(row[1])) if row else UpdateContext(None, None, False)
        statement = (select(User, FsmState, holds_a_role)
                     .outerjoin(FsmState, and_(*fsm_where(fsm_key)))
                     .where(User.id == user_id))
        row = (await self._session.execute(statement)).first()
        return UpdateContext(row[0], row[1], bool(row[2])) if row else UpdateContext(None, None, False)

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
