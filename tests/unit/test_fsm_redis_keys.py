"""The Redis FSM storage keys every conversation by bot, as the SQL storage does (review of issue 10)."""
from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage

from bot.telegram.fsm_storage import build_storage


def test_two_bots_sharing_one_redis_never_share_a_conversation() -> None:
    storage = build_storage("redis://127.0.0.1:6379/15", uow_factory=None)  # type: ignore[arg-type]
    assert isinstance(storage, RedisStorage)
    first, second = (StorageKey(bot_id=bot, chat_id=5, user_id=5) for bot in (111, 222))
    assert storage.key_builder.build(first) != storage.key_builder.build(second)
