"""The browser chat's "/" menu is the one Telegram would show: the learner's chosen language after
/language, and the staff commands in the admin chat."""
from __future__ import annotations

from playwright.async_api import Page, expect

from sandbox import Sandbox
from tests.browser.webchat import WebChat
from tests.e2e.conftest import AppFactory


async def test_the_menu_follows_language_and_the_admin_chat_shows_the_staff_commands(
        start_bot: AppFactory, sandbox: Sandbox, page: Page) -> None:
    """issue 9 items 14 and 17: before, the menu stayed in the Telegram app's language after /language,
    and the admin chat's menu listed the learner commands."""
    group = sandbox.ensure_admin_chat().id  # what `talimger run` does with no token
    await start_bot(admin_chat_id=group)
    chat = WebChat(page, sandbox.web_url)
    await chat.open()
    await chat.new_learner("Aru", "en")
    await chat.send("/start")
    picker = await chat.wait_message(button_part="English")
    await chat.press_containing(picker, "English")
    await chat.wait_message(after=picker, buttons=("Next ▶",))

    menu = page.locator("#command-menu")
    await page.click("#menu-button")
    await expect(menu).to_contain_text("My progress")
    await page.click("#menu-button")
    await chat.send("/language")
    picker = await chat.wait_message(after=picker, button_part="Русский")
    await chat.press_containing(picker, "Русский")
    await chat.wait_message(after=picker, text="Готово")
    await page.click("#menu-button")
    await expect(menu).to_contain_text("Мой прогресс")
    await expect(menu).not_to_contain_text("My progress")
    await page.click("#menu-button")

    await page.locator('#staff [data-role="instructor"]').click()
    await expect(page.locator("#chat-name")).to_have_text("Talimger admin chat")
    await page.click("#menu-button")
    # issue 10: the instructors' 7 content commands, /revoke, /reissue, the owners' /grant, /ungrant, /staff, /help;
    # issue 11: the coordinators' /stats, /stuck, /message, /broadcast and /broadcasts
    await expect(menu.locator("[data-command]")).to_have_count(18)
    await expect(menu).to_contain_text("/stats")
    await expect(menu).to_contain_text("/message")
    await expect(menu).to_contain_text("/broadcast")
    await expect(menu).to_contain_text("/revoke")
    await expect(menu).to_contain_text("Revoke a certificate: CODE REASON")
    await menu.locator('[data-command="help"]').click()
    await expect(page.locator("#messages .msg.in")).to_contain_text("/reissue CODE")
