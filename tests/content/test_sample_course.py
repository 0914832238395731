"""The sample course shipped in content/courses/python-basics is complete and valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from content import (
    COURSES_DIR,
    SAMPLE_COURSE_DIR,
    Course,
    LocalizedText,
    SelfCheckChunk,
    TextChunk,
    VideoChunk,
    discover_courses,
    load_course,
    validate_course,
)
from content.telegram_html import html_problems

KAZAKH_LETTERS = re.compile("[әғқңөұүһі]", re.IGNORECASE)


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(SAMPLE_COURSE_DIR)


def _texts(value, path: str = "course"):
    """Every LocalizedText in the model, with a readable path."""
    if isinstance(value, LocalizedText):
        yield path, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}[{index}]")
    elif hasattr(type(value), "model_fields"):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), f"{path}.{name}")


def test_sample_course_validates_without_errors() -> None:
    assert validate_course(SAMPLE_COURSE_DIR) == []


def test_sample_course_is_discovered() -> None:
    assert SAMPLE_COURSE_DIR in discover_courses(COURSES_DIR)


def test_passport(course: Course) -> None:
    assert course.slug == "python-basics"
    assert course.title.en == "Python programming basics"
    assert course.title.kk == "Python бағдарламалау негіздері"
    assert course.title.ru == "Основы программирования на Python"
    assert course.workload_hours > 0 and course.authors
    assert course.settings.quiz_size == 5 and course.settings.pass_score == 3
    assert course.settings.timezone == "Asia/Almaty"


def test_four_weeks_one_lecture_each(course: Course) -> None:
    assert [week.number for week in course.weeks] == [1, 2, 3, 4]
    assert [len(week.lectures) for week in course.weeks] == [1, 1, 1, 1]
    assert [lecture.week for lecture in course.lectures] == [1, 2, 3, 4]
    assert [lecture.key for lecture in course.lectures] == ["variables", "control_flow", "functions", "collections"]


def test_every_lecture_has_chunks_one_video_link_and_self_check(course: Course) -> None:
    for lecture in course.lectures:
        types = [chunk.type for chunk in lecture.chunks]
        assert len(lecture.chunks) >= 3, lecture.key
        assert types.count("video") == 1, lecture.key
        assert "link" in types and "self_check" in types, lecture.key
        assert types.count("text") >= 2, lecture.key


def test_every_lecture_has_a_bank_of_at_least_seven_questions(course: Course) -> None:
    for lecture in course.lectures:
        assert len(lecture.questions) >= 7, lecture.key
        assert len(lecture.questions) >= course.quiz_size(lecture)
        assert course.pass_score(lecture) == 3


def test_questions_point_at_text_chunks_and_cover_them_all(course: Course) -> None:
    for lecture in course.lectures:
        text_chunks = {chunk.key for chunk in lecture.chunks if isinstance(chunk, TextChunk)}
        tested = {question.chunk for question in lecture.questions}
        assert tested <= text_chunks, lecture.key
        assert tested == text_chunks, f"{lecture.key}: untested chunks {text_chunks - tested}"


def test_every_question_has_exactly_one_correct_option(course: Course) -> None:
    for lecture in course.lectures:
        for question in lecture.questions:
            assert 2 <= len(question.options) <= 6
            assert sum(option.correct for option in question.options) == 1
            assert question.options[question.correct_index].correct
        # The correct answer is not always in the same place in the file.
        assert len({question.correct_index for question in lecture.questions}) > 1


def test_option_texts_are_distinct(course: Course) -> None:
    for lecture in course.lectures:
        for question in [*lecture.questions, *[c for c in lecture.chunks if isinstance(c, SelfCheckChunk)]]:
            for locale in ("kk", "ru", "en"):
                texts = [option.text.get(locale) for option in question.options]
                assert len(set(texts)) == len(texts), (lecture.key, question.key, locale)


def test_labs_for_the_first_three_lectures(course: Course) -> None:
    for lecture in course.lectures[:3]:
        assert lecture.lab is not None, lecture.key
        assert lecture.lab.files and all(media.file.is_file() for media in lecture.lab.files)


def test_media_files_exist_and_videos_are_small_mp4s(course: Course) -> None:
    for lecture in course.lectures:
        [video] = [chunk for chunk in lecture.chunks if isinstance(chunk, VideoChunk)]
        assert video.video.kind == "file"
        path = video.video.file
        assert path.is_absolute() and path.is_file()
        assert path.is_relative_to(SAMPLE_COURSE_DIR)
        assert path.suffix == ".mp4"
        assert 1_000 < path.stat().st_size <= 150 * 1024
        assert path.read_bytes()[4:8] == b"ftyp"  # an ISO media file


def test_every_text_in_three_languages(course: Course) -> None:
    texts = list(_texts(course))
    assert len(texts) > 300
    for path, text in texts:
        for locale in ("kk", "ru", "en"):
            value = getattr(text, locale)
            assert value.strip(), f"{path}.{locale} is empty"
            assert html_problems(value) == [], f"{path}.{locale}"
        # Translations, not copies: prose differs between languages.
        if len(text.en) > 60:
            assert len({text.kk, text.ru, text.en}) == 3, path
            assert KAZAKH_LETTERS.search(text.kk), f"{path}.kk has no Kazakh letters"
            assert re.search("[а-яё]", text.ru, re.IGNORECASE), f"{path}.ru is not Russian"


def test_text_chunks_fit_a_phone_screen(course: Course) -> None:
    for lecture in course.lectures:
        for chunk in lecture.chunks:
            if isinstance(chunk, TextChunk):
                for locale in ("kk", "ru", "en"):
                    assert 400 <= len(chunk.text.plain(locale)) <= 1200, (lecture.key, chunk.key, locale)


def test_code_in_texts_uses_code_tags(course: Course) -> None:
    for lecture in course.lectures:
        assert any("<code>" in chunk.text.en or "<pre>" in chunk.text.en for chunk in lecture.chunks if isinstance(chunk, TextChunk))


def test_lab_starter_files_are_valid_python() -> None:
    for path in sorted((SAMPLE_COURSE_DIR / "media").glob("*.py")):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_the_course_files_are_all_used(course: Course) -> None:
    used: set[Path] = set()
    for lecture in course.lectures:
        for chunk in lecture.chunks:
            media = getattr(chunk, "video", None) or getattr(chunk, "file", None)
            if media is not None:
                used.add(media.file)
        if lecture.lab:
            used.update(media.file for media in lecture.lab.files)
    on_disk = {path for path in (SAMPLE_COURSE_DIR / "media").iterdir() if path.is_file()}
    assert on_disk == used
