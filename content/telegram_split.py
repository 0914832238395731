"""Telegram HTML read the way Telegram reads it, and cut into messages Telegram accepts.

Telegram parses `parse_mode=HTML` first and applies its limits (4096 characters of text, 1024
of caption) to what the reader sees. Cutting the HTML source instead can land inside a tag,
an `&quot;`, or between `<pre>` and `</pre>`, and Telegram then refuses the part ("can't parse
entities") on every attempt. So a text is read here piece by piece (tags, entities, visible
characters), cut in its visible text at a line end or a space, and every part closes the tags
still open at the cut while the next part opens them again, attributes and all.

Lengths are counted in UTF-16 code units. Telegram's entity offsets are in those units; its
length limits are reported as code points by some and units by others (the sandbox counts code
points). A part within the budget in units is within it in code points too, so it fits either way.

The rules follow the Bot API's "HTML style" section as the sandbox (`sandbox/html_entities.py`)
enforces them; this package stands alone, so they are restated here rather than imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MESSAGE_LIMIT = 4096  # sendMessage / editMessageText text, after parsing
CAPTION_LIMIT = 1024  # media captions, after parsing

# Tags Telegram understands; anything else is "Unsupported start tag".
SIMPLE_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "code",
                         "pre", "a", "blockquote"})
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(r"""([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_PLAIN = re.compile(r"[^<&]+")


class TelegramHtmlError(ValueError):
    """Markup Telegram refuses; the message is Telegram's wording after "can't parse entities: "."""


@dataclass(frozen=True)
class _Tag:
    name: str
    source: str  # as written, e.g. '<a href="https://…">', so a reopened tag is the same tag
    closing: bool


@dataclass(frozen=True)
class _Char:
    source: str  # one character as written, or a whole entity such as '&quot;'
    text: str  # what the reader sees

    @property
    def units(self) -> int:
        return utf16_len(self.text)


_Piece = _Tag | _Char


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _attributes(raw: str) -> dict[str, str]:
    return {match.group(1).lower(): next((v for v in match.groups()[1:] if v is not None), "")
            for match in _ATTRIBUTE.finditer(raw)}


def _check_start(name: str, raw_attributes: str, source: str, index: int) -> None:
    attributes = _attributes(raw_attributes)
    supported = name in SIMPLE_TAGS or (name == "span" and attributes.get("class") == "tg-spoiler") or (
        name == "tg-emoji" and attributes.get("emoji-id"))
    if not supported or raw_attributes.rstrip().endswith("/"):
        raise TelegramHtmlError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, index)}')


def _entity_text(name: str) -> str:
    if name.startswith("#"):
        try:
            return chr(int(name[2:], 16) if name[1:2] in "xX" else int(name[1:]))
        except (ValueError, OverflowError):
            return f"&{name};"
    return _NAMED.get(name, f"&{name};")  # unknown named entities stay as written, as Telegram shows them


def _pieces(source: str, *, by_character: bool = True) -> list[_Piece]:
    """The text as tags and visible characters; raises `TelegramHtmlError` where Telegram would.
    `by_character=False` keeps each run of plain text as one piece: enough to read or measure
    the text, and far cheaper than a piece per character (only a cut needs those)."""
    pieces: list[_Piece] = []
    stack: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "<":
            match = _TAG.match(source, index)
            if match is None:  # a raw "<": Telegram insists on &lt;
                raise TelegramHtmlError(f'Unsupported start tag "" at byte offset {_byte_offset(source, index)}')
            closing, name = bool(match.group(1)), match.group(2).lower()
            if closing:
                if not stack:
                    raise TelegramHtmlError(f"Unexpected end tag at byte offset {_byte_offset(source, index)}")
                if stack[-1] != name:
                    raise TelegramHtmlError(f"Unmatched end tag at byte offset {_byte_offset(source, index)}, "
                                            f'expected "</{stack[-1]}>", found "</{name}>"')
                stack.pop()
            else:
                _check_start(name, match.group(3), source, index)
                stack.append(name)
            pieces.append(_Tag(name, match.group(0), closing))
            index = match.end()
        elif char == "&":
            match = _ENTITY.match(source, index)
            if match is None:
                pieces.append(_Char("&amp;", "&"))  # Telegram keeps a stray '&'; written safely on a cut
                index += 1
            else:
                pieces.append(_Char(match.group(0), _entity_text(match.group(1))))
                index = match.end()
        else:
            match = _PLAIN.match(source, index)
            assert match is not None
            run = match.group(0)
            if by_character:
                pieces.extend(_Char(letter, letter) for letter in run)
            else:
                pieces.append(_Char(run, run))
            index = match.end()
    if stack:
        raise TelegramHtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return pieces


