"""With Telegram's limits switched on in the sandbox, nothing the bot sends is lost."""
from __future__ import annotations

from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver, is_question


async def test_a_burst_into_one_chat_waits_out_429_and_arrives_in_order(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    # The bot's own pacing is off here, so only Telegram's 429 answers can slow it down.
    await start_bot()
    learner = LearnerDriver(await client.new_user("Patient", language_code="en"), course_key, "en")
    last = await learner.read_lecture(await learner.start())
    await learner.user.press(last, "📝 Take the quiz")
    for number in range(5):
        question = await learner.user.wait_for(is_question)
        if number == 4:
            # Passing sends the lab work, its file and the result at once: a burst.
            await client.settings(rate_limits_enabled=True)
        await learner.user.press(question, course_key.right_letter(question))
        if number < 4:
            await learner.user.wait_for(lambda m: m.message_id > question.message_id and is_question(m))
    result = await learner.user.wait_for(lambda m: m.text.startswith("Quiz result"), timeout=20)
    refused = [call for call in await client.calls() if call["status"] == 429]
    assert refused, "the sandbox should have pushed back at least once"
    after_quiz = [m for m in await learner.user.transcript() if m.from_bot and m.message_id > question.message_id]
    # issue 9 item 16: the lab work and its file first, the result with the next step's button last.
    assert "Laboratory work" in after_quiz[0].text
    assert after_quiz[1].media is not None and after_quiz[1].media.file_name == "lab1_calc.py"
    assert after_quiz[-1].message_id == result.message_id and "5 of 5" in result.text
    assert "▶ Start the next lecture" in result.button_texts
