"""aiogram's conversation state rows (fsm_states), one per storage key."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FsmState

# bot_id, chat_id, user_id, thread_id (0: none), business_connection_id ("": none), destiny
FsmKey = tuple[int, int, int, int, str, str]


def fsm_where(key: FsmKey) -> list[Any]:
    bot_id, chat_id, user_id, thread_id, business, destiny = key
    return [FsmState.bot_id == bot_id, FsmState.chat_id == chat_id, FsmState.user_id == user_id,
            FsmState.thread_id == thread_id, FsmState.business_connection_id == business,
            FsmState.destiny == destiny]


class FsmStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._known: dict[FsmKey, FsmState | None] = {}  # read with the user's row (UserRepository.get_for_update)

    def remember(self, key: FsmKey, row: FsmState | None) -> None:
        """The key's row (None: there is none) as read in this transaction: `get` answers without a query."""
        self._known[key] = row

    async def get(self, key: FsmKey) -> FsmState | None:
        if key in self._known:
            return self._known[key]
        result = await self._session.execute(select(FsmState).where(*fsm_where(key)))
        return result.scalars().first()

    async def put(self, key: FsmKey, *, state: str | None = None, data: dict[str, Any] | None = None,
                  set_state: bool = False, set_data: bool = False) -> None:
        row = await self.get(key)
        self._known.pop(key, None)  # written below: later reads go to the (flushed) table
        if row is None:
            empty = (not set_state or state is None) and (not set_data or not data)
            if empty:
                return  # nothing to remember, and no row to forget
            bot_id, chat_id, user_id, thread_id, business, destiny = key
            row = FsmState(bot_id=bot_id, chat_id=chat_id, user_id=user_id, thread_id=thread_id,
                           business_connection_id=business, destiny=destiny, state=None, data={})
            self._session.add(row)
        if set_state:
            row.state = state
        if set_data:
            row.data = dict(data or {})
        if row.state is None and not row.data:
            await self._session.delete(row)  # nothing to remember: no row
        await self._session.flush()

