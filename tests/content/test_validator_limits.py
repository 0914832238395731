"""The validator, continued: quiz rules, Telegram limits, structure and several errors at once."""

from __future__ import annotations

import pytest

from content import CourseValidationError, load_course, validate_course
from tests.content.helpers import COURSE_YAML, LECTURE_YAML, errors_of

COURSE = "course.yaml"
LECTURE = "lectures/intro.yaml"


def test_bank_smaller_than_quiz_size(make_course) -> None:
    root = make_course(course=[("  quiz_size: 2", "  quiz_size: 3")])
    assert errors_of(root) == [
        (
            LECTURE,
            12,
            "questions: the bank has 2 question(s) but a quiz draws 3 (the course's quiz_size); "
            "add questions or lower quiz_size",
        )
    ]


def test_bank_smaller_than_the_lectures_own_quiz_size(make_course) -> None:
    root = make_course(lecture=[("title: {kk: Кіріспе, ru: Введение, en: Introduction}", "title: {kk: Кіріспе, ru: Введение, en: Introduction}\nquiz_size: 4")])
    assert errors_of(root) == [
        (
            LECTURE,
            13,
            "questions: the bank has 2 question(s) but a quiz draws 4 (the lecture's quiz_size); "
            "add questions or lower quiz_size",
        )
    ]


def test_pass_score_above_quiz_size(make_course) -> None:
    root = make_course(course=[("  pass_score: 1", "  pass_score: 3")])
    assert errors_of(root) == [(COURSE, 11, "settings.pass_score: pass_score 3 is larger than quiz_size 2")]


@pytest.mark.parametrize(
    "slug, reason",
    [
        ("python basics", "slug: a slug may use only letters A-Z a-z, digits, '_' and '-' (got 'python basics')"),
        ("'курс'", "slug: a slug may use only letters A-Z a-z, digits, '_' and '-' (got 'курс')"),
        ("a" * 65, "slug: a slug must be at most 64 characters (got 65)"),
        ("''", "slug: a slug must not be empty"),
        ("2024", "slug: must be text, but YAML read 2024 as a number; put it in quotes"),
    ],
)
def test_bad_slug(make_course, slug: str, reason: str) -> None:
    root = make_course(course=[("slug: mini", f"slug: {slug}")])
    assert errors_of(root) == [(COURSE, 1, reason)]


@pytest.mark.parametrize(
    "html, reason",
    [
        ("<b>Hello", "<b> is never closed"),
        ("<b>Hello</i>", "</i> has no matching <i>"),
        ("<div>Hello</div>", "<div> is not allowed"),
        ("x < 5", "a bare '<' must be written &lt;"),
        ("Tom & Jerry", "a bare '&' must be written &amp;"),
        ("a&nbsp;b", "&nbsp; is not supported"),
        ("<a>docs</a>", '<a> needs exactly one attribute: href="…"'),
        ("<b class=x>Hi</b>", "<b> takes no attributes"),
    ],
)
def test_bad_html(make_course, html: str, reason: str) -> None:
    root = make_course(lecture=[("en: <b>Hello</b>}", f"en: '{html}'}}")])
    [(file, line, message)] = errors_of(root)
    assert (file, line) == (LECTURE, 7)
    assert message.startswith("chunks[hello].text.en: HTML: ")
    assert reason in message


def test_text_longer_than_telegram_allows(make_course) -> None:
    long = "word " * 800  # 4000 characters, the last space inside <b>
    root = make_course(lecture=[("en: <b>Hello</b>}", f"en: '<b>{long}</b>'}}")])
    assert errors_of(root) == [
        (LECTURE, 7, "chunks[hello].text.en: is 4000 characters long (without tags); the limit here is 3500")
    ]


def test_caption_limit_is_900(make_course) -> None:
    caption = "x" * 901
    root = make_course(lecture=[("video: {file: media/clip.mp4}", f"video: {{file: media/clip.mp4}}\n    caption: {{kk: a, ru: b, en: {caption}}}")])
    assert errors_of(root) == [
        (LECTURE, 12, "chunks[clip].caption.en: is 901 characters long (without tags); the limit here is 900")
    ]


def test_unknown_chunk_type(make_course) -> None:
    root = make_course(lecture=[("    type: video", "    type: vidoe")])
    assert errors_of(root) == [
        (LECTURE, 10, "chunks[clip]: unknown chunk type 'vidoe' (use one of: text, video, file, link, self_check)")
    ]


def test_duplicate_chunk_key(make_course) -> None:
    root = make_course(lecture=[("  - key: clip", "  - key: hello")])
    assert errors_of(root) == [(LECTURE, 8, "chunks[hello].key: duplicate chunk key 'hello' (first at line 4)")]


def test_duplicate_question_key(make_course) -> None:
    root = make_course(lecture=[("  - key: q2", "  - key: q1")])
    assert errors_of(root) == [(LECTURE, 21, "questions[q1].key: duplicate question key 'q1' (first at line 13)")]


def test_duplicate_yaml_key(make_course) -> None:
    root = make_course(lecture=[("    type: text", "    title: {kk: А, ru: Б, en: C}")])
    assert errors_of(root) == [
        (LECTURE, 6, "duplicate key 'title' (first given on line 5)"),
        (LECTURE, 4, "chunks[hello]: missing required key 'type' (one of: text, video, file, link, self_check)"),
    ][::-1]


