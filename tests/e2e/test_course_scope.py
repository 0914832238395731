"""issue 10 item 1: a grant for one course is enforced wherever a course is settled on."""
from __future__ import annotations

from sandbox import Sandbox
from sandbox.client import SandboxClient
from sandbox.client_models import SandboxMessage

from bot.app import Talimger
from bot.db.models import Certificate, Enrolment
from bot.services.certificates import new_certificate_code
from bot.services.course_import import CourseImporter
from bot.services.staff import Role
from content.loader import load_course
from handlers.instructor.preview import PreviewCb
from handlers.instructor.publish import ContentCb
from tests.conftest import MINI_COURSE
from tests.e2e.conftest import AppFactory
from tests.e2e.content_steps import COORDINATOR_ID, INSTRUCTOR_ID, WAIT, rows, scalar, staff_admin_chat, zipped_sample
from tests.e2e.staff_steps import hold_role

CHANGE = {"lectures/01-variables.yaml": ("Hello, world!", "Hello, Talimger!")}
NOT_YOURS_KK = "курсы Сізге берілмеген"  # "The course … was not granted to you", in the instructor's kk


async def load_mini(app: Talimger) -> int:
    """The second course (B), published, as an owner's upload would leave it."""
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        await uow.begin_write()
        result = await CourseImporter(uow, app.clock).publish(load_course(MINI_COURSE))
        await uow.commit()
    return result.course_id


async def content_state(app: Talimger) -> list[object]:
    """What a refused step must leave as it was."""
    return [await rows(app, "SELECT id, number, state FROM course_versions ORDER BY id"),
            await rows(app, "SELECT id, current_version_id, is_published FROM courses ORDER BY id"),
            await scalar(app, "SELECT count(*) FROM content_audit"),
            await rows(app, "SELECT id, body FROM chunks ORDER BY id")]


def has_button(prefix: str):  # type: ignore[no-untyped-def]
    return lambda m: any((b.callback_data or "").startswith(prefix) for row in m.buttons for b in row)


def button_data(message: SandboxMessage, prefix: str) -> str:
    return next(b.callback_data for row in message.buttons for b in row if (b.callback_data or "").startswith(prefix))


