"""What a person does that the bot did not ask for gets a clear answer, and nothing leaks."""
from __future__ import annotations

import asyncio

from bot.app import SendLimits, Talimger
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver


async def test_learner_commands_in_a_group_get_no_lesson(bot_app: Talimger, client: SandboxClient) -> None:
    member = await client.new_user("Member", language_code="en")
    group = await client.new_group("Study group", [member])
    in_group = member.in_chat(group["id"])
    for command in ("/language", "/help", "/lesson", "/progress"):
        await in_group.send(command)
    await in_group.wait_quiet(period=0.5)
    assert [m for m in await in_group.transcript() if m.from_bot] == []


async def test_an_unknown_button_is_answered(bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Forger", language_code="en"), course_key, "en")
    chunk = await learner.start()
    for data in ("nx:abc:1:0", "zz:1"):
        query = await learner.user.press(chunk, callback_data=data, forge=True)
        answer = await learner.user.wait_for_answer(query)
        assert answer["text"] == "This button is out of date. Send /lesson to continue where you stopped."


async def test_commands_work_while_the_bot_waits_for_a_value(bot_app: Talimger, client: SandboxClient,
                                                            course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Busy", language_code="en"), course_key, "en")
    await learner.start()
    await learner.user.send("/profile")
    card = await learner.user.wait_for(lambda m: "Your profile" in m.text)
    await learner.user.press(card, "✉️ Change email")
    await learner.user.wait_for(lambda m: "Send your email address." in m.text)
    await learner.user.send("/help")
    await learner.user.wait_for(lambda m: "What I can do" in m.text)
    await learner.user.send("me@example.org")
    saved = await learner.user.wait_for(lambda m: "Your profile" in m.text)
    assert "Email: me@example.org" in saved.text


async def test_a_deep_link_with_markup_is_shown_as_text(bot_app: Talimger, client: SandboxClient) -> None:
    user = await client.new_user("Odd", language_code="en")
    await user.send("/start <b>x")
    notice = await user.wait_for(lambda m: "was not found" in m.text)
    assert "“<b>x”" in notice.text


async def test_one_learner_waiting_on_telegram_does_not_hold_up_another(
        start_bot: AppFactory, client: SandboxClient) -> None:
    # Slow pacing into each chat: the first learner's replies queue for seconds.
    await start_bot(limits=SendLimits(global_rate=1000, per_chat_rate=0.5, per_chat_burst=1))
    busy, other = await client.new_user("Busy", language_code="en"), await client.new_user("Other", language_code="en")
    for _ in range(4):
        await busy.send("/help")
    await asyncio.sleep(0.2)
    await other.send("/help")
    other_reply = await other.wait_for(lambda m: "What I can do" in m.text, timeout=20)
    busy_replies: list = []
    async with asyncio.timeout(30):
        while len(busy_replies) < 4:
            await asyncio.sleep(0.2)
            busy_replies = sorted((m for m in await busy.transcript() if m.from_bot), key=lambda m: m.date)
    assert other_reply.date < busy_replies[-1].date, "the other learner must not wait behind the busy chat's queue"
