"""Human-readable rendering of a path into course data, for error messages."""

from __future__ import annotations

from typing import Any

DataPath = tuple[str | int, ...]


def render_path(path: DataPath, data: Any) -> str:
    """`('chunks', 2, 'title', 'kk')` → `chunks[intro].title.kk`.

    List items are named by their `key` when they have one (that is what an author
    searches for), otherwise by their 1-based position: `options[#2]`.
    """
    parts: list[str] = []
    node = data
    for element in path:
        if isinstance(element, int):
            item = node[element] if isinstance(node, list) and 0 <= element < len(node) else None
            key = item.get("key") if isinstance(item, dict) else None
            parts.append(f"[{key}]" if isinstance(key, str) and key else f"[#{element + 1}]")
            node = item
        else:
            parts.append(f".{element}" if parts else str(element))
            node = node.get(element) if isinstance(node, dict) else None
    return "".join(parts)
