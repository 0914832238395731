"""/export and /courses in the admin chat, through the real bot and the sandbox; a learner is not served."""
from __future__ import annotations

import io
import zipfile

from bot.services.course_export import CourseExport, CourseExporter
from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver
from bot.services.staff import Role
from tests.e2e.staff_steps import hold_role

INSTRUCTOR = 900_001  # the sandbox's admin chat staff (sandbox/web/routes.py)


async def test_export_in_the_admin_chat_sends_the_course_as_that_zip(
        start_bot: AppFactory, sandbox: Sandbox, client: SandboxClient) -> None:
    """issue 10 export: /export answers with a .zip document whose bytes are the course's export."""
    group = sandbox.ensure_admin_chat().id
    app = await start_bot(admin_chat_id=group)
    await hold_role(app, INSTRUCTOR, Role.INSTRUCTOR)  # as an owner's /grant gives it
    instructor = client.user(INSTRUCTOR, chat_id=group)
    await instructor.send("/export")
    sent = await instructor.wait_for(lambda m: m.from_bot and m.media is not None, timeout=30)
    assert sent.media is not None and sent.media.kind == "document"
    assert sent.media.file_name == "python-basics-v1.zip"
    assert "python-basics" in sent.text and "version 1" in sent.text
    data = await client.download(sent.media.file_id)

    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        expected = await CourseExporter(uow, app.media_store).export("python-basics")
    assert isinstance(expected, CourseExport) and data == expected.data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    assert "course.yaml" in names and "lectures/01-variables.yaml" in names and "media/week1.mp4" in names

    await instructor.send("/export no-such-course")
    refusal = await instructor.wait_for(lambda m: "no-such-course" in m.text)
    assert "python-basics" in refusal.text


async def test_courses_lists_the_sample_course_with_its_learners(
        start_bot: AppFactory, sandbox: Sandbox, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 10 /courses: slug, title in the instructor's language, learners enrolled, versions, draft."""
    group = sandbox.ensure_admin_chat().id
    await hold_role(await start_bot(admin_chat_id=group), INSTRUCTOR, Role.INSTRUCTOR)  # as /grant gives it
    for name in ("Aru", "Dana"):
        learner = await client.new_user(name, language_code="en")
        await LearnerDriver(learner, course_key, "en").start()

    instructor = client.user(INSTRUCTOR, chat_id=group)
    await instructor.send("/courses")
    listing = await instructor.wait_for(lambda m: "python-basics" in m.text, timeout=30)
    assert "Python programming basics" in listing.text
    assert "Learners enrolled: 2" in listing.text
    assert "Published version: 1 (versions stored: 1)" in listing.text
    assert "Draft: none" in listing.text


async def test_a_learner_gets_neither_the_course_list_nor_an_export(
        start_bot: AppFactory, sandbox: Sandbox, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 10: /export and /courses are staff commands; a learner in a private chat gets the polite
    refusal of every staff command, and nothing of the course."""
    group = sandbox.ensure_admin_chat().id
    await hold_role(await start_bot(admin_chat_id=group), INSTRUCTOR, Role.INSTRUCTOR)  # as /grant gives it
    learner = await client.new_user("Aru", language_code="en")
    await LearnerDriver(learner, course_key, "en").start()
    for command in ("/export", "/courses", "/export python-basics"):
        sent = await learner.send(command)
        await learner.wait_for(lambda m: m.from_bot and m.message_id > sent["message"]["message_id"]
                               and m.text == "Sorry, this is for the course staff only. Nothing was changed.")
    transcript = await learner.transcript()
    assert not any(m.media is not None and m.media.kind == "document" for m in transcript)
    assert not any("Learners enrolled" in m.text or "python-basics-v" in m.text for m in transcript)
