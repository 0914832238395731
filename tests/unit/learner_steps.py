"""Helpers that walk a learner through the services (no Telegram involved)."""
from __future__ import annotations

import random

from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import Clock
from bot.services.refusals import RefusedError
from bot.services.registry import Services
from bot.services.users import TelegramIdentity
from bot.services.views import AnswerOutcome, ChunkView, QuestionView


class Learner:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, rng: random.Random, user_id: int) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.rng = rng
        self.user_id = user_id

    async def run(self, action):  # type: ignore[no-untyped-def]
        """Run one use case in its own unit of work, like one update."""
        async with self.uow_factory() as uow:
            services = Services(uow, self.clock, self.rng, "en")
            try:
                result = await action(services)
            except RefusedError as refused:
                # As the Telegram side's one answering place does (handlers/common/refusals.py):
                # the update still commits, and the caller sees why nothing changed.
                result = refused.refused
            await uow.commit()
            return result

    async def enrol(self, course_id: int) -> ChunkView:
        async def action(services: Services) -> ChunkView:
            await services.users.seen(TelegramIdentity(self.user_id, "Aigerim", "Sadykova", None, "kk"))
            await services.uow.session.flush()
            await services.enrolment.enrol(self.user_id, course_id)
            await services.uow.session.flush()
            return await services.lessons.resume(self.user_id)
        return await self.run(action)

    async def read_to_end(self, chunk: ChunkView) -> ChunkView:
        while not chunk.is_last:
            current = chunk
            chunk = await self.run(lambda s: s.lessons.advance(self.user_id, current.enrolment_id,
                                                               current.lecture_id, current.position))
            assert isinstance(chunk, ChunkView), chunk
        return chunk

    async def start_quiz(self, lecture_id: int) -> QuestionView:
        return await self.run(lambda s: s.quiz.start(self.user_id, lecture_id))

    async def answer(self, question: QuestionView, correct: bool) -> AnswerOutcome:
        """Answer by option text: the mini course's right options all start with 'right'."""
        index = next(i for i, option in enumerate(question.options)
                     if option["en"].startswith("right") == correct)
        return await self.run(lambda s: s.quiz.answer(self.user_id, question.attempt_id, question.position, index))

    async def take_quiz(self, lecture_id: int, correct_answers: int) -> AnswerOutcome:
        question = await self.start_quiz(lecture_id)
        outcome = None
        for number in range(question.size):
            outcome = await self.answer(question, correct=number < correct_answers)
            question = outcome.next_question  # type: ignore[assignment]
        assert outcome is not None
        return outcome
