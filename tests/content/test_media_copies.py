"""A media file may have a copy per language: checked like `file:` itself, delivered by language."""
from __future__ import annotations

from content import SAMPLE_COURSE_DIR, load_course
from tests.content.helpers import errors_of

LECTURE = "lectures/intro.yaml"


def test_a_missing_language_copy_is_reported_with_its_line(make_course) -> None:
    """issue 9 item 23: a per-language copy is validated like the file it stands for."""
    root = make_course(lecture=[("video: {file: media/clip.mp4}", "video: {file: media/clip.mp4, kk: media/kk.mp4}")])
    assert errors_of(root) == [
        (LECTURE, 11, "chunks[clip].video.kk: file not found: media/kk.mp4 (paths are relative to the course folder)")
    ]


def test_language_copies_go_with_a_file_only(make_course) -> None:
    """issue 9 item 23: a URL or a file_id has no language copies."""
    root = make_course(lecture=[("video: {file: media/clip.mp4}",
                                 "video: {url: 'https://example.org/a.mp4', ru: media/clip.mp4}")])
    [(path, line, message)] = errors_of(root)
    assert (path, line) == (LECTURE, 11)
    assert "kk, ru and en copies go with file:" in message


def test_the_sample_course_gives_kazakh_and_russian_lab_files_and_cheat_sheet() -> None:
    """issue 9 item 23 (review row 25): every lab starter file and the cheat sheet have kk and ru copies."""
    course = load_course(SAMPLE_COURSE_DIR)
    sources = [source for lecture in course.lectures if lecture.lab for source in lecture.lab.files]
    sources += [chunk.file for lecture in course.lectures for chunk in lecture.chunks if chunk.type == "file"]
    assert len(sources) == 4
    for source in sources:
        assert source.file is not None and source.kk is not None and source.ru is not None
        kk, ru, en = (path.read_text(encoding="utf-8") for path in (source.kk, source.ru, source.file))
        assert len({kk, ru, en}) == 3
        assert any(letter in kk for letter in "әғқңөұүһі")  # Kazakh letters
        assert not any(letter in en.split("\n", 1)[0] for letter in "абвгдеәғқңөұүһі")  # an English heading
