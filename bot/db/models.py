"""The database schema: users, courses, progress, certificates, staff. Localized course texts are
JSON maps {kk, ru, en}. The outbox, broadcasts and contact messages are in `models_outbox`."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

# Base and the outbox tables live in their own modules; importing them here keeps
# `from bot.db.models import X` working for every model and Base.metadata complete for Alembic.
from bot.db.models_base import Base, UTCDateTime
from bot.db.models_outbox import Broadcast, ContactMessage, Delivery

__all__ = [
    "AttemptItem", "AuditEntry", "Base", "Broadcast", "Certificate", "Chunk", "ContactMessage", "Course",
    "CourseVersion", "Delivery", "Enrolment", "FsmState", "Lecture", "LectureProgress", "MediaFile",
    "ProcessedUpdate", "Question", "QuizAttempt", "StaffRole", "UTCDateTime", "User",
]


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(256), default="")
    last_name: Mapped[str | None] = mapped_column(String(256))
    username: Mapped[str | None] = mapped_column(String(64))
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(8))
    full_name: Mapped[str | None] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    pending_course_slug: Mapped[str | None] = mapped_column(String(64))
    # The learner said "yes, print this name" once; later certificates use it without asking.
    name_confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # Reminder settings from /settings; None takes the course's value.
    timezone: Mapped[str | None] = mapped_column(String(64))
    quiet_hours: Mapped[str | None] = mapped_column(String(16))  # "22:00-08:00" or "off"
    remind_new_week: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    remind_stalled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    remind_retry: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # When a message showing a time first offered to change the time zone (offered once).
    zone_offered_at: Mapped[datetime | None]
    # False: the learner turned announcements off in /settings; broadcasts skip (and count) them.
    announcements: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    current_version_id: Mapped[int | None] = mapped_column(Integer)
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class CourseVersion(Base):
    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[dict[str, Any]]
    # The course passport (abstract, authors, format, workload, prerequisites, weeks).
    passport: Mapped[dict[str, Any]]
    quiz_size: Mapped[int] = mapped_column(Integer, default=5)
    pass_score: Mapped[int] = mapped_column(Integer, default=3)
    retry_cooldown_minutes: Mapped[int] = mapped_column(Integer, default=0)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The final test (a certificate condition); no size: the course has none.
    final_test_size: Mapped[int | None] = mapped_column(Integer)
    final_test_pass_percent: Mapped[int | None] = mapped_column(Integer)
    final_test_attempts: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    final_test_cooldown_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Release schedule and reminders (content/schedule.py); cohort dates are "YYYY-MM-DD" per week.
    release_mode: Mapped[str] = mapped_column(String(32), default="self_paced", server_default="self_paced")
    release_dates: Mapped[list[Any] | None] = mapped_column(JSON)
    release_time: Mapped[str] = mapped_column(String(5), default="00:00", server_default="00:00")
    remind_after_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    remind_again_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    retry_remind_days: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    quiet_hours: Mapped[str] = mapped_column(String(16), default="22:00-08:00", server_default="22:00-08:00")
    source_dir: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    # "draft" (uploaded, not yet live; at most one per course), "published" (live now, or live
    # before and may be rolled back to), "retired" (replaced by a newer draft, or rolled back).
    # None: a version loaded before drafts existed, published when loaded.
    state: Mapped[str | None] = mapped_column(String(16))


class Lecture(Base):
    __tablename__ = "lectures"
    __table_args__ = (UniqueConstraint("version_id", "key"), UniqueConstraint("version_id", "position"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    week: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict[str, Any]]
    quiz_size: Mapped[int] = mapped_column(Integer)
    pass_score: Mapped[int] = mapped_column(Integer)
    lab: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Chunk(Base):
    __tablename__ = "chunks"
    __table_args__ = (UniqueConstraint("lecture_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lecture_id: Mapped[int] = mapped_column(ForeignKey("lectures.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[dict[str, Any]]
    # Kind-specific fields: text, caption, media source, url, self-check options.
    body: Mapped[dict[str, Any]]


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("lecture_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lecture_id: Mapped[int] = mapped_column(ForeignKey("lectures.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    chunk_position: Mapped[int] = mapped_column(Integer)
    text: Mapped[dict[str, Any]]
    options: Mapped[list[Any]]
    correct_index: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[dict[str, Any]]


class Enrolment(Base):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    # The version the learner reads; a new version reaches them at their next lecture.
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    enrolled_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime]
    # Scheduled messages (scheduler/sweep.py). next_remind_at is when the sweep should look
    # at this learner again: it re-derives what is due from the rows, so early is harmless.
    next_remind_at: Mapped[datetime | None] = mapped_column(index=True)
    nudges_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_nudge_at: Mapped[datetime | None]
    announced_lecture: Mapped[str | None] = mapped_column(String(32))  # whose opening was announced
    # A sweep's claim on the row, and the message it is sending under that claim: a row
    # found still "sending" after its claim expired was sent by a process that died.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]
    sending_kind: Mapped[str | None] = mapped_column(String(16))
    sending_lecture: Mapped[str | None] = mapped_column(String(32))
    sending_at: Mapped[datetime | None]


class LectureProgress(Base):
    """Where a learner stands in one lecture; keyed by the lecture key so it survives new versions."""

    __tablename__ = "lecture_progress"
    __table_args__ = (UniqueConstraint("enrolment_id", "lecture_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    lecture_key: Mapped[str] = mapped_column(String(32))
    # Position of the chunk last delivered; -1 before the first.
    chunk_cursor: Mapped[int] = mapped_column(Integer, default=-1)
    opened_at: Mapped[datetime]
    passed_at: Mapped[datetime | None]
    best_score: Mapped[int | None] = mapped_column(Integer)


class QuizAttempt(Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        Index("ix_attempts_enrolment_lecture", "enrolment_id", "lecture_key"),
        # At most one running attempt per enrolment and lecture (or final test): of many
        # "Take the quiz" presses at once, one inserts it and the others find it.
        Index("ux_attempts_one_running", "enrolment_id", "lecture_key", unique=True,
              sqlite_where=sql_text("finished_at IS NULL"), postgresql_where=sql_text("finished_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    # The exact lecture row (so the version's questions) the attempt was drawn from;
    # none for a final test, which draws from every lecture (its items name the questions).
    lecture_id: Mapped[int | None] = mapped_column(ForeignKey("lectures.id"))
    # A lecture's key, or FINAL_TEST_KEY for the final test.
    lecture_key: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="lecture", server_default="lecture")
    size: Mapped[int] = mapped_column(Integer)
    pass_score: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    score: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # The message (its id in the learner's chat) whose button last showed this attempt's
    # question: another press under that message shows nothing more.
    button_message_id: Mapped[int | None] = mapped_column(BigInteger)


class AttemptItem(Base):
    """One drawn question of an attempt, its shuffled option order and, once given, the answer."""

    __tablename__ = "attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    option_order: Mapped[list[Any]]
    chosen_option: Mapped[int | None] = mapped_column(Integer)
    is_correct: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime | None]


class Certificate(Base):
    """One issued certificate; a re-issue is a new row (new code) and the old one is revoked."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    holder_name: Mapped[str] = mapped_column(String(256))
    average_score: Mapped[float] = mapped_column()
    lecture_count: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[int | None] = mapped_column(BigInteger)
    final_test_percent: Mapped[float | None] = mapped_column()
    course_title: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # as it was when issued
    reissue_of_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))


