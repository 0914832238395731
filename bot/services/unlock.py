"""The unlock rule: a lecture opens when the one before it is passed and its week has opened."""
from __future__ import annotations

from collections.abc import Sequence

from bot.services.views import LectureState


def lecture_states(lecture_keys: Sequence[str], passed_keys: set[str],
                   released_keys: set[str] | None = None) -> dict[str, LectureState]:
    """State of every lecture, in course order, given the keys the learner has passed and
    the keys whose week has opened (None: every week is open, as in a self-paced course)."""
    states: dict[str, LectureState] = {}
    previous_passed = True
    for key in lecture_keys:
        if key in passed_keys:
            states[key] = LectureState.PASSED
        elif previous_passed and released_keys is not None and key not in released_keys:
            states[key] = LectureState.SCHEDULED
        elif previous_passed:
            states[key] = LectureState.OPEN
        else:
            states[key] = LectureState.LOCKED
        previous_passed = key in passed_keys
    return states


def is_passing(score: int, pass_score: int) -> bool:
    return score >= pass_score
