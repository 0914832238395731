"""Forged, stale, double and re-delivered presses change nothing and get a short answer."""
from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import Talimger
from bot.db.models import AttemptItem, LectureProgress
from sandbox.client import SandboxClient
from tests.e2e.driver import CourseKey, LearnerDriver, is_question


async def _answered(app: Talimger) -> int:
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        return int(await uow.session.scalar(
            select(func.count()).select_from(AttemptItem).where(AttemptItem.chosen_option.is_not(None))) or 0)


async def _first_question(learner: LearnerDriver):  # type: ignore[no-untyped-def]
    last = await learner.read_lecture(await learner.start())
    await learner.user.press(last, learner.words["quiz"])
    return await learner.user.wait_for(is_question)


async def test_a_forged_press_on_another_learners_attempt_changes_nothing(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    owner = LearnerDriver(await client.new_user("Owner", language_code="en"), course_key, "en")
    question = await _first_question(owner)
    intruder = LearnerDriver(await client.new_user("Intruder", language_code="ru"), course_key, "ru")
    own_chunk = await intruder.start()
    forged_data = question.all_buttons[0].callback_data
    query = await intruder.user.press(own_chunk, callback_data=forged_data, forge=True)
    answer = await intruder.user.wait_for_answer(query)
    assert answer["text"] == "Эта кнопка относится к чужой лекции."
    assert await _answered(bot_app) == 0
    assert not (await owner.user.transcript())[-1].edited, "the owner's question must stay untouched"


async def test_a_double_press_counts_once(bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Quick", language_code="en"), course_key, "en")
    question = await _first_question(learner)
    letter = course_key.right_letter(question)
    first, second = await asyncio.gather(learner.user.press(question, letter), learner.user.press(question, letter))
    answers = [await learner.user.wait_for_answer(first), await learner.user.wait_for_answer(second)]
    assert sorted(answer["text"] for answer in answers) == ["You have already answered this question.", "✅ Correct!"]
    await learner.user.wait_quiet()
    assert await _answered(bot_app) == 1
    questions_sent = [m for m in await learner.user.transcript() if m.from_bot and "Question 2 of 5" in m.text]
    assert len(questions_sent) == 1


async def test_an_old_button_and_a_redelivered_update_change_nothing(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Late", language_code="en"), course_key, "en")
    question = await _first_question(learner)
    letter = course_key.right_letter(question)
    pressed = await client.request("POST", f"/sandbox/api/chats/{learner.user.chat_id}/press",
                                   json={"from_id": learner.user.id, "message_id": question.message_id,
                                         "button_text": letter})
    await learner.user.wait_for(lambda m: "Question 2 of 5" in m.text)
    # The answered question lost its buttons; a press on its old data is stale.
    stale = await learner.user.press(question, callback_data=question.all_buttons[1].callback_data, forge=True)
    assert (await learner.user.wait_for_answer(stale))["text"] == "You have already answered this question."
    # Telegram delivers the same update again (a restart or a retry): it is applied once.
    await client.redeliver(pressed["update_id"])
    await learner.user.wait_quiet(period=0.5)
    assert await _answered(bot_app) == 1
    assert len([m for m in await learner.user.transcript() if "Question 2 of 5" in m.text]) == 1


async def test_a_double_next_delivers_the_chunk_once(bot_app: Talimger, client: SandboxClient,
                                                     course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Twice", language_code="en"), course_key, "en")
    first = await learner.start()
    await asyncio.gather(learner.user.press(first, "Next ▶"), learner.user.press(first, "Next ▶"))
    await learner.user.wait_for(lambda m: "part 2 of" in m.text)
    await learner.user.wait_quiet()
    assert len([m for m in await learner.user.transcript() if "part 2 of" in m.text]) == 1
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        cursor = await uow.session.scalar(select(LectureProgress.chunk_cursor))
        assert cursor == 1


async def test_a_locked_lecture_cannot_be_opened(bot_app: Talimger, client: SandboxClient,
                                                 course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Eager", language_code="en"), course_key, "en")
    first = await learner.start()
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        lectures = await uow.courses.lectures((await uow.courses.by_slug("python-basics")).current_version_id)
    query = await learner.user.press(first, callback_data=f"ol:{lectures[2].id}", forge=True)
    answer = await learner.user.wait_for_answer(query)
    assert answer["text"] == "This is still locked: finish the lecture before it first."
