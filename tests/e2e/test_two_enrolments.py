"""A learner in two courses: every button acts on the course it was sent for, not the last one touched."""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from bot.app import Talimger
from bot.db.models import Enrolment, QuizAttempt
from bot.services.clock import ManualClock
from sandbox.client import SandboxClient
from sandbox.client_models import SandboxMessage
from tests.conftest import MINI_COURSE
from tests.e2e.certificate_steps import seed_lectures_passed
from tests.e2e.driver import CourseKey, LearnerDriver, is_question
from tests.e2e.schedule import notices, sweep_hourly

SAMPLE = "python-basics"


async def _enrol_in_both(app: Talimger, learner: LearnerDriver, read_all: bool) -> SandboxMessage:
    """Enrol in the sample course, read two parts of lecture 1 (or all of it), then /start mini.

    Returns the last sample-course chunk the learner saw."""
    await app.publish_course(MINI_COURSE)
    first = await learner.start(SAMPLE)
    if read_all:
        last = await learner.read_lecture(first)
    else:
        await learner.user.press(first, learner.words["next"])
        last = await learner.user.wait_for(
            lambda m: m.message_id > first.message_id and learner.words["next"] in m.button_texts)
    await learner.user.start("mini")
    await learner.user.wait_for(lambda m: "Mini course" in m.text)
    await learner.user.wait_quiet()
    return last


async def _sample_enrolment(app: Talimger) -> Enrolment:
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        course = await uow.courses.by_slug(SAMPLE)
        enrolment = await uow.session.scalar(select(Enrolment).where(Enrolment.course_id == course.id))
        assert enrolment is not None
        return enrolment


async def test_the_first_courses_reminder_continue_opens_the_first_course(
        bot_app: Talimger, client: SandboxClient, clock: ManualClock, course_key: CourseKey) -> None:
    """issue 9 item 3: the reminder of the course touched first still acts on that course."""
    learner = LearnerDriver(await client.new_user("Two Courses", language_code="en"), course_key, "en")
    await _enrol_in_both(bot_app, learner, read_all=False)
    await sweep_hourly(bot_app, clock, days=5)
    sample_title = course_key.lecture_titles["en"][0]
    reminder = next(notice for notice in await notices(learner.user) if sample_title in notice.text)
    assert reminder.button_texts == ["▶ Continue"]

    query = await learner.user.press(reminder, "▶ Continue")
    answer = await learner.user.wait_for_answer(query)
    assert answer["text"] in (None, ""), answer
    resumed = await learner.user.wait_for(lambda m: m.message_id > reminder.message_id and "part 2 of" in m.text)
    assert f"Lecture 1. {sample_title}" in resumed.text


