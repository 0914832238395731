"""The final test: questions from every lecture's bank, answered like a lecture quiz.

Attempts and answers are stored as quiz attempts (kind "final"), so answering, double
presses and restarts go through the quiz engine; this service starts, resumes and grades.
"""
from __future__ import annotations

import random
from collections.abc import Sequence

from bot.db.models import AttemptItem, Enrolment, Question, QuizAttempt
from bot.db.repositories.attempts import AttemptState, ItemState
from bot.db.uow import UnitOfWork
from bot.services.certificate_views import FinalTestDue
from bot.services.certificates import CertificateService
from bot.services.clock import Clock
from bot.services.final_test_rules import FINAL_KIND, FINAL_TEST_KEY, final_pass_score, final_test_status
from bot.services.learner_context import (
    LearnerContext,
    follow_newest_version,
    learner_zone,
    load_context,
    load_current,
    owned_context,
    touch,
)
from bot.services.quiz import draw_questions
from bot.services.unlock import is_passing
from bot.services.refusals import raise_refused
from bot.services.views import AttemptResult, Localized, QuestionView, Refusal, Refused


def draw_across(banks: Sequence[Sequence[Question]], size: int, rng: random.Random) -> list[Question]:
    """`size` distinct questions spread evenly over the lectures (round robin over shuffled banks)."""
    shuffled = [rng.sample(list(bank), len(bank)) for bank in banks]
    picked: list[Question] = []
    while len(picked) < size and any(shuffled):
        for bank in shuffled:
            if bank and len(picked) < size:
                picked.append(bank.pop())
    return picked


