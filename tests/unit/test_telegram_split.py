"""Long texts are cut into messages Telegram accepts: in the visible text, never inside markup.

Every part is checked with the sandbox's parser, which reads HTML the way Telegram does
(an independent implementation of the same rules), and measured after parsing.
"""
from __future__ import annotations

from content.telegram_split import MESSAGE_LIMIT, refusal, split_html, utf16_len
from sandbox.html_entities import parse_html


def _parsed(parts: list[str], limit: int) -> list[tuple[str, list[dict]]]:
    """Each part as Telegram reads it; fails the test where Telegram would refuse one."""
    parsed = []
    for part in parts:
        text, entities = parse_html(part)  # raises where Telegram answers "can't parse entities"
        assert text.strip(), "Telegram refuses an empty message"
        assert utf16_len(text) <= limit, f"part of {utf16_len(text)} units, limit {limit}"
        parsed.append((text, entities))
    return parsed


def _visible(html: str) -> str:
    return parse_html(html)[0]


def test_short_text_is_one_part_unchanged() -> None:
    assert split_html("<b>a</b>\nb &quot;c&quot;", 100) == ["<b>a</b>\nb &quot;c&quot;"]


def test_parts_respect_the_budget_and_keep_every_line() -> None:
    lines = [f"<b>Week {n}</b>: " + "x" * (n % 37) for n in range(400)]
    parts = split_html("\n".join(lines), 500)
    _parsed(parts, 500)
    assert "\n".join(_visible(part).strip("\n") for part in parts).split("\n") == [_visible(line) for line in lines]


def test_a_link_across_the_cut_is_closed_and_reopened_with_its_address() -> None:
    """issue 9 item 1: a paragraph past the limit with an <a href> across the cut."""
    words = " ".join(f"word{n}" for n in range(150))
    html = (f'Read <a href="https://example.org/a?x=1&amp;y=2">{words}</a> and more words after the link '
            + "tail " * 40)
    parts = split_html(html, 400)
    assert len(parts) > 1
    parsed = _parsed(parts, 400)
    links = [entity for _, entities in parsed for entity in entities if entity["type"] == "text_link"]
    assert len(links) >= 2 and {link["url"] for link in links} == {"https://example.org/a?x=1&y=2"}
    assert " ".join(text for text, _ in parsed).split() == _visible(html).split()


def test_a_long_pre_block_is_cut_at_a_line_end_and_stays_pre_in_every_part() -> None:
    """issue 9 item 1: a long <pre> across the cut ("Can't find end tag" before)."""
    code = "\n".join(f"    total = total + value_{n}  # step {n}" for n in range(200))
    html = f'<b>Code</b>\n<pre><code class="language-python">{code}</code></pre>\nAfter the code.'
    parts = split_html(html, 1000)
    assert len(parts) > 3
    parsed = _parsed(parts, 1000)
    for text, entities in parsed:
        if "value_" in text:
            pre = [entity for entity in entities if entity["type"] == "pre"]
            assert pre and pre[0].get("language") == "python"
            assert all(line.strip().startswith("total = total") for line in text.strip().splitlines()
                       if "value_" in line)
    shown = [line.strip() for text, _ in parsed for line in text.splitlines() if line.strip()]
    assert shown == [line.strip() for line in _visible(html).splitlines() if line.strip()]


def test_an_entity_at_the_cut_is_never_broken() -> None:
    """issue 9 item 1: `&quot;` at the cut showed a literal `uot;`."""
    html = "&quot;" * 700 + " " + "&amp;&lt;&gt;" * 400
    parts = split_html(html, 256)
    parsed = _parsed(parts, 256)
    joined = "".join(text for text, _ in parsed)
    assert "uot;" not in joined and "amp;" not in joined
    assert joined.replace(" ", "") == _visible(html).replace(" ", "")


def test_nested_tags_are_reopened_in_order() -> None:
    inner = " ".join(["all"] * 200)
    html = f"<b>bold <i>both <u>{inner}</u> both</i> bold</b> plain"
    parts = split_html(html, 300)
    parsed = _parsed(parts, 300)
    assert len(parts) > 2
    middle = parts[1]
    assert middle.startswith("<b><i><u>") and middle.endswith("</u></i></b>")
    for text, entities in parsed[1:-1]:
        assert {entity["type"] for entity in entities} == {"bold", "italic", "underline"}
    assert " ".join(text for text, _ in parsed).split() == _visible(html).split()


def test_emoji_are_counted_in_utf16_units_and_never_split() -> None:
    html = "<i>" + "😀" * 3000 + "</i> " + "ok " * 10
    parts = split_html(html, MESSAGE_LIMIT)
    assert len(parts) == 2
    parsed = _parsed(parts, MESSAGE_LIMIT)
    assert "".join(text for text, _ in parsed).count("😀") == 3000
    assert "\ufffd" not in "".join(parts)


def test_a_paragraph_past_4096_characters_with_links_fits_telegram() -> None:
    """issue 9 item 1: the old cutter counted markup and cut at any space, inside <a>…</a>."""
    paragraph = " ".join(f'<a href="https://example.org/page/{n}">source number {n}</a> says so.' for n in range(250))
    html = "<b>Lecture 1. Variables</b> · part 1 of 3\n\n<b>Links</b>\n\n" + paragraph
    assert len(html) > 4096 * 2
    parts = split_html(html)
    assert all(refusal(part) is None for part in parts)
    _parsed(parts, MESSAGE_LIMIT)


def test_refusal_names_what_telegram_would_answer() -> None:
    assert refusal("<b>open") == "can't parse entities: Can't find end tag corresponding to start tag \"b\""
    assert refusal("a < b").startswith("can't parse entities: Unsupported start tag")
    assert refusal("<br/>").startswith("can't parse entities: Unsupported start tag \"br\"")
    assert refusal("<b> </b>") == "message text is empty"
    assert refusal("x" * 1025, 1024, caption=True).startswith("message caption is too long")
    assert refusal("😀" * 2049).startswith("message is too long")
    assert refusal('<a href="https://e.org">fine</a> &quot;ok&quot;') is None
