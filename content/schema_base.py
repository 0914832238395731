"""Building blocks of the course model: identifiers, localized texts and media sources."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)

from content import rules
from content.errors import CourseReason
from content.constants import (
    FALLBACK_LOCALE,
    LOCALES,
    MAX_CAPTION_CHARS,
    MAX_KEY_CHARS,
    MAX_OPTION_CHARS,
    MAX_QUESTION_CHARS,
    MAX_SLUG_CHARS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    MAX_UPLOAD_BYTES,
)
from content.hashing import file_fingerprint
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
            raise CourseReason(f"a {what} must not be empty", "identifier_empty", field=what)
        if not _IDENT.fullmatch(value):
            raise CourseReason(f"a {what} may use only letters A-Z a-z, digits, '_' and '-' (got {value!r})",
                               "identifier_characters", field=what, value=repr(value))
        if len(value) > max_chars:
            raise CourseReason(f"a {what} must be at most {max_chars} characters (got {len(value)})",
                               "identifier_too_long", field=what, max=max_chars, length=len(value))
        return value

    return AfterValidator(check)


Slug = Annotated[str, _identifier("slug", MAX_SLUG_CHARS)]
Key = Annotated[str, _identifier("key", MAX_KEY_CHARS)]


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise CourseReason(f"must be an http:// or https:// address (got {value!r})", "bad_url", value=repr(value))
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
            raise CourseReason("must not be empty", "must_not_be_empty")
        problems = html_problems(value)
        if problems:
            raise CourseReason("HTML: " + "; ".join(problems), None, findings=tuple(problems))
        length = len(visible_text(value))
        if length > cls.max_chars:
            raise CourseReason(f"is {length} characters long (without tags); the limit here is {cls.max_chars}",
                               "text_too_long", length=length, max=cls.max_chars)
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
    an absolute Path once loaded), `file_id` (a file already on Telegram's servers).

    With `file`, optional `kk` / `ru` / `en` give that language's own copy of the file (a lab
    starter or a handout with comments in the learner's language); others get `file`."""

    url: Url | None = None
    file: Path | None = None
    file_id: str | None = Field(default=None, min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    kk: Path | None = None
    ru: Path | None = None
    en: Path | None = None

    @field_validator("file", "kk", "ru", "en", mode="before")
    @classmethod
    def _resolve_file(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or isinstance(value, Path):
            return value
        if not isinstance(value, str) or not value.strip():
            raise CourseReason("must be a path such as media/slides.pdf", "bad_path")
        base = info.context.get("base_dir") if info.context else None
        if base is None:
            return Path(value)  # built in Python (e.g. from model_dump()): taken as given
        relative = PurePosixPath(value.replace("\\", "/"))
        if relative.is_absolute() or ".." in relative.parts or re.match(r"^[A-Za-z]:", value):
            raise CourseReason(f"must be a path inside the course folder, like media/slides.pdf (got {value!r})",
                               "path_outside_course", value=repr(value))
        root = Path(base).resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root):  # a symlink pointing out of the course
            raise CourseReason(f"{value!r} points outside the course folder", "path_points_outside", value=repr(value))
        # The bot copies the file itself at load; a symlink could be swapped to point anywhere.
        for depth in range(1, len(relative.parts) + 1):
            link = PurePosixPath(*relative.parts[:depth])
            if (root / link).is_symlink():
                raise CourseReason(f"{link.as_posix()!r} is a symbolic link; put the file itself in the course folder",
                                   "path_symlink", value=repr(link.as_posix()))
        if not path.exists():
            raise CourseReason(f"file not found: {value} (paths are relative to the course folder)", "file_not_found",
                               value=value)
        if not path.is_file():
            raise CourseReason(f"{value} is not a file", "not_a_file", value=value)
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise CourseReason(
                f"{value} is {size / 1024 / 1024:.0f} MB; bots can upload at most 50 MB "
                "(upload it to Telegram yourself and use file_id, or use url)",
                "file_too_big", value=value, size=f"{size / 1024 / 1024:.0f}",
            )
        return path

    @model_validator(mode="after")
    def _exactly_one(self) -> MediaSource:
        given = [name for name in ("url", "file", "file_id") if getattr(self, name) is not None]
        if len(given) != 1:
            found = f"found {', '.join(given)}" if given else "found none"
            raise CourseReason(f"give exactly one of url, file, file_id ({found})",
                               "media_source_count" if given else "media_source_none", found=", ".join(given))
        if self.file is None and any(getattr(self, locale) is not None for locale in LOCALES):
            raise CourseReason("kk, ru and en copies go with file: (a file in the course folder)", "copies_need_file")
        return self

    @model_serializer(mode="wrap")
    def _drop_absent_copies(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A source without language copies dumps as before, so its course keeps its content hash.
        data = handler(self)
        return {key: value for key, value in data.items() if key not in LOCALES or value is not None}

    @field_serializer("file", "kk", "ru", "en")
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
