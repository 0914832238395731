"""/courses' figures: learners per course, versions, and a draft newer than the published version."""
from __future__ import annotations

from pathlib import Path

from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_catalog import CourseCatalog, CourseSummary
from bot.services.course_import import CourseImporter
from content import load_course
from tests.conftest import MINI_COURSE


async def test_a_version_newer_than_the_published_one_shows_as_a_draft(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, mini_course: int, tmp_path: Path) -> None:
    """issue 10 /courses: "draft" is a stored version whose number is above the current version's."""
    changed = tmp_path / "mini.yaml"
    changed.write_text(MINI_COURSE.read_text(encoding="utf-8").replace("Intro text of lecture 1 (kk)",
                                                                       "Changed intro (kk)"), encoding="utf-8")
    async with uow_factory() as uow:
        course = await uow.courses.get(mini_course)
        assert course is not None
        published = course.current_version_id
        await CourseImporter(uow, clock).publish(load_course(changed))
        course.current_version_id = published  # stored, not published: what an upload's draft is
        await uow.commit()
    async with uow_factory() as uow:
        [summary] = await CourseCatalog(uow).summaries()
    assert summary == CourseSummary("mini", summary.title, learners=0, published_number=1, versions=2,
                                    draft_number=2)
    assert summary.title is not None and summary.title["en"] == "Mini course"
