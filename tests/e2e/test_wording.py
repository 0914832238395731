"""What the learner reads: pass marks, times with their zones, labelled numbers, /start's
answers, the self-check heading and the Cancel button — in each language, through the sandbox."""
from __future__ import annotations

import pytest

from bot.app import Talimger
from bot.services.clock import ManualClock
from content import SAMPLE_COURSE_DIR, load_course
from sandbox.client import ChatUser, SandboxClient
from sandbox.client_models import SandboxMessage
from tests.e2e.certificate_steps import seed_lectures_passed
from tests.e2e.driver import CourseKey, LearnerDriver, plain

PASSED_AT_THE_MARK = {"en": "Passed — you reached the pass mark.",
                      "ru": "Тест пройден — вы набрали проходной балл.",
                      "kk": "Тесттен өттіңіз — өту шегіне жеттіңіз."}
ALMATY = {"en": "(Almaty, UTC+5)", "ru": "(Алматы, UTC+5)", "kk": "(Алматы, UTC+5)"}
MOSCOW = {"en": "(Moscow, UTC+3)", "ru": "(Москва, UTC+3)", "kk": "(Мәскеу, UTC+3)"}
MOSCOW_BUTTON = {"en": "Moscow (UTC+3)", "ru": "Москва (UTC+3)", "kk": "Мәскеу (UTC+3)"}
ZONE_BUTTON = {"en": "🕐 Time zone", "ru": "🕐 Часовой пояс", "kk": "🕐 Уақыт белдеуі"}
RETAKE_FROM = {"en": "You can retake the quiz from", "ru": "Пройти тест заново можно с", "kk": "Тестті қайта тапсыруға"}


@pytest.mark.parametrize("locale", ["en", "ru", "kk"])
async def test_a_score_equal_to_the_pass_mark_is_a_pass(bot_app: Talimger, client: SandboxClient,
                                                        course_key: CourseKey, locale: str) -> None:
    """issue 9 item 18: 3 of 5 with a pass mark of 3 says passed, not "very close — keep going"."""
    learner = LearnerDriver(await client.new_user("Aru", language_code=locale), course_key, locale)
    result = await learner.take_quiz(await learner.read_lecture(await learner.start()), correct=3)
    assert PASSED_AT_THE_MARK[locale] in result.text, result.text
    assert learner.words["next_lecture"] in result.button_texts


async def set_zone(user: ChatUser, locale: str, city_button: str) -> SandboxMessage:
    await user.send("/settings")
    menu = await user.wait_for(lambda m: any(text.startswith(ZONE_BUTTON[locale]) for text in m.button_texts))
    await user.press(menu, next(text for text in menu.button_texts if text.startswith(ZONE_BUTTON[locale])))
    picker = await user.wait_for(lambda m: city_button in m.button_texts)
    await user.press(picker, city_button)
    return await user.wait_for(lambda m: m.message_id == picker.message_id
                               and any(text.startswith(ZONE_BUTTON[locale]) for text in m.button_texts))


@pytest.mark.parametrize("locale", ["en", "ru", "kk"])
async def test_the_retake_moment_names_its_zone_and_follows_the_learners_zone(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, locale: str) -> None:
    """issue 9 item 15: "…, 09:05 (Almaty, UTC+5)" in the course's zone; after /settings, the learner's."""
    learner = LearnerDriver(await client.new_user("Timur", language_code=locale), course_key, locale)
    failed = await learner.take_quiz(await learner.read_lecture(await learner.start()), correct=1)
    assert RETAKE_FROM[locale] in failed.text
    [line] = [line for line in failed.text.splitlines() if RETAKE_FROM[locale] in line]
    assert line.rstrip(".").endswith(ALMATY[locale]), line

    settings = await set_zone(learner.user, locale, MOSCOW_BUTTON[locale])
    assert MOSCOW[locale].strip("()") in settings.text  # "Time zone: Moscow, UTC+3 (it is … there now)"
    too_soon = await learner.user.press(failed, learner.words["retake"])
    answer = (await learner.user.wait_for_answer(too_soon))["text"]
    assert answer.rstrip(".").endswith(MOSCOW[locale]), answer