async def test_the_first_courses_take_the_quiz_starts_the_first_courses_quiz(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 3: "Take the quiz" under a lecture of the first course, pressed after /start of
    another course, starts the first course's quiz; so does an old button without the enrolment."""
    learner = LearnerDriver(await client.new_user("Two Quizzes", language_code="en"), course_key, "en")
    last = await _enrol_in_both(bot_app, learner, read_all=True)
    data = last.all_buttons[-1].callback_data
    assert data.startswith("qs:")
    old_style = "qs:" + data.split(":")[1]  # "qs:<lecture>", as sent before buttons named their enrolment

    query = await learner.user.press(last, learner.words["quiz"])
    assert (await learner.user.wait_for_answer(query))["text"] in (None, "")
    question = await learner.user.wait_for(is_question)
    assert "Question 1 of 5" in question.text
    course_key.right_letter(question)  # a question of the sample course (else this raises)

    # A button sent before buttons named their enrolment acts on the lecture's course too:
    # it is the same running quiz, so the press changes nothing.
    legacy = await learner.user.press(last, callback_data=old_style, forge=True)
    assert "already running" in (await learner.user.wait_for_answer(legacy))["text"]
    enrolment = await _sample_enrolment(bot_app)
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        attempts = (await uow.session.scalars(select(QuizAttempt))).all()
    assert [attempt.enrolment_id for attempt in attempts] == [enrolment.id]


async def test_a_button_naming_another_learners_enrolment_changes_nothing(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 3: an enrolment id in a button must be the presser's own."""
    owner = LearnerDriver(await client.new_user("Owner", language_code="en"), course_key, "en")
    owners_last = await owner.read_lecture(await owner.start())
    intruder = LearnerDriver(await client.new_user("Intruder", language_code="en"), course_key, "en")
    own_chunk = await intruder.start()
    query = await intruder.user.press(own_chunk, callback_data=owners_last.all_buttons[-1].callback_data, forge=True)
    assert (await intruder.user.wait_for_answer(query))["text"] == "This button belongs to someone else's lesson."
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        assert (await uow.session.scalars(select(QuizAttempt))).all() == []


async def test_the_first_courses_final_test_button_starts_the_first_courses_final_test(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 3: "Start the final test" (its button names no course) starts the final test of
    the course that is due one, though the learner touched another course since."""
    learner = LearnerDriver(await client.new_user("Finalist", language_code="en"), course_key, "en")
    await bot_app.publish_course(MINI_COURSE)
    await learner.start(SAMPLE)
    await seed_lectures_passed(bot_app, learner.user.id)
    await learner.user.send("/certificate")
    offer = await learner.user.wait_for(lambda m: learner.words["final"] in m.button_texts)
    await learner.user.start("mini")
    await learner.user.wait_for(lambda m: "Mini course" in m.text)
    await learner.user.wait_quiet()

    query = await learner.user.press(offer, learner.words["final"])
    assert (await learner.user.wait_for_answer(query))["text"] in (None, "")
    question = await learner.user.wait_for(is_question)
    assert question.text.startswith("Final test · Python")
    assert "Question 1 of 10" in question.text


def _mini_course_with_final_test(folder: Path) -> Path:
    data = yaml.safe_load(MINI_COURSE.read_text(encoding="utf-8"))
    data["settings"]["final_test"] = {"size": 4, "pass_percent": 50, "attempts": 3}
    path = folder / "mini-final.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


async def test_each_courses_final_test_button_starts_its_own_final_test(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, tmp_path: Path) -> None:
    """issue 9 item 3 (review item 1): a learner with two courses both due a final test presses the
    first course's "Start the final test" after the second was touched last, and the first course's
    test starts; an old button (naming no enrolment) still works."""
    learner = LearnerDriver(await client.new_user("Two Finals", language_code="en"), course_key, "en")
    await bot_app.publish_course(_mini_course_with_final_test(tmp_path))
    await learner.start(SAMPLE)
    await seed_lectures_passed(bot_app, learner.user.id)
    await learner.user.send("/certificate")
    sample_offer = await learner.user.wait_for(lambda m: learner.words["final"] in m.button_texts)
    await learner.user.start("mini")
    await learner.user.wait_for(lambda m: "Mini course" in m.text)
    await learner.user.wait_quiet()
    await seed_lectures_passed(bot_app, learner.user.id)
    await learner.user.send("/certificate")
    mini_offer = await learner.user.wait_for(
        lambda m: m.message_id > sample_offer.message_id and learner.words["final"] in m.button_texts)
    assert sample_offer.all_buttons[0].callback_data != mini_offer.all_buttons[0].callback_data

    query = await learner.user.press(sample_offer, learner.words["final"])
    assert (await learner.user.wait_for_answer(query))["text"] in (None, "")
    question = await learner.user.wait_for(is_question)
    assert question.text.startswith("Final test · Python"), question.text
    assert "Question 1 of 10" in question.text

    # A button sent before it named its enrolment: the course due a final test still starts.
    legacy = await learner.user.press(mini_offer, callback_data="ft", forge=True)
    assert (await learner.user.wait_for_answer(legacy))["text"] in (None, "")
    second = await learner.user.wait_for(lambda m: m.message_id > question.message_id and is_question(m))
    assert "Question 1 of" in second.text


async def test_an_old_final_test_button_does_not_move_the_other_course_to_its_new_version(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, tmp_path: Path) -> None:
    """issue 9 item 3 (review item 9): looking for the course an old "Start the final test" button
    means must not move every other course of the learner to its newest version."""
    learner = LearnerDriver(await client.new_user("Looker", language_code="en"), course_key, "en")
    await bot_app.publish_course(MINI_COURSE)
    await learner.start(SAMPLE)
    await seed_lectures_passed(bot_app, learner.user.id)
    await learner.user.send("/certificate")
    offer = await learner.user.wait_for(lambda m: learner.words["final"] in m.button_texts)
    await learner.user.start("mini")
    await learner.user.wait_for(lambda m: "Mini course" in m.text)
    await learner.user.wait_quiet()
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        mini = await uow.courses.by_slug("mini")
        enrolment = await uow.enrolments.find(learner.user.id, mini.id)
        first_version = enrolment.version_id
    changed = yaml.safe_load(MINI_COURSE.read_text(encoding="utf-8"))
    changed["title"]["en"] = "Mini course, second edition"
    (tmp_path / "mini-2.yaml").write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    assert (await bot_app.publish_course(tmp_path / "mini-2.yaml")).is_new_version

    legacy = await learner.user.press(offer, callback_data="ft", forge=True)
    assert (await learner.user.wait_for_answer(legacy))["text"] in (None, "")
    question = await learner.user.wait_for(is_question)
    assert question.text.startswith("Final test · Python"), question.text
    async with bot_app.uow_factory() as uow:
        enrolment = await uow.enrolments.find(learner.user.id, mini.id)
        assert enrolment.version_id == first_version
