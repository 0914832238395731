"""The optional final test in a course's settings: defaults, limits, and enough questions for it."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from content import SAMPLE_COURSE_DIR, CourseSettings, FinalTestSettings, load_course, validate_course
from tests.content.helpers import errors_of

COURSE = "course.yaml"


def with_final_test(line: str) -> list[tuple[str, str]]:
    """Edit for the mini course of helpers.py: a final_test line after pass_score (line 11)."""
    return [("  pass_score: 1\n", f"  pass_score: 1\n  final_test: {line}\n")]


def test_no_final_test_unless_the_course_asks_for_one() -> None:
    assert CourseSettings().final_test is None
    final = FinalTestSettings()
    assert (final.size, final.pass_percent, final.attempts, final.cooldown_minutes) == (10, 60, None, 0)


def test_the_sample_course_has_a_final_test_of_ten_questions_at_sixty_percent() -> None:
    final = load_course(SAMPLE_COURSE_DIR).settings.final_test
    assert final == FinalTestSettings(size=10, pass_percent=60, attempts=3, cooldown_minutes=60)


def test_a_valid_final_test_loads(make_course) -> None:
    root = make_course(course=with_final_test("{size: 2, pass_percent: 50, attempts: 2, cooldown_minutes: 15}"))
    assert validate_course(root) == []
    final = load_course(root).settings.final_test
    assert final is not None and (final.size, final.pass_percent, final.attempts) == (2, 50, 2)


def test_more_questions_than_the_lectures_hold_is_an_error_on_its_line(make_course) -> None:
    root = make_course(course=with_final_test("{size: 3}"))
    assert errors_of(root) == [(COURSE, 12, "settings.final_test.size: the final test asks 3 questions but the "
                                             "lectures hold only 2")]


@pytest.mark.parametrize(("line", "problem"), [
    ("{size: 0}", "size"),
    ("{size: 51}", "size"),
    ("{pass_percent: 0}", "pass_percent"),
    ("{pass_percent: 101}", "pass_percent"),
    ("{attempts: 0}", "attempts"),
    ("{cooldown_minutes: -1}", "cooldown_minutes"),
    ("{size: 2, passing: 60}", ": unknown key 'passing'"),
])
def test_bad_values_name_the_setting(make_course, line: str, problem: str) -> None:
    errors = errors_of(make_course(course=with_final_test(line)))
    assert errors and all(file == COURSE for file, _, _ in errors)
    assert any(f"settings.final_test{problem if problem.startswith(':') else '.' + problem}" in reason
               for _, _, reason in errors), errors


def test_the_model_checks_its_own_limits() -> None:
    with pytest.raises(ValidationError):
        FinalTestSettings(pass_percent=120)