def parsed_text(html: str) -> str:
    """What Telegram shows for `html` (before trimming); raises `TelegramHtmlError`."""
    return "".join(piece.text for piece in _pieces(html, by_character=False) if isinstance(piece, _Char))


def refusal(html: str, limit: int = MESSAGE_LIMIT, *, caption: bool = False) -> str | None:
    """What the Bot API would answer to sending `html` as a text (or a caption), or None if it
    takes it: parse errors, an empty text, a text or caption over `limit` units."""
    try:
        text = parsed_text(html).strip()
    except TelegramHtmlError as error:
        return f"can't parse entities: {error}"
    if not text and not caption:
        return "message text is empty"
    length = utf16_len(text)
    if length > limit:
        what = "message caption is too long" if caption else "message is too long"
        return f"{what} ({length} characters after formatting; the limit is {limit})"
    return None


def _open_tags(pieces: list[_Piece], stack: list[_Tag]) -> list[_Tag]:
    """The tags open after `pieces`, given those open before them (`stack`)."""
    stack = list(stack)
    for piece in pieces:
        if isinstance(piece, _Tag):
            if piece.closing:
                stack.pop()
            else:
                stack.append(piece)
    return stack


def _cut(pieces: list[_Piece], start: int, limit: int) -> int:
    """Where the part starting at `start` ends: past the last line end within `limit` units,
    else the last space, else as far as `limit` allows. A cut in the second half of the budget
    is preferred, so a header goes with the text below it rather than alone."""
    used = 0
    newline = space = hard = start
    index = start
    while index < len(pieces):
        piece = pieces[index]
        if isinstance(piece, _Char):
            if used + piece.units > limit:
                break
            used += piece.units
            hard = index + 1
            if piece.text == "\n":
                newline = hard
            elif piece.text.isspace():
                space = hard
        index += 1
    else:
        return len(pieces)
    half = used // 2
    for candidate in (newline, space):
        if candidate > start and _units(pieces, start, candidate) >= half:
            return candidate
    for candidate in (newline, space, hard):
        if candidate > start:
            return candidate
    return start + 1  # one character wider than the whole budget: never happens with real limits


def _units(pieces: list[_Piece], start: int, end: int) -> int:
    return sum(piece.units for piece in pieces[start:end] if isinstance(piece, _Char))


def split_html(html: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`html` as parts of at most `limit` visible UTF-16 units each, cut at line ends or spaces,
    never inside a tag or an entity; tags open at a cut are closed there and reopened in the
    next part. A text that fits is returned unchanged; markup Telegram would refuse is
    returned unchanged too (the caller's error handling reports it)."""
    if utf16_len(html) <= limit:
        return [html]  # markup and entities only ever shorten what the reader sees: it fits as it is
    try:
        pieces = _pieces(html)
    except TelegramHtmlError:
        return [html]
    if _units(pieces, 0, len(pieces)) <= limit:
        return [html]
    parts: list[str] = []
    start = 0
    stack: list[_Tag] = []
    while start < len(pieces):
        end = _cut(pieces, start, limit)
        while end < len(pieces) and isinstance(pieces[end], _Tag) and pieces[end].closing:
            end += 1  # a closing tag right after the cut belongs to this part
        after = _open_tags(pieces[start:end], stack)
        body = "".join(piece.source for piece in pieces[start:end])
        visible = "".join(piece.text for piece in pieces[start:end] if isinstance(piece, _Char))
        if visible.strip():  # Telegram refuses an empty message; blank runs between parts go
            closing = "".join(f"</{tag.name}>" for tag in reversed(after))
            parts.append("".join(tag.source for tag in stack) + body + closing)
        stack = after
        start = end
    return parts or [html]


__all__ = ["CAPTION_LIMIT", "MESSAGE_LIMIT", "TelegramHtmlError", "parsed_text", "refusal", "split_html",
           "utf16_len"]
