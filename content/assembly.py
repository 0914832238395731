"""Reads a course from disk into one plain data tree, before any validation.

Two layouts are accepted:

* a folder: `course.yaml` whose weeks list lecture keys, plus `lectures/<key>.yaml`
  (or `NN-<key>.yaml`; a `key:` inside the file wins over its name);
* one YAML file whose weeks hold the lecture mappings themselves.

A week may also hold a lecture mapping inline in the folder layout.  Problems that only
the file layout can have (a syntax error, a listed lecture without a file, a file listed
nowhere, a lecture listed twice) are reported here with their line; everything else is
left to the schema and the rules, run on the assembled tree.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from content.errors import CourseError, kinded, params_of
from content.paths import DataPath
from content.source_map import SourceMap
from content.yaml_lines import YamlDocument, YamlSyntaxError, load_yaml_file

COURSE_FILES = ("course.yaml", "course.yml")
LECTURES_DIR = "lectures"
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class LooseLecture:
    """A lecture file that no week lists; still validated so its errors are not hidden."""

    file: Path
    doc: YamlDocument


@dataclass
class Assembled:
    root: Path  # the course folder, or the one-file course itself
    base_dir: Path  # media paths are relative to this
    course_file: Path
    data: dict[str, Any] | None = None
    sources: SourceMap = field(default_factory=SourceMap)
    errors: list[CourseError] = field(default_factory=list)
    loose: list[LooseLecture] = field(default_factory=list)
    # Paths whose schema errors would only repeat a problem reported here (a week's lecture
    # list that became empty because its only lecture file is missing).
    suppressed: set[DataPath] = field(default_factory=set)


def _read(file: Path, errors: list[CourseError]) -> YamlDocument | None:
    """The file's YAML as a mapping, or None after recording why it is unusable."""
    try:
        doc = load_yaml_file(file)
    except YamlSyntaxError as exc:
        errors.append(kinded(file, exc.line, exc.reason))
        return None
    except OSError as exc:
        errors.append(CourseError(file, None, f"cannot read the file: {exc.strerror or exc}", "cannot_read_file",
                                  params_of({"detail": exc.strerror or exc})))
        return None
    for _path, line, reason in doc.problems:
        errors.append(kinded(file, line, reason))
    if doc.data is None:
        errors.append(CourseError(file, None, "the file is empty", "file_empty"))
        return None
    if not isinstance(doc.data, dict):
        errors.append(CourseError(file, doc.line_of(()), "the file must be a mapping of `key: value` lines",
                                  "file_not_a_mapping"))
        return None
    return doc


def key_from_filename(file: Path) -> str:
    """`lectures/01-variables.yaml` → `variables` (a leading number and dash are dropped)."""
    return re.sub(r"^\d+[-_.]", "", file.stem) or file.stem


def assemble(path: str | Path) -> Assembled:
    path = Path(path).resolve()
    if path.is_file() and path.name in COURSE_FILES:
        path = path.parent  # course.yaml of a course folder: load the whole folder
    if path.is_dir():
        course_file = next((path / name for name in COURSE_FILES if (path / name).is_file()), None)
        if course_file is None:
            result = Assembled(path, path, path / COURSE_FILES[0])
            result.errors.append(CourseError(result.course_file, None, "course.yaml not found in the course folder",
                                             "no_course_yaml"))
            return result
        result = Assembled(path, path, course_file)
        lecture_files = sorted(
            f for f in (path / LECTURES_DIR).glob("*") if f.suffix in YAML_SUFFIXES and f.is_file()
        )
    elif path.is_file():
        result = Assembled(path, path.parent, path)
        lecture_files = []
    else:
        result = Assembled(path, path.parent, path)
        result.errors.append(CourseError(path, None, "no such course folder or file", "no_such_course"))
        return result

    doc = _read(result.course_file, result.errors)
    if doc is not None:
        result.sources.add((), result.course_file, doc)
    lectures = _read_lectures(lecture_files, result.errors)
    if doc is None:
        result.loose = [LooseLecture(file, lecture_doc) for file, lecture_doc in lectures.values() if lecture_doc]
        return result
    result.data = _graft(doc, lectures, result, one_file=path.is_file())
    return result


