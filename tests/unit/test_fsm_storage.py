"""The SQL-backed FSM storage keeps aiogram's storage contract (SQLite here; tests/postgres re-runs
these on PostgreSQL): issue 10 (ground) item 1."""
from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey

from bot.db.uow import UnitOfWorkFactory
from bot.telegram.commit_before_send import current_uow
from bot.telegram.fsm_storage import SqlStorage
from bot.telegram.states import ProfileInput

KEY = StorageKey(bot_id=42, chat_id=-100123, user_id=7)
OTHER = StorageKey(bot_id=42, chat_id=7, user_id=7, thread_id=5, business_connection_id="bc", destiny="scene")


async def test_fsm_storage_keeps_state_and_data_per_key(uow_factory: UnitOfWorkFactory) -> None:
    """issue 10 (ground) item 1: set/get state and data, update_data merges, clear removes, keys do not mix."""
    storage = SqlStorage(uow_factory)
    assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}
    await storage.set_state(KEY, ProfileInput.email)
    assert await storage.get_state(KEY) == "ProfileInput:email"
    await storage.set_data(KEY, {"field": "email", "tries": 1})
    assert await storage.update_data(KEY, {"tries": 2}) == {"field": "email", "tries": 2}
    await storage.set_state(OTHER, "Other:state")
    assert await storage.get_state(OTHER) == "Other:state" and await storage.get_data(OTHER) == {}
    assert await storage.get_data(KEY) == {"field": "email", "tries": 2}

    again = SqlStorage(uow_factory)  # a new process on the same database
    assert await again.get_state(KEY) == "ProfileInput:email"
    await again.set_state(KEY, None)
    await again.set_data(KEY, {})
    assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}
    async with uow_factory() as uow:  # nothing to remember: no row left behind
        assert await uow.fsm_states.get((42, -100123, 7, 0, "", "default")) is None
    assert await storage.get_state(OTHER) == "Other:state"
    await storage.close()


async def test_fsm_state_written_in_an_update_commits_or_rolls_back_with_it(uow_factory: UnitOfWorkFactory) -> None:
    """issue 10 (ground) item 1: inside an update the state goes through the update's unit of work."""
    storage = SqlStorage(uow_factory)
    async with uow_factory() as uow:
        await uow.begin_write()
        token = current_uow.set(uow)
        try:
            await storage.set_state(KEY, ProfileInput.name)
            assert await storage.get_state(KEY) == "ProfileInput:name"
        finally:
            current_uow.reset(token)
        await uow.rollback()
    assert await storage.get_state(KEY) is None  # the failed update left no state behind
    async with uow_factory() as uow:
        await uow.begin_write()
        token = current_uow.set(uow)
        try:
            await storage.set_state(KEY, ProfileInput.name)
        finally:
            current_uow.reset(token)
        await uow.commit()
    assert await storage.get_state(KEY) == "ProfileInput:name"
