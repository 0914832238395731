"""A YAML loader that remembers where every key and list item came from.

PyYAML's `safe_load` forgets positions.  We compose the node graph instead and build plain
Python data ourselves, recording for every path (a tuple of mapping keys and list indexes)
the 1-based line it starts on: a mapping entry's line is the line of its key, a list
item's line is the line of the item.  Duplicate keys, which `safe_load` silently lets the
last one win, are reported instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


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

    def line_of(self, path: Path_) -> int | None:
        """Line of `path`, or of its nearest ancestor that exists in the document."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


def _syntax_error(exc: yaml.YAMLError, text: str) -> YamlSyntaxError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        parts = [p for p in (exc.context, exc.problem) if p]
        reason = ", ".join(parts) or "invalid YAML"
        return YamlSyntaxError(mark.line + 1 if mark else None, f"YAML syntax error: {reason}")
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1 if isinstance(text, str) else None
        return YamlSyntaxError(line, f"YAML syntax error: {exc.reason}")
    return YamlSyntaxError(None, f"YAML syntax error: {exc}")


def load_yaml(text: str | bytes) -> YamlDocument:
    """Parse one YAML document; raise `YamlSyntaxError` with the line on bad syntax."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            decoded = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
            raise _syntax_error(exc, decoded) from None
        doc = YamlDocument(data=None)
        if node is None:
            return doc
        doc.data = _build(loader, node, (), doc, depth=0)
        return doc
    finally:
        loader.dispose()


def load_yaml_file(path: Path) -> YamlDocument:
    return load_yaml(Path(path).read_bytes())


_MAX_DEPTH = 64  # guards against recursive aliases (&a [*a])


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, doc: YamlDocument, depth: int) -> Any:
    line = node.start_mark.line + 1
    doc.lines.setdefault(path, line)
    if depth > _MAX_DEPTH:
        doc.problems.append((path, line, "YAML nesting is too deep (recursive alias?)"))
        return None
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<: *anchor` merge keys
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                doc.problems.append((path, key_line, "a key must be a plain word, not a list or mapping"))
                continue
            # The raw text, not the resolved value: `no:`, `on:` or `1:` stay strings.
            key = key_node.value
            if key in result:
                first = doc.lines.get(path + (key,))
                doc.problems.append(
                    (path + (key,), key_line, f"duplicate key '{key}' (first given on line {first})")
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
    return loader.construct_object(node, deep=True)
