"""A fingerprint of a course's content, to tell an unchanged re-upload from a new version."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from content.schema import Course

_FORMAT = "talimger-course/1"  # bump if the normalization below changes


def course_root(course: Course) -> Path:
    """The folder media paths are relative to (the course folder, or a one-file course's folder)."""
    source = course.source
    if source is None:
        return Path("/")
    return source if source.is_dir() else source.parent


def content_hash(course: Course) -> str:
    """sha256 over the course as validated (defaults filled in, texts stripped), as
    canonical JSON; local media files enter as `relative/path#sha256=<digest of bytes>`."""
    data = course.model_dump(mode="json", context={"hash_root": course_root(course)})
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{_FORMAT}\n{canonical}".encode()).hexdigest()
