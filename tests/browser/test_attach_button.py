"""The browser chat's 📎 button: an instructor gets the course with /export and sends a .zip back
into the admin chat, with no Telegram account (the README's screenshot comes from here)."""
from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

from playwright.async_api import Page, expect

from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.browser.webchat import WebChat
from tests.e2e.conftest import AppFactory
from bot.services.staff import Role
from tests.e2e.staff_steps import hold_role

INSTRUCTOR = 900_001
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "web-chat-attach.png"


async def _taken_by_the_bot(client: SandboxClient, file_name: str) -> None:
    """The bot fetched the update carrying the file and confirmed it with its next getUpdates."""
    for _ in range(100):
        pending = [update for update in await client.pending_updates()
                   if (update.get("message") or {}).get("document", {}).get("file_name") == file_name]
        if not pending:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the update with {file_name} was never taken by the bot")


async def test_an_instructor_attaches_a_zip_in_the_admin_chat_and_the_bot_receives_it(
        start_bot: AppFactory, sandbox: Sandbox, client: SandboxClient, page: Page, tmp_path: Path) -> None:
    """issue 10 browser attach: the file goes as a document with the text box as its caption, shows
    in the chat, and reaches the bot; a video file goes as a video; a learner's file is answered."""
    group = sandbox.ensure_admin_chat().id
    await hold_role(await start_bot(admin_chat_id=group), INSTRUCTOR, Role.INSTRUCTOR)  # as /grant gives it
    chat = WebChat(page, f"{sandbox.web_url}#s:{INSTRUCTOR}")
    await chat.open()
    await expect(page.locator("#chat-name")).to_have_text("Talimger admin chat")
    await expect(page.locator("#attach-button")).to_have_attribute("title", re.compile(r"^Attach a file: a video"))

    await chat.send("/export")
    exported = await chat.wait_message(text="python-basics")
    await expect(chat.message(exported).locator(".card.document")).to_contain_text("python-basics-v1.zip")
    instructor = client.user(INSTRUCTOR, chat_id=group)
    [row] = [m for m in await instructor.transcript() if m.message_id == exported]
    assert row.media is not None
    course_zip = tmp_path / "python-basics-edited.zip"
    course_zip.write_bytes(await client.download(row.media.file_id))

    await page.fill("#text", "python-basics, week 2 reworded")
    await page.set_input_files("#file-input", str(course_zip))
    sent = page.locator("#messages .msg.out .card.document").filter(has_text="python-basics-edited.zip")
    await expect(sent).to_be_visible()
    await expect(page.locator("#messages .msg.out").last).to_contain_text("python-basics, week 2 reworded")
    await expect(page.locator("#text")).to_have_value("")
    [upload] = [m for m in await instructor.transcript() if not m.from_bot and m.media is not None]
    assert upload.media is not None and upload.media.kind == "document"
    assert upload.raw["sender_id"] == INSTRUCTOR and upload.caption == "python-basics, week 2 reworded"
    assert await client.download(upload.media.file_id) == course_zip.read_bytes()
    await _taken_by_the_bot(client, "python-basics-edited.zip")
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        await page.screenshot(path=str(SCREENSHOT))
    await chat.screenshot("web-chat-attach")

    await page.set_input_files("#file-input", files=[{"name": "week2.mp4", "mimeType": "video/mp4",
                                                      "buffer": b"\0\0\0\x18ftypmp42 not really a video"}])
    await expect(page.locator("#messages .msg.out .media-video video")).to_have_count(1)
    await page.set_input_files("#file-input", files=[{"name": "diagram.png", "mimeType": "image/png",
                                                      "buffer": b"\x89PNG\r\n\x1a\n not really a picture"}])
    # A picture goes as a document too, keeping its name (as Telegram's "File" does).
    await expect(page.locator("#messages .msg.out .card.document").filter(has_text="diagram.png")).to_be_visible()

    # A learner's private chat has the button too; the bot answers what it does not take.
    await chat.new_learner("Aru", "en")
    await page.set_input_files("#file-input", files=[{"name": "notes.txt", "mimeType": "text/plain",
                                                      "buffer": "Сәлем".encode()}])
    await expect(page.locator("#messages .msg.out .card.document")).to_contain_text("notes.txt")
    await chat.wait_message(text="I did not understand")