class FinalTestService:
    def __init__(self, uow: UnitOfWork, clock: Clock, rng: random.Random | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._rng = rng or random.SystemRandom()

    async def start(self, user_id: int, button_message_id: int | None = None,
                    enrolment_id: int | None = None) -> QuestionView:
        """Begin an attempt (or show the running one's question again) once every lecture is passed.

        Raises RefusedError."""
        return raise_refused(await self._start(user_id, button_message_id, enrolment_id))

    async def _start(self, user_id: int, button_message_id: int | None = None,
                     enrolment_id: int | None = None) -> QuestionView | Refused:
        """Begin an attempt (or show the running one's question again) once every lecture is passed.

        `enrolment_id` is the course the button was sent for (None on old buttons: the course
        due a final test). Claimed like a lecture quiz's start (see QuizService.start): many
        presses under one message start one attempt and show its question once.
        """
        context: LearnerContext | Refused | None
        if enrolment_id is not None:
            context = await owned_context(self._uow, user_id, enrolment_id, self._clock.now())
            if isinstance(context, Refused):
                return context
        else:
            context = await self._course_due_a_final_test(user_id) or await load_current(
                self._uow, user_id, self._clock.now())
        if context is None:
            return Refused(Refusal.NOT_ENROLLED)
        status = await final_test_status(self._uow, context, self._clock.now())
        if status is None or status.passed:
            return Refused(Refusal.STALE)
        if not context.all_passed():
            return Refused(Refusal.LOCKED)
        running = await self._uow.attempts.open_attempt(context.enrolment.id, FINAL_TEST_KEY)
        if running is None:
            if status.exhausted:
                return Refused(Refusal.NO_ATTEMPTS_LEFT)
            if status.retry_at is not None:
                return Refused(Refusal.COOLDOWN, until=status.retry_at, zone=status.zone)
            started = await self._new_attempt(context, status.size, status.pass_percent, button_message_id)
            if started is not None:
                return started
            running = await self._uow.attempts.open_attempt(context.enrolment.id, FINAL_TEST_KEY)
            if running is None:
                return Refused(Refusal.STALE)
        if not await self._uow.attempts.claim_showing(running.id, button_message_id):
            return Refused(Refusal.QUIZ_RUNNING)
        return await self._next_unanswered(running, context)

    async def _course_due_a_final_test(self, user_id: int) -> LearnerContext | None:
        """The course whose final test an old button is for (it names none): the most recently
        active one with every lecture passed and its final test not passed yet.

        Only the chosen course moves to its newest version: looking must not move the others.
        """
        now = self._clock.now()
        for enrolment in await self._uow.enrolments.for_user(user_id):
            context = await load_context(self._uow, enrolment, now)
            status = await final_test_status(self._uow, context, now)
            if status is not None and not status.passed and context.all_passed():
                return await follow_newest_version(self._uow, context)
        return None

    async def resume(self, user_id: int, enrolment_id: int | None = None) -> QuestionView | None:
        """The final test question waiting for an answer in the enrolment (default: the course
        touched last), if an attempt is running."""
        context: LearnerContext | Refused | None
        if enrolment_id is not None:
            context = await owned_context(self._uow, user_id, enrolment_id, self._clock.now())
        else:
            context = await load_current(self._uow, user_id, self._clock.now())
        if context is None or isinstance(context, Refused):
            return None
        running = await self._uow.attempts.open_attempt(context.enrolment.id, FINAL_TEST_KEY)
        if running is None:
            return None
        view = await self._next_unanswered(running, context)
        return view if isinstance(view, QuestionView) else None

    async def finish(self, attempt: AttemptState, items: Sequence[ItemState], enrolment: Enrolment) -> AttemptResult:
        """Grade the last answer's attempt; a pass leads on to the certificate."""
        now = self._clock.now()
        score = sum(1 for item in items if item.is_correct)
        passed = is_passing(score, attempt.pass_score)
        await self._uow.attempts.finish(attempt.id, score, passed, now)
        # The version the questions were drawn from: the learner does not change versions
        # while a test runs, but the grade must not depend on it.
        context = await load_context(self._uow, enrolment, version_id=await self._attempt_version(items))
        touch(context, now)
        if passed:
            completion = await CertificateService(self._uow, self._clock).step(context)
            retry_at = None
        else:
            status = await final_test_status(self._uow, context, now)
            assert status is not None
            completion, retry_at = FinalTestDue(status, enrolment.id), status.retry_at
        missed = [] if passed else await self._missed_lectures(items, context)
        return AttemptResult(
            attempt_id=attempt.id, lecture_id=0, lecture_title=context.version.title, score=score,
            size=attempt.size, pass_score=attempt.pass_score, passed=passed, retry_at=retry_at,
            zone=await learner_zone(self._uow, context), completion=completion, is_final=True,
            missed_lectures=missed,
        )

    async def _missed_lectures(self, items: Sequence[ItemState],
                               context: LearnerContext) -> list[tuple[int, Localized]]:
        """The lectures (number, title) whose questions were answered wrongly, in course order."""
        questions = await self._uow.courses.questions_by_ids(
            [item.question_id for item in items if not item.is_correct])
        missed_ids = {question.lecture_id for question in questions.values()}
        return [(lecture.position + 1, lecture.title) for lecture in context.lectures if lecture.id in missed_ids]

    async def _attempt_version(self, items: Sequence[ItemState]) -> int | None:
        """The course version of an attempt's questions (None: no question left to tell)."""
        questions = await self._uow.courses.questions_by_ids([item.question_id for item in items[:1]])
        question = next(iter(questions.values()), None)
        lecture = await self._uow.courses.lecture(question.lecture_id) if question is not None else None
        return lecture.version_id if lecture is not None else None

    async def _new_attempt(self, context: LearnerContext, size: int, pass_percent: int,
                           button_message_id: int | None) -> QuestionView | None:
        """The first question of a new attempt; None if another press started one first."""
        banks = [await self._uow.courses.questions(lecture.id) for lecture in context.lectures]
        picked = draw_across(banks, size, self._rng)
        drawn = draw_questions(picked, len(picked), self._rng)
        now = self._clock.now()
        attempt = await self._uow.attempts.start(
            context.enrolment.id, FINAL_TEST_KEY, lecture_id=None, kind=FINAL_KIND, size=len(drawn),
            pass_score=final_pass_score(len(drawn), pass_percent), started_at=now,
            button_message_id=button_message_id,
        )
        if attempt is None:
            return None
        items = [
            AttemptItem(attempt_id=attempt.id, position=index, question_id=question.id, option_order=order)
            for index, (question, order) in enumerate(drawn)
        ]
        self._uow.attempts.add(*items)
        touch(context, now)
        return _view(attempt, items[0], drawn[0][0], context)

    async def _next_unanswered(self, attempt: QuizAttempt, context: LearnerContext) -> QuestionView | Refused:
        items = await self._uow.attempts.items(attempt.id)
        item = next((candidate for candidate in items if candidate.chosen_option is None), None)
        if item is None:
            return Refused(Refusal.STALE)
        questions = await self._uow.courses.questions_by_ids([item.question_id])
        return _view(attempt, item, questions[item.question_id], context)


def _view(attempt: QuizAttempt, item: AttemptItem, question: Question, context: LearnerContext) -> QuestionView:
    return QuestionView(
        attempt_id=attempt.id, position=item.position, size=attempt.size, lecture_title=context.version.title,
        text=question.text, options=[question.options[index]["text"] for index in item.option_order],
        is_final=True, lecture_id=question.lecture_id, question_key=question.key,
    )
