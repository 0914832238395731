"""The course model: frozen pydantic models, one per thing an instructor writes.

Unknown keys are errors (`extra="forbid"`), so a typo such as `explaination:` is caught
instead of silently dropped.  Field-level checks live here; rules spanning several fields
(exactly one correct option, question → chunk references, bank size against quiz size,
unique keys) live in `content.rules` and are run by the model validators below, except when
the loader validates with ``context={"deferred_rules": True}``: it then runs the same rules
itself on the raw YAML so that it can report them together with every other error.

Validation context keys used here:
    base_dir        course folder; `MediaSource.file` is resolved against it, must stay
                    inside it and must exist
    deferred_rules  skip the cross-field rules (the caller runs `content.rules`)
"""

from __future__ import annotations

import difflib
import functools
import zoneinfo
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    PrivateAttr,
    ValidationInfo,
    model_validator,
)

from content import rules
from content.errors import CourseReason
from content.constants import (
    DEFAULT_PASS_SCORE,
    DEFAULT_QUIZ_SIZE,
    MAX_OPTIONS,
    MAX_FINAL_TEST_SIZE,
    MAX_QUIZ_SIZE,
    MIN_OPTIONS,
)
from content.schedule import DEFAULT_QUIET_HOURS, QuietHoursText, ReleaseSettings, RemindDays
from content.schema_base import (  # noqa: F401 - re-exported: the model is used from content.schema
    Locale,
    _Model,
    _deferred,
    _raise_issues,
    Slug,
    Key,
    Url,
    LocalizedText,
    Title,
    Caption,
    QuestionText,
    OptionText,
    MediaSource,
)


# --- chunks ---------------------------------------------------------------------------


class QuizOption(_Model):
    text: OptionText
    correct: bool = False


Options = Annotated[list[QuizOption], Field(min_length=MIN_OPTIONS, max_length=MAX_OPTIONS)]


def _correct_index(options: list[QuizOption]) -> int:
    return next(index for index, option in enumerate(options) if option.correct)


class _Chunk(_Model):
    key: Key
    title: Title


class TextChunk(_Chunk):
    type: Literal["text"]
    text: LocalizedText


class VideoChunk(_Chunk):
    type: Literal["video"]
    video: MediaSource
    caption: Caption | None = None


class FileChunk(_Chunk):
    type: Literal["file"]
    file: MediaSource
    caption: Caption | None = None


class LinkChunk(_Chunk):
    type: Literal["link"]
    url: Url
    text: LocalizedText


class SelfCheckChunk(_Chunk):
    """An ungraded question answered inline while reading (a Stepik-style step)."""

    type: Literal["self_check"]
    question: QuestionText
    options: Options
    explanation: QuestionText

    @model_validator(mode="after")
    def _one_correct(self, info: ValidationInfo) -> SelfCheckChunk:
        if not _deferred(info):
            _raise_issues(rules.option_issues(self.model_dump()["options"], ("options",)))
        return self

    @property
    def correct_index(self) -> int:
        return _correct_index(self.options)


Chunk = Annotated[
    TextChunk | VideoChunk | FileChunk | LinkChunk | SelfCheckChunk,
    Field(discriminator="type"),
]
CHUNK_TYPES = ("text", "video", "file", "link", "self_check")


# --- quiz, lab, lecture ---------------------------------------------------------------


class Question(_Model):
    key: Key
    chunk: Key  # the chunk this question tests, to point a learner back to it
    text: QuestionText
    options: Options
    explanation: QuestionText

    @model_validator(mode="after")
    def _one_correct(self, info: ValidationInfo) -> Question:
        if not _deferred(info):
            _raise_issues(rules.option_issues(self.model_dump()["options"], ("options",)))
        return self

    @property
    def correct_index(self) -> int:
        """Index of the correct option in `options` (before any shuffling)."""
        return _correct_index(self.options)


class Lab(_Model):
    """Laboratory work; it opens together with the next lecture."""

    title: Title
    text: LocalizedText
    files: list[MediaSource] = Field(default_factory=list)


class Lecture(_Model):
    key: Key
    title: Title
    quiz_size: int | None = Field(default=None, ge=1, le=MAX_QUIZ_SIZE)
    pass_score: int | None = Field(default=None, ge=1)
    chunks: list[Chunk] = Field(min_length=1)
    lab: Lab | None = None
    questions: list[Question] = Field(min_length=1)

    _week: int | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _cross_rules(self, info: ValidationInfo) -> Lecture:
        if not _deferred(info):
            _raise_issues(rules.lecture_issues(self.model_dump(), ()))
        return self

    @property
    def week(self) -> int | None:
        """Number of the week this lecture belongs to (set when it is part of a Course)."""
        return self._week

    def effective_quiz_size(self, settings: CourseSettings) -> int:
        """How many questions a quiz draws: the lecture's override, else the course's."""
        return self.quiz_size if self.quiz_size is not None else settings.quiz_size

    def effective_pass_score(self, settings: CourseSettings) -> int:
        """Correct answers needed to pass: the lecture's override, else the course's
        (never more than this lecture's quiz size)."""
        if self.pass_score is not None:
            return self.pass_score
        return min(settings.pass_score, self.effective_quiz_size(settings))

    def chunk(self, key: str) -> TextChunk | VideoChunk | FileChunk | LinkChunk | SelfCheckChunk:
        for chunk in self.chunks:
            if chunk.key == key:
                return chunk
        raise KeyError(key)

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)


