from bot.services.unlock import is_passing, lecture_states
from bot.services.views import LectureState


def test_first_lecture_is_open_and_the_rest_locked() -> None:
    states = lecture_states(["a", "b", "c"], set())
    assert states == {"a": LectureState.OPEN, "b": LectureState.LOCKED, "c": LectureState.LOCKED}


def test_passing_a_lecture_opens_the_next_one_only() -> None:
    states = lecture_states(["a", "b", "c"], {"a"})
    assert states == {"a": LectureState.PASSED, "b": LectureState.OPEN, "c": LectureState.LOCKED}


def test_all_passed() -> None:
    assert set(lecture_states(["a", "b"], {"a", "b"}).values()) == {LectureState.PASSED}


def test_pass_threshold_is_inclusive() -> None:
    assert is_passing(3, 3) and is_passing(5, 3) and not is_passing(2, 3)


def test_a_passed_prerequisite_whose_week_has_not_opened_is_scheduled() -> None:
    states = lecture_states(["a", "b", "c"], {"a"}, released_keys={"a"})
    assert states == {"a": LectureState.PASSED, "b": LectureState.SCHEDULED, "c": LectureState.LOCKED}
    assert lecture_states(["a", "b"], {"a"}, released_keys={"a", "b"})["b"] is LectureState.OPEN
