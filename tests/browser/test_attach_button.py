"""The browser chat's 📎 button: an instructor gets the course with /export, edits it, sends the .zip
back into the admin chat and publishes it, with no Telegram account (the README's screenshot comes
from here)."""
from __future__ import annotations

import asyncio
import io
import os
import re
import zipfile
from pathlib import Path

from playwright.async_api import Page, expect

from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.browser.webchat import WebChat
from tests.e2e.conftest import AppFactory
from bot.services.staff import Role
from tests.e2e.staff_steps import hold_role
from tests.e2e.driver import CourseKey, LearnerDriver

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


REWORDED = "A Python program, reworded in the browser, is a text file"


def _reworded(exported: bytes) -> bytes:
    """The exported course with the first lecture's first sentence changed, zipped again."""
    source, edited = io.BytesIO(exported), io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as copy:
        for entry in original.infolist():
            data = original.read(entry)
            if entry.filename.startswith("lectures/01-"):
                text = data.decode()
                assert "A Python program is a text file" in text
                data = text.replace("A Python program is a text file", REWORDED, 1).encode()
            copy.writestr(entry, data)
    return edited.getvalue()


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
    course_zip.write_bytes(_reworded(await client.download(row.media.file_id)))

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
    # issue 10: the upload through the attach button is checked, kept as a draft, and published.
    report = await chat.wait_message(after=exported, text="stored as draft v2")
    await chat.send("/publish")
    question = await chat.wait_message(after=report, buttons=("🚀 Publish",))
    await chat.press(question, "🚀 Publish")
    await chat.wait_message(after=question, text="python-basics v2 is live")
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        await page.screenshot(path=str(SCREENSHOT))
    await chat.screenshot("web-chat-attach")
    learner = LearnerDriver(await client.new_user("Dana", language_code="en"), CourseKey(), "en")
    first_part = await learner.start()
    assert REWORDED in first_part.text, "a new learner reads the published change"

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
