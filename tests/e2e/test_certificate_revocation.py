"""A revoked certificate seen by its holder (told why) and a re-issued one seen by a verifier
holding the old link (sent on to the new one)."""
from __future__ import annotations

import re

import aiohttp

from bot.app import Talimger
from sandbox.client import SandboxClient
from bot.services.staff import Role
from tests.e2e.staff_steps import hold_role
from tests.e2e.conftest import PUBLIC_BASE_URL, AppFactory
from tests.e2e.driver import CourseKey
from tests.e2e.test_certificate import ADMIN_CHAT_ID, code_in, enrolled_learner


async def fetch(app: Talimger, path: str) -> str:
    assert app.web is not None
    async with aiohttp.ClientSession() as http, http.get(f"{app.web.url}{path}") as response:
        assert response.status == 200
        return await response.text()


async def issued_certificate(client: SandboxClient, app: Talimger, key: CourseKey, locale: str):  # type: ignore[no-untyped-def]
    user, learner = await enrolled_learner(client, app, key, locale, final_test_passed=True)
    await user.send("/certificate")
    await user.press(await user.wait_for(lambda m: learner.words["name_yes"] in m.button_texts),
                     learner.words["name_yes"])
    code = code_in(await user.wait_for(lambda m: f"{PUBLIC_BASE_URL}/c/" in m.text))
    coordinator = await client.new_user("Dana", language_code="en")
    await client.new_group("Admins", [coordinator], admins=[coordinator], id=ADMIN_CHAT_ID, type="supergroup")
    await hold_role(app, coordinator.id, Role.COORDINATOR)  # issue 10: a member needs the role an owner grants
    return user, code, coordinator.in_chat(ADMIN_CHAT_ID)


async def test_a_revoked_learner_is_told_at_once_and_why(start_bot: AppFactory, client: SandboxClient,
                                                        course_key: CourseKey) -> None:
    """issue 9 item 20: /revoke sends the holder a message, in their language, with the reason."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    user, code, admin_chat = await issued_certificate(client, app, course_key, "ru")
    await user.mark()

    await admin_chat.send(f"/revoke {code} answers copied in the final test")
    await admin_chat.wait_for(lambda m: "is revoked" in m.text)
    notice = await user.wait_for(lambda m: "отозван" in m.text)
    assert "Причина: answers copied in the final test" in notice.text and code in notice.text
    await user.send("/certificate")  # and again whenever they ask
    again = await user.wait_for(lambda m: m.message_id > notice.message_id and "отозван" in m.text)
    assert "Причина: answers copied in the final test" in again.text
    # The reason is the holder's business, not the public's.
    assert "answers copied" not in await fetch(app, f"/c/{code}?lang=ru")


async def test_a_reissued_certificates_old_page_links_the_new_one(start_bot: AppFactory, client: SandboxClient,
                                                                 course_key: CourseKey) -> None:
    """issue 9 item 20: the old code's page says REVOKED and links the page of the code that replaced it."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    user, code, admin_chat = await issued_certificate(client, app, course_key, "en")
    await admin_chat.send(f"/reissue {code}")
    done = await admin_chat.wait_for(lambda m: "Re-issued for" in m.text)
    new_code = done.text.split("the new code is ")[1].split(";")[0]

    old_page = await fetch(app, f"/c/{code}?lang=en")
    assert "REVOKED" in old_page
    link = re.search(r'<p class="replaced" id="replaced">[^<]*<a href="([^"]+)"', old_page)
    assert link is not None, old_page
    assert link.group(1) == f"{new_code}?lang=en"  # relative to /c/<old code>: /c/<new code>
    new_page = await fetch(app, f"/c/{link.group(1)}")
    assert "VALID" in new_page and new_code in new_page and "REVOKED" not in new_page
    assert 'id="replaced"' not in new_page

    verifier = await client.new_user("Bank", language_code="en")
    await verifier.start(f"verify_{code}")
    answer = await verifier.wait_for(lambda m: "REVOKED" in m.text)
    assert f"{PUBLIC_BASE_URL}/c/{new_code}" in answer.text


async def test_a_revoke_reason_over_500_characters_is_refused_and_changes_nothing(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 20 (review item 12): the reason goes into the holder's message, which must stay
    under Telegram's 4096: past 500 characters the coordinator is told, and nothing is revoked."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    user, code, admin_chat = await issued_certificate(client, app, course_key, "en")
    await user.mark()
    await admin_chat.send(f"/revoke {code} " + "plagiarism " * 50)  # 550 characters
    answer = await admin_chat.wait_for(lambda m: "too long" in m.text)
    assert answer.text == ("The reason is too long: at most 500 characters. Shorten it and send /revoke again; "
                           "nothing was changed.")
    assert "VALID" in await fetch(app, f"/c/{code}?lang=en")
    await admin_chat.send(f"/revoke {code} " + "x" * 500)  # exactly the limit: revoked
    await admin_chat.wait_for(lambda m: "is revoked" in m.text)
    notice = await user.wait_for(lambda m: "revoked" in m.text)
    assert "x" * 500 in notice.text
