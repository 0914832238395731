"""Certificate conditions, the final test, the name check, revocation and re-issue (services, real SQLite)."""
from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.models import Certificate
from bot.db.uow import UnitOfWorkFactory
from bot.services.certificate_admin import AdminProblem, AdminRefusal
from bot.services.certificate_labels import certificate_date
from bot.services.certificate_views import (
    CertificateReady,
    FinalTestDue,
    LecturesLeft,
    NameToConfirm,
    Reissued,
)
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter
from bot.services.final_test import draw_across
from bot.services.final_test_rules import final_pass_score
from bot.services.registry import Services
from bot.services.refusals import RefusedError
from bot.services.views import AnswerOutcome, ChunkView, QuestionView, Refusal, Refused
from content import load_course
from tests.conftest import MINI_COURSE
from tests.unit.learner_steps import Learner

FINAL_TEST = "  final_test: {size: 6, pass_percent: 50, attempts: 2, cooldown_minutes: 30}\n"


@pytest.fixture
async def final_course(uow_factory: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path) -> int:
    """The mini course (2 lectures of 7 questions) with a final test of 6 questions, 3 to pass."""
    text = MINI_COURSE.read_text(encoding="utf-8").replace("  pass_score: 3\n", "  pass_score: 3\n" + FINAL_TEST, 1)
    path = tmp_path / "mini-final.yaml"
    path.write_text(text, encoding="utf-8")
    async with uow_factory() as uow:
        result = await CourseImporter(uow, clock).publish(load_course(path))
        await uow.commit()
    return result.course_id


async def pass_lectures(learner: Learner, course_id: int, correct: int = 5) -> AnswerOutcome:
    step = await learner.enrol(course_id)
    outcome = None
    while isinstance(step, ChunkView):
        last = await learner.read_to_end(step)
        outcome = await learner.take_quiz(last.lecture_id, correct_answers=correct)
        step = await learner.run(lambda s: s.lessons.resume(learner.user_id))
    assert outcome is not None
    return outcome


async def take_final(learner: Learner, correct: int) -> AnswerOutcome:
    question = await learner.run(lambda s: s.final_test.start(learner.user_id))
    assert isinstance(question, QuestionView) and question.is_final, question
    outcome = None
    for number in range(question.size):
        outcome = await learner.answer(question, correct=number < correct)
        question = outcome.next_question  # type: ignore[assignment]
    assert outcome is not None and outcome.result is not None and outcome.result.is_final
    return outcome


def test_pass_score_is_the_smallest_count_at_the_percentage() -> None:
    assert final_pass_score(10, 60) == 6
    assert final_pass_score(6, 50) == 3
    assert final_pass_score(7, 50) == 4
    assert final_pass_score(3, 100) == 3 and final_pass_score(3, 1) == 1


def test_the_final_test_draws_from_every_lecture() -> None:
    banks = [[f"a{n}" for n in range(7)], [f"b{n}" for n in range(7)], [f"c{n}" for n in range(2)]]
    picked = draw_across(banks, 6, random.Random(3))  # type: ignore[arg-type]
    assert len(set(picked)) == 6
    assert {name[0] for name in picked} == {"a", "b", "c"}
    assert sorted(draw_across(banks, 99, random.Random(3))) == sorted(sum(banks, []))  # type: ignore[arg-type]


async def test_without_a_final_test_the_name_check_comes_right_after_the_last_lecture(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 601)
    step = await learner.enrol(mini_course)
    missing = await learner.run(lambda s: s.certificates.for_learner(601))
    assert missing == LecturesLeft(left=2, total=2, final_test=None)
    outcome = await pass_lectures(learner, mini_course)
    assert outcome.result.completion == NameToConfirm("Aigerim Sadykova")
    # Asking again changes nothing: still the name check, no certificate yet.
    assert await learner.run(lambda s: s.certificates.for_learner(601)) == NameToConfirm("Aigerim Sadykova")
    ready = await learner.run(lambda s: s.certificates.confirm_name(601))
    assert isinstance(ready, CertificateReady) and ready.newly_issued and ready.facts.is_valid
    assert await learner.run(lambda s: s.certificates.confirm_name(601)) == Refused(Refusal.STALE)  # a second "Yes"
    again = await learner.run(lambda s: s.certificates.for_learner(601))
    assert isinstance(again, CertificateReady) and not again.newly_issued and again.facts.code == ready.facts.code
    assert again.facts.final_test_percent is None and again.facts.course_title["en"] == "Mini course"
    assert isinstance(step, ChunkView)


