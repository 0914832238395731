"""One-file courses load like folder courses; the content hash follows the content only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from content import SAMPLE_COURSE_DIR, Course, load_course
from tests.content.helpers import COURSE_YAML, LECTURE_YAML, errors_of


def _one_file_text(folder: Path) -> str:
    """The folder course as one YAML document: each lecture key replaced by the lecture."""
    course = yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8"))
    lectures = {}
    for path in (folder / "lectures").glob("*.yaml"):
        lecture = yaml.safe_load(path.read_text(encoding="utf-8"))
        lectures[lecture["key"]] = lecture
    for week in course["weeks"]:
        week["lectures"] = [lectures[key] for key in week["lectures"]]
    return yaml.safe_dump(course, allow_unicode=True, sort_keys=False, width=120)


@pytest.fixture
def one_file_sample(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE_COURSE_DIR / "media", tmp_path / "media")
    path = tmp_path / "python-basics.yaml"
    path.write_text(_one_file_text(SAMPLE_COURSE_DIR), encoding="utf-8")
    return path


def _relative_dump(course: Course, root: Path) -> dict:
    """model_dump with media paths relative to the course, to compare two locations."""
    return course.model_dump(mode="json", context={"hash_root": root})


def test_one_file_form_loads_the_same_as_folder_form(one_file_sample: Path) -> None:
    folder = load_course(SAMPLE_COURSE_DIR)
    single = load_course(one_file_sample)
    assert single.source == one_file_sample.resolve()
    assert _relative_dump(single, one_file_sample.parent) == _relative_dump(folder, SAMPLE_COURSE_DIR)
    assert [lecture.week for lecture in single.lectures] == [1, 2, 3, 4]
    assert single.content_hash == folder.content_hash


def test_one_file_form_media_are_relative_to_the_file(one_file_sample: Path) -> None:
    course = load_course(one_file_sample)
    video = course.lectures[0].chunks[4].video.file
    assert video == (one_file_sample.parent / "media" / "week1.mp4").resolve()


def _mini_one_file() -> str:
    lecture = "".join(f"        {line}\n" for line in LECTURE_YAML.splitlines())
    lecture = "    lectures:\n      - " + lecture.lstrip()
    return COURSE_YAML.replace("    lectures: [intro]\n", lecture)


def test_one_file_errors_carry_the_file_and_line(tmp_path: Path) -> None:
    text = _mini_one_file().replace("chunk: hello\n", "chunk: helo\n", 1)  # question q1
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "clip.mp4").write_bytes(b"....ftyp")
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    # The lecture starts on line 17 of the file, so its line 14 ("chunk:") is line 30.
    assert text.splitlines()[29].strip() == "chunk: helo"
    assert errors_of(path) == [
        (
            "mini.yaml",
            30,
            "weeks[#1].lectures[intro].questions[q1].chunk: unknown chunk 'helo'; "
            "this lecture's chunks are: hello, clip",
        )
    ]


def test_one_file_course_cannot_list_lectures_by_key(tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(COURSE_YAML, encoding="utf-8")
    assert errors_of(path) == [
        (
            "mini.yaml",
            16,
            "lecture 'intro' is given by key, but a one-file course must contain the lecture itself here "
            "(key, title, chunks, questions)",
        )
    ]


def test_course_yaml_path_loads_the_whole_folder(make_course) -> None:
    root = make_course()
    assert load_course(root / "course.yaml").source == root.resolve()


def test_content_hash_is_stable(make_course) -> None:
    root = make_course()
    first = load_course(root).content_hash
    assert load_course(root).content_hash == first
    assert len(first) == 64 and int(first, 16) >= 0


def test_content_hash_ignores_location_layout_and_comments(make_course, tmp_path: Path) -> None:
    root = make_course()
    original = load_course(root).content_hash
    moved = tmp_path / "elsewhere" / "course"
    shutil.copytree(root, moved)
    assert load_course(moved).content_hash == original
    # Comments, key order, flow vs block style and surrounding whitespace do not matter.
    course_file = moved / "course.yaml"
    text = course_file.read_text(encoding="utf-8")
    text = "# a comment\n" + text.replace(
        "title: {kk: Шағын курс, ru: Мини-курс, en: Mini course}",
        "title:\n  en: 'Mini course  '\n  ru: Мини-курс\n  kk: Шағын курс",
    )
    course_file.write_text(text, encoding="utf-8")
    assert load_course(moved).content_hash == original


def test_content_hash_changes_with_a_text(make_course) -> None:
    before = load_course(make_course("a")).content_hash
    after = load_course(make_course("b", lecture=[("en: <b>Hello</b>}", "en: <b>Hello!</b>}")])).content_hash
    assert before != after


def test_content_hash_changes_with_settings(make_course) -> None:
    before = load_course(make_course("a")).content_hash
    after = load_course(make_course("b", course=[("  pass_score: 1", "  pass_score: 2")])).content_hash
    assert before != after


def test_content_hash_changes_with_media_bytes(make_course) -> None:
    root = make_course()
    before = load_course(root).content_hash
    (root / "media" / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 but a new cut")
    assert load_course(root).content_hash != before


def test_content_hash_of_a_course_built_in_python(make_course) -> None:
    loaded = load_course(make_course())
    rebuilt = Course.model_validate(loaded.model_dump())
    assert rebuilt.source is None
    assert len(rebuilt.content_hash) == 64
