"""A sandbox with a state file is the same "Telegram" after a restart: users, chats, messages,
files, button presses, the bot's menus and the update counter are kept."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.types import BotCommand, BotCommandScopeChat, BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import Sandbox
from sandbox.client import SandboxClient
from sandbox.persistence import UNCLEAN_UPDATE_ID_GAP, StateStore
from sandbox.state import SandboxState
from tests.sandbox.conftest import close_bot
from tests.ports import free_port
from tests.sandbox.test_standalone import ROOT

VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8


def without_host(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Transcript rows with the download links cut to their path (the port changes on a restart)."""
    return [{**row, "media": row["media"] and {**row["media"], "download_url": urlsplit(
        row["media"]["download_url"] or "").path}} for row in rows]


async def test_everything_a_restarted_bot_relies_on_survives_a_restart(tmp_path: Path) -> None:
    """issue 9 item 13: a restarted sandbox was empty (update ids from 1, user ids reused, file_ids unknown)."""
    path = tmp_path / "data" / "sandbox.json"
    async with Sandbox(state_path=path) as first, SandboxClient(first.url) as client:
        bot = Bot(first.token, session=AiohttpSession(api=first.api_server))
        aru = await client.new_user("Aru", language_code="kk")
        await aru.send("/start")
        updates = await bot.get_updates(timeout=0)
        last_update = updates[-1].update_id
        await bot.get_updates(offset=last_update + 1, timeout=0)  # confirmed, as a polling bot does
        keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Next ▶", callback_data="n:1")]])
        video = await bot.send_video(aru.id, BufferedInputFile(VIDEO, "week1.mp4"), caption="<b>Week 1</b>",
                                     parse_mode="HTML", reply_markup=keyboard)
        await bot.set_my_commands([BotCommand(command="lesson", description="Дәріс")],
                                  scope=BotCommandScopeChat(chat_id=aru.id))
        group = await client.new_group("Staff", [aru], admins=[aru])
        await close_bot(bot)
        transcript_before = without_host([m.raw for m in await aru.transcript()])
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["clean_shutdown"] is True
    assert list((tmp_path / "data" / "sandbox-files").iterdir())  # the video's bytes, beside the file

    async with Sandbox(state_path=path) as second, SandboxClient(second.url) as client:
        bot = Bot(second.token, session=AiohttpSession(api=second.api_server))
        same = client.user(aru.id)
        assert without_host([m.raw for m in await same.transcript()]) == transcript_before
        # The old message's button still sends the bot an update, with an id never given before.
        await same.press(video.message_id, "Next ▶")
        updates = await bot.get_updates(timeout=0)
        assert [u.update_id for u in updates] == [last_update + 1]
        assert updates[0].callback_query is not None and updates[0].callback_query.data == "n:1"
        # The bot's file_id still sends and downloads the same bytes.
        again = await bot.send_video(aru.id, video.video.file_id)  # type: ignore[union-attr]
        assert again.video is not None and again.video.file_unique_id == video.video.file_unique_id  # type: ignore[union-attr]
        assert await client.download(video.video.file_id) == VIDEO  # type: ignore[union-attr]
        assert (await bot.get_chat_member(group["id"], aru.id)).status == "creator"
        assert [c.description for c in await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=aru.id))] == ["Дәріс"]
        newcomer = await client.new_user("Dana", language_code="ru")
        assert newcomer.id != aru.id
        await close_bot(bot)


async def test_a_state_file_left_by_a_killed_process_moves_the_update_ids_past_any_the_bot_may_have_seen(
        tmp_path: Path) -> None:
    """issue 9 item 13: changes of the last moment before a kill are lost; their update ids must not come again."""
    path = tmp_path / "sandbox.json"
    state = SandboxState()
    store = StateStore(path)
    store.attach(state)
    state.add_user("Aru")
    state.enqueue("message", {"text": "hi"})
    store.save(state)  # a save while running (clean_shutdown false), then the process is killed
    reloaded = SandboxState()
    StateStore(path).attach(reloaded)
    assert reloaded.updates.next_update_id == 2 + UNCLEAN_UPDATE_ID_GAP
    assert [u.update_id for u in reloaded.updates.pending] == [1]
    assert reloaded.add_user("Dana").id == 100_002


def test_a_file_that_is_not_a_sandbox_state_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="sandbox.json is not a sandbox state file"):
        Sandbox(state_path=path)


async def test_python_m_sandbox_with_a_state_file_keeps_its_users_across_a_restart(tmp_path: Path) -> None:
    """issue 9 item 13, standalone: `python -m sandbox --state FILE`, stopped with Ctrl-C and started again."""
    state = tmp_path / "sandbox.json"
    ids = []
    for name in ("Aru", "Dana"):
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sandbox", "--port", str(port), "--state", str(state), cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        try:
            async with SandboxClient(f"http://127.0.0.1:{port}") as client:
                for _ in range(200):
                    try:
                        users = await client.users()
                        break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.05)
                else:
                    raise AssertionError("the standalone sandbox did not come up")
                assert [user["id"] for user in users] == ids
                ids.append((await client.new_user(name)).id)
        finally:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.wait(), timeout=10)
    assert ids == [100_001, 100_002]
    assert json.loads(state.read_text(encoding="utf-8"))["clean_shutdown"] is True


async def test_reads_and_idle_polls_do_not_rewrite_the_state_file_and_a_change_is_written_off_the_loop(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of issue 9, item 14: getMe, getChatMember, getMyCommands and a getUpdates with nothing
    new rewrote the whole file each time, on the event loop; now only a change is written, by a thread."""
    import threading

    import sandbox.persistence as persistence

    writers: list[str] = []
    real_write = persistence._write_atomically

    def recording_write(path: Path, payload: bytes) -> None:
        writers.append(threading.current_thread().name)
        real_write(path, payload)

    monkeypatch.setattr(persistence, "_write_atomically", recording_write)
    path = tmp_path / "sandbox.json"
    async with Sandbox(state_path=path) as running, SandboxClient(running.url) as client:
        bot = Bot(running.token, session=AiohttpSession(api=running.api_server))
        aru = await client.new_user("Aru", language_code="kk")
        await aru.send("/start")
        updates = await bot.get_updates(timeout=0)
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        await asyncio.sleep(persistence.SAVE_DELAY * 3)
        assert writers, "the changes above are saved"
        assert threading.main_thread().name not in writers, writers
        written = len(writers)

        for _ in range(5):
            await bot.get_me()
            await bot.get_chat_member(aru.id, aru.id)
            await bot.get_my_commands()
            await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        await asyncio.sleep(persistence.SAVE_DELAY * 3)
        assert len(writers) == written, "reads wrote the file again"
        await close_bot(bot)
    assert json.loads(path.read_text(encoding="utf-8"))["clean_shutdown"] is True
