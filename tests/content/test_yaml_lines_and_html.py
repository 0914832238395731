"""The two low-level checkers: the line-remembering YAML loader and the Telegram HTML check."""

from __future__ import annotations

from pathlib import Path

import pytest

from content import discover_courses
from content.telegram_html import html_problems, visible_text
from content.yaml_lines import YamlSyntaxError, load_yaml

DOC = """\
# comment
slug: demo
title: {kk: а, ru: б, en: c}
weeks:
  - number: 1
    lectures:
      - intro
      - key: inline
        text: |
          line one
          line two
no: 3
"""


def test_lines_of_keys_and_list_items() -> None:
    doc = load_yaml(DOC)
    assert doc.data["weeks"][0]["lectures"][1]["text"] == "line one\nline two\n"
    assert doc.lines[("slug",)] == 2
    assert doc.lines[("title", "en")] == 3
    assert doc.lines[("weeks", 0)] == 5
    assert doc.lines[("weeks", 0, "lectures", 0)] == 7
    assert doc.lines[("weeks", 0, "lectures", 1, "text")] == 9
    assert doc.line_of(("weeks", 0, "lectures", 1, "missing", "deeper")) == 8  # nearest ancestor
    assert doc.problems == []


def test_keys_stay_strings() -> None:
    # YAML 1.1 would read `no:` as False; a key is always its text here.
    assert load_yaml(DOC).data["no"] == 3


def test_duplicate_keys_are_reported_not_overwritten() -> None:
    doc = load_yaml("a: 1\nb: 2\na: 3\n")
    assert doc.data == {"a": 1, "b": 2}
    assert doc.problems == [(("a",), 3, "duplicate key 'a' (first given on line 1)")]


def test_non_scalar_keys_are_reported() -> None:
    doc = load_yaml("? [a, b]\n: 1\nc: 2\n")
    assert doc.data == {"c": 2}
    assert doc.problems[0][1:] == (1, "a key must be a plain word, not a list or mapping")


def test_merge_keys_and_aliases() -> None:
    doc = load_yaml("base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n")
    assert doc.data["item"] == {"x": 1, "y": 2}


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("a: 1\nb: c: d\n", 2, "must be quoted"),
        ("a: 1\n\tb: 2\n", 2, "not tabs"),
        ("a: [1, 2\nb: 3\n", 2, "started on line 1"),
        ("a: 'open\n", 2, "never closed"),
        ("a: 1\n---\nb: 2\n", 2, "one document"),
        (b"a: 1\nb: \xff\n", 2, "not UTF-8"),
    ],
)
def test_syntax_errors_carry_the_line(text, line: int, fragment: str) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(text)
    assert caught.value.line == line
    assert fragment in caught.value.reason


def test_alias_bomb_is_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        name, prev = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(YamlSyntaxError, match="too much data"):
        load_yaml("\n".join(lines))


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        "<b>bold <i>and italic</i></b>",
        "<u>u</u> <s>s</s> <code>x = 1</code>",
        "<pre>if x &lt; 5:\n    print(x)</pre>",
        "<pre><code>print()</code></pre>",
        '<a href="https://python.org">Python</a>',
        "<blockquote>quote</blockquote>",
        "x &lt; y &gt; z &amp; &quot;q&quot; &#8212; &#x41;",
    ],
)
def test_valid_telegram_html(text: str) -> None:
    assert html_problems(text) == []


@pytest.mark.parametrize(
    "text, problem",
    [
        ("<b>open", "<b> is never closed"),
        ("<b><i>x</b></i>", "</b> closes <b> before the inner <i> is closed"),
        ("x</b>", "</b> has no matching <b>"),
        ("<p>para</p>", "<p> is not allowed"),
        ("line<br/>break", "<br/> is not allowed"),
        ("if x<y:", "a bare '<' must be written &lt;"),
        ("if x<y: z>", "<y:> is not allowed"),
        ("&amp without semicolon", "a bare '&' must be written &amp;"),
        ("a < b", "a bare '<' must be written &lt;"),
        ("a > b", "a bare '>' must be written &gt;"),
        ("R&D", "a bare '&' must be written &amp;"),
        ("&copy;", "&copy; is not supported"),
        ('<a href="ftp://x">x</a>', "<a href> must start with"),
        ('<a href="https://x" title="t">x</a>', "<a> needs exactly one attribute"),
        ("<code><b>x</b></code>", "<b> cannot be placed inside <code> or <pre>"),
        ("<b><b>x</b></b>", "<b> cannot be nested inside another <b>"),
        ("<!-- note -->", "comments"),
    ],
)
def test_invalid_telegram_html(text: str, problem: str) -> None:
    assert any(problem in found for found in html_problems(text)), html_problems(text)


def test_visible_text_counts_what_the_reader_sees() -> None:
    assert visible_text('<b>x</b> &lt; <a href="https://a.b">link</a> &#8212;') == "x < link —"


def test_discover_courses(tmp_path: Path) -> None:
    (tmp_path / "b-folder").mkdir()
    (tmp_path / "b-folder" / "course.yaml").write_text("slug: b\n")
    (tmp_path / "no-course").mkdir()
    (tmp_path / "a-single.yaml").write_text("slug: a\nweeks: []\n")
    (tmp_path / "broken.yml").write_text("slug: [\n")
    (tmp_path / "notes.yaml").write_text("just: settings\n")
    (tmp_path / "readme.txt").write_text("slug: x\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "course.yaml").write_text("slug: h\n")
    assert discover_courses(tmp_path) == [tmp_path / "a-single.yaml", tmp_path / "b-folder", tmp_path / "broken.yml"]
    assert discover_courses(tmp_path / "absent") == []


def test_the_example_in_format_md_is_a_valid_course(tmp_path: Path) -> None:
    from content import SAMPLE_COURSE_DIR, load_course

    guide = (SAMPLE_COURSE_DIR.parents[1] / "FORMAT.md").read_text(encoding="utf-8")
    example = guide.split("## The smallest complete course (one file)")[1].split("```yaml\n")[1].split("```")[0]
    (tmp_path / "hello.yaml").write_text(example, encoding="utf-8")
    course = load_course(tmp_path / "hello.yaml")
    assert course.slug == "hello" and course.lectures[0].questions[0].correct_index == 0