class ProcessedUpdate(Base):
    """Update ids already applied: Telegram delivers at least once, we apply once."""

    __tablename__ = "processed_updates"
    # The housekeeping DELETE of ids older than two days reads only those (migration 0010).
    __table_args__ = (Index("ix_processed_updates_processed_at", "processed_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime]


class MediaFile(Base):
    """A local file already uploaded to Telegram: later sends reuse its file_id."""

    __tablename__ = "media_files"

    fingerprint: Mapped[str] = mapped_column(String(128), primary_key=True)
    file_id: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """Who changed a course's content, and how: every upload, publish, rollback and file attach."""

    __tablename__ = "content_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(BigInteger)
    user_name: Mapped[str] = mapped_column(String(256), default="")
    action: Mapped[str] = mapped_column(String(16))  # upload, publish, rollback, attach
    details: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class StaffRole(Base):
    """A role granted by an owner: instructor or coordinator, for one course or (course_id NULL) all.

    Owners are not stored: OWNER_IDS names them. A role counts only while its holder is a
    member of the admin chat (asked of Telegram each time)."""

    __tablename__ = "staff_roles"
    __table_args__ = (Index("ix_staff_roles_user", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    role: Mapped[str] = mapped_column(String(16))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    granted_by: Mapped[int | None] = mapped_column(BigInteger)
    granted_at: Mapped[datetime]


class FsmState(Base):
    """aiogram's conversation state and data per storage key, so a restart keeps a half-typed answer."""

    __tablename__ = "fsm_states"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    thread_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # 0: none
    business_connection_id: Mapped[str] = mapped_column(String(128), primary_key=True)  # "": none
    destiny: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(256))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
