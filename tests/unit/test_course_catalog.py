"""/courses' figures: learners per course, versions, and a draft newer than the published version."""
from __future__ import annotations

from pathlib import Path

from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_catalog import CourseCatalog, CourseSummary
from bot.services.course_drafts import Actor, CourseDraftService
from content import load_course
from tests.conftest import MINI_COURSE


async def test_an_uploaded_draft_shows_as_a_draft_and_a_rolled_back_version_does_not(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, mini_course: int, tmp_path: Path) -> None:
    """issue 10 /courses: "draft" is the course's unpublished upload; after a rollback the version
    rolled back from is newer than the live one but is no draft."""
    changed = tmp_path / "mini.yaml"
    changed.write_text(MINI_COURSE.read_text(encoding="utf-8").replace("Intro text of lecture 1 (kk)",
                                                                       "Changed intro (kk)"), encoding="utf-8")
    by = Actor(user_id=1, name="Instructor")
    async with uow_factory() as uow:
        await CourseDraftService(uow, clock, None).make_draft(load_course(changed), by, "mini.yaml")
        await uow.commit()
    async with uow_factory() as uow:
        [summary] = await CourseCatalog(uow).summaries()
    assert summary == CourseSummary("mini", summary.title, learners=0, published_number=1, versions=2,
                                    draft_number=2)
    assert summary.title is not None and summary.title["en"] == "Mini course"

    async with uow_factory() as uow:
        drafts = CourseDraftService(uow, clock, None)
        course = await drafts.course("mini")
        await drafts.publish(course, by)
        await drafts.rollback(course, by)
        await uow.commit()
    async with uow_factory() as uow:
        [summary] = await CourseCatalog(uow).summaries()
    assert (summary.published_number, summary.versions, summary.draft_number) == (1, 2, None)