# --- course ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def _check_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(value, _zone_names(), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else " (use a name like Asia/Almaty or UTC)"
        raise CourseReason(f"unknown time zone '{value}'{hint}",
                           "unknown_time_zone_did_you_mean" if close else "unknown_time_zone",
                           zone=value, suggestion=close[0] if close else "") from None
    return value


class FinalTestSettings(_Model):
    """A final test drawn from every lecture's bank; passing it is a certificate condition."""

    size: int = Field(default=10, ge=1, le=MAX_FINAL_TEST_SIZE)
    pass_percent: int = Field(default=60, ge=1, le=100)
    attempts: int | None = Field(default=None, ge=1)  # None: no limit
    cooldown_minutes: int = Field(default=0, ge=0)


class CourseSettings(_Model):
    quiz_size: int = Field(default=DEFAULT_QUIZ_SIZE, ge=1, le=MAX_QUIZ_SIZE)
    # Default 3, but never more than quiz_size when only quiz_size is given.
    pass_score: int = Field(default=DEFAULT_PASS_SCORE, ge=1)
    retry_cooldown_minutes: int = Field(default=0, ge=0)
    timezone: Annotated[str, AfterValidator(_check_timezone)] = "UTC"
    final_test: FinalTestSettings | None = None  # none: every lecture passed is enough
    # When weeks open and when learners are nudged (see content/schedule.py).
    release: ReleaseSettings = Field(default_factory=ReleaseSettings)
    remind_after: RemindDays = 3
    remind_again: RemindDays = 3
    retry_remind_after: RemindDays = 2
    quiet_hours: QuietHoursText = DEFAULT_QUIET_HOURS

    @model_validator(mode="before")
    @classmethod
    def _default_pass_score(cls, data: Any) -> Any:
        if isinstance(data, dict) and "pass_score" not in data and isinstance(data.get("quiz_size"), int):
            data = {**data, "pass_score": max(1, min(DEFAULT_PASS_SCORE, data["quiz_size"]))}
        return data

    @model_validator(mode="after")
    def _pass_within_size(self, info: ValidationInfo) -> CourseSettings:
        if not _deferred(info) and self.pass_score > self.quiz_size:
            raise CourseReason(f"pass_score {self.pass_score} is larger than quiz_size {self.quiz_size}",
                               "pass_score_over_quiz_size", pass_score=self.pass_score, size=self.quiz_size)
        return self

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Author(_Model):
    name: Title
    affiliation: Title | None = None


class Week(_Model):
    number: int = Field(ge=1)
    title: Title
    summary: LocalizedText
    lectures: list[Lecture] = Field(min_length=1)


class Course(_Model):
    slug: Slug
    title: Title
    abstract: LocalizedText
    authors: list[Author] = Field(min_length=1)
    format: LocalizedText
    workload_hours: int = Field(gt=0)
    prerequisites: LocalizedText
    language_default: Locale | None = None
    settings: CourseSettings = Field(default_factory=CourseSettings)
    weeks: list[Week] = Field(min_length=1)

    _source: Path | None = PrivateAttr(default=None)
    _content_hash: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _link_and_check(self, info: ValidationInfo) -> Course:
        for week in self.weeks:
            for lecture in week.lectures:
                lecture._week = week.number
        if not _deferred(info):
            _raise_issues(rules.course_issues(self.model_dump()))
        return self

    @property
    def lectures(self) -> list[Lecture]:
        """All lectures in course order (week by week); each knows its `week`."""
        return [lecture for week in self.weeks for lecture in week.lectures]

    def lecture(self, key: str) -> Lecture:
        for lecture in self.lectures:
            if lecture.key == key:
                return lecture
        raise KeyError(key)

    def next_lecture(self, key: str) -> Lecture | None:
        """The lecture after `key` in course order, or None after the last one."""
        lectures = self.lectures
        index = [lecture.key for lecture in lectures].index(key)
        return lectures[index + 1] if index + 1 < len(lectures) else None

    def quiz_size(self, lecture: Lecture | str) -> int:
        lecture = self.lecture(lecture) if isinstance(lecture, str) else lecture
        return lecture.effective_quiz_size(self.settings)

    def pass_score(self, lecture: Lecture | str) -> int:
        lecture = self.lecture(lecture) if isinstance(lecture, str) else lecture
        return lecture.effective_pass_score(self.settings)

    @property
    def source(self) -> Path | None:
        """The folder or file the course was loaded from (None if built in Python)."""
        return self._source

    @property
    def content_hash(self) -> str:
        """sha256 of the normalized content: every field, plus each local media file's
        bytes and its path relative to the course; independent of YAML layout, comments,
        key order, folder vs one-file form and where the course sits on disk."""
        if self._content_hash is None:
            from content.hashing import content_hash

            self._content_hash = content_hash(self)
        return self._content_hash
