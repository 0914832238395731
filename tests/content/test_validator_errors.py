"""The validator names the file, the line and the reason of every problem in a course.

Each test breaks the mini course of helpers.py (line numbers refer to its listings).
"""

from __future__ import annotations

from content import validate_course
from tests.content.helpers import LECTURE_YAML, errors_of

COURSE = "course.yaml"
LECTURE = "lectures/intro.yaml"


def test_the_mini_course_is_valid(make_course) -> None:
    assert validate_course(make_course()) == []


def test_yaml_syntax_error_gives_file_and_line(make_course) -> None:
    root = make_course(lecture=[("    chunk: hello\n    text: {kk: Сұрақ 1", "    chunk: hello\n   text: {kk: Сұрақ 1")])
    [(file, line, reason)] = errors_of(root)
    assert (file, line) == (LECTURE, 15)
    assert reason.startswith("YAML syntax error")
    assert "indentation" in reason


def test_unclosed_flow_mapping_says_where_it_started(make_course) -> None:
    root = make_course(course=[("abstract: {kk: Сипаттама, ru: Описание, en: Abstract}", "abstract: {kk: Сипаттама, ru: Описание, en: Abstract")])
    [(file, line, reason)] = errors_of(root)
    assert (file, line) == (COURSE, 4)
    assert "it started on line 3" in reason


def test_tab_indentation(make_course) -> None:
    root = make_course(course=[("  quiz_size: 2", "\tquiz_size: 2")])
    [(file, line, reason)] = errors_of(root)
    assert (file, line) == (COURSE, 10)
    assert "not tabs" in reason


def test_missing_translation(make_course) -> None:
    root = make_course(course=[("title: {kk: Шағын курс, ru: Мини-курс, en: Mini course}", "title: {ru: Мини-курс, en: Mini course}")])
    assert errors_of(root) == [(COURSE, 2, "title: missing the 'kk' translation")]


def test_missing_translation_in_a_lecture_file(make_course) -> None:
    root = make_course(lecture=[("    title: {kk: Бейне, ru: Видео, en: Video}", "    title: {kk: Бейне, en: Video}")])
    assert errors_of(root) == [(LECTURE, 9, "chunks[clip].title: missing the 'ru' translation")]


def test_empty_translation(make_course) -> None:
    root = make_course(lecture=[("title: {kk: Кіріспе, ru: Введение, en: Introduction}", "title: {kk: '  ', ru: Введение, en: Introduction}")])
    assert errors_of(root) == [(LECTURE, 2, "title.kk: must not be empty")]


def test_unknown_key_suggests_the_right_one(make_course) -> None:
    root = make_course(
        lecture=[
            (
                "        correct: true\n      - text: {kk: Жоқ, ru: Нет, en: \"No\"}\n    explanation:",
                "        correct: true\n      - text: {kk: Жоқ, ru: Нет, en: \"No\"}\n    explaination:",
            )
        ]
    )
    assert errors_of(root) == [
        (LECTURE, 13, "questions[q1]: missing required key 'explanation'"),
        (LECTURE, 20, "questions[q1]: unknown key 'explaination' (did you mean 'explanation'?)"),
    ]


def test_unknown_top_level_key(make_course) -> None:
    root = make_course(course=[("workload_hours: 2", "workload: 2")])
    assert errors_of(root) == [
        (COURSE, 1, "missing required key 'workload_hours'"),
        (COURSE, 7, "unknown key 'workload' (did you mean 'workload_hours'?)"),
    ]


def test_two_correct_options(make_course) -> None:
    root = make_course(lecture=[("      - text: {kk: Жоқ, ru: Нет, en: \"No\"}\n    explanation", "      - {text: {kk: Жоқ, ru: Нет, en: \"No\"}, correct: true}\n    explanation")])
    assert errors_of(root) == [
        (
            LECTURE,
            19,
            "questions[q1].options[#2].correct: option #2 is marked correct but so is option #1; "
            "exactly one must be (first at line 18)",
        )
    ]


def test_no_correct_option(make_course) -> None:
    root = make_course(lecture=[("        correct: true\n      - text: {kk: Жоқ, ru: Нет, en: \"No\"}\n    explanation", "        correct: false\n      - text: {kk: Жоқ, ru: Нет, en: \"No\"}\n    explanation")])
    assert errors_of(root) == [
        (LECTURE, 16, "questions[q1].options: no option is marked `correct: true`; exactly one must be")
    ]


