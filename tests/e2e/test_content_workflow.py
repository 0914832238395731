"""issue 10, the content workflow: upload → draft → preview → diff → publish → rollback, with /history."""
from __future__ import annotations

from sandbox import Sandbox
from sandbox.client import SandboxClient
from sandbox.client_models import SandboxMessage
from tests.conftest import MINI_COURSE
from tests.e2e.conftest import AppFactory
from tests.e2e.content_steps import INSTRUCTOR_ID, WAIT, grant_staff, rows, scalar, staff_admin_chat, zipped_sample
from tests.e2e.driver import WORDS, CourseKey, LearnerDriver, is_question

CHANGE = {"lectures/01-variables.yaml": ("Hello, world!", "Hello, Talimger!")}
COUNTED = ("enrolments", "lecture_progress", "quiz_attempts", "attempt_items")


def button_data(message: SandboxMessage, prefix: str) -> str:
    return next(b.callback_data for row in message.buttons for b in row if (b.callback_data or "").startswith(prefix))


async def counts(app: object) -> dict[str, object]:
    return {table: await scalar(app, f"SELECT count(*) FROM {table}") for table in COUNTED}  # type: ignore[arg-type]


async def test_upload_preview_diff_publish_rollback_history(sandbox: Sandbox, client: SandboxClient,
                                                             start_bot: AppFactory, course_key: CourseKey) -> None:
    """issue 10 (content workflow): before, a course sent as a document got "I did not understand
    that"; now it becomes a draft, previews in kk without a progress row, publishes, rolls back."""
    admin_chat = staff_admin_chat(sandbox)
    app = await start_bot(admin_chat_id=admin_chat)
    await grant_staff(app)
    published_v1 = await scalar(app, "SELECT current_version_id FROM courses WHERE slug = 'python-basics'")

    # A learner who has passed lecture 1, and one in the middle of its quiz (on version 1).
    passer = LearnerDriver(await client.new_user("Passer", language_code="en"), course_key, "en")
    await passer.take_quiz(await passer.read_lecture(await passer.start()), correct=5)
    midway = LearnerDriver(await client.new_user("Midway", language_code="en"), course_key, "en")
    last = await midway.read_lecture(await midway.start())
    await midway.user.press(last, WORDS["en"]["quiz"])
    first_question = await midway.user.wait_for(is_question, timeout=WAIT)
    await midway.user.press(first_question, course_key.right_letter(first_question))
    await midway.user.wait_for(lambda m: is_question(m) and m.message_id > first_question.message_id, timeout=WAIT)

    # Upload in the instructor's private chat: the report, in kk.
    instructor = client.user(INSTRUCTOR_ID)
    await instructor.send_document(zipped_sample(CHANGE), filename="python-basics.zip")
    report = await instructor.wait_for(lambda m: "python-basics" in m.text and "v2" in m.text, timeout=WAIT)
    assert "variables/video" in report.text and "✅" in report.text
    assert await scalar(app, "SELECT current_version_id FROM courses WHERE slug = 'python-basics'") == published_v1
    assert await scalar(app, "SELECT state FROM course_versions WHERE number = 2") == "draft"

    # /preview in kk: the changed text, then the quiz, with nothing written for anyone.
    before = await counts(app)
    await instructor.send("/preview python-basics variables kk")
    chunk = await instructor.wait_for(lambda m: "Hello, Talimger!" in m.text, timeout=WAIT)
    kk = WORDS["kk"]
    checked = False
    while True:
        if "A" in chunk.button_texts:  # the self-check: answered in place, as a learner sees it
            await instructor.press(chunk, "A")
            edited = chunk.edited
            chunk = await instructor.wait_for(lambda m: m.message_id == chunk.message_id and m.edited > edited,
                                              timeout=WAIT)
            assert ("✅" in chunk.text or "❌" in chunk.text) and "A" not in chunk.button_texts
            checked = True
        if kk["quiz"] in chunk.button_texts:
            break
        await instructor.press(chunk, kk["next"])
        previous = chunk.message_id
        chunk = await instructor.wait_for(lambda m: m.message_id > previous and (
            kk["next"] in m.button_texts or kk["quiz"] in m.button_texts), timeout=WAIT)
    assert checked
    await instructor.press(chunk, kk["quiz"])
    for _number in range(5):
        question = await instructor.wait_for(lambda m: is_question(m) and m.message_id > chunk.message_id,
                                             timeout=WAIT)
        assert question.text.count("\n") > 2 and "Сұрақ" in question.text
        await instructor.press(question, course_key.right_letter(question))
        chunk = question
    result = await instructor.wait_for(lambda m: m.message_id > chunk.message_id and m.text.startswith("👁"),
                                       timeout=WAIT)
    assert "5" in result.text
    assert await counts(app) == before
    assert await scalar(app, "SELECT count(*) FROM enrolments WHERE user_id = :id", id=INSTRUCTOR_ID) == 0

    # /diff names the changed chunk; /publish with its button makes the draft live.
    await instructor.send("/diff")
    diff = await instructor.wait_for(lambda m: "variables/intro" in m.text, timeout=WAIT)
    assert "v2" in diff.text and "v1" in diff.text and "✏️" in diff.text
    await instructor.send("/publish python-basics")
    ask = await instructor.wait_for(lambda m: any((b.callback_data or "").startswith("cnt:pub") for row in m.buttons
                                                  for b in row), timeout=WAIT)
    await instructor.press(ask, callback_data=button_data(ask, "cnt:pub"))
    await instructor.wait_for(lambda m: m.text.startswith("🚀") and "v2" in m.text, timeout=WAIT)
    v2 = await scalar(app, "SELECT id FROM course_versions WHERE number = 2")
    assert await scalar(app, "SELECT current_version_id FROM courses WHERE slug = 'python-basics'") == v2

    # The learner who passed the changed lecture hears of it once.
    note = await passer.user.wait_for(lambda m: m.text.startswith("ℹ️"), timeout=WAIT)
    assert course_key.lecture_titles["en"][0] in note.text
    # ...through the outbox, queued with the publish (issue 11: one outbox), once per learner and version.
    assert app.outbox is not None
    await app.outbox.drain()  # waits for the batch in flight to be recorded
    assert await scalar(app, f"SELECT state || ' ' || dedupe_key FROM deliveries WHERE kind = 'note' "
                             f"AND chat_id = {passer.user.id}") == f"sent note:python-basics:v2:{passer.user.id}"

    # The learner mid-quiz finishes on version 1.
    question = await midway.user.wait_for(is_question, timeout=WAIT)
    while True:
        await midway.user.press(question, course_key.right_letter(question))
        following = await midway.user.wait_for(lambda m: m.message_id > question.message_id and (
            is_question(m) or m.text.startswith(WORDS["en"]["result"])), timeout=WAIT)
        if not is_question(following):
            break
        question = following
    attempts = await rows(app, "SELECT l.version_id, a.score FROM quiz_attempts a JOIN lectures l ON l.id = a.lecture_id "
                               "JOIN enrolments e ON e.id = a.enrolment_id WHERE e.user_id = :id", id=midway.user.id)
    assert attempts == [(published_v1, 5)]

    # A new learner reads the change.
    newcomer = LearnerDriver(await client.new_user("Newcomer", language_code="en"), course_key, "en")
    assert "Hello, Talimger!" in (await newcomer.start()).text

    # /rollback with its button: version 1 is live again, and a learner starting now reads it.
    await instructor.send("/rollback")
    ask = await instructor.wait_for(lambda m: any((b.callback_data or "").startswith("cnt:rb") for row in m.buttons
                                                  for b in row), timeout=WAIT)
    await instructor.press(ask, callback_data=button_data(ask, "cnt:rb"))
    await instructor.wait_for(lambda m: m.text.startswith("↩️"), timeout=WAIT)
    assert await scalar(app, "SELECT current_version_id FROM courses WHERE slug = 'python-basics'") == published_v1
    late = LearnerDriver(await client.new_user("Late", language_code="en"), course_key, "en")
    first = await late.start()
    assert "Hello, world!" in first.text and "Talimger!" not in first.text

    # /history names who did each step.
    await instructor.send("/history python-basics")
    history = await instructor.wait_for(lambda m: "↩️" in m.text, timeout=WAIT)
    lines = [line for line in history.text.splitlines() if "Айгүл" in line]
    assert [next(mark for mark in ("↩️", "🚀", "⬆️") if mark in line) for line in lines] == ["↩️", "🚀", "⬆️"]
    assert "v1 · v2 → v1" in lines[0] and "v2 · v1 → v2" in lines[1] and "python-basics.zip" in lines[2]
    assert all(str(INSTRUCTOR_ID) in line for line in lines)


