"""issue 10 (drafts): an upload is a draft that learners never see; the diff flags a changed answer."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_drafts import Actor, CourseDraftService
from content import load_course
from tests.conftest import MINI_COURSE

ACTOR = Actor(42, "Aigul")


def changed_mini(tmp_path: Path, slug: str = "mini") -> Path:
    source = MINI_COURSE.read_text(encoding="utf-8")
    source = source.replace("en: Intro text of lecture 1\n", "en: Intro text of lecture 1, revised\n", 1)
    # q1: the first option ("right 1") is no longer the correct one, the second is.
    first = source.index("          en: right 1\n        correct: true\n")
    source = source[:first] + "          en: right 1\n" + source[first + len("          en: right 1\n        correct: true\n"):]
    second = source.index("      - text:", first)
    end = source.index("\n      - text:", second + 1)
    source = source[:end] + "\n        correct: true" + source[end:]
    source = source.replace("slug: mini", f"slug: {slug}", 1)
    path = tmp_path / f"{slug}.yaml"
    path.write_text(source, encoding="utf-8")
    return path


async def test_a_draft_leaves_the_published_version_and_the_diff_flags_a_changed_answer(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, mini_course: int, tmp_path: Path) -> None:
    async with uow_factory() as uow:
        published = (await uow.courses.get(mini_course)).current_version_id  # type: ignore[union-attr]
        drafts = CourseDraftService(uow, clock, None)
        made = await drafts.make_draft(load_course(changed_mini(tmp_path)), ACTOR, "mini.yaml")
        again = await drafts.make_draft(load_course(changed_mini(tmp_path)), ACTOR, "mini.yaml")
        course = await drafts.course("mini")
        draft, before, changes = await drafts.diff(course)
        await uow.commit()
    assert (made.number, again.number, draft.number, course.current_version_id) == (2, 3, 3, published)
    assert before is not None and before.id == published
    found = {(change.kind, change.lecture_key, change.item_key, change.answer_changed) for change in changes}
    assert found == {("chunk_changed", "l1", "intro", False), ("question_changed", "l1", "q1", True)}
    async with uow_factory() as uow:
        states = (await uow.session.execute(text("SELECT number, state FROM course_versions ORDER BY number"))).all()
    assert [tuple(row) for row in states] == [(1, "published"), (2, "retired"), (3, "draft")]


async def test_a_new_slug_is_a_new_unpublished_course(uow_factory: UnitOfWorkFactory, clock: ManualClock,
                                                      mini_course: int, tmp_path: Path) -> None:
    async with uow_factory() as uow:
        made = await CourseDraftService(uow, clock, None).make_draft(
            load_course(changed_mini(tmp_path, "mini-two")), ACTOR, "mini-two.yaml")
        await uow.commit()
    async with uow_factory() as uow:
        course = await uow.courses.get(made.course_id)
        assert made.is_new_course and course is not None
        assert (course.is_published, course.current_version_id) == (False, None)
        assert [row.slug for row in await uow.courses.published()] == ["mini"]
