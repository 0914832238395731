"""A person at the sandbox's web chat: reads bubbles, clicks buttons, types (Playwright)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.conftest import ARTIFACTS
from tests.e2e.driver import LETTER_LINE, CourseKey

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

# The newest bot message after `after` that matches; null while there is none.
_FIND = """
({after, buttons, buttonPart, text, letters}) => {
  const found = [...document.querySelectorAll("#messages .msg.from-bot")].filter((m) => {
    if (Number(m.dataset.messageId) <= after) return false;
    const labels = [...m.querySelectorAll(".ikb button, .ikb a")].map((b) => b.textContent);
    if (buttons.length && !labels.some((label) => buttons.includes(label))) return false;
    if (buttonPart && !labels.some((label) => label.includes(buttonPart))) return false;
    if (letters && !(labels.length && labels.every((label) => label.length === 1))) return false;
    const body = m.querySelector(".text .body");
    if (text && !(body && body.innerText.includes(text))) return false;
    return true;
  });
  return found.length ? Number(found[found.length - 1].dataset.messageId) : null;
}
"""


def flat(text: str) -> str:
    return " ".join(text.split())


def right_letter(key: CourseKey, text: str) -> str:
    """The letter of the right option, read off a question bubble as a person would."""
    shown = flat(text)
    questions = [question for question in key.answers if flat(question) in shown]
    assert questions, f"question not in the sample course: {text!r}"
    question = max(questions, key=len)
    options = {}
    for line in text.splitlines():
        match = LETTER_LINE.match(line.strip())
        if match:
            options[flat(match.group(2))] = match.group(1)
    return options[flat(key.answers[question])]


class WebChat:
    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url

    async def open(self) -> None:
        await self.page.goto(self.url)
        await self.page.wait_for_selector("body[data-ready='true']")

    async def new_learner(self, first_name: str, language: str) -> int:
        """"+ New learner" → name and Telegram language → that learner's private chat opens."""
        await self.page.click("#new-learner")
        await self.page.fill("#learner-name", first_name)
        await self.page.select_option("#learner-language", language)
        await self.page.click("#learner-create")
        active = self.page.locator("#learners .identity.active")
        await active.filter(has_text=first_name).wait_for()
        return int(await active.get_attribute("data-user-id") or 0)

    async def send(self, text: str) -> None:
        await self.page.fill("#text", text)
        await self.page.press("#text", "Enter")

    def message(self, message_id: int) -> Locator:
        return self.page.locator(f'#messages .msg[data-message-id="{message_id}"]')

    async def wait_message(self, *, after: int = 0, buttons: tuple[str, ...] = (), button_part: str = "",
                           text: str = "", letters: bool = False) -> int:
        """Wait for a bot message newer than `after` with one of `buttons` / `text`; its id."""
        handle = await self.page.wait_for_function(
            _FIND, arg={"after": after, "buttons": list(buttons), "buttonPart": button_part,
                        "text": text, "letters": letters})
        return int(await handle.json_value())

    async def text_of(self, message_id: int) -> str:
        return await self.message(message_id).locator(".text .body").inner_text()

    async def buttons_of(self, message_id: int) -> list[str]:
        return await self.message(message_id).locator(".ikb button, .ikb a").all_inner_texts()

    async def press(self, message_id: int, label: str) -> None:
        await self.message(message_id).locator(".ikb button").filter(
            has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).click()

    async def press_containing(self, message_id: int, part: str) -> None:
        await self.message(message_id).locator(".ikb button").filter(has_text=part).first.click()

    async def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        await self.page.screenshot(path=str(path))
        return path
