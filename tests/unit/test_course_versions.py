"""A new version of a course reaches the learner at a lecture boundary, and old buttons keep working
(services, real SQLite)."""
from __future__ import annotations

import random
from pathlib import Path

from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter
from bot.services.views import ChunkView, QuestionView
from content import load_course
from tests.conftest import MINI_COURSE
from tests.unit.learner_steps import Learner

# A typo fix in the intro chunk of both lectures: the same keys, new rows.
FIXED = "Intro text (fixed) of lecture"


async def publish(uow_factory: UnitOfWorkFactory, clock: ManualClock, path: Path, text: str) -> int:
    """Publish `text` as the next version of its course; returns the version's id."""
    path.write_text(text, encoding="utf-8")
    async with uow_factory() as uow:
        result = await CourseImporter(uow, clock).publish(load_course(path))
        await uow.commit()
        course = await uow.courses.get(result.course_id)
        assert course is not None and course.current_version_id is not None
        return course.current_version_id


async def publish_typo_fix(uow_factory: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path) -> int:
    text = MINI_COURSE.read_text(encoding="utf-8").replace("Intro text of lecture", FIXED)
    return await publish(uow_factory, clock, tmp_path / "mini-fixed.yaml", text)


async def version_of(uow_factory: UnitOfWorkFactory, user_id: int) -> int:
    async with uow_factory() as uow:
        enrolment = await uow.enrolments.latest_for_user(user_id)
        assert enrolment is not None
        return enrolment.version_id


async def test_a_new_version_waits_while_the_learner_is_inside_a_lecture(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int,
        tmp_path: Path) -> None:
    learner = Learner(uow_factory, clock, rng, 801)
    first = await learner.enrol(mini_course)
    old_version = await version_of(uow_factory, 801)
    second = await learner.run(lambda s: s.lessons.advance(801, first.enrolment_id, first.lecture_id, 0))
    assert isinstance(second, ChunkView) and second.position == 1
    await publish_typo_fix(uow_factory, clock, tmp_path)
    resumed = await learner.run(lambda s: s.lessons.resume(801))
    assert isinstance(resumed, ChunkView) and resumed.lecture_id == first.lecture_id and resumed.position == 1
    assert await version_of(uow_factory, 801) == old_version


async def test_take_the_quiz_and_start_the_next_lecture_after_a_typo_fix_is_published(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int,
        tmp_path: Path) -> None:
    learner = Learner(uow_factory, clock, rng, 802)
    last = await learner.read_to_end(await learner.enrol(mini_course))
    new_version = await publish_typo_fix(uow_factory, clock, tmp_path)
    # "📝 Take the quiz" under the last chunk, sent before the new version.
    question = await learner.run(lambda s: s.quiz.start(802, last.lecture_id))
    assert isinstance(question, QuestionView), question
    outcome = await learner.take_quiz(last.lecture_id, correct_answers=5)
    result = outcome.result
    assert result is not None and result.passed and result.next_lecture_id is not None
    # "▶ Start the next lecture": the learner is at a boundary now and moves to the new version.
    opened = await learner.run(lambda s: s.lessons.open_lecture(802, result.next_lecture_id))
    assert isinstance(opened, ChunkView), opened
    assert opened.lecture_number == 2 and opened.body["text"]["en"] == f"{FIXED} 2"
    assert await version_of(uow_factory, 802) == new_version


async def test_an_old_next_button_follows_the_learner_to_the_new_version(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int,
        tmp_path: Path) -> None:
    learner = Learner(uow_factory, clock, rng, 803)
    first = await learner.enrol(mini_course)  # only the first chunk read: still a boundary
    new_version = await publish_typo_fix(uow_factory, clock, tmp_path)
    await learner.run(lambda s: s.progress.overview(803))
    assert await version_of(uow_factory, 803) == new_version
    second = await learner.run(lambda s: s.lessons.advance(803, first.enrolment_id, first.lecture_id, 0))
    assert isinstance(second, ChunkView), second
    assert second.position == 1 and second.lecture_id != first.lecture_id


async def test_an_old_review_button_shows_the_chunk_of_the_learners_version(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int,
        tmp_path: Path) -> None:
    learner = Learner(uow_factory, clock, rng, 804)
    last = await learner.read_to_end(await learner.enrol(mini_course))
    failed = await learner.take_quiz(last.lecture_id, correct_answers=0)
    assert failed.result is not None and failed.result.review
    intro = next(item for item in failed.result.review if item.title["en"] == "Intro 1")
    await publish_typo_fix(uow_factory, clock, tmp_path)
    await learner.take_quiz(last.lecture_id, correct_answers=5)
    reviewed = await learner.run(lambda s: s.lessons.review(804, intro.chunk_id))
    assert isinstance(reviewed, ChunkView), reviewed
    assert reviewed.body["text"]["en"] == f"{FIXED} 1" and reviewed.chunk_id != intro.chunk_id
