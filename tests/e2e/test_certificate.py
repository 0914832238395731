"""Certificates in the chat: the final test, the name check, /certificate, verify_ links, /revoke, /reissue."""
from __future__ import annotations

from datetime import datetime, timezone

import aiohttp
from aiogram.types import Chat, Message, MessageEntity, Update
from aiogram.types import User as TelegramUser
from sqlalchemy import func, select

from bot.app import Talimger
from bot.db.models import Certificate
from bot.services.clock import ManualClock
from sandbox.client import ChatUser, SandboxClient
from sandbox.client_models import SandboxMessage
from bot.services.staff import Role
from tests.e2e.staff_steps import hold_role
from tests.e2e.certificate_steps import seed_lectures_passed
from tests.e2e.conftest import PUBLIC_BASE_URL, AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver
from tests.pdf_tools import pdf_text

ADMIN_CHAT_ID = -1001234567


def code_in(message: SandboxMessage) -> str:
    return message.text.split(f"{PUBLIC_BASE_URL}/c/")[1].split()[0]


async def page(app: Talimger, code: str, lang: str) -> str:
    assert app.web is not None
    async with aiohttp.ClientSession() as http, http.get(f"{app.web.url}/c/{code}?lang={lang}") as response:
        assert response.status == 200
        return await response.text()


async def pdf_of(client: SandboxClient, user: ChatUser) -> str:
    document = await user.wait_for(lambda m: m.media.kind == "document")
    assert document.media is not None and document.media.mime_type == "application/pdf"
    return pdf_text(await client.download(document.media.file_id))


async def enrolled_learner(client: SandboxClient, app: Talimger, key: CourseKey, locale: str,
                           final_test_passed: bool) -> tuple[ChatUser, LearnerDriver]:
    user = await client.new_user("Aigerim", last_name="Sadykova", language_code=locale)
    learner = LearnerDriver(user, key, locale)
    await learner.start()
    await seed_lectures_passed(app, user.id, final_test_passed=final_test_passed)
    return user, learner


async def test_name_check_certificate_resend_and_verify_link(bot_app: Talimger, client: SandboxClient,
                                                            course_key: CourseKey) -> None:
    user, learner = await enrolled_learner(client, bot_app, course_key, "ru", final_test_passed=True)
    await user.send("/progress")
    progress = await user.wait_for(lambda m: "/certificate" in m.text)
    assert "Всё пройдено" in progress.text

    await user.send("/certificate")
    question = await user.wait_for(lambda m: learner.words["name_yes"] in m.button_texts)
    assert "Aigerim Sadykova" in question.text
    await user.press(question, learner.words["name_change"])
    await user.wait_for(lambda m: "Отправьте ваше полное имя" in m.text)
    await user.send("R2-D2")
    await user.wait_for(lambda m: "Это не похоже на имя" in m.text)  # nothing stored, asked again
    await user.send("Әсем Қайратқызы")
    again = await user.wait_for(lambda m: learner.words["name_yes"] in m.button_texts)
    assert "Әсем Қайратқызы" in again.text
    await user.press(again, learner.words["name_yes"])

    congratulation = await user.wait_for(lambda m: "Поздравляем" in m.text)
    code = code_in(congratulation)
    text = await pdf_of(client, user)
    assert "Әсем Қайратқызы" in text and code in text and "Основы программирования на Python" in text
    html = await page(bot_app, code, "ru")
    assert "ДЕЙСТВИТЕЛЕН" in html and "Әсем Қайратқызы" in html

    await user.send("/certificate")  # sends them again: the same code, one record
    resent = await user.wait_for(lambda m: f"{PUBLIC_BASE_URL}/c/" in m.text)
    assert code_in(resent) == code and code in await pdf_of(client, user)
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Certificate)) == 1

    employer = await client.new_user("Employer", language_code="en")
    await employer.start(f"verify_{code}")
    answer = await employer.wait_for(lambda m: "VALID" in m.text)
    assert "Әсем Қайратқызы" in answer.text and "Python programming basics" in answer.text and code in answer.text
    await employer.start("verify_" + "Z" * 22)
    missing = await employer.wait_for(lambda m: "no certificate" in m.text)
    assert "Әсем" not in missing.text


async def test_the_final_test_fails_cools_down_and_then_passes(bot_app: Talimger, client: SandboxClient,
                                                               course_key: CourseKey, clock: ManualClock) -> None:
    user, learner = await enrolled_learner(client, bot_app, course_key, "en", final_test_passed=False)
    await user.send("/certificate")
    offer = await user.wait_for(lambda m: learner.words["final"] in m.button_texts)
    assert "10 questions" in offer.text and "60%" in offer.text and "3 attempts left" in offer.text

    failed = await learner.take_final_test(offer, correct=3)
    assert "Not passed yet" in failed.text and "6 of 10" in failed.text
    retry = await user.wait_for(lambda m: "🔁 Retake the final test" in m.button_texts)
    assert "2 attempts left" in retry.text and "You can take the final test again from" in retry.text
    query = await user.press(retry, "🔁 Retake the final test")
    refusal = await user.wait_for_answer(query)
    assert "You can retake this quiz from" in refusal["text"] and refusal.get("show_alert")

    clock.advance(minutes=61)
    passed = await learner.take_final_test(retry, correct=10)
    assert "You have passed the final test" in passed.text
    question = await user.wait_for(lambda m: learner.words["name_yes"] in m.button_texts)
    await user.press(question, learner.words["name_yes"])
    congratulation = await user.wait_for(lambda m: "Congratulations" in m.text)
    assert "Final test" in await page(bot_app, code_in(congratulation), "en")
    await user.send("/results")
    results = await user.wait_for(lambda m: "✅ Final test\n    Score: 10 / 10" in m.text)
    assert "❌ Final test\n    Score: 3 / 10" in results.text


