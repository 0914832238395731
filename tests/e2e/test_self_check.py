"""An ungraded self-check step is answered inline and keeps the way forward."""
from __future__ import annotations

from bot.app import Talimger
from sandbox.client import SandboxClient
from tests.e2e.driver import CourseKey, LearnerDriver


async def test_a_self_check_answers_inline_and_keeps_next(bot_app: Talimger, client: SandboxClient,
                                                          course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Curious", language_code="en"), course_key, "en")
    message = await learner.start()
    while "not graded" not in message.text:
        await learner.user.press(message, "Next ▶")
        previous = message.message_id
        message = await learner.user.wait_for(lambda m: m.message_id > previous and m.buttons != [])
    letters = [text for text in message.button_texts if len(text) == 1]
    way_forward = [text for text in message.button_texts if len(text) > 1]
    assert way_forward in (["Next ▶"], ["📝 Take the quiz"])
    assert len(letters) >= 2
    query = await learner.user.press(message, letters[0])
    verdict = (await learner.user.wait_for_answer(query))["text"]
    assert verdict in {"✅ Right!", "❌ Not quite."}
    answered = await learner.user.wait_for(lambda m: m.message_id == message.message_id and m.edited)
    assert ("✅ Right: A." in answered.text) == (verdict == "✅ Right!")
    assert answered.button_texts == way_forward, "the answer buttons go, the way forward stays"
    await learner.user.press(answered, way_forward[0])
    following = await learner.user.wait_for(lambda m: m.message_id > answered.message_id)
    assert "part" in following.text or "Question 1 of 5" in following.text
