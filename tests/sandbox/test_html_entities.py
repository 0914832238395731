"""HTML parse_mode → text + entities (pure functions, no server)."""

from __future__ import annotations

import pytest

from sandbox.entities import bot_command_entities, render_html, strip_text, utf16_len
from sandbox.html_entities import HtmlEntityError, parse_html


def test_tags_become_entities_with_utf16_offsets() -> None:
    text, entities = parse_html("<b>Сәлем</b> 😀 <i>world</i> &lt;3 &amp; &#65;")
    assert text == "Сәлем 😀 world <3 & A"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 5},
        # The emoji is two UTF-16 units, so "world" starts at 9, not 8.
        {"type": "italic", "offset": 9, "length": 5},
    ]


def test_all_supported_tags() -> None:
    source = (
        "<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>"
        '<tg-spoiler>h</tg-spoiler><span class="tg-spoiler">i</span><a href="https://x.kz/?a=1&amp;b=2">j</a>'
        '<code>k</code><pre><code class="language-python">l</code></pre><blockquote>m</blockquote>'
        "<blockquote expandable>n</blockquote>"
    )
    text, entities = parse_html(source)
    assert text == "abcdefghijklmn"
    kinds = [e["type"] for e in entities]
    assert kinds == [
        "bold", "italic", "underline", "underline", "strikethrough", "strikethrough",
        "strikethrough", "spoiler", "spoiler", "text_link", "code", "pre", "blockquote",
        "expandable_blockquote",
    ]
    assert entities[9]["url"] == "https://x.kz/?a=1&b=2"
    assert entities[11]["language"] == "python"


def test_nested_entities_sorted_outer_first() -> None:
    text, entities = parse_html("<b>bold <i>both</i></b>")
    assert text == "bold both"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 9},
        {"type": "italic", "offset": 5, "length": 4},
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<span>x</span>", 'Unsupported start tag "span"'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag"),
        ("1 < 2", "Unsupported start tag"),
        ("<!-- c -->", "Unsupported start tag"),
    ],
)
def test_bad_markup_is_refused(source: str, message: str) -> None:
    with pytest.raises(HtmlEntityError, match=message.replace("(", r"\(")):
        parse_html(source)


def test_unknown_named_entity_stays_literal() -> None:
    assert parse_html("a&nbsp;b")[0] == "a&nbsp;b"


def test_render_html_round_trips_and_escapes() -> None:
    text, entities = parse_html('<b>x &lt; y</b> <a href="https://e.kz/?q=&quot;">link</a>')
    html = render_html(text, entities)
    assert html == '<b>x &lt; y</b> <a href="https://e.kz/?q=&quot;">link</a>'
    assert parse_html(html) == (text, entities)


def test_render_overlapping_entities() -> None:
    entities = [
        {"type": "bold", "offset": 0, "length": 4},
        {"type": "italic", "offset": 2, "length": 4},
    ]
    assert render_html("abcdef", entities) == "<b>ab<i>cd</i></b><i>ef</i>"


def test_strip_text_shifts_entities() -> None:
    text, entities = parse_html("  <b>hi</b> \n")
    assert strip_text(text, entities) == ("hi", [{"type": "bold", "offset": 0, "length": 2}])


def test_bot_command_entities() -> None:
    assert bot_command_entities("/start course_1") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert bot_command_entities("hi /help@talimger_bot now")[0] == {
        "type": "bot_command", "offset": 3, "length": 18,
    }
    assert bot_command_entities("a/b") == []
    assert utf16_len("😀a") == 3