async def test_coordinators_revoke_and_reissue_in_the_admin_chat(start_bot: AppFactory, client: SandboxClient,
                                                                course_key: CourseKey) -> None:
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    user, learner = await enrolled_learner(client, app, course_key, "kk", final_test_passed=True)
    await user.send("/certificate")
    await user.press(await user.wait_for(lambda m: learner.words["name_yes"] in m.button_texts),
                     learner.words["name_yes"])
    code = code_in(await user.wait_for(lambda m: "Құттықтаймыз" in m.text))

    coordinator = await client.new_user("Dana", language_code="en")
    outsider = await client.new_user("Eve", language_code="en")
    await client.new_group("Admins", [coordinator], admins=[coordinator], id=ADMIN_CHAT_ID, type="supergroup")
    await hold_role(app, coordinator.id, Role.COORDINATOR)  # issue 10: a member needs the role an owner grants
    admin_chat = coordinator.in_chat(ADMIN_CHAT_ID)

    await outsider.send(f"/revoke {code} I do not like it")
    await outsider.wait_for(lambda m: "for the course staff only" in m.text)
    await admin_chat.send("/revoke")
    await admin_chat.wait_for(lambda m: "Usage: /revoke CODE REASON" in m.text)
    await admin_chat.send(f"/revoke {code}")
    await admin_chat.wait_for(lambda m: "Please give a reason" in m.text)
    await admin_chat.send("/revoke " + "Q" * 22 + " cheating")
    await admin_chat.wait_for(lambda m: "There is no certificate with the code" in m.text)
    assert "ЖАРАМДЫ" in await page(app, code, "kk")

    await admin_chat.send(f"/revoke {code} answers copied in the final test")
    await admin_chat.wait_for(lambda m: "is revoked" in m.text and "Aigerim Sadykova" in m.text)
    revoked_page = await page(app, code, "kk")
    assert "КЕРІ ҚАЙТАРЫЛҒАН" in revoked_page and "answers copied" not in revoked_page
    await admin_chat.send(f"/revoke {code} again")
    await admin_chat.wait_for(lambda m: "was already revoked on" in m.text)
    await user.send("/certificate")
    await user.wait_for(lambda m: "кері қайтарылды" in m.text)
    verifier = await client.new_user("Bank", language_code="ru")
    await verifier.start(f"verify_{code}")
    await verifier.wait_for(lambda m: "ОТОЗВАН" in m.text)

    await admin_chat.send(f"/reissue {code}")
    done = await admin_chat.wait_for(lambda m: "Re-issued for Aigerim Sadykova" in m.text)
    new_code = done.text.split("the new code is ")[1].split(";")[0]
    notice = await user.wait_for(lambda m: "қайта берілді" in m.text)  # in the learner's language
    assert code_in(notice) == new_code
    assert new_code in await pdf_of(client, user)
    assert "ЖАРАМДЫ" in await page(app, new_code, "kk") and "КЕРІ ҚАЙТАРЫЛҒАН" in await page(app, code, "kk")
    await admin_chat.send(f"/reissue {code}")
    await admin_chat.wait_for(lambda m: "already re-issued" in m.text)


async def test_an_anonymous_group_admin_is_asked_to_send_revoke_as_themselves(
        start_bot: AppFactory, client: SandboxClient) -> None:
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    coordinator = await client.new_user("Dana", language_code="en")
    await client.new_group("Admins", [coordinator], admins=[coordinator], id=ADMIN_CHAT_ID, type="supergroup")
    admin_chat = coordinator.in_chat(ADMIN_CHAT_ID)
    group = Chat(id=ADMIN_CHAT_ID, type="supergroup", title="Admins")
    # The sandbox has no "send as the group"; Telegram's update for it, fed to the running bot:
    # the sender is the GroupAnonymousBot and the group itself is sender_chat.
    anonymous = TelegramUser(id=1087968824, is_bot=True, first_name="Group", username="GroupAnonymousBot")
    assert app.dispatcher is not None and app.bot is not None
    for update_id, text in ((10**9, "/revoke AbC123dEf456gHi789jKl0 copied"),
                            (10**9 + 1, "/reissue AbC123dEf456gHi789jKl0")):
        message = Message(message_id=update_id % 1000, date=datetime.now(timezone.utc), chat=group,
                          from_user=anonymous, sender_chat=group, text=text,
                          entities=[MessageEntity(type="bot_command", offset=0, length=text.index(" "))])
        await app.dispatcher.feed_update(app.bot, Update(update_id=update_id, message=message))
        await admin_chat.wait_for(lambda m: "it came on behalf of the group" in m.text, timeout=5)
        await admin_chat.mark()
