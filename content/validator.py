"""Validates a course on disk and reports every problem as `file:line: reason`.

Three passes, all run even when an earlier one failed, so an instructor fixes a broken
upload in one round trip instead of one error at a time:

1. assembly (`content.assembly`): YAML syntax, duplicate keys, lecture files vs weeks;
2. the schema (`content.schema`) over the assembled tree, its pydantic errors restated
   (`content.pydantic_errors`) and mapped back to a file and line through the source map;
3. the cross-field rules (`content.rules`) over the same raw tree;
4. when all of that passed and the caller gives one, a check of the course as rendered: the
   bot passes its own (`bot/telegram/course_check.py`), which renders every message exactly as
   it will be sent and asks what Telegram would answer. This package stands alone and knows
   nothing of the bot's wording, so that check comes in from outside; its findings are `Issue`s
   (a path into the course data and a reason), mapped to `file:line` here like every other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from content import rules
from content.assembly import Assembled, assemble
from content.errors import CourseError, findings_of, params_of
from content.paths import DataPath
from content.pydantic_errors import explain, reason_kind
from content.schema import Course, Lecture
from content.source_map import SourceMap


# Findings about the course as the bot will send it (see pass 4 above).
RenderedCheck = Callable[[Course], list[rules.Issue]]


def _where(location_path: str, reason: str) -> str:
    return f"{location_path}: {reason}" if location_path else reason


def translate(
    exc: ValidationError,
    data: Any,
    sources: SourceMap,
    suppressed: set[DataPath],
    root: type[BaseModel] = Course,
) -> list[CourseError]:
    errors = []
    for error in exc.errors(include_url=False):
        line_path, name_path, reason = explain(error, data, root)
        if line_path in suppressed or name_path in suppressed:
            continue
        where = sources.locate(line_path)
        named = sources.locate(name_path)
        kind, params = reason_kind(error, data, root)
        findings = getattr((error.get("ctx") or {}).get("error"), "findings", ())
        errors.append(CourseError(where.file, where.line, _where(named.path, reason), kind, params_of(params),
                                  named.path, findings_of(findings)))
    return errors


def issues_to_errors(issues: list[rules.Issue], sources: SourceMap) -> list[CourseError]:
    errors = []
    for issue in issues:
        where = sources.locate(issue.path)
        reason = issue.message
        params = dict(issue.params or {})
        if issue.related is not None:
            first = sources.locate(issue.related)
            at = f"line {first.line}" if first.file == where.file else f"{first.file.name}:{first.line}"
            reason = f"{reason} (first at {at})"
            params["first_file"], params["first_line"] = first.file, first.line  # shown as the reader sees files
        errors.append(CourseError(where.file, where.line, _where(where.path, reason), issue.kind, params_of(params),
                                  where.path))
    return errors


def _order(errors: list[CourseError], assembled: Assembled) -> list[CourseError]:
    unique = list(dict.fromkeys(errors))
    return sorted(
        unique,
        key=lambda e: (e.file != assembled.course_file, str(e.file), e.line or 0),
    )


def check_course(path: str | Path, rendered: RenderedCheck | None = None) -> tuple[Course | None, list[CourseError]]:
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
            errors += translate(exc, loose.doc.data, sources, set(), Lecture)
        errors += issues_to_errors(rules.lecture_issues(loose.doc.data, (), settings), sources)
    if errors or course is None:
        return None, _order(errors, assembled)
    course._source = assembled.root
    if rendered is not None:
        errors = issues_to_errors(rendered(course), assembled.sources)
        if errors:
            return None, _order(errors, assembled)
    return course, []


def validate_course(path: str | Path, rendered: RenderedCheck | None = None) -> list[CourseError]:
    """Every problem of the course at `path` (a folder or a one-file .yaml); [] if valid."""
    return check_course(path, rendered)[1]
