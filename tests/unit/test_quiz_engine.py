"""The quiz engine and unlock rules, through the services on a real SQLite file."""
from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.db.models import AttemptItem, QuizAttempt
from bot.db.uow import UnitOfWorkFactory
from bot.services.course_import import CourseImporter
from content import load_course
from tests.conftest import MINI_COURSE
from bot.services.clock import ManualClock
from bot.services.certificate_views import CertificateReady, NameToConfirm
from bot.services.quiz import draw_questions
from bot.services.views import ChunkView, Refusal, Refused
from tests.unit.learner_steps import Learner


async def test_draw_has_no_repeats_and_shuffles_options() -> None:
    class Q:
        def __init__(self, n: int) -> None:
            self.id, self.options = n, [{}, {}, {}, {}]

    bank = [Q(n) for n in range(9)]
    drawn = draw_questions(bank, 5, random.Random(1))  # type: ignore[arg-type]
    assert len({question.id for question, _ in drawn}) == 5
    assert all(sorted(order) == [0, 1, 2, 3] for _, order in drawn)
    orders = {tuple(order) for seed in range(20) for _, order in draw_questions(bank, 5, random.Random(seed))}  # type: ignore[arg-type]
    assert len(orders) > 5, "options must be shuffled per attempt"


async def test_enrol_delivers_first_chunk_and_quiz_needs_the_last_chunk(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 501)
    chunk = await learner.enrol(mini_course)
    assert isinstance(chunk, ChunkView) and chunk.position == 0 and chunk.lecture_number == 1
    early = await learner.run(lambda s: s.quiz.start(501, chunk.lecture_id))
    assert early == Refused(Refusal.LOCKED)
    last = await learner.read_to_end(chunk)
    assert last.position == 2 and last.is_last


async def test_three_of_five_unlocks_next_lecture_and_its_lab(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 502)
    last = await learner.read_to_end(await learner.enrol(mini_course))
    outcome = await learner.take_quiz(last.lecture_id, correct_answers=3)
    result = outcome.result
    assert result is not None and result.passed and result.score == 3 and result.size == 5
    assert result.next_lecture_title is not None and result.next_lecture_title["en"] == "Lecture 2 title"
    assert result.lab is not None and result.lab.title["en"] == "Lab 1"
    resumed = await learner.run(lambda s: s.lessons.resume(502))
    assert isinstance(resumed, ChunkView) and resumed.lecture_number == 2 and resumed.position == 0


async def test_two_of_five_points_back_to_the_missed_chunks(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 503)
    last = await learner.read_to_end(await learner.enrol(mini_course))
    question = await learner.start_quiz(last.lecture_id)
    missed_chunks = set()
    outcome = None
    for number in range(5):
        correct = number < 2
        outcome = await learner.answer(question, correct)
        if not correct:
            async with uow_factory() as uow:
                item = (await uow.attempts.items(question.attempt_id))[question.position]
                q = (await uow.courses.questions_by_ids([item.question_id]))[item.question_id]
                missed_chunks.add(q.chunk_position)
        question = outcome.next_question
    result = outcome.result
    assert result is not None and not result.passed and result.score == 2
    titles = {item.title["en"] for item in result.review}
    expected = {{0: "Intro 1", 2: "Deep 1"}[position] for position in missed_chunks}
    assert titles == expected
    resumed = await learner.run(lambda s: s.lessons.resume(503))
    assert resumed.lecture_number == 1, "a failed quiz keeps the next lecture locked"


async def test_every_answer_is_stored_and_a_second_press_counts_once(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 504)
    last = await learner.read_to_end(await learner.enrol(mini_course))
    question = await learner.start_quiz(last.lecture_id)
    await learner.answer(question, correct=True)
    again = await learner.answer(question, correct=False)
    assert again == Refused(Refusal.ALREADY_ANSWERED)
    async with uow_factory() as uow:
        items = await uow.attempts.items(question.attempt_id)
        assert items[0].is_correct is True and items[0].answered_at == clock.now()
        assert [item.chosen_option for item in items[1:]] == [None] * 4


async def test_a_press_on_someone_elses_attempt_changes_nothing(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int) -> None:
    owner = Learner(uow_factory, clock, rng, 505)
    last = await owner.read_to_end(await owner.enrol(mini_course))
    question = await owner.start_quiz(last.lecture_id)
    intruder = Learner(uow_factory, clock, rng, 506)
    await intruder.enrol(mini_course)
    refused = await intruder.run(lambda s: s.quiz.answer(506, question.attempt_id, 0, 0))
    assert refused == Refused(Refusal.NOT_YOURS)
    async with uow_factory() as uow:
        answered = await uow.session.scalar(
            select(func.count()).select_from(AttemptItem).where(AttemptItem.chosen_option.is_not(None)))
        assert answered == 0


async def test_retry_cooldown_is_enforced(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int,
        tmp_path: Path) -> None:
    # A new version of the course asks for a 30-minute pause between attempts.
    text = MINI_COURSE.read_text(encoding="utf-8").replace("pass_score: 3", "pass_score: 3\n  retry_cooldown_minutes: 30")
    (tmp_path / "mini-cooldown.yaml").write_text(text, encoding="utf-8")
    async with uow_factory() as uow:
        published = await CourseImporter(uow, clock).publish(load_course(tmp_path / "mini-cooldown.yaml"))
        await uow.commit()
    assert published.version_number == 2 and published.course_id == mini_course
    learner = Learner(uow_factory, clock, rng, 507)
    last = await learner.read_to_end(await learner.enrol(mini_course))
    outcome = await learner.take_quiz(last.lecture_id, correct_answers=1)
    assert outcome.result.retry_at == clock.now() + timedelta(minutes=30)
    refused = await learner.run(lambda s: s.quiz.start(507, last.lecture_id))
    assert isinstance(refused, Refused) and refused.reason is Refusal.COOLDOWN
    clock.advance(minutes=31)
    again = await learner.start_quiz(last.lecture_id)
    assert again.position == 0 and again.attempt_id != outcome.answered.question.attempt_id


async def test_passing_every_lecture_issues_one_certificate_with_an_unguessable_code(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 508)
    last = await learner.read_to_end(await learner.enrol(mini_course))
    first = await learner.take_quiz(last.lecture_id, correct_answers=5)
    assert first.result.completion is None
    second_lecture = await learner.run(lambda s: s.lessons.resume(508))
    last = await learner.read_to_end(second_lecture)
    final = await learner.take_quiz(last.lecture_id, correct_answers=4)
    # Nothing is printed before the learner confirms the name (a one-time step).
    assert final.result.completion == NameToConfirm("Aigerim Sadykova")
    ready = await learner.run(lambda s: s.certificates.confirm_name(508))
    assert isinstance(ready, CertificateReady) and ready.newly_issued
    code = ready.facts.code
    assert code is not None and len(code) >= 22
    async with uow_factory() as uow:
        certificate = await uow.certificates.by_code(code)
        assert certificate.holder_name == "Aigerim Sadykova"
        assert certificate.average_score == 90.0 and certificate.lecture_count == 2
        attempts = await uow.session.scalar(select(func.count()).select_from(QuizAttempt))
        assert attempts == 2
