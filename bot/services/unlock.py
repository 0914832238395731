"""The unlock rule: a lecture opens when the one before it is passed."""
from __future__ import annotations

from collections.abc import Sequence

from bot.services.views import LectureState


def lecture_states(lecture_keys: Sequence[str], passed_keys: set[str]) -> dict[str, LectureState]:
    """State of every lecture, in course order, given the keys the learner has passed."""
    states: dict[str, LectureState] = {}
    previous_passed = True
    for key in lecture_keys:
        if key in passed_keys:
            states[key] = LectureState.PASSED
        elif previous_passed:
            states[key] = LectureState.OPEN
        else:
            states[key] = LectureState.LOCKED
        previous_passed = key in passed_keys
    return states


def is_passing(score: int, pass_score: int) -> bool:
    return score >= pass_score
