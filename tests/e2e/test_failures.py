"""When Telegram fails mid-step, the learner is told and loses nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.app import Talimger
from bot.db.models import AttemptItem
from sandbox.client import SandboxClient
from tests.e2e.driver import CourseKey, LearnerDriver, is_question


async def test_a_server_error_after_an_answer_keeps_the_answer(bot_app: Talimger, client: SandboxClient,
                                                                course_key: CourseKey) -> None:
    learner = LearnerDriver(await client.new_user("Unlucky", language_code="en"), course_key, "en")
    last = await learner.read_lecture(await learner.start())
    await learner.user.press(last, "📝 Take the quiz")
    question = await learner.user.wait_for(is_question)
    await client.inject_fault("editMessageText", 502, "Bad Gateway", count=1)
    await learner.user.press(question, course_key.right_letter(question))
    await learner.user.wait_for(lambda m: "something went wrong" in m.text)
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        answered = await uow.session.scalar(
            select(func.count()).select_from(AttemptItem).where(AttemptItem.is_correct.is_(True)))
    assert answered == 1
    await learner.user.send("/lesson")
    resumed = await learner.user.wait_for(is_question)
    assert "Question 2 of 5" in resumed.text
