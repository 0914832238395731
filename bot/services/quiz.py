"""The quiz engine: draw questions, shuffle options, grade answers, unlock what follows."""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.db.models import AttemptItem, Lecture, LectureProgress, Question, QuizAttempt
from bot.db.repositories.attempts import AttemptState, ItemState
from bot.db.uow import UnitOfWork
from bot.services.certificates import CertificateService
from bot.services.clock import Clock
from bot.services.final_test_rules import FINAL_KIND
from bot.services.learner_context import (
    LearnerContext,
    follow_newest_version,
    learner_zone,
    load_context,
    load_current,
    reachable_lecture,
    touch,
)
from bot.services.unlock import is_passing
from bot.services.refusals import raise_refused
from bot.services.views import (
    AnsweredView,
    AnswerOutcome,
    AttemptResult,
    LabView,
    Localized,
    QuestionView,
    Refusal,
    Refused,
    ReviewItem,
)


def draw_questions(bank: Sequence[Question], size: int, rng: random.Random) -> list[tuple[Question, list[int]]]:
    """Pick `size` distinct questions and a shuffled option order for each."""
    chosen = rng.sample(list(bank), min(size, len(bank)))
    drawn = []
    for question in chosen:
        order = list(range(len(question.options)))
        rng.shuffle(order)
        drawn.append((question, order))
    return drawn


