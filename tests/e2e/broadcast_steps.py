"""Set-up and conversation steps for the /broadcast tests: a seeded set of learners (rows as the
bot would have written them), a coordinator in the admin chat, and the draft's button presses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text

from bot.app import Talimger
from bot.db.models import Enrolment, LectureProgress, User
from bot.services.staff import Role
from bot.telegram.keyboards_broadcast import BroadcastDraftCb
from sandbox.client import ChatUser, SandboxClient
from sandbox.client_models import SandboxMessage
from tests.e2e.content_steps import scalar
from tests.e2e.staff_steps import hold_role

ADMIN_CHAT_ID = -1001234567890


@dataclass(frozen=True)
class Seeded:
    """kk/ru/en: active in course A, each in their language; stalled: ru, 10 days idle, nothing
    opened; ahead: en, lecture 1 passed, lecture 2 not opened; finished: ru, completed; other: en,
    course B only; quiet: kk in A, opted out of announcements."""

    learners: dict[str, ChatUser]
    course_a: int
    course_b: int


def data(action: str, n: int = 0, w: str = "") -> str:
    return BroadcastDraftCb(a=action, n=n, w=w).pack()  # type: ignore[arg-type]


def has_data(packed: str):  # type: ignore[no-untyped-def]
    return lambda m: any(b.callback_data == packed for row in m.buttons for b in row)


async def coordinator_in_admin_chat(client: SandboxClient, app: Talimger, name: str = "Dana",
                                    course: str | None = None) -> ChatUser:
    """A coordinator (all courses, or `course`), a member of the admin chat, in their private chat."""
    coordinator = await client.new_user(name, language_code="en")
    await hold_role(app, coordinator.id, Role.COORDINATOR, course=course)
    return coordinator


async def admin_chat(client: SandboxClient, *members: ChatUser) -> None:
    await client.new_group("Admins", list(members), admins=list(members), id=ADMIN_CHAT_ID, type="supergroup")


async def seed_learners(client: SandboxClient, app: Talimger, course_b: int) -> Seeded:
    assert app.uow_factory is not None
    course_a = int(await scalar(app, "SELECT id FROM courses WHERE slug = 'python-basics'"))  # type: ignore[arg-type]
    versions = {course_a: await scalar(app, "SELECT current_version_id FROM courses WHERE id = :id", id=course_a),
                course_b: await scalar(app, "SELECT current_version_id FROM courses WHERE id = :id", id=course_b)}
    lectures = await _lecture_keys(app, int(versions[course_a]))  # type: ignore[arg-type]
    now = app.clock.now()
    plan = {  # name: (language, course, days idle, opened keys, passed keys, completed, announcements)
        "kk": ("kk", course_a, 0, lectures[:1], [], False, True),
        "ru": ("ru", course_a, 1, lectures[:1], [], False, True),
        "en": ("en", course_a, 1, lectures[:1], [], False, True),
        "stalled": ("ru", course_a, 10, [], [], False, True),
        "ahead": ("en", course_a, 2, lectures[:1], lectures[:1], False, True),
        "finished": ("ru", course_a, 3, lectures, lectures, True, True),
        "other": ("en", course_b, 0, [], [], False, True),
        "quiet": ("kk", course_a, 0, lectures[:1], [], False, False),
    }
    learners = {}
    async with app.uow_factory() as uow:
        await uow.begin_write()
        for name, (language, course, idle, opened, passed, completed, announcements) in plan.items():
            user = await client.new_user(name.capitalize(), language_code=language)
            learners[name] = user
            seen = now - timedelta(days=idle)
            uow.session.add(User(id=user.id, first_name=user.first_name, telegram_language=language, locale=language,
                                 created_at=seen, last_seen_at=seen, announcements=announcements))
            await uow.session.flush()
            enrolment = Enrolment(user_id=user.id, course_id=course, version_id=versions[course], enrolled_at=seen,
                                  last_activity_at=seen, completed_at=seen if completed else None)
            uow.session.add(enrolment)
            await uow.session.flush()
            for key in opened:
                uow.session.add(LectureProgress(enrolment_id=enrolment.id, lecture_key=key, chunk_cursor=0,
                                                opened_at=seen, passed_at=seen if key in passed else None))
        await uow.commit()
    return Seeded(learners, course_a, course_b)


async def _lecture_keys(app: Talimger, version_id: int) -> list[str]:
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        result = await uow.session.execute(text("SELECT key FROM lectures WHERE version_id = :v ORDER BY position"),
                                           {"v": version_id})
        return [row[0] for row in result.all()]


async def draft_to_summary(coordinator: ChatUser, message: str, course_id: int | None, kind: str,
                           language: str = "", days: int | None = None) -> SandboxMessage:
    """/broadcast, the message, the course (None: every course; skipped when only one is granted),
    the audience: returns the summary with its Confirm button."""
    await coordinator.send("/broadcast")
    await coordinator.wait_for(lambda m: "New broadcast" in m.text)
    await coordinator.send(message)
    asked = await coordinator.wait_for(lambda m: has_data(data("kind", w="everyone"))(m)
                                       or has_data(data("course", n=0))(m))
    if has_data(data("course", n=0))(asked):
        await coordinator.press(asked, callback_data=data("course", n=course_id or 0))
        asked = await coordinator.wait_for(has_data(data("kind", w="everyone")))
    await coordinator.press(asked, callback_data=data("kind", w=kind))
    if kind == "language":
        picker = await coordinator.wait_for(has_data(data("lang", w=language)))
        await coordinator.press(picker, callback_data=data("lang", w=language))
    elif kind == "stalled":
        await coordinator.wait_for(lambda m: "how many days" in m.text)
        await coordinator.send(str(days))
    return await coordinator.wait_for(has_data(data("confirm")))


async def got(user: ChatUser, text: str) -> int:
    """How many messages with `text` the learner got."""
    return sum(1 for m in await user.transcript() if m.from_bot and text in m.text)
