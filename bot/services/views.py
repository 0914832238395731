"""Plain data the services hand to the Telegram side; no ORM rows cross this line."""
from __future__ import annotations

import enum
import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.services.certificate_views import CompletionStep

Localized = dict[str, str]


def pick(text: Localized | None, locale: str, fallback: str = "en") -> str:
    """The text in the learner's language, else the fallback language, else any."""
    if not text:
        return ""
    return text.get(locale) or text.get(fallback) or next(iter(text.values()), "")


def media_for_locale(source: dict[str, Any], locale: str) -> dict[str, Any]:
    """A stored media source (a file chunk's, a lab file's) as the learner's language has it:
    its `kk` / `ru` / `en` copy in place of `file` when the course gives one."""
    copy = source.get(locale)
    return {"file": copy} if copy else source


_TAG = re.compile(r"<[^>]*>")


def visible_text(telegram_html: str) -> str:
    """What a reader sees of a Telegram HTML text (course titles are written in it): the
    tags dropped and the entities decoded, for places that take plain text: button labels,
    the PDF, and the web page (which escapes it once again for its own HTML)."""
    return html.unescape(_TAG.sub("", telegram_html))


class Refusal(enum.Enum):
    """Why a press or command changed nothing; each has a short localized answer."""

    NOT_ENROLLED = "not_enrolled"
    NOT_YOURS = "not_yours"
    STALE = "stale"
    ALREADY_ANSWERED = "already_answered"
    LOCKED = "locked"
    COOLDOWN = "cooldown"
    UNKNOWN_COURSE = "unknown_course"
    NOT_RELEASED = "not_released"  # the lecture's week opens later (`until`)
    NO_ATTEMPTS_LEFT = "no_attempts_left"  # the final test's attempts are used up
    QUIZ_RUNNING = "quiz_running"  # another press under the same message started (or showed) the quiz


@dataclass(frozen=True)
class Refused:
    reason: Refusal
    until: datetime | None = None
    zone: str = "UTC"  # the learner's time zone, for showing `until`


@dataclass(frozen=True)
class CourseSummary:
    course_id: int
    slug: str
    title: Localized


@dataclass(frozen=True)
class ChunkView:
    chunk_id: int
    enrolment_id: int
    lecture_id: int
    lecture_title: Localized
    lecture_number: int
    position: int
    total: int
    kind: str
    title: Localized
    body: dict[str, Any]
    source_dir: str
    # Re-reading a passed lecture or a reviewed chunk: "Next" does not move the cursor.
    rereading: bool = False
    # Where it comes from, for the log and the admin chat when Telegram refuses it.
    course_id: int | None = None
    course_title: Localized = field(default_factory=dict)
    chunk_key: str = ""

    @property
    def is_last(self) -> bool:
        return self.position == self.total - 1


@dataclass(frozen=True)
class QuestionView:
    attempt_id: int
    position: int
    size: int
    lecture_title: Localized
    text: Localized
    options: list[Localized]  # in the order shown to this learner
    is_final: bool = False  # a final test question (lecture_title is then the course title)
    # Where it comes from, for the log and the admin chat when Telegram refuses it.
    lecture_id: int | None = None
    question_key: str = ""


@dataclass(frozen=True)
class AnsweredView:
    question: QuestionView
    chosen: int  # shown index
    correct: int  # shown index
    explanation: Localized

    @property
    def is_correct(self) -> bool:
        return self.chosen == self.correct


@dataclass(frozen=True)
class LabView:
    lecture_title: Localized
    title: Localized
    text: Localized
    files: list[dict[str, Any]]
    source_dir: str


@dataclass(frozen=True)
class ReviewItem:
    chunk_id: int
    title: Localized


@dataclass(frozen=True)
class AttemptResult:
    attempt_id: int
    lecture_id: int
    lecture_title: Localized
    score: int
    size: int
    pass_score: int
    passed: bool
    review: list[ReviewItem] = field(default_factory=list)
    next_lecture_id: int | None = None
    next_lecture_title: Localized | None = None
    lab: LabView | None = None
    retry_at: datetime | None = None
    zone: str = "UTC"  # the learner's time zone, for showing `retry_at` and `next_opens_at`
    # Passed, but the next lecture's week is not open yet: it opens then (and a message comes).
    next_opens_at: datetime | None = None
    # After the last lecture or the final test: the next step towards the certificate.
    completion: CompletionStep | None = None
    is_final: bool = False  # the final test's result (lecture_title is the course title)
    # A failed final test: the lectures its missed questions came from (number, title), in course order.
    missed_lectures: list[tuple[int, Localized]] = field(default_factory=list)
    # The first result showing a time offers to set the learner's own time zone (see PreferencesService).
    offer_zone: bool = False
    enrolment_id: int | None = None  # the course its buttons act on


@dataclass(frozen=True)
class AnswerOutcome:
    answered: AnsweredView
    next_question: QuestionView | None
    result: AttemptResult | None


class LectureState(enum.Enum):
    PASSED = "passed"
    OPEN = "open"
    LOCKED = "locked"
    SCHEDULED = "scheduled"  # the lecture before is passed; its week opens later


@dataclass(frozen=True)
class LectureStatus:
    lecture_id: int
    number: int
    week: int
    title: Localized
    state: LectureState
    best_score: int | None
    size: int
    opens_at: datetime | None = None  # SCHEDULED: when


@dataclass(frozen=True)
class ProgressView:
    course_title: Localized
    lectures: list[LectureStatus]
    certificate_code: str | None
    completion: CompletionStep | None = None  # what the certificate still needs
    zone: str = "UTC"  # the learner's time zone, for showing a lecture's `opens_at`

    @property
    def passed(self) -> int:
        return sum(1 for lecture in self.lectures if lecture.state is LectureState.PASSED)


@dataclass(frozen=True)
class AttemptRow:
    lecture_number: int
    lecture_title: Localized
    score: int
    size: int
    passed: bool
    started_at: datetime
    finished_at: datetime
    is_final: bool = False  # the final test (lecture_title is then the course title)
    zone: str = "UTC"  # the learner's time zone, for showing `started_at` and `finished_at`


@dataclass(frozen=True)
class PassportView:
    title: Localized
    passport: dict[str, Any]
    lecture_count: int
    quiz_size: int
    pass_score: int


@dataclass(frozen=True)
class ProfileView:
    full_name: str | None
    telegram_name: str
    phone: str | None
    email: str | None
