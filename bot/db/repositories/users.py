"""Users: who talks to the bot, their language and profile."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, exists, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
        if fsm_key is None:
            row = (await self._session.execute(_SENDER, {"user": user_id})).first()
            return UpdateContext(row[0], None, bool(row[1])) if row else UpdateContext(None, None, False)
        bot_id, chat_id, key_user_id, thread_id, business, destiny = fsm_key
        statement = _sender_with_state(thread_id is None, business is None)
        row = (await self._session.execute(statement, {
            "user": user_id, "bot": bot_id, "chat": chat_id, "key_user": key_user_id, "thread": thread_id,
            "business": business, "destiny": destiny})).first()
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

    async def add_unless_present(self, user_id: int, **values: Any) -> User:
        """Insert the user, or find the row a parallel transaction inserted first (on PostgreSQL two
        first updates of a new user run at once; a plain INSERT made the second one fail with a
        duplicate key). ON CONFLICT DO NOTHING waits for the other transaction, then reads its row."""
        insert = postgresql_insert if self._session.get_bind().dialect.name == "postgresql" else sqlite_insert
        await self._session.execute(insert(User).values(id=user_id, **values).on_conflict_do_nothing(
            index_elements=[User.id]))
        user = await self._session.get(User, user_id)
        assert user is not None
        return user


# The sender's read, built once rather than on every update (issue 12); values are parameters.
_HOLDS_A_ROLE = exists().where(StaffRole.user_id == User.id).label("holds_a_role")
_SENDER = select(User, _HOLDS_A_ROLE).where(User.id == bindparam("user"))


@cache
def _sender_with_state(no_thread: bool, no_business: bool) -> Select[Any]:
    """`_SENDER` with the conversation-state row of the key (fsm_where's conditions, on parameters);
    a key part that is None must read IS NULL, so each combination is a statement of its own."""
    key = (bindparam("bot"), bindparam("chat"), bindparam("key_user"), None if no_thread else bindparam("thread"),
           None if no_business else bindparam("business"), bindparam("destiny"))
    state = and_(*fsm_where(key))  # type: ignore[arg-type]  # parameters in place of the key's values
    return select(User, FsmState, _HOLDS_A_ROLE).outerjoin(FsmState, state).where(User.id == bindparam("user"))