def test_question_points_at_unknown_chunk(make_course) -> None:
    root = make_course(lecture=[("  - key: q1\n    chunk: hello", "  - key: q1\n    chunk: helo")])
    assert errors_of(root) == [
        (LECTURE, 14, "questions[q1].chunk: unknown chunk 'helo'; this lecture's chunks are: hello, clip")
    ]


def test_lecture_listed_in_weeks_but_absent(make_course) -> None:
    root = make_course(course=[("lectures: [intro]", "lectures: [intro, outro]")])
    assert errors_of(root) == [
        (
            COURSE,
            16,
            "lecture 'outro' is listed here but no file in lectures/ has `key: outro` (lectures/outro.yaml)",
        )
    ]


def test_only_lecture_of_a_week_absent_is_one_error_not_two(make_course) -> None:
    root = make_course(course=[("lectures: [intro]", "lectures: [intra]")])
    assert errors_of(root) == [
        (
            COURSE,
            16,
            "lecture 'intra' is listed here but no file in lectures/ has `key: intra` "
            "(lectures/intra.yaml) (did you mean 'intro'?)",
        ),
        (
            LECTURE,
            1,
            "lecture 'intro' is not listed in any week of course.yaml; add it to a week's `lectures` or delete the file",
        ),
    ]


def test_lecture_file_listed_nowhere(make_course) -> None:
    extra = LECTURE_YAML.replace("key: intro", "key: extra")
    root = make_course(extra_lectures={"02-extra.yaml": extra})
    assert errors_of(root) == [
        (
            "lectures/02-extra.yaml",
            1,
            "lecture 'extra' is not listed in any week of course.yaml; add it to a week's `lectures` or delete the file",
        )
    ]


def test_unlisted_lecture_is_still_checked(make_course) -> None:
    extra = LECTURE_YAML.replace("key: intro", "key: extra").replace("chunk: hello\n    text: {kk: Сұрақ 2", "chunk: nope\n    text: {kk: Сұрақ 2")
    root = make_course(extra_lectures={"extra.yaml": extra})
    assert [(f, line) for f, line, _ in errors_of(root)] == [("lectures/extra.yaml", 1), ("lectures/extra.yaml", 22)]


def test_lecture_listed_twice(make_course) -> None:
    root = make_course(
        course=[
            (
                "    lectures: [intro]\n",
                "    lectures: [intro]\n  - number: 2\n    title: {kk: А, ru: Б, en: C}\n"
                "    summary: {kk: А, ru: Б, en: C}\n    lectures: [intro]\n",
            )
        ]
    )
    assert errors_of(root) == [
        (COURSE, 20, "lecture 'intro' is listed twice (first in week 1); each lecture belongs to exactly one week")
    ]


def test_two_files_with_the_same_key(make_course) -> None:
    root = make_course(extra_lectures={"01-intro.yaml": LECTURE_YAML})
    [(file, line, reason)] = errors_of(root)
    assert (file, line) == ("lectures/intro.yaml", 1)
    assert reason == "lecture key 'intro' is also used by lectures/01-intro.yaml"


def test_missing_media_file(make_course) -> None:
    root = make_course(lecture=[("video: {file: media/clip.mp4}", "video: {file: media/nope.mp4}")])
    assert errors_of(root) == [
        (
            LECTURE,
            11,
            "chunks[clip].video.file: file not found: media/nope.mp4 (paths are relative to the course folder)",
        )
    ]


def test_media_path_may_not_leave_the_course_folder(make_course) -> None:
    root = make_course(lecture=[("video: {file: media/clip.mp4}", "video: {file: ../secret.mp4}")])
    [(file, line, reason)] = errors_of(root)
    assert (file, line) == (LECTURE, 11)
    assert "inside the course folder" in reason


def test_media_needs_exactly_one_source(make_course) -> None:
    root = make_course(lecture=[("video: {file: media/clip.mp4}", "video: {file: media/clip.mp4, url: 'https://example.org/v.mp4'}")])
    assert errors_of(root) == [
        (LECTURE, 11, "chunks[clip].video: give exactly one of url, file, file_id (found url, file)")
    ]