def _read_lectures(
    files: list[Path], errors: list[CourseError]
) -> dict[str, tuple[Path, YamlDocument | None]]:
    """Lecture files by key; a file with a syntax error still occupies its filename's key,
    so the week listing it does not also get a "missing lecture" error."""
    by_key: dict[str, tuple[Path, YamlDocument | None]] = {}
    for file in files:
        doc = _read(file, errors)
        inner = doc.data.get("key") if doc is not None else None
        key = inner if isinstance(inner, str) and inner else key_from_filename(file)
        if doc is not None and "key" not in doc.data:
            doc.data = {"key": key, **doc.data}
            doc.lines[("key",)] = doc.line_of(())
        if key in by_key:
            first = by_key[key][0]
            line = doc.line_of(("key",)) if doc is not None else None
            errors.append(
                CourseError(file, line, f"lecture key '{key}' is also used by {LECTURES_DIR}/{first.name}",
                            "lecture_key_in_two_files", params_of({"key": key, "file": f"{LECTURES_DIR}/{first.name}"}))
            )
            continue
        by_key[key] = (file, doc)
    return by_key


def _graft(
    doc: YamlDocument,
    lectures: dict[str, tuple[Path, YamlDocument | None]],
    result: Assembled,
    one_file: bool,
) -> dict[str, Any]:
    """course.yaml's data with each listed lecture key replaced by that lecture's data."""
    data = dict(doc.data)
    weeks = data.get("weeks")
    if not isinstance(weeks, list):
        # The schema reports `weeks`; still check every lecture file on its own.
        result.loose += [LooseLecture(file, lecture_doc) for file, lecture_doc in lectures.values() if lecture_doc]
        return data
    listed: dict[str, int] = {}  # lecture key → week index that listed it first
    new_weeks: list[Any] = []
    for week_index, week in enumerate(weeks):
        entries = week.get("lectures") if isinstance(week, dict) else None
        if not isinstance(entries, list):
            new_weeks.append(week)
            continue
        kept: list[Any] = []
        for index, entry in enumerate(entries):
            here: DataPath = ("weeks", week_index, "lectures", index)
            line = doc.line_of(here)
            new_path = ("weeks", week_index, "lectures", len(kept))
            if isinstance(entry, dict):  # an inline lecture
                result.sources.add(new_path, result.course_file, doc, here)
                kept.append(entry)
                continue
            if not isinstance(entry, str) or not entry:
                result.errors.append(
                    CourseError(result.course_file, line, "each entry of `lectures` must be a lecture key",
                                "lecture_entry_not_a_key")
                )
                continue
            if one_file:
                result.errors.append(
                    CourseError(
                        result.course_file,
                        line,
                        f"lecture '{entry}' is given by key, but a one-file course must contain "
                        "the lecture itself here (key, title, chunks, questions)",
                        "one_file_lecture_by_key", params_of({"key": entry}),
                    )
                )
                continue
            if entry in listed:
                result.errors.append(
                    CourseError(
                        result.course_file,
                        line,
                        f"lecture '{entry}' is listed twice (first in week {listed[entry] + 1}); "
                        "each lecture belongs to exactly one week",
                        "lecture_listed_twice", params_of({"key": entry, "week": listed[entry] + 1}),
                    )
                )
                continue
            if entry not in lectures:
                close = difflib.get_close_matches(entry, list(lectures), n=1, cutoff=0.75)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                result.errors.append(
                    CourseError(
                        result.course_file,
                        line,
                        f"lecture '{entry}' is listed here but no file in {LECTURES_DIR}/ has "
                        f"`key: {entry}` ({LECTURES_DIR}/{entry}.yaml){hint}",
                        "listed_lecture_missing_did_you_mean" if close else "listed_lecture_missing",
                        params_of({"key": entry, "file": f"{LECTURES_DIR}/{entry}.yaml",
                                   "suggestion": close[0] if close else ""}),
                    )
                )
                continue
            listed[entry] = week_index
            file, lecture_doc = lectures[entry]
            if lecture_doc is None:
                continue  # its syntax error is already reported
            result.sources.add(new_path, file, lecture_doc)
            kept.append(lecture_doc.data)
        if entries and not kept:
            result.suppressed.add(("weeks", week_index, "lectures"))
        new_weeks.append({**week, "lectures": kept})
    data["weeks"] = new_weeks

    for key, (file, lecture_doc) in lectures.items():
        if key in listed:
            continue
        line = lecture_doc.line_of(("key",)) if lecture_doc is not None else None
        result.errors.append(
            CourseError(
                file,
                line,
                f"lecture '{key}' is not listed in any week of {result.course_file.name}; "
                "add it to a week's `lectures` or delete the file",
                "lecture_not_listed", params_of({"key": key, "course_file": result.course_file.name}),
            )
        )
        if lecture_doc is not None:
            result.loose.append(LooseLecture(file, lecture_doc))
    return data