async def test_a_corrected_name_is_printed_and_the_check_is_one_time(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 602)
    await pass_lectures(learner, mini_course)
    await learner.run(lambda s: s.users.update_profile(602, "name", "  Әсем   Қайратқызы "))
    assert await learner.run(lambda s: s.certificates.for_learner(602)) == NameToConfirm("Әсем Қайратқызы")
    ready = await learner.run(lambda s: s.certificates.confirm_name(602))
    assert isinstance(ready, CertificateReady) and ready.facts.holder_name == "Әсем Қайратқызы"
    async with uow_factory() as uow:
        user = await uow.users.get(602)
        assert user is not None and user.name_confirmed


async def test_the_final_test_gates_the_certificate_with_attempts_and_cool_down(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, final_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 603)
    await learner.enrol(final_course)
    early = await learner.run(lambda s: s.final_test.start(603))
    assert early == Refused(Refusal.LOCKED)
    missing = await learner.run(lambda s: s.certificates.for_learner(603))
    assert isinstance(missing, LecturesLeft) and missing.final_test is not None and missing.final_test.size == 6

    outcome = await pass_lectures(learner, final_course, correct=4)
    due = outcome.result.completion
    assert isinstance(due, FinalTestDue) and due.status.attempts_left == 2 and not due.status.passed

    failed = await take_final(learner, correct=2)
    assert not failed.result.passed and failed.result.size == 6 and failed.result.pass_score == 3
    status = failed.result.completion.status  # type: ignore[union-attr]
    assert status.attempts_left == 1 and status.retry_at == clock.now() + timedelta(minutes=30)
    cooling = await learner.run(lambda s: s.final_test.start(603))
    assert isinstance(cooling, Refused) and cooling.reason is Refusal.COOLDOWN
    clock.advance(minutes=31)

    passed = await take_final(learner, correct=5)
    assert passed.result.passed and passed.result.completion == NameToConfirm("Aigerim Sadykova")
    ready = await learner.run(lambda s: s.certificates.confirm_name(603))
    assert isinstance(ready, CertificateReady)
    assert ready.facts.final_test_percent == round(100 * 5 / 6, 1) and ready.facts.average_score == 80.0
    after = await learner.run(lambda s: s.final_test.start(603))
    assert after == Refused(Refusal.STALE)
    rows = await learner.run(lambda s: s.progress.results(603))
    assert [row.is_final for row in rows] == [False, False, True, True]


async def test_used_up_attempts_refuse_a_new_final_test(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, final_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 604)
    await pass_lectures(learner, final_course)
    await take_final(learner, correct=0)
    clock.advance(minutes=31)
    last = await take_final(learner, correct=1)
    assert last.result.completion.status.exhausted  # type: ignore[union-attr]
    clock.advance(days=1)
    assert await learner.run(lambda s: s.final_test.start(604)) == Refused(Refusal.NO_ATTEMPTS_LEFT)


async def test_a_running_final_test_resumes_at_the_open_question(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, final_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 605)
    await pass_lectures(learner, final_course)
    first = await learner.run(lambda s: s.final_test.start(605))
    await learner.answer(first, correct=True)
    resumed = await learner.run(lambda s: s.final_test.resume(605))
    assert isinstance(resumed, QuestionView) and resumed.position == 1 and resumed.attempt_id == first.attempt_id
    again = await learner.run(lambda s: s.final_test.start(605))
    assert again == resumed


