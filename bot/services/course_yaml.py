"""A stored course version written back as the YAML of content/FORMAT.md.

The rows hold the course as validated (texts stripped, defaults filled in); written back in
the format's key order, loading the result gives the same course and the same content hash.
Media sources name their files by the path the author wrote (`media/week1.mp4`); the caller
puts each file's bytes under that path.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from bot.db.models import Chunk, CourseVersion, Lecture, Question

LOCALES = ("kk", "ru", "en")


@dataclass(frozen=True)
class MediaFile:
    """One file the YAML names: `path` as written in the course, `stored` its media store key,
    or `local` the file of a version loaded before the store existed."""

    path: str
    stored: str | None = None
    local: Path | None = None


@dataclass
class CourseDocuments:
    course: dict[str, Any]
    lectures: list[tuple[str, dict[str, Any]]]  # (file name in lectures/, its document)
    media: dict[str, MediaFile] = field(default_factory=dict)


class _Dumper(yaml.SafeDumper):
    """Block style; a text of several lines as a `|` block, as a person writes it."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # list items indented under their key


def _text_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text_representer)


def dump_yaml(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=100)


class _Media:
    """Turns stored media bodies back into sources, collecting the files they name."""

    def __init__(self, source_dir: str) -> None:
        self._source_dir = source_dir
        self.files: dict[str, MediaFile] = {}

    def source(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("url"):
            return {"url": body["url"]}
        if body.get("file_id"):
            return {"file_id": body["file_id"]}
        written: dict[str, Any] = {"file": self._file(body)}
        for locale in LOCALES:
            copy = body.get(locale)
            if copy is not None:
                written[locale] = self._file(copy if isinstance(copy, dict) else {"file": copy})
        return written

    def _file(self, entry: dict[str, Any]) -> str:
        name = str(entry["file"])
        local: Path | None = None
        if not entry.get("stored"):
            # A version from before the media store: an absolute path in its course folder.
            local = Path(name) if Path(name).is_absolute() else Path(self._source_dir) / name
            try:
                name = local.relative_to(self._source_dir).as_posix() if self._source_dir else local.name
            except ValueError:
                name = local.name
        path = PurePosixPath(name.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or not path.parts:
            path = PurePosixPath("media", path.name or "file")
        written = path.as_posix()
        self.files.setdefault(written, MediaFile(written, entry.get("stored"), local))
        return written


def _settings(version: CourseVersion, authored: dict[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "quiz_size": version.quiz_size,
        "pass_score": version.pass_score,
        "retry_cooldown_minutes": version.retry_cooldown_minutes,
        "timezone": version.timezone,
    }
    if version.final_test_size is not None:
        final: dict[str, Any] = {"size": version.final_test_size, "pass_percent": version.final_test_pass_percent}
        if version.final_test_attempts is not None:
            final["attempts"] = version.final_test_attempts
        final["cooldown_minutes"] = version.final_test_cooldown_minutes
        settings["final_test"] = final
    release: dict[str, Any] = {"mode": version.release_mode}
    if version.release_mode == "cohort":
        if authored.get("release_start"):
            release["start"] = authored["release_start"]
        else:
            release["dates"] = list(version.release_dates or [])
    if version.release_time != "00:00":
        release["time"] = version.release_time
    settings["release"] = release
    settings.update(remind_after=version.remind_after_days, remind_again=version.remind_again_days,
                    retry_remind_after=version.retry_remind_days, quiet_hours=version.quiet_hours)
    return settings


def course_document(version: CourseVersion) -> dict[str, Any]:
    """course.yaml: the passport, the settings and the weeks (lectures by key)."""
    passport = version.passport
    authored = passport.get("authored") or {}
    document: dict[str, Any] = {"slug": None, "title": version.title}
    for name in ("abstract", "authors", "format", "workload_hours", "prerequisites"):
        document[name] = passport[name]
    if authored.get("language_default"):
        document["language_default"] = authored["language_default"]
    document["settings"] = _settings(version, authored)
    document["weeks"] = [{"number": week["number"], "title": week["title"], "summary": week["summary"],
                          "lectures": list(week["lectures"])} for week in passport["weeks"]]
    return document


def _overrides(lecture: Lecture, version: CourseVersion) -> dict[str, int]:
    authored = version.passport.get("authored")
    if authored is not None:
        return dict((authored.get("lectures") or {}).get(lecture.key, {}))
    # Stored before the passport kept them: an override is what differs from the course's.
    found: dict[str, int] = {}
    if lecture.quiz_size != version.quiz_size:
        found["quiz_size"] = lecture.quiz_size
    if lecture.pass_score != min(version.pass_score, lecture.quiz_size):
        found["pass_score"] = lecture.pass_score
    return found


def _chunk(chunk: Chunk, media: _Media) -> dict[str, Any]:
    document: dict[str, Any] = {"key": chunk.key, "title": chunk.title, "type": chunk.kind}
    for name, value in chunk.body.items():
        if name in ("video", "file") and isinstance(value, dict):
            value = media.source(value)
        elif name == "options":
            value = [_option(option) for option in value]
        document[name] = value
    return document


def _option(option: dict[str, Any]) -> dict[str, Any]:
    return {"text": option["text"], "correct": True} if option.get("correct") else {"text": option["text"]}


def _question(question: Question, chunk_keys: list[str]) -> dict[str, Any]:
    return {
        "key": question.key,
        "chunk": chunk_keys[question.chunk_position],
        "text": question.text,
        "options": [_option(option) for option in question.options],
        "explanation": question.explanation,
    }


def lecture_document(version: CourseVersion, lecture: Lecture, chunks: list[Chunk], questions: list[Question],
                     media: _Media) -> dict[str, Any]:
    document: dict[str, Any] = {"key": lecture.key, "title": lecture.title, **_overrides(lecture, version)}
    document["chunks"] = [_chunk(chunk, media) for chunk in chunks]
    if lecture.lab:
        lab: dict[str, Any] = {"title": lecture.lab["title"], "text": lecture.lab["text"]}
        if lecture.lab.get("files"):
            lab["files"] = [media.source(source) for source in lecture.lab["files"]]
        document["lab"] = lab
    keys = [chunk.key for chunk in chunks]
    document["questions"] = [_question(question, keys) for question in questions]
    return document


def course_documents(slug: str, version: CourseVersion,
                     lectures: list[tuple[Lecture, list[Chunk], list[Question]]]) -> CourseDocuments:
    media = _Media(version.source_dir)
    course = course_document(version)
    course["slug"] = slug
    files = [(f"{position:02d}-{lecture.key}.yaml", lecture_document(version, lecture, chunks, questions, media))
             for position, (lecture, chunks, questions) in enumerate(lectures, start=1)]
    return CourseDocuments(course, files, media.files)