async def test_a_new_slug_uploaded_in_the_admin_chat_is_a_draft_course_learners_cannot_find(
        sandbox: Sandbox, client: SandboxClient, start_bot: AppFactory) -> None:
    """issue 10 (upload): a course with a new slug is created unpublished; a deep link to it finds nothing
    until /publish, and then finds it."""
    admin_chat = staff_admin_chat(sandbox)
    app = await start_bot(admin_chat_id=admin_chat)
    await grant_staff(app)
    instructor = client.user(INSTRUCTOR_ID, chat_id=admin_chat)
    await instructor.send_document(MINI_COURSE.read_bytes(), filename="mini.yaml")
    report = await instructor.wait_for(lambda m: "(mini)" in m.text, timeout=WAIT)
    assert "v1" in report.text and "l1/demo" in report.text
    assert await rows(app, "SELECT is_published, current_version_id FROM courses WHERE slug = 'mini'") == [(0, None)]

    learner = await client.new_user("Curious", language_code="en")
    await learner.start("mini")
    await learner.wait_for(lambda m: "“mini” was not found" in m.text, timeout=WAIT)

    await instructor.send("/publish mini")
    ask = await instructor.wait_for(lambda m: any((b.callback_data or "").startswith("cnt:pub") for row in m.buttons
                                                  for b in row), timeout=WAIT)
    await instructor.press(ask, callback_data=button_data(ask, "cnt:pub"))
    await instructor.wait_for(lambda m: m.text.startswith("🚀") and "mini" in m.text, timeout=WAIT)
    await learner.start("mini")
    picker = await learner.wait_for(lambda m: WORDS["en"]["language"] in " ".join(m.button_texts), timeout=WAIT)
    await learner.press(picker, next(t for t in picker.button_texts if WORDS["en"]["language"] in t))
    await learner.wait_for(lambda m: "Intro text of lecture 1" in m.text, timeout=WAIT)