async def test_revoke_and_reissue(uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random,
                                  mini_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 606)
    await pass_lectures(learner, mini_course)
    ready = await learner.run(lambda s: s.certificates.confirm_name(606))
    code = ready.facts.code
    admin = 9001

    assert await learner.run(lambda s: s.certificate_admin.revoke("x" * 22, "why", by=admin)) == \
        AdminRefusal(AdminProblem.UNKNOWN_CODE)
    assert await learner.run(lambda s: s.certificate_admin.revoke("<script>", "why", by=admin)) == \
        AdminRefusal(AdminProblem.UNKNOWN_CODE)
    assert await learner.run(lambda s: s.certificate_admin.revoke(code, "   ", by=admin)) == \
        AdminRefusal(AdminProblem.NO_REASON)
    clock.advance(days=2)
    revoked = await learner.run(lambda s: s.certificate_admin.revoke(code, "copied answers", by=admin))
    assert not isinstance(revoked, AdminRefusal) and revoked.facts.revoked_at == clock.now()
    assert (revoked.reason, revoked.user_id, revoked.locale) == ("copied answers", 606, "kk")
    twice = await learner.run(lambda s: s.certificate_admin.revoke(code, "again", by=admin))
    assert isinstance(twice, AdminRefusal) and twice.problem is AdminProblem.ALREADY_REVOKED
    # A revoked certificate is not silently replaced: the learner is told it is revoked.
    mine = await learner.run(lambda s: s.certificates.for_learner(606))
    assert isinstance(mine, CertificateReady) and not mine.facts.is_valid

    await learner.run(lambda s: s.users.update_profile(606, "name", "Aigerim Sadykkyzy"))
    reissued = await learner.run(lambda s: s.certificate_admin.reissue(code, by=admin))
    assert isinstance(reissued, Reissued) and reissued.user_id == 606 and reissued.locale == "kk"
    assert reissued.facts.code != code and reissued.facts.is_valid
    assert reissued.facts.holder_name == "Aigerim Sadykkyzy" and reissued.facts.issued_at == ready.facts.issued_at
    stale = await learner.run(lambda s: s.certificate_admin.reissue(code, by=admin))
    assert isinstance(stale, AdminRefusal) and stale.problem is AdminProblem.SUPERSEDED
    old = await learner.run(lambda s: s.certificates.verify(code))
    new = await learner.run(lambda s: s.certificates.verify(reissued.facts.code))
    assert old is not None and not old.is_valid and new is not None and new.is_valid
    assert old.replaced_by == reissued.facts.code and new.replaced_by is None
    assert await learner.run(lambda s: s.certificates.verify("no-such-code-0000000000")) is None
    mine = await learner.run(lambda s: s.certificates.for_learner(606))
    assert isinstance(mine, CertificateReady) and mine.facts.code == reissued.facts.code


async def publish_version(uow_factory: UnitOfWorkFactory, clock: ManualClock, path: Path, text: str) -> int:
    """Publish `text` as the next version of its course; returns the version's id."""
    path.write_text(text, encoding="utf-8")
    async with uow_factory() as uow:
        result = await CourseImporter(uow, clock).publish(load_course(path))
        await uow.commit()
        course = await uow.courses.get(result.course_id)
        assert course is not None and course.current_version_id is not None
        return course.current_version_id


def with_a_third_lecture(text: str) -> str:
    """The course text with one more week: a copy of week 2 as lecture "l3"."""
    week_two = text[text.index("- number: 2\n"):]
    return text + week_two.replace("- number: 2\n", "- number: 3\n", 1).replace("key: l2\n", "key: l3\n", 1)


async def test_a_running_final_test_keeps_the_learner_on_its_version(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, final_course: int,
        tmp_path: Path) -> None:
    learner = Learner(uow_factory, clock, rng, 611)
    await pass_lectures(learner, final_course)
    question = await learner.run(lambda s: s.final_test.start(611))
    assert isinstance(question, QuestionView)
    async with uow_factory() as uow:
        drawn_from = (await uow.enrolments.latest_for_user(611)).version_id  # type: ignore[union-attr]
    # A new version without a final test is published while the test runs.
    await publish_version(uow_factory, clock, tmp_path / "mini-plain.yaml", MINI_COURSE.read_text(encoding="utf-8"))
    outcome = None
    for number in range(question.size):
        resumed = await learner.run(lambda s: s.final_test.resume(611))  # /certificate in between
        assert isinstance(resumed, QuestionView) and resumed.position == number
        outcome = await learner.answer(resumed, correct=False)
    assert outcome is not None and outcome.result is not None and not outcome.result.passed
    assert isinstance(outcome.result.completion, FinalTestDue)
    async with uow_factory() as uow:
        assert (await uow.enrolments.latest_for_user(611)).version_id == drawn_from  # type: ignore[union-attr]