def test_bad_timezone_suggests_a_real_one(make_course) -> None:
    root = make_course(course=[("  pass_score: 1", "  pass_score: 1\n  timezone: Asia/Almati")])
    assert errors_of(root) == [
        (COURSE, 12, "settings.timezone: unknown time zone 'Asia/Almati' (did you mean 'Asia/Almaty'?)")
    ]


def test_weeks_must_be_numbered_in_order(make_course) -> None:
    root = make_course(course=[("  - number: 1", "  - number: 2")])
    assert errors_of(root) == [
        (COURSE, 13, "weeks[#1].number: weeks must be numbered 1, 2, 3… in order: expected 1, found 2")
    ]


def test_yaml_boolean_where_text_is_expected(make_course) -> None:
    root = make_course(lecture=[("      - text: {kk: Жоқ, ru: Нет, en: \"No\"}\n    explanation: {kk: Түсініктеме, ru: Пояснение, en: Explanation}\n  - key: q2", "      - text: {kk: Жоқ, ru: Нет, en: No}\n    explanation: {kk: Түсініктеме, ru: Пояснение, en: Explanation}\n  - key: q2")])
    assert errors_of(root) == [
        (
            LECTURE,
            19,
            "questions[q1].options[#2].text.en: must be text, but YAML read False as true/false; put it in quotes",
        )
    ]


def test_several_errors_are_reported_at_once(make_course) -> None:
    root = make_course(
        course=[
            ("slug: mini", "slug: mini course"),
            ("title: {kk: Шағын курс, ru: Мини-курс, en: Mini course}", "title: {ru: Мини-курс, en: Mini course}"),
            ("lectures: [intro]", "lectures: [intro, outro]"),
        ],
        lecture=[
            ("  - key: q1\n    chunk: hello", "  - key: q1\n    chunk: helo"),
            ("video: {file: media/clip.mp4}", "video: {file: media/nope.mp4}"),
            ("        correct: true\n    explanation", "        correct: true\n    explaination"),
            ("en: <b>Hello</b>}", "en: <b>Hello}"),
        ],
    )
    assert [(file, line) for file, line, _ in errors_of(root)] == [
        (COURSE, 1),  # bad slug
        (COURSE, 2),  # missing kk
        (COURSE, 16),  # outro is not there
        (LECTURE, 7),  # unclosed <b>
        (LECTURE, 11),  # media/nope.mp4
        (LECTURE, 14),  # unknown chunk
        (LECTURE, 21),  # q2: missing explanation
        (LECTURE, 28),  # q2: unknown key explaination
    ]


def test_load_course_raises_with_every_error(make_course) -> None:
    root = make_course(course=[("slug: mini", "slug: mini course")], lecture=[("  - key: q1\n    chunk: hello", "  - key: q1\n    chunk: helo")])
    with pytest.raises(CourseValidationError) as caught:
        load_course(root)
    errors = caught.value.errors
    assert [(error.file.name, error.line) for error in errors] == [("course.yaml", 1), ("intro.yaml", 14)]
    assert str(errors[0]) == f"{(root / 'course.yaml').resolve()}:1: {errors[0].reason}"
    assert errors[1].format(relative_to=root.resolve()) == (
        "lectures/intro.yaml:14: questions[q1].chunk: unknown chunk 'helo'; this lecture's chunks are: hello, clip"
    )
    assert "2 errors in the course" in str(caught.value)


def test_missing_course_yaml(tmp_path) -> None:
    (tmp_path / "lectures").mkdir()
    [error] = validate_course(tmp_path)
    assert (error.file.name, error.line, error.reason) == ("course.yaml", None, "course.yaml not found in the course folder")
    assert str(error).endswith("course.yaml: course.yaml not found in the course folder")


def test_no_such_path(tmp_path) -> None:
    [error] = validate_course(tmp_path / "nothing")
    assert error.reason == "no such course folder or file"


def test_empty_lecture_file(make_course) -> None:
    root = make_course(extra_lectures={"empty.yaml": ""})
    assert errors_of(root) == [
        ("lectures/empty.yaml", None, "the file is empty"),
        (
            "lectures/empty.yaml",
            None,
            "lecture 'empty' is not listed in any week of course.yaml; add it to a week's `lectures` or delete the file",
        ),
    ]


def test_lecture_key_may_come_from_the_file_name(make_course) -> None:
    root = make_course()
    text = (root / "lectures" / "intro.yaml").read_text(encoding="utf-8")
    (root / "lectures" / "intro.yaml").unlink()
    (root / "lectures" / "01-intro.yaml").write_text(text.replace("key: intro\n", ""), encoding="utf-8")
    course = load_course(root)
    assert course.lectures[0].key == "intro"


def test_lecture_file_name_does_not_matter_when_key_is_given(make_course) -> None:
    root = make_course()
    (root / "lectures" / "intro.yaml").rename(root / "lectures" / "07-whatever.yaml")
    assert load_course(root).lectures[0].key == "intro"


def test_templates_are_line_for_line() -> None:
    # The line numbers in these tests rely on the listings in helpers.py.
    assert len(COURSE_YAML.splitlines()) == 16
    assert len(LECTURE_YAML.splitlines()) == 28
