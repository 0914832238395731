"""A tiny valid course, and helpers to break it line by line.

Line numbers in the tests refer to the numbered listings below, so keep edits
line-for-line (replace a line by one line) unless a test says otherwise.
"""

from __future__ import annotations

from pathlib import Path

from content import validate_course

COURSE_YAML = """\
slug: mini
title: {kk: Шағын курс, ru: Мини-курс, en: Mini course}
abstract: {kk: Сипаттама, ru: Описание, en: Abstract}
authors:
  - name: {kk: Автор, ru: Автор, en: Author}
format: {kk: Онлайн, ru: Онлайн, en: Online}
workload_hours: 2
prerequisites: {kk: Жоқ, ru: Нет, en: None}
settings:
  quiz_size: 2
  pass_score: 1
weeks:
  - number: 1
    title: {kk: Бірінші апта, ru: Первая неделя, en: Week one}
    summary: {kk: Кіріспе, ru: Введение, en: Introduction}
    lectures: [intro]
"""
#  1 slug            7 workload_hours   13 - number: 1
#  2 title           8 prerequisites    14   title
#  3 abstract        9 settings:        15   summary
#  4 authors:       10   quiz_size      16   lectures: [intro]
#  5   - name       11   pass_score
#  6 format         12 weeks:

LECTURE_YAML = """\
key: intro
title: {kk: Кіріспе, ru: Введение, en: Introduction}
chunks:
  - key: hello
    title: {kk: Сәлем, ru: Привет, en: Hello}
    type: text
    text: {kk: <b>Сәлем</b>, ru: <b>Привет</b>, en: <b>Hello</b>}
  - key: clip
    title: {kk: Бейне, ru: Видео, en: Video}
    type: video
    video: {file: media/clip.mp4}
questions:
  - key: q1
    chunk: hello
    text: {kk: Сұрақ 1, ru: Вопрос 1, en: Question 1}
    options:
      - text: {kk: Иә, ru: Да, en: "Yes"}
        correct: true
      - text: {kk: Жоқ, ru: Нет, en: "No"}
    explanation: {kk: Түсініктеме, ru: Пояснение, en: Explanation}
  - key: q2
    chunk: hello
    text: {kk: Сұрақ 2, ru: Вопрос 2, en: Question 2}
    options:
      - text: {kk: Иә, ru: Да, en: "Yes"}
      - text: {kk: Жоқ, ru: Нет, en: "No"}
        correct: true
    explanation: {kk: Түсініктеме, ru: Пояснение, en: Explanation}
"""
#  1 key             8 - key: clip       15   text          22   chunk
#  2 title           9   title           16   options:      23   text
#  3 chunks:        10   type: video     17     - text Yes  24   options:
#  4 - key: hello   11   video           18       correct   25     - text Yes
#  5   title        12 questions:        19     - text No   26     - text No
#  6   type: text   13 - key: q1         20   explanation   27       correct
#  7   text         14   chunk: hello    21 - key: q2       28   explanation


def _edit(text: str, edits: list[tuple[str, str]]) -> str:
    for old, new in edits:
        assert text.count(old) == 1, f"edit target must occur exactly once: {old!r}"
        text = text.replace(old, new)
    return text



def write_course(
    root: Path,
    course: list[tuple[str, str]] = (),
    lecture: list[tuple[str, str]] = (),
    extra_lectures: dict[str, str] | None = None,
) -> Path:
    """Write the mini course into `root` with line edits applied; returns `root`."""
    (root / "lectures").mkdir(parents=True)
    (root / "media").mkdir()
    (root / "media" / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (root / "course.yaml").write_text(_edit(COURSE_YAML, list(course)), encoding="utf-8")
    (root / "lectures" / "intro.yaml").write_text(_edit(LECTURE_YAML, list(lecture)), encoding="utf-8")
    for file_name, text in (extra_lectures or {}).items():
        (root / "lectures" / file_name).write_text(text, encoding="utf-8")
    return root


def errors_of(path: Path) -> list[tuple[str, int | None, str]]:
    """validate_course(path) as (file relative to the course, line, reason) triples."""
    base = path if path.is_dir() else path.parent
    return [
        (error.file.relative_to(base.resolve()).as_posix(), error.line, error.reason)
        for error in validate_course(path)
    ]
