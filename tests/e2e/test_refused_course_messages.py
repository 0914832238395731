"""A course message Telegram refuses does not stop the learner, and the admin chat hears of it once."""
from __future__ import annotations

from sqlalchemy import select

from bot.app import Talimger
from bot.db.models import QuizAttempt
from sandbox.client import ChatUser, SandboxClient
from tests.conftest import MINI_COURSE
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver, has_button, is_question

ADMIN_CHAT_ID = -100777
NOTICE = "⚠️ This part of the course could not be shown. The course team has been told; you can go on."
ALERT = "Telegram refused a course message"
REFUSAL = "Bad Request: can't parse entities: Unsupported start tag \"video\" at byte offset 12"


async def _reach_the_video_refused(client: SandboxClient, learner: LearnerDriver) -> None:
    """Start the mini course and press "Next" onto its video chunk, which Telegram refuses."""
    first = await learner.start()
    await client.inject_fault("sendVideo", 400, REFUSAL)
    await learner.user.press(first, "Next ▶")


async def test_a_refused_chunk_becomes_a_notice_the_learner_goes_on_from_and_one_alert(
        start_bot: AppFactory, client: SandboxClient) -> None:
    """issue 9 item 2: any 400 on a course message → one line for the learner, Next and the quiz
    still reachable, exactly one alert in the admin chat however many learners hit it."""
    await start_bot(content_dir=MINI_COURSE.parent, admin_chat_id=ADMIN_CHAT_ID)
    coordinator = await client.new_user("Coordinator", language_code="en")
    await client.new_group("Admins", [coordinator], admins=[coordinator], id=ADMIN_CHAT_ID, type="supergroup")
    admin_chat: ChatUser = coordinator.in_chat(ADMIN_CHAT_ID)
    key = CourseKey.from_course(MINI_COURSE)

    learner = LearnerDriver(await client.new_user("Dana", language_code="en"), key, "en")
    await _reach_the_video_refused(client, learner)
    notice = await learner.user.wait_for(lambda m: NOTICE in m.text)
    assert notice.text == NOTICE and notice.button_texts == ["Next ▶"]
    alert = await admin_chat.wait_for(lambda m: ALERT in m.text)
    for expected in ("Course: Mini course", "Lecture: 1. Lecture 1 title", "Where: part 2 of 3 (demo)",
                     "Language: en", REFUSAL):
        assert expected in alert.text, alert.text

    # The learner goes on: the next part, then the whole quiz.
    await learner.user.press(notice, "Next ▶")
    last = await learner.user.wait_for(has_button("📝 Take the quiz"))
    assert "Deep text of lecture 1" in last.text
    result = await learner.take_quiz(last, correct=5)
    assert "5 of 5" in result.text

    # A second learner meets the same refusal: their own notice, no second alert.
    second = LearnerDriver(await client.new_user("Erlan", language_code="en"), key, "en")
    await _reach_the_video_refused(client, second)
    again = await second.user.wait_for(lambda m: NOTICE in m.text)
    assert again.button_texts == ["Next ▶"]
    await second.user.wait_quiet()
    alerts = [m for m in await admin_chat.wait_quiet(period=0.5) if m.from_bot and ALERT in m.text]
    assert len(alerts) == 1
    sorry = [m for m in await learner.user.transcript() + await second.user.transcript()
             if "something went wrong" in m.text]
    assert not sorry


async def test_a_refused_quiz_question_keeps_its_answer_buttons(start_bot: AppFactory, client: SandboxClient) -> None:
    """issue 9 item 2: a refused question still lets the learner answer and finish the quiz."""
    await start_bot(content_dir=MINI_COURSE.parent)  # no admin chat: the refusal is only logged
    key = CourseKey.from_course(MINI_COURSE)
    learner = LearnerDriver(await client.new_user("Aruzhan", language_code="en"), key, "en")
    last = await learner.read_lecture(await learner.start())
    await client.inject_fault("sendMessage", 400, REFUSAL)
    await learner.user.press(last, "📝 Take the quiz")
    notice = await learner.user.wait_for(lambda m: NOTICE in m.text)
    assert notice.button_texts and all(len(text) == 1 for text in notice.button_texts)
    await learner.user.press(notice, notice.button_texts[0])
    following = await learner.user.wait_for(lambda m: m.message_id > notice.message_id and "Question 2 of 5" in m.text)
    assert following.button_texts


async def _question_keys_in_order(app: Talimger, telegram_id: int) -> list[str]:
    """The question keys of the learner's running attempt, by their place in it."""
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        enrolment = await uow.enrolments.latest_for_user(telegram_id)  # a user's id is their Telegram id
        assert enrolment is not None
        attempt = await uow.session.scalar(select(QuizAttempt).where(QuizAttempt.enrolment_id == enrolment.id,
                                                                     QuizAttempt.finished_at.is_(None)))
        assert attempt is not None
        items = await uow.attempts.items(attempt.id)
        questions = await uow.courses.questions_by_ids([item.question_id for item in items])
        return [questions[item.question_id].key for item in sorted(items, key=lambda item: item.position)]


async def test_one_refused_question_alerts_once_wherever_it_falls_in_the_quiz(
        start_bot: AppFactory, client: SandboxClient) -> None:
    """issue 9 item 2 (review item 7): a question Telegram refuses is refused at whatever place the
    shuffle puts it; the admin chat hears of it once, not once per place."""
    app = await start_bot(content_dir=MINI_COURSE.parent, admin_chat_id=ADMIN_CHAT_ID)
    coordinator = await client.new_user("Coordinator", language_code="en")
    await client.new_group("Admins", [coordinator], admins=[coordinator], id=ADMIN_CHAT_ID, type="supergroup")
    admin_chat: ChatUser = coordinator.in_chat(ADMIN_CHAT_ID)
    key = CourseKey.from_course(MINI_COURSE)

    # The first learner meets the broken question first in their quiz.
    first = LearnerDriver(await client.new_user("Aisha", language_code="en"), key, "en")
    last = await first.read_lecture(await first.start())
    await client.inject_fault("sendMessage", 400, REFUSAL)
    await first.user.press(last, "📝 Take the quiz")
    await first.user.wait_for(lambda m: NOTICE in m.text)
    broken = (await _question_keys_in_order(app, first.user.id))[0]
    await admin_chat.wait_for(lambda m: ALERT in m.text and f"quiz question {broken}" in m.text)

    # The next learners meet it at another place: their notice, no new alert.
    later_places = 0
    for name in ("Bolat", "Daulet", "Gulnar", "Yerlan", "Saule", "Timur"):
        learner = LearnerDriver(await client.new_user(name, language_code="en"), key, "en")
        last = await learner.read_lecture(await learner.start())
        await learner.user.press(last, "📝 Take the quiz")
        question = await learner.user.wait_for(is_question)
        drawn = await _question_keys_in_order(app, learner.user.id)
        if broken not in drawn[1:]:  # the bank is larger than the quiz: not drawn, or first again
            continue
        place = drawn.index(broken)
        later_places += 1
        for _ in range(place):
            if _ == place - 1:
                await client.inject_fault("sendMessage", 400, REFUSAL)
            await learner.user.press(question, key.right_letter(question))
            previous = question.message_id
            question = await learner.user.wait_for(lambda m: m.message_id > previous and (is_question(m)
                                                                                          or NOTICE in m.text))
        assert NOTICE in question.text
    assert later_places >= 1
    alerts = [m for m in await admin_chat.wait_quiet(period=0.5) if m.from_bot and ALERT in m.text]
    assert len(alerts) == 1, [m.text for m in alerts]
