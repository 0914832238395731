"""The learner services end to end on PostgreSQL: enrol, read, quiz, pass, certificate, and
the processed-update claim. The SQLite service tests are imported too: in this folder their
`uow_factory` and `mini_course` fixtures are the PostgreSQL ones (see conftest.py)."""
from __future__ import annotations

import random
from datetime import timezone

from sqlalchemy import func, select

from bot.db.models import Certificate, ProcessedUpdate, QuizAttempt
from bot.db.uow import UnitOfWorkFactory
from bot.services.certificate_views import CertificateReady, NameToConfirm
from bot.services.clock import ManualClock
from bot.services.views import ChunkView, Refusal, Refused
from tests.unit.learner_steps import Learner

# Re-run on PostgreSQL (collected here, with this folder's fixtures).
from tests.unit.test_quiz_engine import (  # noqa: F401
    test_a_press_on_someone_elses_attempt_changes_nothing,
    test_enrol_delivers_first_chunk_and_quiz_needs_the_last_chunk,
    test_every_answer_is_stored_and_a_second_press_counts_once,
    test_passing_every_lecture_issues_one_certificate_with_an_unguessable_code,
    test_retry_cooldown_is_enforced,
    test_three_of_five_unlocks_next_lecture_and_its_lab,
    test_two_of_five_points_back_to_the_missed_chunks,
)
from tests.unit.test_certificates import (  # noqa: F401
    final_course,
    test_a_certificate_stays_when_a_new_version_adds_a_lecture,
    test_a_corrected_name_is_printed_and_the_check_is_one_time,
    test_a_running_final_test_keeps_the_learner_on_its_version,
    test_a_running_final_test_resumes_at_the_open_question,
    test_final_test_retry_times_are_in_the_learners_time_zone,
    test_revoke_and_reissue,
    test_the_completion_date_is_the_course_calendar_day,
    test_the_final_test_gates_the_certificate_with_attempts_and_cool_down,
    test_the_final_test_is_graded_against_the_version_it_was_drawn_from,
    test_two_yes_presses_at_once_issue_one_certificate,
    test_used_up_attempts_refuse_a_new_final_test,
    test_without_a_final_test_the_name_check_comes_right_after_the_last_lecture,
)
from tests.unit.test_course_versions import (  # noqa: F401
    test_a_new_version_waits_while_the_learner_is_inside_a_lecture,
    test_an_old_next_button_follows_the_learner_to_the_new_version,
    test_an_old_review_button_shows_the_chunk_of_the_learners_version,
    test_take_the_quiz_and_start_the_next_lecture_after_a_typo_fix_is_published,
)
from tests.unit.test_housekeeping import test_update_ids_older_than_two_days_are_forgotten  # noqa: F401


async def test_postgres_learner_enrols_reads_passes_and_gets_a_certificate(
        pg_uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random, pg_mini_course: int) -> None:
    uow_factory = pg_uow_factory
    async with uow_factory() as uow:
        assert uow.session.bind is not None and uow.session.bind.dialect.name == "postgresql"
    learner = Learner(uow_factory, clock, rng, 9001)
    chunk = await learner.enrol(pg_mini_course)
    assert isinstance(chunk, ChunkView) and chunk.position == 0 and chunk.lecture_number == 1
    assert await learner.run(lambda s: s.quiz.start(9001, chunk.lecture_id)) == Refused(Refusal.LOCKED)
    last = await learner.read_to_end(chunk)
    first = await learner.take_quiz(last.lecture_id, correct_answers=3)
    assert first.result is not None and first.result.passed and first.result.completion is None
    second = await learner.run(lambda s: s.lessons.resume(9001))
    assert isinstance(second, ChunkView) and second.lecture_number == 2
    final = await learner.take_quiz((await learner.read_to_end(second)).lecture_id, correct_answers=5)
    assert final.result is not None and final.result.completion == NameToConfirm("Aigerim Sadykova")
    ready = await learner.run(lambda s: s.certificates.confirm_name(9001))
    assert isinstance(ready, CertificateReady) and ready.newly_issued and ready.facts.code
    async with uow_factory() as uow:
        certificate = await uow.certificates.by_code(ready.facts.code)
        assert certificate is not None and certificate.holder_name == "Aigerim Sadykova"
        assert certificate.average_score == 80.0 and certificate.lecture_count == 2
        assert certificate.issued_at.tzinfo is not None
        assert certificate.issued_at == clock.now()
        assert await uow.session.scalar(select(func.count()).select_from(Certificate)) == 1
        assert await uow.session.scalar(select(func.count()).select_from(QuizAttempt)) == 2
    assert await learner.run(lambda s: s.certificates.confirm_name(9001)) == Refused(Refusal.STALE)  # one-time
    again = await learner.run(lambda s: s.certificates.for_learner(9001))
    assert isinstance(again, CertificateReady) and not again.newly_issued and again.facts.code == ready.facts.code


async def test_postgres_processed_update_claim_is_once(pg_uow_factory: UnitOfWorkFactory, clock: ManualClock) -> None:
    async with pg_uow_factory() as uow:
        assert await uow.updates.claim(777, clock.now()) is True
        await uow.commit()
    async with pg_uow_factory() as uow:
        assert await uow.updates.claim(777, clock.now()) is False
        await uow.commit()
    async with pg_uow_factory() as uow:
        stored = (await uow.session.scalars(select(ProcessedUpdate))).all()
        assert [row.update_id for row in stored] == [777]
        assert stored[0].processed_at.astimezone(timezone.utc) == clock.now().astimezone(timezone.utc)
