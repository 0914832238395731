"""Plain data about reminders and their settings, handed to the Telegram side."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.services.views import Localized


class NoticeKind(str, enum.Enum):
    """What a scheduled message is about; also the value stored while it is being sent."""

    NEW_WEEK = "new_week"  # the week the learner waited for has opened
    STALLED = "stalled"  # no activity on an open lecture for a while
    RETRY = "retry"  # a failed quiz not retaken


@dataclass(frozen=True)
class NoticeView:
    """One scheduled message: which lecture it points to and where the learner stands in it."""

    kind: NoticeKind
    lecture_id: int
    lecture_number: int
    week: int
    lecture_title: Localized
    part: int | None = None  # 1-based part the learner stopped at; None before the first
    total: int = 0  # parts in the lecture
    score: int | None = None  # the failed attempt (RETRY)
    size: int | None = None
    pass_score: int | None = None

    @property
    def at_quiz(self) -> bool:
        """Every part read: only the quiz is left."""
        return self.part is not None and self.total > 0 and self.part >= self.total


@dataclass(frozen=True)
class SettingsView:
    new_week: bool
    stalled: bool
    retry: bool
    quiet_hours: str | None  # "22:00-08:00", None when off
    zone: str
    zone_is_course_default: bool
    local_now: datetime  # the learner's clock, so they can see the time zone is right
    announcements: bool = True  # the coordinators' announcements (broadcasts); False: opted out
