"""The models used directly in Python: helpers, defaults and self-checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from content import (
    Course,
    CourseSettings,
    Lecture,
    LocalizedText,
    MediaSource,
    Question,
    load_course,
)


def t(text: str) -> dict[str, str]:
    return {"kk": f"{text} (kk)", "ru": f"{text} (ru)", "en": text}


def question(key: str = "q1", chunk: str = "c1", correct: tuple[bool, ...] = (True, False)) -> dict:
    return {
        "key": key,
        "chunk": chunk,
        "text": t("Question"),
        "options": [{"text": t(f"Option {i}"), "correct": c} for i, c in enumerate(correct)],
        "explanation": t("Because"),
    }


def lecture(key: str = "l1", questions: int = 5, **extra) -> dict:
    return {
        "key": key,
        "title": t("Lecture"),
        "chunks": [{"key": "c1", "title": t("Intro"), "type": "text", "text": t("Hello")}],
        "questions": [question(f"q{i}") for i in range(questions)],
        **extra,
    }


def course(*lectures: dict, **extra) -> dict:
    return {
        "slug": "demo",
        "title": t("Demo"),
        "abstract": t("Abstract"),
        "authors": [{"name": t("Author")}],
        "format": t("Online"),
        "workload_hours": 3,
        "prerequisites": t("None"),
        "weeks": [
            {"number": n, "title": t(f"Week {n}"), "summary": t("Summary"), "lectures": [lec]}
            for n, lec in enumerate(lectures or (lecture(),), start=1)
        ],
        **extra,
    }


def test_localized_text_get_falls_back_to_english() -> None:
    text = LocalizedText(kk="Сәлем", ru="Привет", en="Hello")
    assert text.get("kk") == "Сәлем"
    assert text.get("ru-RU") == "Привет"  # Telegram language_code with a region
    assert text.get("de") == "Hello"
    assert text.get(None) == "Hello"
    assert dict(text.items()) == {"kk": "Сәлем", "ru": "Привет", "en": "Hello"}


def test_localized_text_plain_strips_tags_and_entities() -> None:
    text = LocalizedText(kk="<b>x</b> &lt; 5", ru="<i>a</i> &amp; b", en="<code>if x &gt; 1:</code>")
    assert text.plain("kk") == "x < 5"
    assert text.plain("ru") == "a & b"
    assert text.plain("en") == "if x > 1:"


def test_localized_text_strips_whitespace_and_rejects_missing_languages() -> None:
    assert LocalizedText(kk=" a\n", ru="b", en="c").kk == "a"
    with pytest.raises(ValidationError):
        LocalizedText(ru="b", en="c")
    with pytest.raises(ValidationError):
        LocalizedText(kk="a", ru="b", en="c", de="d")


def test_models_are_frozen() -> None:
    text = LocalizedText(kk="a", ru="b", en="c")
    with pytest.raises(ValidationError):
        text.en = "x"


def test_question_correct_index_and_one_correct_rule() -> None:
    assert Question.model_validate(question(correct=(False, False, True))).correct_index == 2
    with pytest.raises(ValidationError, match="option #2 is marked correct but so is option #1"):
        Question.model_validate(question(correct=(True, True)))
    with pytest.raises(ValidationError, match="no option is marked"):
        Question.model_validate(question(correct=(False, False)))
    with pytest.raises(ValidationError):
        Question.model_validate(question(correct=(True,)))  # fewer than 2 options
    with pytest.raises(ValidationError):
        Question.model_validate(question(correct=(True,) + (False,) * 6))  # more than 6


def test_media_source_kinds() -> None:
    assert MediaSource(url="https://example.org/a.mp4").kind == "url"
    assert MediaSource(file_id="BAACAgIAAxkBAAI").kind == "file_id"
    assert MediaSource(file=Path("/srv/a.mp4")).kind == "file"
    with pytest.raises(ValidationError, match="exactly one of url, file, file_id"):
        MediaSource()
    with pytest.raises(ValidationError, match="http"):
        MediaSource(url="ftp://example.org/a.mp4")


def test_media_file_resolved_against_base_dir(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.pdf").write_bytes(b"%PDF")
    media = MediaSource.model_validate({"file": "media/a.pdf"}, context={"base_dir": tmp_path})
    assert media.file == (tmp_path / "media" / "a.pdf").resolve()
    with pytest.raises(ValidationError, match="inside the course folder"):
        MediaSource.model_validate({"file": "/etc/passwd"}, context={"base_dir": tmp_path})
    with pytest.raises(ValidationError, match="is not a file"):
        MediaSource.model_validate({"file": "media"}, context={"base_dir": tmp_path})


def test_media_symlink_out_of_the_course_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    course_dir = tmp_path / "course"
    course_dir.mkdir()
    (course_dir / "link.txt").symlink_to(outside)
    with pytest.raises(ValidationError, match="outside the course folder"):
        MediaSource.model_validate({"file": "link.txt"}, context={"base_dir": course_dir})


def test_course_settings_defaults() -> None:
    settings = CourseSettings()
    assert (settings.quiz_size, settings.pass_score, settings.retry_cooldown_minutes, settings.timezone) == (
        5,
        3,
        0,
        "UTC",
    )
    assert CourseSettings(timezone="Asia/Almaty").zone.key == "Asia/Almaty"
    # Only quiz_size given: the default pass score never exceeds it.
    assert CourseSettings(quiz_size=2).pass_score == 2
    with pytest.raises(ValidationError, match="pass_score 4 is larger than quiz_size 3"):
        CourseSettings(quiz_size=3, pass_score=4)
    with pytest.raises(ValidationError, match="unknown time zone"):
        CourseSettings(timezone="Mars/Olympus")
    with pytest.raises(ValidationError):
        CourseSettings(quiz_size=21)


def test_effective_quiz_size_and_pass_score() -> None:
    settings = CourseSettings(quiz_size=5, pass_score=3)
    plain = Lecture.model_validate(lecture())
    assert (plain.effective_quiz_size(settings), plain.effective_pass_score(settings)) == (5, 3)
    own = Lecture.model_validate(lecture(questions=8, quiz_size=8, pass_score=6))
    assert (own.effective_quiz_size(settings), own.effective_pass_score(settings)) == (8, 6)
    small = Lecture.model_validate(lecture(questions=2, quiz_size=2))
    assert small.effective_pass_score(settings) == 2  # the course's 3 is capped by the quiz size


def test_lecture_rules_when_built_directly() -> None:
    with pytest.raises(ValidationError, match="unknown chunk 'nope'"):
        Lecture.model_validate(lecture() | {"questions": [question(chunk="nope")]})
    with pytest.raises(ValidationError, match="duplicate question key 'q'"):
        Lecture.model_validate(lecture() | {"questions": [question("q"), question("q")]})
    with pytest.raises(ValidationError, match="the bank has 5 question"):
        Lecture.model_validate(lecture(quiz_size=6))


def test_course_rules_when_built_directly() -> None:
    with pytest.raises(ValidationError, match="the bank has 4 question"):
        Course.model_validate(course(lecture(questions=4)))
    with pytest.raises(ValidationError, match="duplicate lecture key 'l1'"):
        Course.model_validate(course(lecture("l1"), lecture("l1")))
    built = Course.model_validate(course(lecture("a"), lecture("b"), settings={"quiz_size": 3, "pass_score": 2}))
    assert [item.week for item in built.lectures] == [1, 2]
    assert built.quiz_size("a") == 3 and built.pass_score(built.lecture("b")) == 2


def test_course_navigation() -> None:
    built = Course.model_validate(course(lecture("a"), lecture("b"), lecture("c")))
    assert built.lecture("b").key == "b"
    assert built.next_lecture("a").key == "b"
    assert built.next_lecture("c") is None
    with pytest.raises(KeyError):
        built.lecture("z")
    first = built.lecture("a")
    assert first.chunk("c1").type == "text"
    assert first.question("q0").correct_index == 0


def test_loaded_course_round_trips_through_model_dump(make_course) -> None:
    loaded = load_course(make_course())
    again = Course.model_validate(loaded.model_dump())
    assert again == loaded
    assert again.lectures[0].week == 1
