"""Two replicas remember one uploaded media file at once (issue 12, found by the 200-learner cluster test)."""
from __future__ import annotations

import asyncio

from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock


async def test_two_transactions_remembering_one_media_file_both_commit(pg_uow_factory: UnitOfWorkFactory,
                                                                       clock: ManualClock) -> None:
    """issue 12: both replicas uploaded the video and remember its file_id; the second used to fail
    with a duplicate key on media_files (its learner's update failed and he got a second quiz)."""
    both_read = asyncio.Barrier(2)

    async def remember(file_id: str) -> None:
        async with pg_uow_factory() as uow:
            assert await uow.media.file_id("video-sha") is None  # neither knows it yet
            await both_read.wait()
            await uow.media.remember("video-sha", file_id, clock.now())
            await uow.commit()

    await asyncio.gather(remember("file-A"), remember("file-B"))
    async with pg_uow_factory() as uow:
        assert await uow.media.file_id("video-sha") in {"file-A", "file-B"}
