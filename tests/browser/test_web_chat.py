"""The sandbox's web chat in a real browser: a learner takes lecture 1 and its quiz by clicking."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import aiohttp
import pytest
from playwright.async_api import Page, expect

from bot.app import Talimger
from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.browser.webchat import WebChat, right_letter
from tests.e2e.driver import WORDS, CourseKey

NAMES = {"kk": "Әсел", "ru": "Дана", "en": "Aru"}


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
async def test_learner_takes_a_lecture_and_its_quiz_by_clicking(
        locale: str, bot_app: Talimger, sandbox: Sandbox, page: Page, course_key: CourseKey) -> None:
    words = WORDS[locale]
    chat = WebChat(page, sandbox.web_url)
    await chat.open()
    await chat.new_learner(NAMES[locale], locale)
    # The page's own few words follow the learner's Telegram language.
    placeholder = {"kk": "Хабарлама", "ru": "Сообщение", "en": "Message"}[locale]
    await expect(page.locator("#text")).to_have_attribute("placeholder", placeholder)

    await chat.send("/start")
    await expect(page.locator("#messages .msg.out").first).to_contain_text("/start")
    picker = await chat.wait_message(button_part=words["language"])
    await chat.press_containing(picker, words["language"])

    # The first chunk: the bot's HTML is rendered (bold title, code blocks), "Next" under it.
    message = await chat.wait_message(after=picker, buttons=(words["next"], words["quiz"]))
    assert course_key.lecture_titles[locale][0] in await chat.text_of(message)
    assert await chat.message(message).locator(".text b").count() > 0
    while words["quiz"] not in await chat.buttons_of(message):
        await chat.press(message, words["next"])
        pressed, message = message, await chat.wait_message(after=message, buttons=(words["next"], words["quiz"]))
        # A pressed "Next" disappears from its chunk: the edit is shown in place.
        await expect(chat.message(pressed).locator(".ikb")).to_have_count(0)

    # The lecture's video is a playable <video> whose source the sandbox serves.
    video = page.locator("#messages video").first
    source = await video.get_attribute("src")
    assert source and source.startswith("/sandbox/files/")
    response = await page.request.get(urljoin(sandbox.web_url, source))
    assert response.status == 200 and response.headers["content-type"].startswith("video/")

    await chat.press(message, words["quiz"])
    after = message
    for number in range(1, 6):
        question = await chat.wait_message(after=after, letters=True)
        text = await chat.text_of(question)
        assert re.search(rf"{words['question']}\D*{number}\D+5", text), text
        if number == 3:
            await chat.screenshot(f"web-chat-{locale}-mid-quiz")
        await chat.press(question, right_letter(course_key, text))
        # The answered question is edited in place: the same bubble now marks the answer.
        bubble = chat.message(question)
        await expect(bubble).to_have_class(re.compile(r"\bedited\b"))
        await expect(bubble.locator(".text .body")).to_contain_text("✅")
        await expect(bubble.locator(".ikb")).to_have_count(0)
        after = question

    result = await chat.wait_message(after=after, text=words["result"], buttons=(words["next_lecture"],))
    assert "5" in await chat.text_of(result)
    # Passing opens the lab: its file is a download link the sandbox serves.
    lab = page.locator("#messages a.document").last
    await expect(lab).to_contain_text("lab1_calc.py")
    response = await page.request.get(urljoin(sandbox.web_url, await lab.get_attribute("href") or ""))
    assert response.status == 200 and b"input(" in await response.body()
    await chat.screenshot(f"web-chat-{locale}-result")
    await chat.press(result, words["next_lecture"])
    second = await chat.wait_message(after=result, text=course_key.lecture_titles[locale][1],
                                     buttons=(words["next"], words["quiz"]))
    await chat.message(second).scroll_into_view_if_needed()
    await chat.screenshot(f"web-chat-{locale}-lecture-2")


async def test_command_menu_reply_keyboard_and_admin_chat(
        bot_app: Talimger, sandbox: Sandbox, client: SandboxClient, page: Page) -> None:
    chat = WebChat(page, sandbox.web_url)
    await chat.open()
    learner = await chat.new_learner("Dana", "ru")

    # The "/" menu lists the bot's setMyCommands in the learner's Telegram language.
    await page.click("#menu-button")
    menu = page.locator("#command-menu")
    await expect(menu).to_contain_text("/progress")
    await expect(menu).to_contain_text("Мой прогресс")
    await menu.locator('[data-command="start"]').click()
    picker = await chat.wait_message(button_part="English")
    await chat.press_containing(picker, "English")
    await chat.wait_message(after=picker, buttons=("Next ▶",))

    # A contact-request reply keyboard sits above the text box; its button shares a phone number.
    await chat.send("/profile")
    card = await chat.wait_message(after=picker, text="Your profile")
    await chat.press(card, "📱 Share phone")
    keyboard = page.locator("#reply-keyboard")
    await expect(keyboard).to_be_visible()
    await keyboard.get_by_role("button", name="📱 Share my phone number").click()
    await expect(page.locator("#messages .msg.out .contact")).to_contain_text("+7700")
    await chat.wait_message(after=card, text="Phone number saved.")
    await expect(keyboard).to_be_hidden()
    chats = (await client.request("GET", f"/sandbox/api/chats/{learner}/transcript"))["messages"]
    assert any(row["contact"] and row["contact"]["user_id"] == learner for row in chats)

    # The admin chat: the instructor writes, the coordinator sees it in the same group.
    await page.locator('#staff [data-role="instructor"]').click()
    await expect(page.locator("#chat-name")).to_have_text("Talimger admin chat")
    await chat.send("Hello from the instructor")
    await expect(page.locator("#messages .msg.out")).to_contain_text("Hello from the instructor")
    group = sandbox.web_config.admin_chat_id
    assert group is not None and group < 0
    rows = (await client.request("GET", f"/sandbox/api/chats/{group}/transcript"))["messages"]
    assert [(row["sender_id"], row["text"]) for row in rows] == [(900_001, "Hello from the instructor")]
    await page.locator('#staff [data-role="coordinator"]').click()
    incoming = page.locator("#messages .msg.in")
    await expect(incoming).to_contain_text("Hello from the instructor")
    await expect(incoming.locator(".sender")).to_have_text("Instructor")

    # Back to the learner: the private chat is still there, without a reload.
    await page.locator(f'#learners [data-user-id="{learner}"]').click()
    await expect(page.locator("#messages .msg.out .contact")).to_be_visible()


async def bot_call(sandbox: Sandbox, method: str, **params: Any) -> Any:
    """What the bot would do, straight through the Bot API (no bot running)."""
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{sandbox.url}/bot{sandbox.token}/{method}", json=params) as resp:
            body = await resp.json()
    assert body["ok"], body
    return body["result"]


async def test_bot_messages_appear_change_and_vanish_without_a_reload(
        sandbox: Sandbox, client: SandboxClient, page: Page) -> None:
    user = await client.new_user("Aru", language_code="en")
    # The machine is offline: the URL video below gets an empty answer instead of a DNS error.
    await page.route("https://videos.example.org/**", lambda route: route.fulfill(status=200, body=b""))
    chat = WebChat(page, f"{sandbox.web_url}#u:{user.id}")
    await chat.open()
    await expect(page.locator("#whoami")).to_contain_text("Aru")

    sent = await bot_call(sandbox, "sendMessage", chat_id=user.id, parse_mode="HTML",
                          text="<b>Bold</b> <i>italic</i> <a href='https://example.org'>link</a> "
                               "&lt;script&gt;alert(1)&lt;/script&gt; <tg-spoiler>secret</tg-spoiler>")
    bubble = chat.message(sent["message_id"])
    await expect(bubble.locator(".text b")).to_have_text("Bold")
    await expect(bubble.locator(".text a")).to_have_attribute("href", "https://example.org")
    await expect(bubble.locator(".text .body")).to_contain_text("<script>alert(1)</script>")  # text, not a tag
    assert await page.locator("#messages script").count() == 0
    await expect(bubble.locator(".text .spoiler")).to_have_text("secret")

    await bot_call(sandbox, "editMessageText", chat_id=user.id, message_id=sent["message_id"], text="Changed")
    await expect(bubble.locator(".text .body")).to_have_text("Changed")
    await expect(bubble.locator(".edited")).to_be_visible()
    assert await page.locator("#messages .msg").count() == 1

    # Media: an uploaded video plays from the sandbox, a URL video points at its URL, a
    # Telegram file_id the sandbox never saw is a placeholder card; documents download.
    await bot_call(sandbox, "sendVideo", chat_id=user.id, video="BAACAgIAAxkBAAIBc2VfakeTelegramFileId",
                   caption="from Telegram")
    await bot_call(sandbox, "sendVideo", chat_id=user.id, video="https://videos.example.org/week1.mp4")
    await bot_call(sandbox, "sendDocument", chat_id=user.id, document="BQACAgIAAxkBAAIBfakeDocumentId")
    await expect(page.locator("#messages .placeholder")).to_have_count(2)
    await expect(page.locator("#messages .media-video .placeholder")).to_contain_text(
        "BAACAgIAAxkBAAIBc2VfakeTelegramFileId")
    await expect(page.locator("#messages video")).to_have_attribute("src", "https://videos.example.org/week1.mp4")

    # A reply keyboard with a plain button sends its text; the bot can delete a message.
    keyboard = await bot_call(sandbox, "sendMessage", chat_id=user.id, text="Pick one",
                              reply_markup={"keyboard": [[{"text": "Yes"}, {"text": "No"}]],
                                            "resize_keyboard": True})
    await page.locator("#reply-keyboard").get_by_role("button", name="Yes").click()
    await expect(page.locator("#messages .msg.out")).to_have_text(re.compile(r"^\s*Yes"))
    await bot_call(sandbox, "deleteMessage", chat_id=user.id, message_id=keyboard["message_id"])
    await expect(chat.message(keyboard["message_id"])).to_have_count(0)
    await expect(bubble).to_be_visible()
    await chat.screenshot("web-chat-live-changes")
