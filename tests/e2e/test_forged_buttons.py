"""Forged callback data (out-of-range numbers, unknown words, a step not reached) is answered and changes nothing."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import Talimger
from bot.db.models import AttemptItem, Enrolment, FsmState, LectureProgress, QuizAttempt, User
from sandbox.client import SandboxClient
from tests.e2e.driver import CourseKey, LearnerDriver, is_question

OUT_OF_DATE = "This button is out of date. Send /lesson to continue where you stopped."
HUGE = 2**70  # 1180591620717411303424: past any 64-bit integer
FORGED = [
    f"qa:{HUGE}:0:0", f"qa:1:{HUGE}:0", f"qa:1:0:{HUGE}", "qa:-1:0:0", f"qa:{2**40}:0:0", f"ol:{2**40}",
    f"qs:{HUGE}", f"qs:1:{HUGE}", f"ol:{HUGE}", f"ol:1:{HUGE}", f"nx:{HUGE}:1:0:0", f"nx:1:1:{HUGE}:0",
    "nx:1:1:0:7", f"rv:{HUGE}", f"sc:{HUGE}:0", f"sc:1:{HUGE}", f"enrol:{HUGE}", "enrol:0",
    "lang:xx", "st:drop:", f"st:set_zone:{'x' * 60}", "pf:admin", "cn:maybe", "qa:1:0", "nothing:at:all",
    # Review of issue 9, item 11: real zone names never offered as a choice are not stored either.
    "st:set_zone:Factory", "st:set_zone:right/UTC", "st:set_zone:posix/Asia/Almaty", "st:set_zone:Etc/GMT+12",
]


async def _snapshot(app: Talimger) -> dict[str, Any]:
    """Everything a press could change."""
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        def rows(model: type, *columns: Any) -> Any:
            return uow.session.execute(select(*columns).order_by(model.id))  # type: ignore[attr-defined]

        return {
            "attempts": (await rows(QuizAttempt, QuizAttempt.id, QuizAttempt.finished_at)).all(),
            "answers": (await rows(AttemptItem, AttemptItem.id, AttemptItem.chosen_option)).all(),
            "progress": (await rows(LectureProgress, LectureProgress.lecture_key,
                                    LectureProgress.chunk_cursor)).all(),
            "enrolments": (await rows(Enrolment, Enrolment.id, Enrolment.course_id)).all(),
            "users": (await rows(User, User.id, User.locale, User.name_confirmed,
                                 User.timezone, User.quiet_hours)).all(),
            # What the next typed message answers (issue 10: aiogram FSM state, no longer a users column).
            "conversations": (await uow.session.execute(select(FsmState.user_id, FsmState.state)
                                                        .order_by(FsmState.user_id, FsmState.chat_id))).all(),
        }


async def test_forged_callback_data_with_huge_numbers_is_answered_and_changes_nothing(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 6: every field of every button is bounded; a press that does not parse is
    answered "out of date" (no spinner left turning) and touches nothing."""
    learner = LearnerDriver(await client.new_user("Forger", language_code="en"), course_key, "en")
    await learner.user.press(await learner.read_lecture(await learner.start()), learner.words["quiz"])
    question = await learner.user.wait_for(is_question)
    await learner.user.wait_quiet()
    before = await _snapshot(bot_app)
    messages_before = len(await learner.user.transcript())

    for data in FORGED:
        query = await learner.user.press(question, callback_data=data, forge=True)
        answer = await learner.user.wait_for_answer(query, timeout=5)
        assert answer["text"] == OUT_OF_DATE, (data, answer)

    await learner.user.wait_quiet()
    assert await _snapshot(bot_app) == before
    assert len(await learner.user.transcript()) == messages_before, "a forged press sends nothing"


async def test_a_forged_name_confirmation_mid_course_is_refused(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 6: "cn:yes" only counts at the name check after the last lecture (and the
    final test); pressed mid-course it is refused and the name stays unconfirmed."""
    learner = LearnerDriver(await client.new_user("Early Bird", language_code="en"), course_key, "en")
    first = await learner.start()
    for data in ("cn:yes", "cn:change"):
        query = await learner.user.press(first, callback_data=data, forge=True)
        answer = await learner.user.wait_for_answer(query)
        assert answer["text"] == OUT_OF_DATE, (data, answer)
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        user = await uow.users.get(learner.user.id)
        assert user is not None
        assert user.name_confirmed is False
        awaited = await uow.session.execute(select(FsmState.state).where(FsmState.user_id == learner.user.id))
        assert awaited.scalars().all() == []  # not waiting for a typed name
