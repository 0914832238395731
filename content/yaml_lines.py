"""A YAML loader that remembers where every key and list item came from.

PyYAML's `safe_load` forgets positions.  We compose the node graph instead and build plain
Python data ourselves, recording for every path (a tuple of mapping keys and list indexes)
the 1-based line it starts on: a mapping entry's line is the line of its key, a list
item's line is the line of the item.  Duplicate keys, which `safe_load` silently lets the
last one win, are reported instead.

Two limits keep a hostile or mistaken file from costing minutes, gigabytes or a crash:
a file is at most `MAX_YAML_BYTES` (checked before it is parsed), and mappings and lists
nest at most `MAX_YAML_DEPTH` deep (checked while composing: PyYAML's composer recurses
once per level, so `[[[[…` would otherwise end in a RecursionError).  Both are reported
as syntax errors with a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from content.errors import Reason

Path_ = tuple[str | int, ...]

MAX_YAML_BYTES = 2 * 1024 * 1024  # one course or lecture file; the sample's longest is 28 KB
MAX_YAML_DEPTH = 50  # nested mappings and lists; a course file needs about 10
_NESTED_TOO_DEEP = (f"lists and mappings nest more than {MAX_YAML_DEPTH} levels deep here; "
                    "a course file needs far fewer (is a bracket left open?)")


class YamlSyntaxError(Exception):
    """The text is not valid YAML; `line` is 1-based, or None when unknown."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(f"{line}: {reason}" if line else reason)
        self.line = line
        self.reason = reason


@dataclass
class YamlDocument:
    """Plain data (dicts, lists, scalars) plus where each part of it came from."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    # Problems that are not syntax errors but that we refuse to hide (duplicate keys,
    # non-string keys): (path, line, reason).
    problems: list[tuple[Path_, int, str]] = field(default_factory=list)
    _nodes: int = field(default=0, repr=False)

    def line_of(self, path: Path_) -> int | None:
        """Line of `path`, or of its nearest ancestor that exists in the document."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


# PyYAML's wording is technical; these hints say what an author usually did wrong. Each also names
# the kind of a whole sentence the bot shows in the reader's language (content/errors.py).
_HINTS = (
    ("mapping values are not allowed here", "a text containing ': ' must be quoted or written as a | block",
     "yaml_colon_in_text"),
    ("found character '\\t'", "indent with spaces, not tabs", "yaml_tab"),
    ("expected ',' or '}'", "a {…} mapping is not closed, or a text in it contains ',' or ':' and needs quotes",
     "yaml_flow_mapping_not_closed"),
    ("expected ',' or ']'", "a […] list is not closed, or an item in it needs quotes", "yaml_flow_list_not_closed"),
    ("expected <block end>", "check the indentation of this line against the lines above", "yaml_indentation"),
    ("found unexpected end of stream", "a quoted text is never closed", "yaml_quote_not_closed"),
    ("expected a single document", "remove the '---' line: a course file holds one document",
     "yaml_second_document"),
)
# A character YAML reserves (`@`, a backtick) starting a plain text: the text needs quotes.
_RESERVED_START = re.compile(r"found character '([@`])' that cannot start any token")


def _syntax_error(exc: yaml.YAMLError, text: str) -> YamlSyntaxError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        parts = [p for p in (exc.context, exc.problem) if p]
        detail = ", ".join(parts) or "invalid YAML"
        matched = [(hint, kind) for needle, hint, kind in _HINTS if needle in detail]
        hints = [hint for hint, _kind in matched]
        opened = exc.context_mark
        started_elsewhere = bool(opened and mark and opened.line != mark.line
                                 and ("flow" in detail or "quoted" in detail))
        if started_elsewhere:
            hints.append(f"it started on line {opened.line + 1}")
        reason = detail + (f" ({'; '.join(hints)})" if hints else "")
        params: dict[str, Any] = {"column": mark.column + 1 if mark else None}
        reserved = _RESERVED_START.search(detail)
        if matched:
            kind = matched[0][1]
        elif reserved:
            kind, params["character"] = "yaml_reserved_character", reserved.group(1)
        elif exc.problem == _NESTED_TOO_DEEP:
            kind, params["limit"] = "yaml_nested_too_deep", MAX_YAML_DEPTH
        else:
            kind, params["detail"] = "yaml_syntax", detail
        if kind in ("yaml_flow_mapping_not_closed", "yaml_flow_list_not_closed", "yaml_quote_not_closed"):
            start = opened or mark
            params["start_line"], params["start_column"] = (start.line + 1, start.column + 1) if start else (None, None)
        if mark is None:
            kind, params = "yaml_syntax_no_line", {"detail": detail}
        return YamlSyntaxError(mark.line + 1 if mark else None, Reason(f"YAML syntax error: {reason}", kind, **params))
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        return YamlSyntaxError(line, Reason(f"YAML syntax error: {exc.reason} (character {shown})",
                                            "yaml_bad_character", character=shown, column=column))
    return YamlSyntaxError(None, Reason(f"YAML syntax error: {exc}", "yaml_syntax_no_line", detail=str(exc)))


