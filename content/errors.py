"""What the validator reports: a file, a line and a reason an instructor can act on.

`reason` is English (the command line, logs). A reason the bot shows in the instructor's language
also has a `kind` (one whole sentence per kind, translated in the bot: bot/telegram/texts_course_errors.py)
and the named values that sentence takes (`params`: lecture key, field, numbers), plus `where`, the
place in the course data the reason is about (`weeks[0].lectures[1].key`), which is not translated.
A reason made of several findings at one place (a text's HTML mistakes) carries each finding's
kind and values in `findings`: each is a whole sentence of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Params = tuple[tuple[str, str], ...]
Finding = tuple[str, Params]  # (kind, params) of one whole sentence


def params_of(values: Mapping[str, Any] | None) -> Params:
    """Named values as a hashable, printable tuple (every value as the text the sentence shows)."""
    return tuple((name, str(value)) for name, value in (values or {}).items())


class Reason(str):
    """An English reason (a plain `str` to every reader) that also carries its kind and named values."""

    kind: str
    params: dict[str, Any]

    def __new__(cls, text: str, kind: str, **params: Any) -> Reason:
        reason = super().__new__(cls, text)
        reason.kind = kind
        reason.params = params
        return reason


def kinded(file: Path, line: int | None, reason: str) -> CourseError:
    """A CourseError of `reason`, keeping its kind when it is a `Reason`."""
    return CourseError(file, line, str(reason), getattr(reason, "kind", None),
                       params_of(getattr(reason, "params", None)))


class CourseReason(ValueError):
    """A schema validator's refusal that has a kind (and named values) besides its English text."""

    def __init__(self, message: str, kind: str | None, findings: tuple[Reason, ...] = (), **params: Any) -> None:
        """`kind` None: no one sentence says it, its `findings` do (each a whole sentence)."""
        super().__init__(message)
        self.kind = kind
        self.params = params
        self.findings = findings  # several problems at one place, each with its own kind


def findings_of(reasons: tuple[Reason, ...]) -> tuple[Finding, ...]:
    return tuple((reason.kind, params_of(reason.params)) for reason in reasons)


@dataclass(frozen=True)
class CourseError:
    file: Path
    line: int | None  # 1-based; None when the problem is the file as a whole
    reason: str
    kind: str | None = field(default=None, compare=False)
    params: Params = field(default=(), compare=False)
    where: str = field(default="", compare=False)
    findings: tuple[Finding, ...] = field(default=(), compare=False)

    def location(self, relative_to: Path | None = None) -> str:
        """`file:line` (or `file`), the file relative to `relative_to` when it lies inside it."""
        file = self.file
        if relative_to is not None:
            try:
                file = self.file.relative_to(relative_to)
            except ValueError:
                pass
        return f"{file}:{self.line}" if self.line is not None else f"{file}"

    def __str__(self) -> str:
        return self.format()

    def format(self, relative_to: Path | None = None) -> str:
        """`file:line: reason`, with `file` shown relative to `relative_to` if given
        (e.g. the unpacked upload folder, so learners' admins never see temp paths)."""
        return f"{self.location(relative_to)}: {self.reason}"


class CourseValidationError(Exception):
    """A course failed validation; `errors` lists every problem found, in file order."""

    def __init__(self, errors: list[CourseError]) -> None:
        self.errors = list(errors)
        count = len(self.errors)
        lines = "\n".join(str(error) for error in self.errors)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the course:\n{lines}")
