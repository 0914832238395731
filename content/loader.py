"""Loading courses: the entry points the bot uses."""

from __future__ import annotations

from pathlib import Path

from content.assembly import COURSE_FILES, YAML_SUFFIXES
from content.errors import CourseValidationError
from content.schema import Course
from content.validator import RenderedCheck, check_course
from content.yaml_lines import YamlSyntaxError, load_yaml_file

COURSES_DIR = Path(__file__).resolve().parent / "courses"
SAMPLE_COURSE_DIR = COURSES_DIR / "python-basics"


def load_course(path: str | Path, rendered: RenderedCheck | None = None) -> Course:
    """The course at `path` (a folder with course.yaml, or a one-file .yaml), validated.

    Raises `CourseValidationError` listing every problem found.  The returned course's
    media `file`s are absolute paths and `course.content_hash` identifies its content.
    """
    course, errors = check_course(path, rendered)
    if course is None:
        raise CourseValidationError(errors)
    return course


def _looks_like_course_file(path: Path) -> bool:
    try:
        data = load_yaml_file(path).data
    except YamlSyntaxError:
        return True  # broken, but surely meant as a course: let loading report why
    except OSError:
        return False
    return isinstance(data, dict) and ("slug" in data or "weeks" in data)


def discover_courses(content_dir: str | Path) -> list[Path]:
    """Courses directly inside `content_dir`: every subfolder holding a course.yaml, and
    every .yaml/.yml file that is a one-file course (has `slug:` or `weeks:`), by name."""
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        return []
    found = []
    for entry in sorted(content_dir.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and any((entry / name).is_file() for name in COURSE_FILES):
            found.append(entry)
        elif entry.is_file() and entry.suffix in YAML_SUFFIXES and _looks_like_course_file(entry):
            found.append(entry)
    return found
