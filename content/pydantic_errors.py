"""Pydantic's validation errors, restated for a course author.

A pydantic `loc` is turned back into a path into the raw YAML data (so the source map can
find its line), and each error type gets a plain-language reason; a typo in a key gets a
"did you mean" from the keys allowed at that place.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel

from content import schema
from content.constants import LOCALES
from content.errors import CourseReason
from content.paths import DataPath
from content.schema import CHUNK_TYPES, Course

# Lists whose items are a discriminated union: pydantic puts the tag in `loc` after the index.
_TAGGED_LISTS = {"chunks"}


def _unwrap(annotation: Any, node: Any) -> Any:
    """The model class behind `X | None`, `list[X]`, `Annotated[X, ...]` or a chunk union
    (picked by the node's `type`), or None if there is none."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) == 1:
                annotation = members[0]
                continue
            tag = node.get("type") if isinstance(node, dict) else None
            for member in members:
                field = getattr(member, "model_fields", {}).get("type")
                if field is not None and tag in typing.get_args(field.annotation):
                    return member
            return None
        else:
            return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _list_item_type(annotation: Any) -> Any | None:
    """X for `list[X]` or `Annotated[list[X], ...]`, else None."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else None


def fields_at(model: type[BaseModel], path: DataPath, data: Any) -> list[str]:
    """Keys allowed in the mapping at `path` of `data` when `data` is validated as `model`
    (used to suggest the intended key for a typo)."""
    current: Any = model
    item_type: Any = None
    node = data
    for element in path:
        node = _value_at(node, (element,))
        if isinstance(element, int):
            current = _unwrap(item_type, node) if item_type is not None else None
            item_type = None
        else:
            field = current.model_fields.get(element) if current is not None else None
            if field is None:
                return []
            item_type = _list_item_type(field.annotation)
            current = None if item_type is not None else _unwrap(field.annotation, node)
    return list(current.model_fields) if current is not None else []


def loc_to_path(loc: tuple[Any, ...], data: Any) -> DataPath:
    """A pydantic `loc` as a path into the raw data: drops the union tags pydantic inserts
    after a chunk's index (`chunks, 2, video, video, file` → `chunks, 2, video, file`)."""
    path: list[str | int] = []
    node = data
    index = 0
    tag_skipped_at = -1
    while index < len(loc):
        element = loc[index]
        if (
            tag_skipped_at != len(path)
            and len(path) >= 2
            and path[-2] in _TAGGED_LISTS
            and isinstance(path[-1], int)
            and isinstance(node, dict)
            and element == node.get("type")
        ):
            index += 1  # the discriminator tag, not a key (only one per item)
            tag_skipped_at = len(path)
            continue
        path.append(element)
        if isinstance(node, dict):
            node = node.get(element)
        elif isinstance(node, list) and isinstance(element, int) and 0 <= element < len(node):
            node = node[element]
        else:
            node = None
        index += 1
    return tuple(path)


def _value_at(data: Any, path: DataPath) -> Any:
    for element in path:
        if isinstance(data, dict):
            data = data.get(element)
        elif isinstance(data, list) and isinstance(element, int) and 0 <= element < len(data):
            data = data[element]
        else:
            return None
    return data


def _yaml_type(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def explain(error: dict[str, Any], data: Any, root: type[BaseModel] = Course) -> tuple[DataPath, DataPath, str]:
    """One pydantic error → (path of the line to report, path to name, reason)."""
    path = loc_to_path(tuple(error["loc"]), data)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")

    if kind == "missing":
        name = path[-1]
        what = f"the '{name}' translation" if name in LOCALES else f"required key '{name}'"
        return path[:-1], path[:-1], f"missing {what}"
    if kind == "extra_forbidden":
        name = str(path[-1])
        allowed = fields_at(root, path[:-1], data)
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return path, path[:-1], f"unknown key '{name}'{hint}"
    if kind == "union_tag_invalid":
        return (
            path + ("type",),
            path,
            f"unknown chunk type '{ctx.get('tag')}' (use one of: {', '.join(CHUNK_TYPES)})",
        )
    if kind == "union_tag_not_found":
        return path, path, f"missing required key 'type' (one of: {', '.join(CHUNK_TYPES)})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        class_name = ctx.get("class_name", "")
        model = getattr(schema, class_name, None)
        if isinstance(model, type) and issubclass(model, schema.LocalizedText):
            reason = "needs a text in each language: {kk: …, ru: …, en: …}"
        else:
            reason = "must be a mapping of `key: value` lines"
        return path, path, f"{reason}, not {_yaml_type(value)}"
    if kind == "list_type":
        return path, path, f"must be a list (lines starting with '- '), not {_yaml_type(value)}"
    if kind == "string_type":
        hint = "; put it in quotes" if isinstance(value, bool | int | float) else ""
        return path, path, f"must be text, but YAML read {value!r} as {_yaml_type(value)}{hint}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return path, path, f"must be a whole number (got {value!r})"
    if kind in ("bool_type", "bool_parsing"):
        return path, path, f"must be true or false (got {value!r})"
    if kind == "too_short" and "min_length" in ctx:
        return path, path, f"needs at least {ctx['min_length']} item(s), found {ctx.get('actual_length')}"
    if kind == "too_long" and "max_length" in ctx:
        return path, path, f"allows at most {ctx['max_length']} items, found {ctx.get('actual_length')}"
    if kind == "greater_than_equal":
        return path, path, f"must be at least {ctx.get('ge')} (got {value!r})"
    if kind == "greater_than":
        return path, path, f"must be greater than {ctx.get('gt')} (got {value!r})"
    if kind == "less_than_equal":
        return path, path, f"must be at most {ctx.get('le')} (got {value!r})"
    if kind == "string_pattern_mismatch":
        return path, path, "may use only letters A-Z a-z, digits, '_' and '-'"
    if kind == "string_too_short":
        return path, path, "must not be empty"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind == "literal_error":
        message = f"must be one of {ctx.get('expected')} (got {value!r})"
    return path, path, message


_SIMPLE_KINDS = {
    "list_type": "must_be_list",
    "int_type": "must_be_whole_number", "int_parsing": "must_be_whole_number",
    "int_from_float": "must_be_whole_number",
    "bool_type": "must_be_true_or_false", "bool_parsing": "must_be_true_or_false",
    "string_pattern_mismatch": "bad_characters",
    "string_too_short": "must_not_be_empty",
}


def reason_kind(error: dict[str, Any], data: Any, root: type[BaseModel] = Course) -> tuple[str | None, dict[str, Any]]:
    """The kind and named values of `explain`'s reason, for a sentence in the reader's language
    (see content/errors.py); (None, {}) when there is none and the English reason stands."""
    path = loc_to_path(tuple(error["loc"]), data)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    shown = repr(value)
    if kind == "missing":
        name = str(path[-1])
        return ("missing_translation", {"locale": name}) if name in LOCALES else ("missing_key", {"key": name})
    if kind == "extra_forbidden":
        name = str(path[-1])
        close = difflib.get_close_matches(name, fields_at(root, path[:-1], data), n=1, cutoff=0.6)
        if close:
            return "unknown_key_did_you_mean", {"key": name, "suggestion": close[0]}
        return "unknown_key", {"key": name}
    if kind == "union_tag_invalid":
        return "unknown_chunk_type", {"type": ctx.get("tag"), "types": ", ".join(CHUNK_TYPES)}
    if kind == "union_tag_not_found":
        return "missing_chunk_type", {"types": ", ".join(CHUNK_TYPES)}
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        model = getattr(schema, ctx.get("class_name", ""), None)
        if isinstance(model, type) and issubclass(model, schema.LocalizedText):
            return "needs_localized_text", {}
        return "must_be_mapping", {}
    if kind == "string_type":
        return ("must_be_text_quote" if isinstance(value, bool | int | float) else "must_be_text"), {"value": shown}
    if kind in _SIMPLE_KINDS:
        return _SIMPLE_KINDS[kind], {"value": shown}
    if kind == "too_short" and "min_length" in ctx:
        return "too_few_items", {"min": ctx["min_length"], "found": ctx.get("actual_length")}
    if kind == "too_long" and "max_length" in ctx:
        return "too_many_items", {"max": ctx["max_length"], "found": ctx.get("actual_length")}
    if kind == "greater_than_equal":
        return "must_be_at_least", {"min": ctx.get("ge"), "value": shown}
    if kind == "greater_than":
        return "must_be_greater_than", {"limit": ctx.get("gt"), "value": shown}
    if kind == "less_than_equal":
        return "must_be_at_most", {"max": ctx.get("le"), "value": shown}
    if kind == "literal_error":
        return "must_be_one_of", {"expected": ctx.get("expected"), "value": shown}
    reason = ctx.get("error")
    if isinstance(reason, CourseReason):
        return reason.kind, dict(reason.params)
    return None, {}