async def test_an_instructor_of_one_course_is_refused_every_step_on_another_and_may_do_them_on_theirs(
        sandbox: Sandbox, client: SandboxClient, start_bot: AppFactory) -> None:
    """issue 10 item 1: before, `/grant instructor ID python-basics` gave every course; now each
    step on course B is refused with a localized text and changes nothing, and course A works."""
    admin_chat = staff_admin_chat(sandbox)
    app = await start_bot(admin_chat_id=admin_chat)
    mini_id = await load_mini(app)
    await hold_role(app, INSTRUCTOR_ID, Role.INSTRUCTOR, course="python-basics")
    mini_version = await scalar(app, "SELECT current_version_id FROM courses WHERE id = :id", id=mini_id)
    mini_lecture = await scalar(app, "SELECT min(id) FROM lectures WHERE version_id = :v", v=mini_version)
    instructor = client.user(INSTRUCTOR_ID)
    in_chat = client.user(INSTRUCTOR_ID, chat_id=admin_chat)

    await instructor.send("/courses")
    listed = await instructor.wait_for(lambda m: "python-basics" in m.text, timeout=WAIT)
    assert "mini" not in listed.text

    # An upload of B's file creates nothing: it has a draft-less published v1 before and after.
    before = await content_state(app)
    await instructor.send_document(MINI_COURSE.read_bytes(), filename="mini.yaml")
    await instructor.wait_for(lambda m: NOT_YOURS_KK in m.text and "mini" in m.text, timeout=WAIT)
    # A new slug: only all-course instructors and owners create courses.
    brand_new = MINI_COURSE.read_text(encoding="utf-8").replace("slug: mini", "slug: brand-new", 1)
    await instructor.send_document(brand_new.encode("utf-8"), filename="brand-new.yaml")
    await instructor.wait_for(lambda m: "brand-new" in m.text and "курсы әлі жоқ" in m.text, timeout=WAIT)
    assert await scalar(app, "SELECT count(*) FROM courses WHERE slug = 'brand-new'") == 0

    for command in ("/diff mini", "/publish mini", "/rollback mini", "/history mini", "/export mini"):
        await instructor.mark()
        await instructor.send(command)
        answer = await instructor.wait_for(lambda m: m.from_bot, timeout=WAIT)
        assert NOT_YOURS_KK in answer.text and "mini" in answer.text, (command, answer.text)
        assert not answer.buttons and answer.media is None, command

    # Forged presses: a confirmation naming B, a preview page of B's lecture.
    anchor = await instructor.send("/courses")
    for data in (ContentCb(act="pub", c=mini_id, v=mini_version).pack(),
                 ContentCb(act="rb", c=mini_id, v=mini_version).pack(),
                 PreviewCb(act="c", l=mini_lecture, p=0, g="kk").pack()):
        await instructor.mark()
        await instructor.press(anchor["message"]["message_id"], callback_data=data, forge=True)
        refused = await instructor.wait_for(lambda m: m.from_bot and NOT_YOURS_KK in m.text, timeout=WAIT)
        assert "Intro text" not in refused.text

    # A file captioned with B's chunk, in the admin chat.
    await in_chat.send_document(b"%PDF-1.4 demo", filename="demo.pdf", caption="l1/demo")
    await in_chat.wait_for(lambda m: NOT_YOURS_KK in m.text, timeout=WAIT)
    assert await content_state(app) == before

    # Course A: upload, diff, publish, history, export all work.
    await instructor.send_document(zipped_sample(CHANGE), filename="python-basics.zip")
    await instructor.wait_for(lambda m: "python-basics" in m.text and "v2" in m.text, timeout=WAIT)
    await instructor.send("/diff python-basics")
    await instructor.wait_for(lambda m: "variables/intro" in m.text, timeout=WAIT)
    await instructor.send("/publish python-basics")
    ask = await instructor.wait_for(has_button("cnt:pub"), timeout=WAIT)
    await instructor.press(ask, callback_data=button_data(ask, "cnt:pub"))
    await instructor.wait_for(lambda m: m.text.startswith("🚀") and "v2" in m.text, timeout=WAIT)
    await instructor.send("/history")
    history = await instructor.wait_for(lambda m: "🚀" in m.text, timeout=WAIT)
    assert "mini" not in history.text
    await instructor.send("/export python-basics")
    await instructor.wait_for(lambda m: m.media is not None, timeout=WAIT)
    await instructor.send("/rollback python-basics")
    ask = await instructor.wait_for(has_button("cnt:rb"), timeout=WAIT)
    await instructor.press(ask, callback_data=button_data(ask, "cnt:rb"))
    await instructor.wait_for(lambda m: m.text.startswith("↩️"), timeout=WAIT)


async def test_a_coordinator_of_one_course_cannot_revoke_or_reissue_a_certificate_of_another(
        sandbox: Sandbox, client: SandboxClient, start_bot: AppFactory) -> None:
    """issue 10 item 1: before, a coordinator granted python-basics revoked any course's certificate."""
    admin_chat = staff_admin_chat(sandbox)
    app = await start_bot(admin_chat_id=admin_chat)
    mini_id = await load_mini(app)
    await hold_role(app, COORDINATOR_ID, Role.COORDINATOR, course="python-basics")
    holder = await client.new_user("Holder", language_code="en")
    await holder.send("/start")
    await holder.wait_for(timeout=WAIT)
    code = new_certificate_code()
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        await uow.begin_write()
        version = await scalar(app, "SELECT current_version_id FROM courses WHERE id = :id", id=mini_id)
        enrolment = Enrolment(user_id=holder.id, course_id=mini_id, version_id=version, enrolled_at=app.clock.now(),
                              completed_at=app.clock.now(), last_activity_at=app.clock.now())
        uow.session.add(enrolment)
        await uow.session.flush()
        uow.session.add(Certificate(code=code, enrolment_id=enrolment.id, user_id=holder.id, course_id=mini_id,
                                    holder_name="Holder", average_score=100.0, lecture_count=2,
                                    issued_at=app.clock.now()))
        await uow.commit()

    coordinator = client.user(COORDINATOR_ID, chat_id=admin_chat)
    await coordinator.send(f"/revoke {code} copied answers")
    await coordinator.wait_for(lambda m: "not granted to you" in m.text, timeout=WAIT)
    await coordinator.send(f"/reissue {code}")
    mark_text = "not granted to you"
    answers = await coordinator.wait_for(lambda m: mark_text in m.text, timeout=WAIT)
    assert answers is not None
    assert await rows(app, "SELECT code, revoked_at FROM certificates") == [(code, None)]
