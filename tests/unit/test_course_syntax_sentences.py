"""issue 12: every YAML syntax error and every Telegram HTML mistake a course file can hold reads as
whole sentences in kk and ru (the real loader and checker on broken input, not a list of kinds)."""
from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n

from bot.telegram.i18n import create_i18n
from bot.telegram.texts_course_errors import error_line
from bot.telegram.texts_course_syntax import SYNTAX_SENTENCES
from content.errors import CourseError, findings_of, kinded
from content.telegram_html import html_problems
from content.yaml_lines import MAX_YAML_BYTES, MAX_YAML_DEPTH, YamlSyntaxError, load_yaml

BROKEN_YAML = {
    "yaml_tab": "slug: a\ntitle:\n\tkk: x\n",
    "yaml_colon_in_text": "slug: a\ntitle: a: b\n",
    "yaml_flow_mapping_not_closed": "slug: a\nt: {a: 1, b: 2\nc: 3\n",
    "yaml_flow_list_not_closed": "slug: a\nt: [1, 2\nc: 3\n",
    "yaml_indentation": "slug: a\ntitle:\n  kk: x\n ru: y\n",
    "yaml_quote_not_closed": "slug: a\ntitle: \"abc\nnext: 1\n",
    "yaml_second_document": "slug: a\n---\nb: 1\n",
    "yaml_reserved_character": "slug: @a\n",
    "yaml_nested_too_deep": "slug: " + "[" * (MAX_YAML_DEPTH + 5) + "\n",
    "yaml_bad_character": "slug: a\x07\n",
    "yaml_syntax": "slug: *nowhere\n",
    "yaml_file_too_big": "slug: a\n" + "x: " + "y" * MAX_YAML_BYTES + "\n",
}
BROKEN_HTML = {
    "html_tag_not_allowed": "<div>x",
    "html_link_needs_href": "<a>docs</a>",
    "html_link_scheme": '<a href="ftp://x">x</a>',
    "html_tag_takes_no_attributes": "<b class=x>Hi</b>",
    "html_tag_inside_code": "<code><b>x</b></code>",
    "html_tag_nested_in_itself": "<b><b>x</b></b>",
    "html_self_closing_tag": "line<br/>break",
    "html_end_tag_not_allowed": "x</div>",
    "html_closed_before_inner": "<b><i>x</b></i>",
    "html_end_tag_unmatched": "x</b>",
    "html_bare_less_than": "a < b",
    "html_bare_greater_than": "a > b",
    "html_bare_ampersand": "R&D",
    "html_entity_not_supported": "&copy;",
    "html_comment": "<!-- note -->",
    "html_markup_not_allowed": "<!DOCTYPE html>",
    "html_tag_never_closed": "<b>open",
}
# No input reaches it: PyYAML's errors all carry a place. Its sentence is checked with the others
# (tests/unit/test_course_error_sentences.py).
UNREACHABLE = {"yaml_syntax_no_line"}


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return create_i18n("en")


def _yaml_error(text: str, tmp_path: Path) -> CourseError:
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml(text)
    return kinded(tmp_path / "course.yaml", raised.value.line, raised.value.reason)


def _html_error(text: str, tmp_path: Path) -> CourseError:
    problems = html_problems(text)
    return CourseError(tmp_path / "course.yaml", 4, "HTML: " + "; ".join(problems), None, (), "title.kk",
                       findings_of(tuple(problems)))


def test_each_kind_of_syntax_and_html_mistake_has_an_input_here() -> None:
    assert set(BROKEN_YAML) | set(BROKEN_HTML) | UNREACHABLE == set(SYNTAX_SENTENCES)


@pytest.mark.parametrize("kind", sorted(BROKEN_YAML))
def test_a_yaml_syntax_error_reads_in_kazakh_and_russian(kind: str, i18n: I18n, tmp_path: Path) -> None:
    error = _yaml_error(BROKEN_YAML[kind], tmp_path)
    assert error.kind == kind
    for locale, words in (("kk", ("YAML синтаксис қатесі", "Файл ")), ("ru", ("Синтаксическая ошибка YAML", "Файл "))):
        with i18n.context(), i18n.use_locale(locale):
            line = error_line(error, tmp_path)
        assert line.startswith(f"course.yaml:{error.line}: ") and "error" not in line, line
        assert any(word in line for word in words), line


@pytest.mark.parametrize("text, locale, expected", [
    # a tab: its line and column
    ("slug: a\ntitle:\n  kk: x\n  \tru: y\n", "ru",
     "course.yaml:4: Синтаксическая ошибка YAML в столбце 3: отступ сделан табуляцией; в YAML отступы "
     "делаются только пробелами, поэтому замените табуляцию пробелами."),
    # an unclosed quote: where it opened
    ("slug: a\ntitle: 'abc\nnext: 1\n", "kk",
     "course.yaml:4: YAML синтаксис қатесі: 2-жолдың 8-бағанында ашылған тырнақшадағы мәтін жабылмаған; "
     "жабатын тырнақшаны қойыңыз."),
    # no better sentence: PyYAML's own words quoted inside a localized one
    ("slug: *nowhere\n", "kk",
     "course.yaml:1: YAML синтаксис қатесі, 7-баған; YAML талдағышының хабары: “found undefined alias 'nowhere'”."),
])
def test_a_yaml_syntax_error_is_one_whole_sentence_with_its_place(text: str, locale: str, expected: str, i18n: I18n,
                                                                  tmp_path: Path) -> None:
    error = _yaml_error(text, tmp_path)
    with i18n.context(), i18n.use_locale(locale):
        assert error_line(error, tmp_path) == expected


@pytest.mark.parametrize("kind", sorted(BROKEN_HTML))
def test_an_html_mistake_reads_in_kazakh_and_russian(kind: str, i18n: I18n, tmp_path: Path) -> None:
    error = _html_error(BROKEN_HTML[kind], tmp_path)
    assert kind in {found for found, _params in error.findings}
    for locale in ("kk", "ru"):
        with i18n.context(), i18n.use_locale(locale):
            line = error_line(error, tmp_path)
        assert line.startswith("course.yaml:4: title.kk: ") and "HTML: " not in line and "not " not in line, line


def test_several_html_mistakes_in_one_text_are_several_whole_sentences(i18n: I18n, tmp_path: Path) -> None:
    error = _html_error("<b>x</i> R&D", tmp_path)
    with i18n.context(), i18n.use_locale("ru"):
        assert error_line(error, tmp_path) == (
            "course.yaml:4: title.kk: В Telegram HTML сам знак «&» нужно писать как &amp;. "
            "У закрывающего тега </i> нет открывающего <i>. "
            "Тег <b> не закрыт; поставьте </b> там, где он заканчивается.")
