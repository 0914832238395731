"""getFile as Telegram has it: a file over 20 MB cannot be downloaded by a bot; smaller ones come
from `/file/bot<token>/<file_path>` (TELEGRAM.md)."""
from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from sandbox import Sandbox
from sandbox.client import ChatUser

MB = 1024 * 1024


async def test_get_file_of_a_file_over_20_mb_is_400_file_is_too_big(bot: Bot, user: ChatUser) -> None:
    """issue 10: an instructor's 21 MB upload reaches the bot, but getFile refuses it as Telegram does."""
    await user.send_document(b"\0" * (21 * MB), "lecture.mp4")
    [update] = await bot.get_updates()
    document = update.message.document  # type: ignore[union-attr]
    assert document is not None and document.file_size == 21 * MB
    with pytest.raises(TelegramBadRequest) as refused:
        await bot.get_file(document.file_id)
    assert refused.value.message == "Bad Request: file is too big"


async def test_a_file_of_20_mb_downloads_from_the_file_route(bot: Bot, user: ChatUser, sandbox: Sandbox) -> None:
    """issue 10: exactly 20 MB is allowed; `/file/bot<token>/<file_path>` gives its bytes, another
    token is refused and an unknown path is not found."""
    data = bytes(range(256)) * (20 * MB // 256)
    await user.send_document(data, "course.zip")
    [update] = await bot.get_updates()
    file = await bot.get_file(update.message.document.file_id)  # type: ignore[union-attr]
    assert file.file_size == 20 * MB and file.file_path
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sandbox.url}/file/bot{sandbox.token}/{file.file_path}") as response:
            assert response.status == 200 and await response.read() == data
        async with http.get(f"{sandbox.url}/file/bot123:wrong/{file.file_path}") as response:
            assert response.status == 401
        async with http.get(f"{sandbox.url}/file/bot{sandbox.token}/documents/no_such_file.zip") as response:
            assert response.status == 404