async def test_the_final_test_is_graded_against_the_version_it_was_drawn_from(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, final_course: int,
        tmp_path: Path) -> None:
    learner = Learner(uow_factory, clock, rng, 612)
    await pass_lectures(learner, final_course)
    question = await learner.run(lambda s: s.final_test.start(612))
    assert isinstance(question, QuestionView)
    plain = await publish_version(uow_factory, clock, tmp_path / "mini-plain.yaml",
                                  MINI_COURSE.read_text(encoding="utf-8"))
    async with uow_factory() as uow:  # moved mid-test, as releases before this fix did
        enrolment = await uow.enrolments.latest_for_user(612)
        assert enrolment is not None
        enrolment.version_id = plain
        await uow.commit()
    outcome = None
    for number in range(question.size):
        outcome = await learner.answer(question, correct=number < 2)
        question = outcome.next_question  # type: ignore[assignment]
    assert outcome is not None and outcome.result is not None and not outcome.result.passed
    due = outcome.result.completion
    assert isinstance(due, FinalTestDue) and due.status.size == 6 and due.status.attempts_left == 1


async def test_a_certificate_stays_when_a_new_version_adds_a_lecture(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int,
        tmp_path: Path) -> None:
    learner = Learner(uow_factory, clock, rng, 613)
    await pass_lectures(learner, mini_course)
    ready = await learner.run(lambda s: s.certificates.confirm_name(613))
    assert isinstance(ready, CertificateReady)
    longer = await publish_version(uow_factory, clock, tmp_path / "mini-longer.yaml",
                                   with_a_third_lecture(MINI_COURSE.read_text(encoding="utf-8")))
    again = await learner.run(lambda s: s.certificates.for_learner(613))
    assert isinstance(again, CertificateReady) and again.facts.code == ready.facts.code
    async with uow_factory() as uow:  # the learner did move: the new lecture is open to read
        assert (await uow.enrolments.latest_for_user(613)).version_id == longer  # type: ignore[union-attr]


async def test_two_yes_presses_at_once_issue_one_certificate(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, mini_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 614)
    await pass_lectures(learner, mini_course)
    async with uow_factory() as first, uow_factory() as second:
        # Two updates, each with the user row read before either wrote (as the middleware does).
        for uow in (first, second):
            user = await uow.users.get(614)
            assert user is not None and not user.name_confirmed
        ready = await Services(first, clock, rng, "en").certificates.confirm_name(614)
        await first.commit()
        with pytest.raises(RefusedError) as late:  # issue 10: services refuse by raising
            await Services(second, clock, rng, "en").certificates.confirm_name(614)
        await second.commit()
    assert isinstance(ready, CertificateReady) and ready.newly_issued
    assert late.value.refused == Refused(Refusal.STALE)
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Certificate)) == 1


async def test_final_test_retry_times_are_in_the_learners_time_zone(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, final_course: int) -> None:
    learner = Learner(uow_factory, clock, rng, 615)
    await pass_lectures(learner, final_course)
    assert await learner.run(lambda s: s.preferences.set_time_zone(615, "Asia/Almaty"))
    failed = await take_final(learner, correct=0)
    assert failed.result.zone == "Asia/Almaty"
    assert failed.result.completion.status.zone == "Asia/Almaty"  # type: ignore[union-attr]
    cooling = await learner.run(lambda s: s.final_test.start(615))
    assert isinstance(cooling, Refused) and cooling.reason is Refusal.COOLDOWN and cooling.zone == "Asia/Almaty"
    rows = await learner.run(lambda s: s.progress.results(615))
    assert rows and {row.zone for row in rows} == {"Asia/Almaty"}


async def test_the_completion_date_is_the_course_calendar_day(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, tmp_path: Path) -> None:
    text = MINI_COURSE.read_text(encoding="utf-8").replace("  pass_score: 3\n", "  pass_score: 3\n"
                                                           "  timezone: Asia/Almaty\n", 1)
    path = tmp_path / "mini-almaty.yaml"
    path.write_text(text, encoding="utf-8")
    async with uow_factory() as uow:
        course_id = (await CourseImporter(uow, clock).publish(load_course(path))).course_id
        await uow.commit()
    learner = Learner(uow_factory, clock, rng, 616)
    await pass_lectures(learner, course_id)
    clock.advance(hours=11, minutes=30)  # 20:30 UTC on 5 January: 01:30 on 6 January in Almaty
    ready = await learner.run(lambda s: s.certificates.confirm_name(616))
    assert isinstance(ready, CertificateReady) and ready.facts.zone == "Asia/Almaty"
    facts = await learner.run(lambda s: s.certificates.verify(ready.facts.code))
    assert facts is not None and facts.zone == "Asia/Almaty"
    assert certificate_date(facts.issued_at, "en", facts.zone) == "January 6, 2026"
