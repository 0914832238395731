"""`talimger course validate / load` on course files that once hung, crashed or leaked files."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from content import SAMPLE_COURSE_DIR
from tests.e2e.test_cli import ROOT, _talimger


async def test_course_validate_reports_a_file_nested_too_deep_with_its_line(tmp_path: Path) -> None:
    """issue 9 item 11: `[` * 700 is an error with file:line, not a RecursionError traceback."""
    path = tmp_path / "deep.yaml"
    path.write_text("slug: deep\nweeks:\n  - " + "[" * 700 + "\n", encoding="utf-8")
    code, out, err = await _talimger(tmp_path, "course", "validate", str(path))
    assert code == 1 and out == ""
    assert f"{path}:3: YAML syntax error: lists and mappings nest more than 50 levels deep here" in err
    assert "Traceback" not in err and "RecursionError" not in err


async def test_course_validate_refuses_a_file_over_the_size_cap_with_its_line(tmp_path: Path) -> None:
    """issue 9 item 11: a 3 MB course file is refused before it is parsed."""
    mini = (ROOT / "tests" / "data" / "mini-course.yaml").read_text(encoding="utf-8")
    path = tmp_path / "huge.yaml"
    path.write_text(mini + ("# " + "x" * 98 + "\n") * 30_000, encoding="utf-8")
    code, out, err = await _talimger(tmp_path, "course", "validate", str(path))
    assert code == 1 and out == ""
    [line] = [line for line in err.splitlines() if line.startswith(f"{path}:")]
    assert "the file is larger than 2 MB, the limit for one course file" in line
    assert int(line.split(":")[1]) > mini.count("\n")


async def test_course_load_copies_media_into_the_data_folder(tmp_path: Path) -> None:
    """issue 9 item 4: `course load` stores each media file under its sha256 in DATA_DIR/media,
    and refuses a course whose media file is a symlink, naming file and line."""
    course = tmp_path / "course"
    shutil.copytree(SAMPLE_COURSE_DIR, course)
    code, out, err = await _talimger(tmp_path, "course", "load", str(course))
    assert code == 0, err
    stored = {path.name for path in (tmp_path / "data" / "media").iterdir()}
    for name in ("week1.mp4", "lab1_calc.py", "python-cheatsheet.txt"):
        assert f"{hashlib.sha256((course / 'media' / name).read_bytes()).hexdigest()}{Path(name).suffix}" in stored

    (course / "media" / "week1.mp4").unlink()
    (course / "media" / "week1.mp4").symlink_to(course / "media" / "week2.mp4")
    code, out, err = await _talimger(tmp_path, "course", "load", str(course))
    assert code == 1
    lecture = course / "lectures" / "01-variables.yaml"
    assert f"{lecture}:231: chunks[video].video.file: 'media/week1.mp4' is a symbolic link" in err
