"""After a pass, the lab work comes first and the button to go on is the last message."""
from __future__ import annotations

from sandbox.client import SandboxClient
from sandbox.client_models import SandboxMessage
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver

LAB_FILES = {1: "lab1_calc.py", 3: "lab3_tools.py"}


def _after(messages: list[SandboxMessage], message_id: int) -> list[SandboxMessage]:
    return sorted((m for m in messages if m.from_bot and m.message_id > message_id), key=lambda m: m.message_id)


async def test_the_next_lecture_button_comes_after_the_lab_files(start_bot: AppFactory, client: SandboxClient,
                                                                 course_key: CourseKey) -> None:
    """issue 9 item 16: the lab document arrived after lecture 3's first part; now the lab text
    and its file come first and the result with "▶ Start the next lecture" is the last message,
    so the next lecture's first part is the next thing the learner sees."""
    await start_bot()
    learner = LearnerDriver(await client.new_user("Orderly", language_code="en"), course_key, "en")
    chunk = await learner.start()
    for number in (1, 2, 3):
        last = await learner.read_lecture(chunk)
        result = await learner.take_quiz(last, correct=5)
        transcript = await learner.user.wait_quiet(period=0.5)
        last_question = max(m.message_id for m in transcript if m.from_bot and "Question 5 of 5" in m.text)
        after_quiz = _after(transcript, last_question)
        assert after_quiz[-1].message_id == result.message_id, [m.summary() for m in after_quiz]
        assert after_quiz[-1].button_texts == ["▶ Start the next lecture"]
        if number in LAB_FILES:
            lab_text, lab_file = after_quiz[-3], after_quiz[-2]
            assert "Laboratory work" in lab_text.text
            assert lab_file.media is not None and lab_file.media.file_name == LAB_FILES[number]
        await learner.user.press(result, "▶ Start the next lecture")
        chunk = await learner.user.wait_for(lambda m: m.message_id > result.message_id and "Next ▶" in m.button_texts)
        assert f"Lecture {number + 1}." in chunk.text and "part 1 of" in chunk.text
        following = _after(await learner.user.wait_quiet(period=0.5), result.message_id)
        assert [m.message_id for m in following] == [chunk.message_id]
