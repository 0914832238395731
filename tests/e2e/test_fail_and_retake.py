"""Failing a quiz points the learner back to the chunks the missed questions test."""
from __future__ import annotations

from bot.app import Talimger
from bot.services.clock import ManualClock
from sandbox.client import SandboxClient
from tests.e2e.driver import CourseKey, LearnerDriver


async def test_fail_review_then_retake_and_pass(bot_app: Talimger, client: SandboxClient,
                                                course_key: CourseKey, clock: ManualClock) -> None:
    user = await client.new_user("Dana", language_code="en")
    learner = LearnerDriver(user, course_key, "en")
    last = await learner.read_lecture(await learner.start())
    failed = await learner.take_quiz(last, correct=2)
    assert "You answered 2 of 5 questions correctly." in failed.text
    assert "To pass you need 3 of 5." in failed.text
    review_buttons = [text for text in failed.button_texts if text.startswith("📖 Review: ")]
    assert review_buttons, failed.text
    assert "▶ Start the next lecture" not in failed.button_texts
    for label in review_buttons:
        assert label.removeprefix("📖 Review: ") in failed.text

    # Following a pointer shows that chunk again.
    title = review_buttons[0].removeprefix("📖 Review: ")
    await user.press(failed, review_buttons[0])
    reviewed = await user.wait_for(lambda m: m.message_id > failed.message_id and title in m.text)
    assert "Lecture 1." in reviewed.text

    # /progress still shows lecture 2 locked.
    await user.send("/progress")
    progress = await user.wait_for(lambda m: "Your progress" in m.text)
    assert "Passed 0 of 4 lectures." in progress.text and "🔒 2." in progress.text

    # The sample course asks for a 10-minute pause between attempts.
    assert "You can retake the quiz from" in failed.text
    too_soon = await user.press(failed, "🔁 Retake the quiz")
    assert "You can retake this quiz from" in (await user.wait_for_answer(too_soon))["text"]
    clock.advance(minutes=11)
    passed = await learner.take_quiz(failed, correct=3, button="🔁 Retake the quiz")
    assert "You answered 3 of 5 questions correctly." in passed.text
    assert "Passed — you reached the pass mark." in passed.text
    assert "▶ Start the next lecture" in passed.button_texts

    await user.send("/results")
    results = await user.wait_for(lambda m: "Your quiz attempts" in m.text)
    assert "❌ Lecture 1." in results.text and "Score: 2 / 5" in results.text
    assert "✅ Lecture 1." in results.text and "Score: 3 / 5" in results.text
