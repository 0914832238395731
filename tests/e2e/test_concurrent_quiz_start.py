"""Many presses of "Take the quiz" at once start one attempt and show its first question once."""
from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import Talimger
from bot.db.models import QuizAttempt
from sandbox.client import SandboxClient
from tests.e2e.certificate_steps import seed_lectures_passed
from tests.e2e.driver import CourseKey, LearnerDriver, is_question

PRESSES = 20


async def test_twenty_concurrent_take_the_quiz_presses_start_one_attempt_and_show_question_one_once(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 5: starting an attempt is claimed like an answer."""
    learner = LearnerDriver(await client.new_user("Hasty", language_code="en"), course_key, "en")
    last = await learner.read_lecture(await learner.start())
    data = next(button.callback_data for button in last.all_buttons if button.text == learner.words["quiz"])
    # A learner tapping fast: every press carries the button as it was (forge: the first
    # press may already have taken the button off the message when the later ones land).
    queries = await asyncio.gather(*(learner.user.press(last, callback_data=data, forge=True)
                                     for _ in range(PRESSES)))
    answers = [await learner.user.wait_for_answer(query) for query in queries]
    await learner.user.wait_for(is_question)
    transcript = await learner.user.wait_quiet(period=0.5)

    assert len([m for m in transcript if m.from_bot and "Question 1 of 5" in m.text]) == 1
    texts = sorted(answer["text"] or "" for answer in answers)
    assert texts == [""] + ["The quiz is already running: answer the question above."] * (PRESSES - 1)
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


async def test_take_the_quiz_under_another_message_shows_the_running_question_again(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 5: a press from another message (a reminder, an older copy) re-shows the
    running question once, so a learner who lost it finds it; no second attempt starts."""
    learner = LearnerDriver(await client.new_user("Lost", language_code="en"), course_key, "en")
    last = await learner.read_lecture(await learner.start())
    data = next(button.callback_data for button in last.all_buttons if button.text == learner.words["quiz"])
    await learner.user.press(last, learner.words["quiz"])
    await learner.user.wait_for(is_question)
    await learner.user.send("/progress")
    elsewhere = await learner.user.wait_for(lambda m: "/progress" not in m.text and not is_question(m))
    again = await asyncio.gather(*(learner.user.press(elsewhere, callback_data=data, forge=True) for _ in range(3)))
    for query in again:
        await learner.user.wait_for_answer(query)
    transcript = await learner.user.wait_quiet(period=0.5)
    assert len([m for m in transcript if m.from_bot and "Question 1 of 5" in m.text]) == 2
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


async def test_ten_concurrent_final_test_presses_start_one_attempt_and_show_its_first_question_once(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 5: the final test's start is claimed the same way."""
    learner = LearnerDriver(await client.new_user("Finalist", language_code="en"), course_key, "en")
    await learner.start()
    await seed_lectures_passed(bot_app, learner.user.id)
    await learner.user.send("/certificate")
    offer = await learner.user.wait_for(lambda m: learner.words["final"] in m.button_texts)
    data = next(button.callback_data for button in offer.all_buttons if button.text == learner.words["final"])
    queries = await asyncio.gather(*(learner.user.press(offer, callback_data=data, forge=True) for _ in range(10)))
    for query in queries:
        await learner.user.wait_for_answer(query)
    await learner.user.wait_for(is_question)
    transcript = await learner.user.wait_quiet(period=0.5)
    assert len([m for m in transcript if m.from_bot and "Question 1 of 10" in m.text]) == 1
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        running = await uow.session.scalar(
            select(func.count()).select_from(QuizAttempt).where(QuizAttempt.finished_at.is_(None)))
    assert running == 1
