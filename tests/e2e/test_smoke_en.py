"""A first conversation in English through the sandbox."""
from __future__ import annotations

from sandbox.client import SandboxClient
from tests.e2e.driver import CourseKey, LearnerDriver


async def test_start_read_and_pass_first_quiz(bot_app, client: SandboxClient, course_key: CourseKey) -> None:
    user = await client.new_user("Aigerim", language_code="en")
    learner = LearnerDriver(user, course_key, "en")
    first = await learner.start()
    assert "Lecture 1" in first.text
    last = await learner.read_lecture(first)
    result = await learner.take_quiz(last, correct=5)
    assert "5 of 5" in result.text
