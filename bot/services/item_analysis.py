"""Item analysis of quiz questions: how hard each one is, how its options are chosen, and whether
it tells stronger learners from weaker ones.

Discrimination is the *corrected point-biserial correlation*: the Pearson correlation between
answering this question right (1/0) and the learner's score on the *other* questions of the same
attempt (the "rest score"):

    r = (M1 - M0) / s * sqrt(p * q)

M1 and M0 are the mean rest scores of the answers that got the question right and wrong, s the
(population) standard deviation of every rest score, p the share correct and q = 1 - p.

Why point-biserial and not upper-lower 27 %: each attempt draws its 5 questions at random from a
lecture's bank, so learners do not sit one common test that could be ranked into top and bottom
27 % groups; and a course of a few dozen learners leaves groups of a handful of people, where one
answer swings the index. The correlation uses every answer and is defined for any group size.
Why the rest score: in a 5-question quiz the question itself is a fifth of the total, which
would inflate its own correlation; leaving it out measures the question against the others.

Only finished lecture-quiz attempts count: an abandoned attempt has no rest score, and the final
test's scores are on another scale (a different size) that would mix two criteria.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bot.db.repositories.analytics import AnswerRow

# "Almost everyone" and "almost no one" get it right (shares of answers).
TOO_EASY_AT = 0.90
TOO_HARD_AT = 0.20
# Fewer answers than this say too little to flag a question.
MIN_ANSWERS_TO_FLAG = 5


class ItemFlag(str, Enum):
    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    NEGATIVE = "negative_discrimination"


@dataclass(frozen=True)
class ItemStats:
    lecture_key: str
    question_key: str
    text: dict[str, Any]
    options: list[Any]  # the question's options as stored (their "text" maps)
    correct_index: int
    answers: int
    share_correct: float
    option_shares: tuple[float, ...]  # per option of the stored list, in its order
    discrimination: float | None  # None: not defined (under 2 answers, or no spread)
    flags: tuple[ItemFlag, ...] = field(default=())


def point_biserial(correct: Sequence[bool], rest: Sequence[float]) -> float | None:
    """r between a 0/1 item and a score; None when either has no spread."""
    n = len(correct)
    if n < 2 or n != len(rest):
        return None
    right = [score for ok, score in zip(correct, rest) if ok]
    wrong = [score for ok, score in zip(correct, rest) if not ok]
    if not right or not wrong:
        return None
    mean = sum(rest) / n
    spread = math.sqrt(sum((score - mean) ** 2 for score in rest) / n)
    if spread == 0:
        return None
    p = len(right) / n
    return (sum(right) / len(right) - sum(wrong) / len(wrong)) / spread * math.sqrt(p * (1 - p))


def flags_of(answers: int, share_correct: float, discrimination: float | None) -> tuple[ItemFlag, ...]:
    if answers < MIN_ANSWERS_TO_FLAG:
        return ()
    found = []
    if share_correct >= TOO_EASY_AT:
        found.append(ItemFlag.TOO_EASY)
    if share_correct <= TOO_HARD_AT:
        found.append(ItemFlag.TOO_HARD)
    if discrimination is not None and discrimination < 0:
        found.append(ItemFlag.NEGATIVE)
    return tuple(found)


def analyse_items(answers: Iterable[AnswerRow], lecture_order: Sequence[str] = ()) -> list[ItemStats]:
    """One `ItemStats` per question answered in a finished lecture quiz, in lecture order (then by key).

    A question is identified by its lecture's key and its own key, so it keeps its figures across
    course versions; its text and options are those of the newest answer's version."""
    counted = [answer for answer in answers if answer.attempt_kind == "lecture" and answer.attempt_finished]
    attempt_scores: dict[int, int] = defaultdict(int)
    for answer in counted:
        attempt_scores[answer.attempt_id] += int(answer.is_correct)
    by_question: dict[tuple[str, str], list[AnswerRow]] = defaultdict(list)
    for answer in counted:
        by_question[(answer.lecture_key, answer.question_key)].append(answer)

    position = {key: index for index, key in enumerate(lecture_order)}
    found = []
    for (lecture_key, question_key), rows in sorted(
            by_question.items(), key=lambda item: (position.get(item[0][0], len(position)), item[0])):
        newest = rows[-1]
        n = len(rows)
        correct = [row.is_correct for row in rows]
        rest = [attempt_scores[row.attempt_id] - int(row.is_correct) for row in rows]
        share = sum(correct) / n
        shares = tuple(sum(1 for row in rows if row.chosen_option == index) / n
                       for index in range(len(newest.options)))
        r = point_biserial(correct, rest)
        found.append(ItemStats(lecture_key, question_key, newest.question_text, newest.options,
                               newest.correct_index, n, share, shares, r, flags_of(n, share, r)))
    return found


def flagged(items: Iterable[ItemStats]) -> list[ItemStats]:
    return [item for item in items if item.flags]
