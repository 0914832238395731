"""Fixtures for the course-format tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.content.helpers import write_course

CourseFactory = Callable[..., Path]


@pytest.fixture
def make_course(tmp_path: Path) -> CourseFactory:
    """Write the mini course (see helpers.py) with `course=` / `lecture=` line edits and
    optional `extra_lectures={"file.yaml": text}`; returns its folder."""

    def make(name: str = "mini", **edits) -> Path:
        return write_course(tmp_path / name, **edits)

    return make