class QuizService:
    def __init__(self, uow: UnitOfWork, clock: Clock, rng: random.Random | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._rng = rng or random.SystemRandom()

    async def start(self, user_id: int, lecture_id: int, enrolment_id: int | None = None,
                    button_message_id: int | None = None) -> QuestionView:
        """Begin a new attempt, or show the running one's question again. Raises RefusedError."""
        return raise_refused(await self._start(user_id, lecture_id, enrolment_id, button_message_id))

    async def _start(self, user_id: int, lecture_id: int, enrolment_id: int | None = None,
                     button_message_id: int | None = None) -> QuestionView | Refused:
        """Begin a new attempt, or show the running one's question again.

        `enrolment_id` is the course the button was sent for (None on old buttons: the
        lecture's course); `button_message_id` the message the button is under. Starting
        is claimed like an answer: many presses at once start one attempt and show its
        question once; the others are told the quiz is running.
        """
        reached = await reachable_lecture(self._uow, user_id, lecture_id, self._clock.now(), enrolment_id)
        if isinstance(reached, Refused):
            return reached
        context, lecture = reached
        running = await self._uow.attempts.open_attempt(context.enrolment.id, lecture.key)
        if running is None:
            progress = context.progress.get(lecture.key)
            chunk_count = len(await self._uow.courses.chunks(lecture.id))
            if progress is None or progress.chunk_cursor < chunk_count - 1:
                return Refused(Refusal.LOCKED)
            retry_at = await self.retry_time(context, lecture)
            if retry_at is not None and retry_at > self._clock.now():
                return Refused(Refusal.COOLDOWN, until=retry_at, zone=await learner_zone(self._uow, context))
            started = await self._new_attempt(context, lecture, button_message_id)
            if started is not None:
                return started
            # Another press inserted it in the meantime (a parallel transaction).
            running = await self._uow.attempts.open_attempt(context.enrolment.id, lecture.key)
            if running is None:
                return Refused(Refusal.STALE)
        if not await self._uow.attempts.claim_showing(running.id, button_message_id):
            return Refused(Refusal.QUIZ_RUNNING)
        return await self._next_unanswered(running, lecture)

    async def resume(self, user_id: int, enrolment_id: int | None = None) -> QuestionView | None:
        """The question waiting for an answer in the current lecture of the enrolment (default:
        the course touched last), if any."""
        if enrolment_id is not None:
            enrolment = await self._uow.enrolments.get(enrolment_id)
            if enrolment is None or enrolment.user_id != user_id:
                return None
            context = await follow_newest_version(self._uow, await load_context(self._uow, enrolment,
                                                                                self._clock.now()))
        else:
            context = await load_current(self._uow, user_id, self._clock.now())
        lecture = context.current_lecture() if context else None
        if context is None or lecture is None:
            return None
        running = await self._uow.attempts.open_attempt(context.enrolment.id, lecture.key)
        if running is None:
            return None
        attempt_lecture = await self._uow.courses.lecture(running.lecture_id)
        return await self._next_unanswered(running, attempt_lecture or lecture)

    async def answer(self, user_id: int, attempt_id: int, position: int, shown_option: int) -> AnswerOutcome:
        return raise_refused(await self._answer(user_id, attempt_id, position, shown_option))

    async def _answer(self, user_id: int, attempt_id: int, position: int, shown_option: int) -> AnswerOutcome | Refused:
        attempt = await self._uow.attempts.answer_state(attempt_id)
        if attempt is None:
            return Refused(Refusal.STALE)
        if attempt.learner_id != user_id:
            return Refused(Refusal.NOT_YOURS)
        if attempt.finished_at is not None:
            return Refused(Refusal.STALE)
        items = list(attempt.items)
        index = next((at for at, candidate in enumerate(items) if candidate.position == position), None)
        if index is None:
            return Refused(Refusal.STALE)
        item = items[index]
        if item.chosen_option is not None:
            return Refused(Refusal.ALREADY_ANSWERED)
        first_open = next(candidate for candidate in items if candidate.chosen_option is None)
        if item.position != first_open.position or not 0 <= shown_option < len(item.option_order):
            return Refused(Refusal.STALE)

        # A final test attempt has no lecture row; its questions carry the course's title.
        lecture = await self._uow.courses.lecture(attempt.lecture_id) if attempt.lecture_id is not None else None
        version = (await self._uow.courses.version(attempt.version_id)
                   if lecture is None and attempt.version_id is not None else None)
        title = lecture.title if lecture is not None else (version.title if version else {})
        questions = await self._uow.courses.questions_by_ids([candidate.question_id for candidate in items])
        question = questions[item.question_id]
        chosen = item.option_order[shown_option]
        correct = chosen == question.correct_index
        now = self._clock.now()
        if not await self._uow.attempts.record_answer(item.id, chosen, correct, now):
            return Refused(Refusal.ALREADY_ANSWERED)
        items[index] = item = replace(item, chosen_option=chosen, is_correct=correct)

        answered = AnsweredView(
            question=self._question_view(attempt, item, question, title),
            chosen=shown_option,
            correct=item.option_order.index(question.correct_index),
            explanation=question.explanation,
        )
        remaining = [candidate for candidate in items if candidate.chosen_option is None]
        if remaining:
            following = remaining[0]
            next_view = self._question_view(attempt, following, questions[following.question_id], title)
            return AnswerOutcome(answered, next_view, None)
        if lecture is None:
            from bot.services.final_test import FinalTestService  # it builds on this module: imported here

            enrolment = await self._uow.enrolments.get(attempt.enrolment_id)
            assert enrolment is not None  # it was there when the attempt was read, in this transaction
            result = await FinalTestService(self._uow, self._clock, self._rng).finish(attempt, items, enrolment)
            return AnswerOutcome(answered, None, result)
        result = await self._finish(attempt, items, questions, lecture, enrolment_id=attempt.enrolment_id)
        return AnswerOutcome(answered, None, result)

    async def retry_time(self, context: LearnerContext, lecture: Lecture) -> datetime | None:
        """When the learner may retake after a failed attempt (None: at once)."""
        cooldown = context.version.retry_cooldown_minutes
        if not cooldown:
            return None
        last = await self._uow.attempts.last_finished(context.enrolment.id, lecture.key)
        if last is None or last.passed or last.finished_at is None:
            return None
        return last.finished_at + timedelta(minutes=cooldown)

    async def _new_attempt(self, context: LearnerContext, lecture: Lecture,
                           button_message_id: int | None) -> QuestionView | None:
        """The first question of a new attempt; None if another press started one first."""
        bank = await self._uow.courses.questions(lecture.id)
        drawn = draw_questions(bank, lecture.quiz_size, self._rng)
        now = self._clock.now()
        attempt = await self._uow.attempts.start(
            context.enrolment.id, lecture.key,
            lecture_id=lecture.id,
            size=len(drawn),
            pass_score=min(lecture.pass_score, len(drawn)),
            started_at=now,
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
        return self._question_view(attempt, items[0], drawn[0][0], lecture.title)

    async def _next_unanswered(self, attempt: QuizAttempt, lecture: Lecture) -> QuestionView | Refused:
        items = await self._uow.attempts.items(attempt.id)
        item = next((candidate for candidate in items if candidate.chosen_option is None), None)
        if item is None:
            return Refused(Refusal.STALE)
        questions = await self._uow.courses.questions_by_ids([item.question_id])
        return self._question_view(attempt, item, questions[item.question_id], lecture.title)

    async def _finish(self, attempt: AttemptState, items: Sequence[ItemState], questions: dict[int, Question],
                      lecture: Lecture, enrolment_id: int) -> AttemptResult:
        now = self._clock.now()
        score = sum(1 for item in items if item.is_correct)
        passed = is_passing(score, attempt.pass_score)
        await self._uow.attempts.finish(attempt.id, score, passed, now)

        enrolment = await self._uow.enrolments.get(enrolment_id)
        assert enrolment is not None
        context = await load_context(self._uow, enrolment, now)
        progress = context.progress.get(lecture.key)
        if progress is None:
            progress = self._uow.progress.add(
                LectureProgress(enrolment_id=enrolment.id, lecture_key=lecture.key, opened_at=now)
            )
            context.progress[lecture.key] = progress
        progress.best_score = max(progress.best_score or 0, score)
        touch(context, now)
        base = dict(attempt_id=attempt.id, enrolment_id=enrolment.id, lecture_id=lecture.id,
                    lecture_title=lecture.title, score=score, size=attempt.size, pass_score=attempt.pass_score,
                    passed=passed,
                    zone=await learner_zone(self._uow, context))
        if not passed:
            retry_at = await self.retry_time(context, lecture)
            return AttemptResult(**base, review=await self._review_items(items, questions, lecture), retry_at=retry_at)

        first_pass = progress.passed_at is None
        progress.passed_at = progress.passed_at or now
        touch(context, now)  # again: the lecture now waited for may open before the first wake-up
        current = context.lecture(lecture.id) or next(
            (candidate for candidate in context.lectures if candidate.key == lecture.key), lecture)
        following = context.following(current)
        if following is not None and following.key not in context.progress:
            context.progress[following.key] = self._uow.progress.add(
                LectureProgress(enrolment_id=enrolment.id, lecture_key=following.key, opened_at=now)
            )
        # Every lecture passed: the next step is the final test, the name check or the certificate.
        completion = await CertificateService(self._uow, self._clock).step(context) if context.all_passed() else None
        lab = None
        if current.lab and first_pass:
            lab = LabView(current.title, current.lab["title"], current.lab["text"], current.lab.get("files", []),
                          context.version.source_dir)
        opens_at = context.release_at(following) if following is not None else None
        scheduled = opens_at is not None and opens_at > now  # its week opens later: no button yet
        return AttemptResult(
            **base,
            next_lecture_id=following.id if following and not scheduled else None,
            next_lecture_title=following.title if following else None,
            next_opens_at=opens_at if scheduled else None,
            lab=lab,
            completion=completion,
        )

    async def _review_items(self, items: Sequence[ItemState], questions: dict[int, Question],
                            lecture: Lecture) -> list[ReviewItem]:
        """The chunks that the missed questions test, each once, in lecture order."""
        missed = sorted({questions[item.question_id].chunk_position for item in items if not item.is_correct})
        chunks = {chunk.position: chunk for chunk in await self._uow.courses.chunks(lecture.id)}
        return [ReviewItem(chunks[pos].id, chunks[pos].title) for pos in missed if pos in chunks]

    @staticmethod
    def _question_view(attempt: QuizAttempt | AttemptState, item: AttemptItem | ItemState, question: Question,
                       title: Localized) -> QuestionView:
        return QuestionView(
            attempt_id=attempt.id,
            position=item.position,
            size=attempt.size,
            lecture_title=title,
            text=question.text,
            options=[question.options[index]["text"] for index in item.option_order],
            is_final=attempt.kind == FINAL_KIND,
            lecture_id=question.lecture_id,
            question_key=question.key,
        )
