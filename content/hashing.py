"""A fingerprint of a course's content, to tell an unchanged re-upload from a new version."""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=256)
def _digest(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_fingerprint(path: Path, root: Path) -> str:
    """`relative/path#sha256=<digest>`: how a media file enters the content hash."""
    try:
        name = path.relative_to(root).as_posix()
    except ValueError:
        name = path.as_posix()
    try:
        stat = path.stat()
        return f"{name}#sha256={_digest(path, stat.st_size, stat.st_mtime_ns)}"
    except OSError:
        return f"{name}#missing"
