"""aiogram's conversation state kept in the database (table fsm_states), so a learner halfway
through typing their name finds the bot still waiting after a restart, and replicas on
PostgreSQL share it. RedisStorage replaces it when REDIS_URL is set (see `build_storage`)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.db.repositories.fsm_states import FsmKey
from bot.db.uow import UnitOfWorkFactory
from bot.telegram.commit_before_send import current_uow


def fsm_key(key: StorageKey) -> FsmKey:
    return (key.bot_id, key.chat_id, key.user_id, key.thread_id or 0, key.business_connection_id or "",
            key.destiny)


def _state_name(state: StateType = None) -> str | None:
    return state.state if isinstance(state, State) else state


class SqlStorage(BaseStorage):
    """Writes go through the update's own unit of work when there is one, so a state change
    commits (or rolls back) with the rest of the update; elsewhere each call is its own transaction."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=_state_name(state), set_state=True)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._read(key)
        return row[0] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data), set_data=True)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read(key)
        return dict(row[1]) if row else {}

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]] | None:
        uow = current_uow.get()
        if uow is not None:
            row = await uow.fsm_states.get(fsm_key(key))
            return (row.state, dict(row.data or {})) if row is not None else None
        async with self._uow_factory() as own:
            row = await own.fsm_states.get(fsm_key(key))
            return (row.state, dict(row.data or {})) if row is not None else None

    async def _write(self, key: StorageKey, **change: Any) -> None:
        uow = current_uow.get()
        if uow is not None:
            await uow.fsm_states.put(fsm_key(key), **change)
            return
        async with self._uow_factory() as own:
            await own.begin_write()
            await own.fsm_states.put(fsm_key(key), **change)
            await own.commit()


def build_storage(redis_url: str | None, uow_factory: UnitOfWorkFactory) -> BaseStorage:
    if redis_url:
        from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

        # Keyed by bot as the SQL storage is, so bots sharing one Redis never share a conversation.
        return RedisStorage.from_url(redis_url, key_builder=DefaultKeyBuilder(with_bot_id=True))
    return SqlStorage(uow_factory)
