"""The course files a test bot publishes, read and checked once per test process.

Every end-to-end test starts a bot on an empty database, and the bot then loads the sample
course: reading its YAML with line numbers and rendering every message in three languages took
about 0.4 s of CPU a start, half of the whole suite's. The course model is frozen, so one checked
`Course` can be published again and again. The key is the files' bytes, so a test that edits a
course sees its edit; a course that fails to load is not kept (its test sees the errors each
time). Loading itself is tested without this cache (tests/content, tests/e2e/test_cli*.py).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from content import Course

Loader = Callable[..., Course]


def files_digest(path: Path) -> str:
    """The bytes of a course folder's files (or of a one-file course), with their names."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def cached_loader(load: Loader) -> Loader:
    checked: dict[tuple[str, str], Course] = {}

    def load_once(source: str | Path, *args: object, **kwargs: object) -> Course:
        path = Path(source).resolve()
        if not path.exists():
            return load(source, *args, **kwargs)
        key = (str(path), files_digest(path))
        if key not in checked:
            checked[key] = load(source, *args, **kwargs)
        return checked[key]

    return load_once
