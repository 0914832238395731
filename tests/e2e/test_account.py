"""Profile, language, deep links and the informational commands, as a learner sees them."""
from __future__ import annotations

from bot.app import Talimger
from sandbox.client import SandboxClient
from tests.e2e.driver import CourseKey, LearnerDriver


async def _user_row(app: Talimger, user_id: int):  # type: ignore[no-untyped-def]
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        return await uow.users.get(user_id)


async def test_profile_rejects_bad_input_and_keeps_good_input(bot_app: Talimger, client: SandboxClient,
                                                              course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Asel", language_code="en"), course_key, "en")
    await learner.start()
    user = learner.user
    await user.send("/profile")
    card = await user.wait_for(lambda m: "Your profile" in m.text)
    assert "Name: Asel" in card.text and "Email: not set" in card.text

    await user.press(card, "✉️ Change email")
    await user.wait_for(lambda m: "Send your email address." in m.text)
    await user.send("asel at example")
    error = await user.wait_for(lambda m: "does not look like an email" in m.text)
    assert "Cancel" in error.button_texts
    assert (await _user_row(bot_app, user.id)).email is None
    await user.send("Asel.K@Example.KZ")
    card = await user.wait_for(lambda m: "Your profile" in m.text)
    assert "Email: Asel.K@example.kz" in card.text

    await user.press(card, "✏️ Change name")
    await user.wait_for(lambda m: "full name" in m.text)
    await user.send("<script>")
    await user.wait_for(lambda m: "does not look like a name" in m.text)
    await user.send("Asel   Kairatovna")
    card = await user.wait_for(lambda m: "Your profile" in m.text)
    assert "Name: Asel Kairatovna" in card.text

    await user.press(card, "📱 Share phone")
    await user.wait_for(lambda m: m.reply_keyboard is not None)
    assert await user.reply_keyboard() == [["📱 Share my phone number"], ["Cancel"]]
    await user.share_contact("+7 701 123 45 67")
    card = await user.wait_for(lambda m: "Your profile" in m.text)
    assert "Phone: +77011234567" in card.text
    row = await _user_row(bot_app, user.id)
    assert (row.full_name, row.email, row.phone) == ("Asel Kairatovna", "Asel.K@example.kz", "+77011234567")


async def test_language_can_be_changed_any_time(bot_app: Talimger, client: SandboxClient,
                                                course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Nurlan", language_code="en"), course_key, "en")
    await learner.start()
    await learner.user.send("/language")
    picker = await learner.user.wait_for(lambda m: "Choose your language:" in m.text)
    await learner.user.press(picker, "🇷🇺 Русский")
    await learner.user.wait_for(lambda m: "/lesson" in m.text and "Done." not in m.text)
    await learner.user.send("/lesson")
    chunk = await learner.user.wait_for(lambda m: "Далее ▶" in m.button_texts)
    assert "Лекция 1." in chunk.text
    assert (await _user_row(bot_app, learner.user.id)).locale == "ru"


async def test_telegram_language_is_the_default_and_unknown_ones_fall_back_to_english(
        bot_app: Talimger, client: SandboxClient) -> None:
    user = await client.new_user("Hans", language_code="de")
    await user.send("/start")
    picker = await user.wait_for(lambda m: "Choose your language" in m.text)
    assert "• 🇬🇧 English •" in picker.button_texts
    kazakh = await client.new_user("Aruzhan", language_code="kk")
    await kazakh.send("/start")
    picker = await kazakh.wait_for(lambda m: "Choose your language" in m.text)
    assert "• 🇰🇿 Қазақша •" in picker.button_texts


async def test_deep_link_enrols_and_an_unknown_course_is_explained(bot_app: Talimger, client: SandboxClient,
                                                                   course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Linked", language_code="en"), course_key, "en")
    chunk = await learner.start(payload="python-basics")
    assert "Lecture 1." in chunk.text
    stranger = await client.new_user("Lost", language_code="en")
    await stranger.start("no-such-course")
    notice = await stranger.wait_for(lambda m: "was not found" in m.text)
    assert "no-such-course" in notice.text


async def test_course_passport_help_and_unknown_text(bot_app: Talimger, client: SandboxClient,
                                                     course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Reader", language_code="en"), course_key, "en")
    await learner.start()
    user = learner.user
    await user.send("/course")
    passport = await user.wait_for(lambda m: "Weekly structure" in m.text)
    for expected in ("Python programming basics", "Authors:", "Format:", "Workload:", "Prerequisites:",
                     "Week 1:", "Week 4:", "a quiz of 5 questions; 3 correct answers"):
        assert expected in passport.text
    await user.send("/help")
    help_message = await user.wait_for(lambda m: "What I can do" in m.text)
    for command in ("/lesson", "/progress", "/results", "/course", "/profile", "/language"):
        assert command in help_message.text
    await user.send("hello?")
    await user.wait_for(lambda m: "I did not understand that." in m.text)


async def test_commands_before_enrolment_get_a_clear_answer(bot_app: Talimger, client: SandboxClient) -> None:
    user = await client.new_user("Early", language_code="en")
    await user.send("/progress")
    answer = await user.wait_for(lambda m: "not enrolled" in m.text)
    assert "/start" in answer.text
