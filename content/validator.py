"""Validates a course on disk and reports every problem as `file:line: reason`.

Three passes, all run even when an earlier one failed, so an instructor fixes a broken
upload in one round trip instead of one error at a time:

1. assembly (`content.assembly`): YAML syntax, duplicate keys, lecture files vs weeks;
2. the schema (`content.schema`) over the assembled tree, its pydantic errors translated
   into plain reasons and mapped back to a file and line through the source map;
3. the cross-field rules (`content.rules`) over the same raw tree.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from content import rules, schema
from content.assembly import Assembled, assemble
from content.constants import LOCALES
from content.errors import CourseError
from content.paths import DataPath
from content.schema import CHUNK_TYPES, Course, Lecture
from content.source_map import SourceMap

# Lists whose items are a discriminated union: pydantic puts the tag in `loc` after the index.
_TAGGED_LISTS = {"chunks"}


def _all_field_names() -> list[str]:
    names: set[str] = set()
    for value in vars(schema).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            names.update(value.model_fields)
    return sorted(names)


_FIELD_NAMES = _all_field_names()


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


def explain(error: dict[str, Any], data: Any) -> tuple[DataPath, DataPath, str]:
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
        close = difflib.get_close_matches(name, _FIELD_NAMES, n=1, cutoff=0.75)
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


def _where(location_path: str, reason: str) -> str:
    return f"{location_path}: {reason}" if location_path else reason


def translate(exc: ValidationError, data: Any, sources: SourceMap, suppressed: set[DataPath]) -> list[CourseError]:
    errors = []
    for error in exc.errors(include_url=False):
        line_path, name_path, reason = explain(error, data)
        if line_path in suppressed or name_path in suppressed:
            continue
        where = sources.locate(line_path)
        named = sources.locate(name_path)
        errors.append(CourseError(where.file, where.line, _where(named.path, reason)))
    return errors


def issues_to_errors(issues: list[rules.Issue], sources: SourceMap) -> list[CourseError]:
    errors = []
    for issue in issues:
        where = sources.locate(issue.path)
        reason = issue.message
        if issue.related is not None:
            first = sources.locate(issue.related)
            at = f"line {first.line}" if first.file == where.file else f"{first.file.name}:{first.line}"
            reason = f"{reason} (first at {at})"
        errors.append(CourseError(where.file, where.line, _where(where.path, reason)))
    return errors


def _order(errors: list[CourseError], assembled: Assembled) -> list[CourseError]:
    unique = list(dict.fromkeys(errors))
    return sorted(
        unique,
        key=lambda e: (e.file != assembled.course_file, str(e.file), e.line or 0),
    )


def check_course(path: str | Path) -> tuple[Course | None, list[CourseError]]:
    """Load and validate; the course is returned only when there is no error at all."""
    assembled = assemble(path)
    errors = list(assembled.errors)
    context = {"base_dir": assembled.base_dir, "deferred_rules": True}
    course: Course | None = None
    if assembled.data is not None:
        try:
            course = Course.model_validate(assembled.data, context=context)
        except ValidationError as exc:
            errors += translate(exc, assembled.data, assembled.sources, assembled.suppressed)
        errors += issues_to_errors(rules.course_issues(assembled.data), assembled.sources)
    settings = assembled.data.get("settings") if assembled.data is not None else None
    for loose in assembled.loose:
        sources = SourceMap()
        sources.add((), loose.file, loose.doc)
        try:
            Lecture.model_validate(loose.doc.data, context=context)
        except ValidationError as exc:
            errors += translate(exc, loose.doc.data, sources, set())
        errors += issues_to_errors(rules.lecture_issues(loose.doc.data, (), settings), sources)
    if errors or course is None:
        return None, _order(errors, assembled)
    course._source = assembled.root
    return course, []


def validate_course(path: str | Path) -> list[CourseError]:
    """Every problem of the course at `path` (a folder or a one-file .yaml); [] if valid."""
    return check_course(path)[1]