async def test_a_failed_final_test_names_the_lectures_of_the_missed_questions(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 19: the one result message lists the lectures whose questions were missed."""
    course = load_course(SAMPLE_COURSE_DIR)
    lecture_of = {plain(question.text.en): index for index, lecture in enumerate(course.lectures)
                  for question in lecture.questions}
    user = await client.new_user("Dana", language_code="en")
    learner = LearnerDriver(user, course_key, "en")
    await learner.start()
    await seed_lectures_passed(bot_app, user.id)
    await user.send("/certificate")
    offer = await user.wait_for(lambda m: learner.words["final"] in m.button_texts)
    failed = await learner.take_final_test(offer, correct=5)

    missed = set()
    for message in await user.transcript():
        if message.from_bot and "Final test ·" in message.text and "❌ Not quite" in message.text:
            missed |= {index for text, index in lecture_of.items() if text in message.text}
    assert "Not passed yet" in failed.text and missed
    for index, title in enumerate(course_key.lecture_titles["en"]):
        assert (f"Lecture {index + 1}. {title}" in failed.text) == (index in missed), failed.text


@pytest.mark.parametrize(("locale", "score", "taken", "best", "zone"), [
    ("en", "Score: 2 / 5", "time taken:", "best score: 3 / 5", "Times are in Almaty, UTC+5."),
    ("ru", "Результат: 2 / 5", "затрачено:", "лучший результат: 3 / 5", "Время указано по часовому поясу: Алматы, UTC+5."),
    ("kk", "Нәтиже: 2 / 5", "жұмсалған уақыт:", "үздік нәтиже: 3 / 5", "Уақыт белдеуі: Алматы, UTC+5."),
])
async def test_results_and_progress_label_their_numbers(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, clock: ManualClock,
        locale: str, score: str, taken: str, best: str, zone: str) -> None:
    """issue 9 item 21: the score, the time taken and the best score each say what they are."""
    learner = LearnerDriver(await client.new_user("Erlan", language_code=locale), course_key, locale)
    failed = await learner.take_quiz(await learner.read_lecture(await learner.start()), correct=2)
    clock.advance(minutes=11)
    await learner.take_quiz(failed, correct=3, button=learner.words["retake"])
    await learner.user.send("/results")
    results = await learner.user.wait_for(lambda m: score in m.text)
    assert taken in results.text and zone in results.text, results.text
    await learner.user.send("/progress")
    progress = await learner.user.wait_for(lambda m: best in m.text)
    assert f"1. {course_key.lecture_titles[locale][0]} · {best}" in progress.text


async def test_start_with_an_unknown_course_says_it_was_not_found(bot_app: Talimger, client: SandboxClient,
                                                                  course_key: CourseKey) -> None:
    """issue 9 item 18: /start no-such-course says the course was not found."""
    learner = LearnerDriver(await client.new_user("Ali", language_code="en"), course_key, "en")
    await learner.start()
    await learner.user.start("no-such-course")
    answer = await learner.user.wait_for(lambda m: "no-such-course" in m.text)
    assert "The course “no-such-course” was not found." in answer.text


async def test_a_finished_learner_is_not_told_here_is_where_you_stopped(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 18: after the whole course /start says welcome back and what is next, not "where you stopped"."""
    user = await client.new_user("Marat", language_code="en")
    learner = LearnerDriver(user, course_key, "en")
    await learner.start()
    await seed_lectures_passed(bot_app, user.id, final_test_passed=True)
    await user.send("/start")
    await user.wait_for(lambda m: "You have passed every lecture of this course." in m.text)
    transcript = await user.transcript()
    sent = max(m.message_id for m in transcript if not m.from_bot and m.text == "/start")
    replies = [m.text for m in transcript if m.from_bot and m.message_id > sent]
    assert replies[0] == "Welcome back!"
    assert not any("where you stopped" in text for text in replies)


async def test_a_used_cancel_button_disappears(bot_app: Talimger, client: SandboxClient,
                                               course_key: CourseKey) -> None:
    """issue 9 item 18: pressing Cancel under the profile prompt takes the button away."""
    learner = LearnerDriver(await client.new_user("Gulnar", language_code="en"), course_key, "en")
    await learner.start()
    user = learner.user
    await user.send("/profile")
    card = await user.wait_for(lambda m: "Your profile" in m.text)
    await user.press(card, "✏️ Change name")
    prompt = await user.wait_for(lambda m: "Cancel" in m.button_texts)
    await user.press(prompt, "Cancel")
    await user.wait_for(lambda m: "Cancelled. Nothing was changed." in m.text)
    [shown] = [m for m in await user.transcript() if m.message_id == prompt.message_id]
    assert shown.button_texts == []


@pytest.mark.parametrize(("locale", "heading"), [("en", "Check yourself"), ("ru", "Проверьте себя"),
                                                 ("kk", "Өзіңізді тексеріңіз")])
async def test_the_self_check_heading_appears_once(bot_app: Talimger, client: SandboxClient,
                                                   course_key: CourseKey, locale: str, heading: str) -> None:
    """issue 9 item 18: the chunk title and the "not graded" prompt no longer repeat the heading."""
    learner = LearnerDriver(await client.new_user("Curious", language_code=locale), course_key, locale)
    message = await learner.start()
    while not any(len(text) == 1 for text in message.button_texts):
        await learner.user.press(message, learner.words["next"])
        previous = message.message_id
        message = await learner.user.wait_for(lambda m: m.message_id > previous and m.buttons != [])
    assert message.text.count(heading) == 1, message.text


@pytest.mark.parametrize("locale", ["en", "kk"])
async def test_the_first_result_showing_a_time_offers_to_change_the_zone_once(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, clock: ManualClock, locale: str) -> None:
    """issue 9 item 15: the first message with a time carries a button to the zone picker; once per learner."""
    offer = {"en": "🕐 Change my time zone", "kk": "🕐 Уақыт белдеуін өзгерту"}[locale]
    learner = LearnerDriver(await client.new_user("Saule", language_code=locale), course_key, locale)
    failed = await learner.take_quiz(await learner.read_lecture(await learner.start()), correct=1)
    assert ALMATY[locale] in failed.text and offer in failed.button_texts
    await learner.user.press(failed, offer)
    picker = await learner.user.wait_for(lambda m: MOSCOW_BUTTON[locale] in m.button_texts)
    await learner.user.press(picker, MOSCOW_BUTTON[locale])
    await learner.user.wait_for(lambda m: m.message_id == picker.message_id
                                and any(text.startswith(ZONE_BUTTON[locale]) for text in m.button_texts))
    clock.advance(minutes=11)
    again = await learner.take_quiz(failed, correct=1, button=learner.words["retake"])
    assert MOSCOW[locale] in again.text and offer not in again.button_texts