def load_yaml(text: str | bytes) -> YamlDocument:
    """Parse one YAML document; raise `YamlSyntaxError` with the line on bad syntax."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_YAML_BYTES:
        raise _too_big(raw)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = text.count(b"\n", 0, exc.start) + 1
            raise YamlSyntaxError(line, Reason("the file is not UTF-8 text; save it with UTF-8 encoding",
                                                     "not_utf8")) from None
    try:
        loader = _DepthLimitedLoader(text)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise _syntax_error(exc, text) from None
        doc = YamlDocument(data=None)
        if node is None:
            return doc
        try:
            doc.data = _build(loader, node, (), doc, depth=0)
        except _TooBig:
            raise YamlSyntaxError(None, Reason("the file expands to too much data (aliases used too deeply)",
                                                     "yaml_too_much_data")) from None
        return doc
    finally:
        loader.dispose()


def load_yaml_file(path: Path) -> YamlDocument:
    """Parse a file of at most `MAX_YAML_BYTES`; a bigger one is refused unread past the limit."""
    with open(path, "rb") as stream:
        data = stream.read(MAX_YAML_BYTES + 1)
    return load_yaml(data)


def _too_big(data: bytes) -> YamlSyntaxError:
    limit = MAX_YAML_BYTES // (1024 * 1024)
    return YamlSyntaxError(
        data.count(b"\n", 0, MAX_YAML_BYTES) + 1,
        Reason(f"the file is larger than {limit} MB, the limit for one course file "
               "(it passes the limit on this line); split the lecture into several, or attach long "
               "material as a file chunk", "yaml_file_too_big", limit=limit),
    )


class _DepthLimitedLoader(yaml.SafeLoader):
    """Refuses nesting deeper than MAX_YAML_DEPTH before the composer's recursion gets there."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            if self._depth >= MAX_YAML_DEPTH:
                event = self.peek_event()
                raise yaml.composer.ComposerError(None, None, _NESTED_TOO_DEEP, event.start_mark)
            self._depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


_MAX_DEPTH = 64  # guards against recursive aliases (&a [*a])
_MAX_NODES = 200_000  # guards against alias bombs ("billion laughs"); a lecture is ~500 nodes


class _TooBig(Exception):
    pass


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, doc: YamlDocument, depth: int) -> Any:
    line = node.start_mark.line + 1
    doc.lines.setdefault(path, line)
    doc._nodes += 1
    if doc._nodes > _MAX_NODES:
        raise _TooBig
    if depth > _MAX_DEPTH:
        doc.problems.append((path, line, Reason("YAML nesting is too deep (recursive alias?)", "yaml_too_deep")))
        return None
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<: *anchor` merge keys
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                doc.problems.append((path, key_line, Reason("a key must be a plain word, not a list or mapping",
                                                             "key_not_a_word")))
                continue
            # The raw text, not the resolved value: `no:`, `on:` or `1:` stay strings.
            key = key_node.value
            if key in result:
                first = doc.lines.get(path + (key,))
                doc.problems.append(
                    (path + (key,), key_line, Reason(f"duplicate key '{key}' (first given on line {first})",
                                                      "duplicate_yaml_key", key=key, first=first))
                )
                continue
            doc.lines[path + (key,)] = key_line
            result[key] = _build(loader, value_node, path + (key,), doc, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item_node in enumerate(node.value):
            doc.lines[path + (index,)] = item_node.start_mark.line + 1
            items.append(_build(loader, item_node, path + (index,), doc, depth + 1))
        return items
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError):
        return node.value  # e.g. an impossible date such as 2024-02-30: keep the text
