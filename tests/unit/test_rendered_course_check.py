"""The validator renders every message as the bot sends it and reports what Telegram would refuse."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from aiogram.utils.i18n import I18n

from bot.telegram.course_check import RenderedCourseCheck
from bot.telegram.i18n import create_i18n
from content import SAMPLE_COURSE_DIR, validate_course
from tests.conftest import MINI_COURSE

SMILE = "😀"  # one character, two UTF-16 units


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return create_i18n("en")


def _line_of(path: Path, fragment: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if fragment in line)


def _mini_course_with(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    course = yaml.safe_load(MINI_COURSE.read_text(encoding="utf-8"))
    change(course["weeks"][0]["lectures"][0])
    path = tmp_path / "course.yaml"
    path.write_text(yaml.safe_dump(course, allow_unicode=True, width=100_000), encoding="utf-8")
    return path


def test_the_sample_and_mini_courses_pass_as_sent_in_every_language(i18n: I18n) -> None:
    assert validate_course(SAMPLE_COURSE_DIR, RenderedCourseCheck(i18n)) == []
    assert validate_course(MINI_COURSE, RenderedCourseCheck(i18n)) == []


def test_a_question_too_long_once_answered_is_rejected_at_its_line(i18n: I18n, tmp_path: Path) -> None:
    """issue 9 item 1: each field is within the format's limits, but the answered question (the
    question, six options, the verdict and the explanation in one edited message) is past 4096
    once rendered; the bot could never show it. Reported with file:line of the explanation."""
    def emoji_question(lecture: dict) -> None:  # type: ignore[type-arg]
        question = lecture["questions"][0]
        question["text"] = {locale: SMILE * 590 + f" ({locale})" for locale in ("kk", "ru", "en")}
        question["options"] = [{"text": {locale: SMILE * 190 + f" {n} {locale}" for locale in ("kk", "ru", "en")},
                                "correct": n == 0} for n in range(6)]
        question["explanation"] = {"kk": SMILE * 580 + " kk-explained", "ru": "Fine.", "en": SMILE * 580 + " en-explained"}

    path = _mini_course_with(tmp_path, emoji_question)
    assert validate_course(path) == []  # the format alone finds nothing wrong
    errors = validate_course(path, RenderedCourseCheck(i18n))
    assert [(error.file, error.line) for error in errors] == sorted([(path, _line_of(path, "kk-explained")),
                                                                     (path, _line_of(path, "en-explained"))])
    assert sorted(error.reason.split(": ")[0].rsplit(".", 1)[-1] for error in errors) == ["en", "kk"]
    assert all("questions[q1].explanation." in error.reason for error in errors)
    assert "message is too long" in errors[0].reason and "limit is 4096" in errors[0].reason


def test_a_self_check_too_long_once_answered_is_rejected_at_its_line(i18n: I18n, tmp_path: Path) -> None:
    """issue 9 item 1: a self-check's verdict and explanation are added to its message by an edit,
    which cannot be cut in parts."""
    def emoji_self_check(lecture: dict) -> None:  # type: ignore[type-arg]
        lecture["chunks"].append({
            "key": "check", "type": "self_check",
            "title": {locale: "Check" for locale in ("kk", "ru", "en")},
            "question": {locale: SMILE * 590 + " asked" for locale in ("kk", "ru", "en")},
            "options": [{"text": {locale: SMILE * 190 + f" {n}" for locale in ("kk", "ru", "en")}, "correct": n == 1}
                        for n in range(6)],
            "explanation": {locale: SMILE * 580 + f" {locale}-self" for locale in ("kk", "ru", "en")},
        })

    path = _mini_course_with(tmp_path, emoji_self_check)
    assert validate_course(path) == []
    errors = validate_course(path, RenderedCourseCheck(i18n))
    assert [error.line for error in errors] == sorted(_line_of(path, f"{locale}-self") for locale in ("kk", "ru", "en"))
    assert all("self-check" in error.reason and "message is too long" in error.reason for error in errors)
