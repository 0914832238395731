"""Telegram's ``parse_mode=HTML``: markup → plain text + entities, or a 400.

Follows https://core.telegram.org/bots/api#html-style: only the tags listed there, only the
named entities ``&lt; &gt; &amp; &quot;`` (plus numeric ones), a raw ``<`` is an error, every
tag must be closed in order. Errors read like Telegram's ("can't parse entities: ...").
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from sandbox.entities import Entity, clip_entities, sort_entities, utf16_len
from sandbox.errors import bad_request

_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class HtmlEntityError(ValueError):
    """Markup Telegram would refuse; the message is Telegram's wording after the prefix."""


class _Parser(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]
        self.parts: list[str] = []
        self.pos16 = 0  # current length of the output in UTF-16 units
        self.stack: list[tuple[str, Entity | None]] = []
        self.entities: list[Entity] = []

    # --- helpers ---------------------------------------------------------------------------
    def byte_offset(self) -> int:
        line, col = self.getpos()
        index = self.line_starts[line - 1] + col
        return len(self.source[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.pos16 += utf16_len(text)

    def unsupported(self, tag: str) -> HtmlEntityError:
        return HtmlEntityError(f'Unsupported start tag "{tag}" at byte offset {self.byte_offset()}')

    # --- HTMLParser callbacks --------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k.lower(): (v or "") for k, v in attrs}
        entity: Entity | None
        if tag in _SIMPLE:
            entity = {"type": _SIMPLE[tag]}
            if tag == "code" and self.stack and self.stack[-1][0] == "pre":
                # <pre><code class="language-x"> is one pre entity with a language.
                pre_entity = self.stack[-1][1]
                lang = attr.get("class", "")
                if pre_entity is not None and lang.startswith("language-"):
                    pre_entity["language"] = lang[len("language-") :]
                    entity = None
        elif tag == "span":
            if attr.get("class") != "tg-spoiler":
                raise self.unsupported(tag)
            entity = {"type": "spoiler"}
        elif tag == "a":
            href = attr.get("href", "")
            entity = {"type": "text_link", "url": href} if href else None
        elif tag == "blockquote":
            entity = {"type": "expandable_blockquote" if "expandable" in attr else "blockquote"}
        elif tag == "tg-emoji":
            if not attr.get("emoji-id"):
                raise self.unsupported(tag)
            entity = {"type": "custom_emoji", "custom_emoji_id": attr["emoji-id"]}
        else:
            raise self.unsupported(tag)
        if entity is not None:
            entity["offset"] = self.pos16
        self.stack.append((tag, entity))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise HtmlEntityError(f"Unexpected end tag at byte offset {self.byte_offset()}")
        open_tag, entity = self.stack[-1]
        if open_tag != tag:
            raise HtmlEntityError(
                f'Unmatched end tag at byte offset {self.byte_offset()}, '
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
        self.stack.pop()
        if entity is not None:
            entity["length"] = self.pos16 - entity["offset"]
            if entity["length"] > 0:
                self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        if "<" in data:
            # A raw "<" that is not a tag: Telegram insists on &lt;.
            at = self.byte_offset() + len(data[: data.index("<")].encode("utf-8"))
            raise HtmlEntityError(f'Unsupported start tag "" at byte offset {at}')
        self.emit(data)

    def handle_entityref(self, name: str) -> None:
        # Unknown named entities stay as literal text, as Telegram leaves them.
        self.emit(_NAMED.get(name, f"&{name};"))

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
            self.emit(chr(code))
        except (ValueError, OverflowError):
            self.emit(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        raise self.unsupported("!--")

    def handle_decl(self, decl: str) -> None:
        raise self.unsupported("!")

    def unknown_decl(self, data: str) -> None:
        raise self.unsupported("!")

    def handle_pi(self, data: str) -> None:
        raise self.unsupported("?")


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Plain text and entities for Telegram-flavoured HTML; raises ``HtmlEntityError``."""
    parser = _Parser(source)
    parser.feed(source)
    parser.close()
    if parser.stack:
        raise HtmlEntityError(
            f'Can\'t find end tag corresponding to start tag "{parser.stack[-1][0]}"'
        )
    return "".join(parser.parts), sort_entities(parser.entities)


def parse_formatted(
    text: str, parse_mode: str | None, entities: list[Any] | None = None
) -> tuple[str, list[Entity]]:
    """Apply ``parse_mode`` (HTML or none) the way sendMessage does; raises ``ApiError`` 400."""
    mode = (parse_mode or "").strip().lower()
    if not mode:
        return text, clip_entities(text, entities or [])
    if mode == "html":
        try:
            return parse_html(text)
        except HtmlEntityError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    if mode in ("markdown", "markdownv2"):
        # Not emulated: the text is taken literally (documented limitation).
        return text, []
    raise bad_request("unsupported parse_mode")


__all__ = ["HtmlEntityError", "parse_formatted", "parse_html"]
