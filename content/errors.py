"""What the validator reports: a file, a line and a reason an instructor can act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CourseError:
    file: Path
    line: int | None  # 1-based; None when the problem is the file as a whole
    reason: str

    def __str__(self) -> str:
        return self.format()

    def format(self, relative_to: Path | None = None) -> str:
        """`file:line: reason`, with `file` shown relative to `relative_to` if given
        (e.g. the unpacked upload folder, so learners' admins never see temp paths)."""
        file = self.file
        if relative_to is not None:
            try:
                file = self.file.relative_to(relative_to)
            except ValueError:
                pass
        where = f"{file}:{self.line}" if self.line is not None else f"{file}"
        return f"{where}: {self.reason}"


class CourseValidationError(Exception):
    """A course failed validation; `errors` lists every problem found, in file order."""

    def __init__(self, errors: list[CourseError]) -> None:
        self.errors = list(errors)
        count = len(self.errors)
        lines = "\n".join(str(error) for error in self.errors)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the course:\n{lines}")
