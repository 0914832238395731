"""Message entities: UTF-16 offsets, trimming, bot_command detection, rendering back to HTML.

Telegram measures entity offsets and lengths in UTF-16 code units, so every helper here does.
"""

from __future__ import annotations

import html
import re
from typing import Any

Entity = dict[str, Any]

# Entity type → (opening tag, closing tag) for the sanitized HTML shown on the user side.
_SIMPLE_TAGS = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "spoiler": "tg-spoiler",
    "code": "code",
    "blockquote": "blockquote",
}

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """Telegram's order: by offset, longer (outer) entities first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def strip_text(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim leading/trailing whitespace as Telegram does, shifting and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    new_len = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, new_len)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def clip_entities(text: str, entities: list[Any]) -> list[Entity]:
    """Validate entities the bot passed explicitly (``entities=``), dropping broken ones."""
    total = utf16_len(text)
    result = []
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            continue
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            continue
        end = min(offset + length, total)
        if offset >= 0 and end > offset:
            result.append({**entity, "offset": offset, "length": end - offset})
    return sort_entities(result)


def bot_command_entities(text: str) -> list[Entity]:
    """``bot_command`` entities for every ``/command`` a user types (as Telegram marks them)."""
    entities = []
    for match in _COMMAND_RE.finditer(text):
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group(0)),
            }
        )
    return entities


def _open_tag(entity: Entity) -> tuple[str, str] | None:
    kind = entity["type"]
    if kind in _SIMPLE_TAGS:
        tag = _SIMPLE_TAGS[kind]
        return f"<{tag}>", f"</{tag}>"
    if kind == "expandable_blockquote":
        return "<blockquote expandable>", "</blockquote>"
    if kind == "pre":
        if entity.get("language"):
            lang = html.escape(entity["language"], quote=True)
            return f'<pre><code class="language-{lang}">', "</code></pre>"
        return "<pre>", "</pre>"
    if kind == "text_link":
        return f'<a href="{html.escape(str(entity.get("url", "")), quote=True)}">', "</a>"
    if kind == "text_mention" and entity.get("user"):
        return f'<a href="tg://user?id={int(entity["user"]["id"])}">', "</a>"
    if kind == "custom_emoji":
        emoji_id = html.escape(str(entity.get("custom_emoji_id", "")), quote=True)
        return f'<tg-emoji emoji-id="{emoji_id}">', "</tg-emoji>"
    return None  # bot_command, url, mention...: plain text


def render_html(text: str | None, entities: list[Entity]) -> str:
    """Escaped HTML for ``text`` with its formatting entities (safe to put in a page)."""
    if not text:
        return ""
    units = text.encode("utf-16-le")
    tagged = [(e, tags) for e in sort_entities(entities) if (tags := _open_tag(e))]
    boundaries = {0, len(units) // 2}
    for entity, _ in tagged:
        boundaries.update((entity["offset"], entity["offset"] + entity["length"]))
    points = sorted(p for p in boundaries if 0 <= p <= len(units) // 2)

    out: list[str] = []
    stack: list[tuple[Entity, tuple[str, str]]] = []
    for index, pos in enumerate(points):
        # Close what ends here; entities that overlap without nesting are closed and reopened.
        reopen = []
        while any(e["offset"] + e["length"] <= pos for e, _ in stack):
            entity, tags = stack.pop()
            out.append(tags[1])
            if entity["offset"] + entity["length"] > pos:
                reopen.append((entity, tags))
        for entity, tags in reversed(reopen):
            out.append(tags[0])
            stack.append((entity, tags))
        for entity, tags in tagged:
            if entity["offset"] == pos and entity["length"] > 0:
                out.append(tags[0])
                stack.append((entity, tags))
        if index + 1 < len(points):
            chunk = units[pos * 2 : points[index + 1] * 2].decode("utf-16-le", "replace")
            out.append(html.escape(chunk, quote=False))
    while stack:
        out.append(stack.pop()[1][1])
    return "".join(out)
