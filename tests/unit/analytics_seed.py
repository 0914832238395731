"""A course's learners, progress and answers written straight into the database, small enough to
work every analytics figure out by hand (issue 11, analytics). Used by the unit tests on a real
SQLite file and by the end-to-end tests through the sandbox.

T0 is when everyone opened lecture 1; "now" is T0 + 10 days. Lecture 1's quiz, one finished
attempt per learner, five questions (q1..q5 = the lecture's first five), 1 = right:

    learner  q1 q2 q3 q4 q5  score  passed (pass score 3)
    L1        1  0  0  0  0    1    no
    L2        1  0  0  0  0    1    no
    L3        1  0  0  0  0    1    no      (blocked the bot)
    L4        1  0  1  0  0    2    no
    L5        1  1  0  1  1    4    yes     (30 min after opening; course completed, certificate)
    L6        1  1  1  0  0    3    yes     (90 min after opening)
    L7        enrolled a day before T0, never opened a lecture

Lecture 2: L5 opened it on passing lecture 1 and passed it 4 hours later at the 2nd attempt;
L6 opened it and has one attempt running. Wrong answers: L1, L2, L5 choose the option after the
right one (of three), L3, L4, L6 the one after that.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.db.models import (AttemptItem, Certificate, Course, Enrolment, Lecture, LectureProgress, Question,
                           QuizAttempt, User)
from bot.db.uow import UnitOfWorkFactory

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
NOW = T0 + timedelta(days=10)
ANSWERS = {  # learner -> right (1) / wrong (0) for q1..q5 of lecture 1
    "L1": (1, 0, 0, 0, 0),
    "L2": (1, 0, 0, 0, 0),
    "L3": (1, 0, 0, 0, 0),
    "L4": (1, 0, 1, 0, 0),
    "L5": (1, 1, 0, 1, 1),
    "L6": (1, 1, 1, 0, 0),
}
NAMES = {"L1": "Әлия Құдайберген", "L2": "Ғалым Өтеуов", "L3": "Іңкәр Үсенова", "L4": "Ұлан Һасенов",
         "L5": "Дана Ермекова", "L6": "Иван Петров", "L7": "Шұғыла Нұрланқызы"}
WRONG_STEP = {"L1": 1, "L2": 1, "L3": 2, "L4": 2, "L5": 1, "L6": 2}


@dataclass(frozen=True)
class Seeded:
    course_id: int
    user_ids: dict[str, int]
    lecture_keys: tuple[str, str]
    question_keys: tuple[str, ...]  # q1..q5 of lecture 1, as keyed in the course


async def seed(uow_factory: UnitOfWorkFactory, slug: str, user_ids: dict[str, int]) -> Seeded:
    """`user_ids`: L1..L7 -> Telegram ids (rows are made for them). L2 turned stalled reminders
    off, L3 blocked the bot; L1 and L5 left a phone and an email."""
    async with uow_factory() as uow:
        session = uow.session
        course = (await session.execute(select(Course).where(Course.slug == slug))).scalar_one()
        lectures = list((await session.execute(select(Lecture).where(Lecture.version_id == course.current_version_id)
                                               .order_by(Lecture.position))).scalars())[:2]
        questions = list((await session.execute(select(Question).where(Question.lecture_id == lectures[0].id)
                                                .order_by(Question.id))).scalars())[:5]
        enrolments: dict[str, Enrolment] = {}
        for label, user_id in user_ids.items():
            user = await session.get(User, user_id)
            if user is None:
                user = User(id=user_id, first_name=NAMES[label].split()[0], created_at=T0, last_seen_at=T0)
                session.add(user)
                await session.flush()  # no ORM relationship orders the user before its enrolment
            user.full_name = NAMES[label]
            user.locale = "kk" if label in ("L1", "L4") else "ru" if label == "L2" else "en"
            user.remind_stalled = label != "L2"
            user.is_active = label != "L3"
            if label in ("L1", "L5"):
                user.phone, user.email = f"+7701000000{label[1]}", f"{label.lower()}@example.kz"
            enrolled = T0 - timedelta(days=1) if label == "L7" else T0 - timedelta(hours=1)
            enrolment = Enrolment(user_id=user_id, course_id=course.id, version_id=course.current_version_id,
                                  enrolled_at=enrolled, last_activity_at=enrolled)
            session.add(enrolment)
            enrolments[label] = enrolment
        await session.flush()

        for label, marks in ANSWERS.items():
            enrolment = enrolments[label]
            passed = sum(marks) >= 3
            took = timedelta(minutes=30 if label == "L5" else 90 if label == "L6" else 20)
            attempt = QuizAttempt(enrolment_id=enrolment.id, lecture_id=lectures[0].id, lecture_key=lectures[0].key,
                                  kind="lecture", size=5, pass_score=3, started_at=T0 + took - timedelta(minutes=5),
                                  finished_at=T0 + took, score=sum(marks), passed=passed)
            session.add(attempt)
            await session.flush()
            for position, (question, right) in enumerate(zip(questions, marks)):
                count = len(question.options)
                chosen = question.correct_index if right else (question.correct_index + WRONG_STEP[label]) % count
                session.add(AttemptItem(attempt_id=attempt.id, position=position, question_id=question.id,
                                        option_order=list(range(count)), chosen_option=chosen, is_correct=bool(right),
                                        answered_at=T0 + took - timedelta(minutes=4 - position * 0.5)))
            session.add(LectureProgress(enrolment_id=enrolment.id, lecture_key=lectures[0].key, chunk_cursor=3,
                                        opened_at=T0, passed_at=T0 + took if passed else None,
                                        best_score=sum(marks)))
            enrolment.last_activity_at = T0 + took

        second = lectures[1]
        l5, l6 = enrolments["L5"], enrolments["L6"]
        opened5, opened6 = T0 + timedelta(minutes=30), T0 + timedelta(minutes=90)
        session.add(LectureProgress(enrolment_id=l5.id, lecture_key=second.key, chunk_cursor=3, opened_at=opened5,
                                    passed_at=opened5 + timedelta(hours=4), best_score=4))
        session.add(LectureProgress(enrolment_id=l6.id, lecture_key=second.key, chunk_cursor=3, opened_at=opened6))
        session.add(QuizAttempt(enrolment_id=l5.id, lecture_id=second.id, lecture_key=second.key, kind="lecture",
                                size=5, pass_score=3, started_at=opened5 + timedelta(hours=1),
                                finished_at=opened5 + timedelta(hours=1, minutes=5), score=2, passed=False))
        session.add(QuizAttempt(enrolment_id=l5.id, lecture_id=second.id, lecture_key=second.key, kind="lecture",
                                size=5, pass_score=3, started_at=opened5 + timedelta(hours=3, minutes=55),
                                finished_at=opened5 + timedelta(hours=4), score=4, passed=True))
        session.add(QuizAttempt(enrolment_id=l6.id, lecture_id=second.id, lecture_key=second.key, kind="lecture",
                                size=5, pass_score=3, started_at=NOW - timedelta(days=2)))
        l5.completed_at = NOW - timedelta(days=1)
        l5.last_activity_at = NOW - timedelta(days=1)
        l6.last_activity_at = NOW - timedelta(days=2)
        for code, revoked in (("SeedCodeRevoked0000000", NOW - timedelta(hours=2)), ("SeedCodeValid00000000", None)):
            session.add(Certificate(code=code, enrolment_id=l5.id, user_id=user_ids["L5"], course_id=course.id,
                                    holder_name=NAMES["L5"], average_score=4.0, lecture_count=2,
                                    issued_at=NOW - timedelta(days=1), revoked_at=revoked))
        await uow.commit()
        return Seeded(course.id, dict(user_ids), (lectures[0].key, second.key),
                      tuple(question.key for question in questions))
