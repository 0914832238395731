"""Rules that span several fields: cross-references, uniqueness, counts.

They work on plain data (the dicts and lists a YAML file becomes, or `model_dump()`), and
never assume the data is well-formed, so the loader can run them even when pydantic has
already found other errors in the same course and report everything in one go.  The
models run the same functions on themselves when built directly in Python.

Each finding is an `Issue`: a path into the data (like a pydantic `loc`), a message, and
optionally the path of an earlier thing it clashes with.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import TypeAdapter, ValidationError

from content.constants import DEFAULT_PASS_SCORE, DEFAULT_QUIZ_SIZE

DataPath = tuple[str | int, ...]


class Issue(NamedTuple):
    path: DataPath
    message: str  # English
    related: DataPath | None = None  # e.g. where a duplicate key was first defined
    kind: str | None = None  # the reason's kind, for a translated sentence (see content/errors.py)
    params: dict[str, Any] | None = None  # the named values of that sentence


_BOOL = TypeAdapter(bool)
_INT = TypeAdapter(int)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_bool(value: Any) -> bool | None:
    try:
        return _BOOL.validate_python(value)
    except ValidationError:
        return None


def _as_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return _INT.validate_python(value)
    except ValidationError:
        return None


def _key(value: Any) -> str | None:
    key = _as_dict(value).get("key")
    return key if isinstance(key, str) else None


def option_issues(options: Any, path: DataPath) -> list[Issue]:
    """Exactly one option of a question (or self-check) is correct."""
    correct = [
        index
        for index, option in enumerate(_as_list(options))
        if _as_bool(_as_dict(option).get("correct", False)) is True
    ]
    if not isinstance(options, list) or not options:
        return []  # the schema reports a missing or malformed list
    if not correct:
        return [Issue(path, "no option is marked `correct: true`; exactly one must be", kind="no_correct_option")]
    return [
        Issue(
            path + (index, "correct"),
            f"option #{index + 1} is marked correct but so is option #{correct[0] + 1}; "
            "exactly one must be",
            path + (correct[0], "correct"),
            "option_also_correct",
            {"number": index + 1, "first_number": correct[0] + 1},
        )
        for index in correct[1:]
    ]


_DUPLICATE_KINDS = {"chunk": "duplicate_chunk_key", "question": "duplicate_question_key"}


def _duplicates(items: list[Any], path: DataPath, what: str) -> list[Issue]:
    seen: dict[str, int] = {}
    issues = []
    for index, item in enumerate(items):
        key = _key(item)
        if key is None:
            continue
        if key in seen:
            issues.append(
                Issue(path + (index, "key"), f"duplicate {what} key '{key}'", path + (seen[key], "key"),
                      _DUPLICATE_KINDS[what], {"key": key})
            )
        else:
            seen[key] = index
    return issues


def lecture_issues(lecture: Any, path: DataPath, settings: Any = None) -> list[Issue]:
    """Rules inside one lecture, including its questions' options.

    With `settings` (the course settings mapping) the quiz size and pass score are checked
    as they will be used (the lecture's override, else the course's); without it, only an
    explicit override in the lecture is checked.
    """
    lecture = _as_dict(lecture)
    chunks = _as_list(lecture.get("chunks"))
    questions = _as_list(lecture.get("questions"))
    issues = _duplicates(chunks, path + ("chunks",), "chunk")
    issues += _duplicates(questions, path + ("questions",), "question")

    chunk_keys = list(dict.fromkeys(key for key in map(_key, chunks) if key is not None))
    for index, question in enumerate(questions):
        question = _as_dict(question)
        chunk = question.get("chunk")
        if isinstance(chunk, str) and chunks and chunk not in chunk_keys:
            issues.append(
                Issue(
                    path + ("questions", index, "chunk"),
                    f"unknown chunk '{chunk}'; this lecture's chunks are: {', '.join(chunk_keys)}",
                    kind="unknown_chunk", params={"chunk": chunk, "chunks": ", ".join(chunk_keys)},
                )
            )
        issues += option_issues(question.get("options"), path + ("questions", index, "options"))
    for index, chunk in enumerate(chunks):
        chunk = _as_dict(chunk)
        if chunk.get("type") == "self_check":
            issues += option_issues(chunk.get("options"), path + ("chunks", index, "options"))

    own_size = _as_int(lecture.get("quiz_size"))
    own_pass = _as_int(lecture.get("pass_score"))
    if settings is None and own_size is None:
        return issues
    course_size, course_pass = _settings_numbers(settings)
    size = own_size if own_size is not None else course_size
    if size is None or size < 1:
        return issues
    where = "the lecture's quiz_size" if own_size is not None else "the course's quiz_size"
    if questions and len(questions) < size:
        issues.append(
            Issue(
                path + ("questions",),
                f"the bank has {len(questions)} question(s) but a quiz draws {size} ({where}); "
                "add questions or lower quiz_size",
                kind="bank_below_lecture_quiz_size" if own_size is not None else "bank_below_course_quiz_size",
                params={"count": len(questions), "size": size},
            )
        )
    if own_pass is not None and own_pass > size:
        issues.append(
            Issue(path + ("pass_score",), f"pass_score {own_pass} is larger than the quiz size {size} ({where})",
                  kind="pass_score_over_lecture_quiz_size" if own_size is not None
                  else "pass_score_over_course_quiz_size", params={"pass_score": own_pass, "size": size})
        )
    return issues


def _settings_numbers(settings: Any) -> tuple[int | None, int | None]:
    settings = _as_dict(settings)
    size = _as_int(settings.get("quiz_size", DEFAULT_QUIZ_SIZE))
    pass_score = _as_int(settings.get("pass_score", DEFAULT_PASS_SCORE))
    return size, pass_score


def course_issues(course: Any) -> list[Issue]:
    """Every cross-field rule of a whole course (weeks, lecture keys, each lecture)."""
    course = _as_dict(course)
    issues: list[Issue] = []
    settings = course.get("settings")
    raw_settings = _as_dict(settings)
    size, pass_score = _settings_numbers(settings)
    if "pass_score" in raw_settings and size is not None and pass_score is not None and pass_score > size:
        issues.append(
            Issue(("settings", "pass_score"), f"pass_score {pass_score} is larger than quiz_size {size}",
                  kind="pass_score_over_quiz_size", params={"pass_score": pass_score, "size": size})
        )

    seen: dict[str, DataPath] = {}
    for week_index, week in enumerate(_as_list(course.get("weeks"))):
        week = _as_dict(week)
        number = _as_int(week.get("number"))
        if number is not None and number != week_index + 1:
            issues.append(
                Issue(
                    ("weeks", week_index, "number"),
                    f"weeks must be numbered 1, 2, 3… in order: expected {week_index + 1}, found {number}",
                    kind="week_number_out_of_order", params={"expected": week_index + 1, "found": number},
                )
            )
        for lecture_index, lecture in enumerate(_as_list(week.get("lectures"))):
            path: DataPath = ("weeks", week_index, "lectures", lecture_index)
            key = _key(lecture)
            if key is not None:
                if key in seen:
                    issues.append(Issue(path + ("key",), f"duplicate lecture key '{key}'", seen[key],
                                        "duplicate_lecture_key", {"key": key}))
                else:
                    seen[key] = path + ("key",)
            if isinstance(lecture, dict):
                issues += lecture_issues(lecture, path, settings)
    return issues + final_test_issues(course) + release_issues(course)


def final_test_issues(course: dict[str, Any]) -> list[Issue]:
    """The final test draws from every lecture's bank, so they must hold enough questions."""
    final = _as_dict(_as_dict(course.get("settings")).get("final_test"))
    size = _as_int(final.get("size"))
    if size is None:
        return []
    bank = sum(len(_as_list(_as_dict(lecture).get("questions")))
               for week in _as_list(course.get("weeks")) for lecture in _as_list(_as_dict(week).get("lectures")))
    if bank and size > bank:
        return [Issue(("settings", "final_test", "size"),
                      f"the final test asks {size} questions but the lectures hold only {bank}",
                      kind="final_test_bank_too_small", params={"size": size, "bank": bank})]
    return []


def release_issues(course: dict[str, Any]) -> list[Issue]:
    """A cohort course given as a list of dates needs one date for every week."""
    release = _as_dict(_as_dict(course.get("settings")).get("release"))
    dates = release.get("dates")
    weeks = len(_as_list(course.get("weeks")))
    if release.get("mode") != "cohort" or not isinstance(dates, list) or not dates or len(dates) >= weeks:
        return []
    return [Issue(("settings", "release", "dates"),
                  f"the course has {weeks} weeks but only {len(dates)} release date(s); give one date per week",
                  kind="release_dates_too_few", params={"weeks": weeks, "dates": len(dates)})]


def render_issues(issues: list[Issue]) -> str:
    """One line per issue, for a plain ValueError when a model is built in Python."""
    from content.paths import render_path

    return "; ".join(f"{render_path(issue.path, None) or '(top)'}: {issue.message}" for issue in issues)
