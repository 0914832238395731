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
import re
import zoneinfo
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from content import rules
from content.constants import (
    DEFAULT_PASS_SCORE,
    DEFAULT_QUIZ_SIZE,
    FALLBACK_LOCALE,
    LOCALES,
    MAX_CAPTION_CHARS,
    MAX_KEY_CHARS,
    MAX_OPTION_CHARS,
    MAX_OPTIONS,
    MAX_QUESTION_CHARS,
    MAX_FINAL_TEST_SIZE,
    MAX_QUIZ_SIZE,
    MAX_SLUG_CHARS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    MAX_UPLOAD_BYTES,
    MIN_OPTIONS,
)
from content.hashing import file_fingerprint
from content.schedule import DEFAULT_QUIET_HOURS, QuietHoursText, ReleaseSettings, RemindDays
from content.telegram_html import html_problems, visible_text

Locale = Literal["kk", "ru", "en"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def __eq__(self, other: object) -> bool:
        # Content only: pydantic would also compare private attributes (a lecture's week,
        # a course's source folder and cached hash), so two loads of one course could differ.
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__


def _deferred(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("deferred_rules"))


def _raise_issues(issues: list[rules.Issue]) -> None:
    if issues:
        raise ValueError(rules.render_issues(issues))


# --- identifiers ----------------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z0-9_-]+")


def _identifier(what: str, max_chars: int):
    def check(value: str) -> str:
        if not value:
            raise ValueError(f"a {what} must not be empty")
        if not _IDENT.fullmatch(value):
            raise ValueError(f"a {what} may use only letters A-Z a-z, digits, '_' and '-' (got {value!r})")
        if len(value) > max_chars:
            raise ValueError(f"a {what} must be at most {max_chars} characters (got {len(value)})")
        return value

    return AfterValidator(check)


Slug = Annotated[str, _identifier("slug", MAX_SLUG_CHARS)]
Key = Annotated[str, _identifier("key", MAX_KEY_CHARS)]


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError(f"must be an http:// or https:// address (got {value!r})")
    return value


Url = Annotated[str, AfterValidator(_check_url)]


# --- localized text -------------------------------------------------------------------


class LocalizedText(_Model):
    """One text in the three course languages, as Telegram HTML.

    `get()` returns the HTML as written (safe to send with parse_mode=HTML); `plain()`
    returns what the reader sees, for places without formatting such as button labels.
    Surrounding whitespace is stripped, so `|` and `|-` block scalars are equivalent.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    max_chars: ClassVar[int] = MAX_TEXT_CHARS

    kk: str
    ru: str
    en: str

    @field_validator("kk", "ru", "en")
    @classmethod
    def _telegram_html(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        problems = html_problems(value)
        if problems:
            raise ValueError("HTML: " + "; ".join(problems))
        length = len(visible_text(value))
        if length > cls.max_chars:
            raise ValueError(f"is {length} characters long (without tags); the limit here is {cls.max_chars}")
        return value

    def get(self, locale: str | None) -> str:
        """The text in `locale` ('kk', 'ru', 'en', or a Telegram code like 'ru-RU'), else English."""
        code = (locale or "").split("-")[0].split("_")[0].lower()
        return getattr(self, code if code in LOCALES else FALLBACK_LOCALE)

    def plain(self, locale: str | None) -> str:
        """`get(locale)` without tags and with entities decoded."""
        return visible_text(self.get(locale))

    def items(self) -> Iterator[tuple[str, str]]:
        return ((locale, getattr(self, locale)) for locale in LOCALES)


class Title(LocalizedText):
    max_chars: ClassVar[int] = MAX_TITLE_CHARS


class Caption(LocalizedText):
    max_chars: ClassVar[int] = MAX_CAPTION_CHARS


class QuestionText(LocalizedText):
    """Question texts and explanations (shown with inline buttons under them)."""

    max_chars: ClassVar[int] = MAX_QUESTION_CHARS


class OptionText(LocalizedText):
    max_chars: ClassVar[int] = MAX_OPTION_CHARS


# --- media ----------------------------------------------------------------------------


class MediaSource(_Model):
    """Exactly one of: `url` (Telegram fetches it), `file` (a file in the course folder,
    an absolute Path once loaded), `file_id` (a file already on Telegram's servers)."""

    url: Url | None = None
    file: Path | None = None
    file_id: str | None = Field(default=None, min_length=1, pattern=r"^[A-Za-z0-9_-]+$")

    @field_validator("file", mode="before")
    @classmethod
    def _resolve_file(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or isinstance(value, Path):
            return value
        if not isinstance(value, str) or not value.strip():
            raise ValueError("must be a path such as media/slides.pdf")
        base = info.context.get("base_dir") if info.context else None
        if base is None:
            return Path(value)  # built in Python (e.g. from model_dump()): taken as given
        relative = PurePosixPath(value.replace("\\", "/"))
        if relative.is_absolute() or ".." in relative.parts or re.match(r"^[A-Za-z]:", value):
            raise ValueError(f"must be a path inside the course folder, like media/slides.pdf (got {value!r})")
        root = Path(base).resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root):  # a symlink pointing out of the course
            raise ValueError(f"{value!r} points outside the course folder")
        if not path.exists():
            raise ValueError(f"file not found: {value} (paths are relative to the course folder)")
        if not path.is_file():
            raise ValueError(f"{value} is not a file")
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise ValueError(
                f"{value} is {size / 1024 / 1024:.0f} MB; bots can upload at most 50 MB "
                "(upload it to Telegram yourself and use file_id, or use url)"
            )
        return path

    @model_validator(mode="after")
    def _exactly_one(self) -> MediaSource:
        given = [name for name in ("url", "file", "file_id") if getattr(self, name) is not None]
        if len(given) != 1:
            found = f"found {', '.join(given)}" if given else "found none"
            raise ValueError(f"give exactly one of url, file, file_id ({found})")
        return self

    @field_serializer("file")
    def _serialize_file(self, value: Path | None, info) -> str | None:
        # For content hashes: a path relative to the course plus the file's digest, so the
        # hash does not depend on where the course sits and does change with the bytes.
        hash_root = info.context.get("hash_root") if info.context else None
        if value is None:
            return None
        if hash_root is None:
            return str(value)
        return file_fingerprint(value, Path(hash_root))

    @property
    def kind(self) -> Literal["url", "file", "file_id"]:
        return "url" if self.url is not None else "file" if self.file is not None else "file_id"


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
        raise ValueError(f"unknown time zone '{value}'{hint}") from None
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
            raise ValueError(f"pass_score {self.pass_score} is larger than quiz_size {self.quiz_size}")
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
