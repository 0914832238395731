"""What a course folder may not do to the bot: link its media elsewhere, or feed the YAML
parser a file too big or nested too deep. Each is an error with its file and line."""

from __future__ import annotations

from pathlib import Path

from content import discover_courses
from content.yaml_lines import MAX_YAML_BYTES, MAX_YAML_DEPTH
from tests.content.helpers import errors_of

VIDEO_LINE = 11  # `video: {file: media/clip.mp4}` in lectures/intro.yaml


def test_a_media_file_that_links_to_etc_passwd_is_refused_with_its_line(make_course) -> None:
    """issue 9 item 4: media/clip.mp4 replaced by a symlink to /etc/passwd."""
    root = make_course()
    (root / "media" / "clip.mp4").unlink()
    (root / "media" / "clip.mp4").symlink_to("/etc/passwd")
    [(file, line, reason)] = errors_of(root)
    assert (file, line) == ("lectures/intro.yaml", VIDEO_LINE)
    assert "outside the course folder" in reason


def test_a_media_file_that_links_inside_the_course_is_refused_with_its_line(make_course) -> None:
    """issue 9 item 4: a symlink is refused even to a file of the course, since the link can be
    swapped after load; the author is told to put the file itself there."""
    root = make_course()
    (root / "media" / "clip.mp4").rename(root / "media" / "real.mp4")
    (root / "media" / "clip.mp4").symlink_to(root / "media" / "real.mp4")
    [(file, line, reason)] = errors_of(root)
    assert (file, line) == ("lectures/intro.yaml", VIDEO_LINE)
    assert "'media/clip.mp4' is a symbolic link" in reason


def test_a_media_folder_that_is_a_symlink_is_refused_with_its_line(make_course) -> None:
    """issue 9 item 4: the link may be any folder on the way to the file."""
    root = make_course()
    (root / "media").rename(root / "assets")
    (root / "media").symlink_to(root / "assets")
    [(file, line, reason)] = errors_of(root)
    assert (file, line) == ("lectures/intro.yaml", VIDEO_LINE)
    assert "'media' is a symbolic link" in reason


def test_a_lecture_file_over_the_size_cap_is_refused_with_the_line_where_it_passes_it(make_course) -> None:
    """issue 9 item 11: a valid lecture padded past MAX_YAML_BYTES with comments is refused before
    it is parsed, naming the line on which the cap is crossed."""
    root = make_course()
    lecture = root / "lectures" / "intro.yaml"
    padding_line = "# " + "x" * 98 + "\n"  # 101 bytes
    padding_lines = MAX_YAML_BYTES // len(padding_line) + 10
    text = lecture.read_text(encoding="utf-8") + padding_line * padding_lines
    lecture.write_text(text, encoding="utf-8")
    errors = errors_of(root)
    [(line, reason)] = [(line, reason) for file, line, reason in errors if file == "lectures/intro.yaml"]
    assert "larger than 2 MB" in reason
    assert line == text.encode()[:MAX_YAML_BYTES].count(b"\n") + 1  # a padding line near the end


def test_nesting_seven_hundred_levels_deep_is_an_error_with_its_line_not_a_crash(make_course) -> None:
    """issue 9 item 11: `[` * 700 made PyYAML's composer recurse past Python's limit."""
    root = make_course(extra_lectures={"deep.yaml": "key: deep\nchunks:\n  - " + "[" * 700 + "\n"})
    deep = [(line, reason) for file, line, reason in errors_of(root) if file == "lectures/deep.yaml"]
    assert (3, f"YAML syntax error: lists and mappings nest more than {MAX_YAML_DEPTH} levels deep here; "
               "a course file needs far fewer (is a bracket left open?)") in deep


def test_a_course_file_of_brackets_is_still_discovered_as_a_broken_course(tmp_path: Path) -> None:
    """issue 9 item 11: discovery reads every .yaml in CONTENT_DIR; a deep one must not crash it."""
    (tmp_path / "deep.yaml").write_text("[" * 700, encoding="utf-8")
    assert discover_courses(tmp_path) == [tmp_path / "deep.yaml"]
    [(file, line, reason)] = errors_of(tmp_path / "deep.yaml")
    assert (file, line) == ("deep.yaml", 1) and "levels deep" in reason
