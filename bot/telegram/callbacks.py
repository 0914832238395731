"""Callback data of every inline button; each packs to far less than Telegram's 64 bytes."""
from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCb(CallbackData, prefix="lang"):
    code: str


class EnrolCb(CallbackData, prefix="enrol"):
    course_id: int


class NextChunkCb(CallbackData, prefix="nx"):
    e: int  # enrolment
    l: int  # lecture  # noqa: E741
    p: int  # position of the chunk the button is under
    r: int = 0  # 1 when re-reading: the cursor does not move


class StartQuizCb(CallbackData, prefix="qs"):
    l: int  # noqa: E741


class AnswerCb(CallbackData, prefix="qa"):
    a: int  # attempt
    p: int  # question position in the attempt
    o: int  # option index as shown


class ReviewCb(CallbackData, prefix="rv"):
    c: int  # chunk


class OpenLectureCb(CallbackData, prefix="ol"):
    l: int  # noqa: E741


class SelfCheckCb(CallbackData, prefix="sc"):
    c: int  # chunk
    o: int  # option index


class ProfileCb(CallbackData, prefix="pf"):
    action: str  # name | email | cancel


class CertificateNameCb(CallbackData, prefix="cn"):
    action: str  # yes | change: the name to print on the certificate


class FinalTestCb(CallbackData, prefix="ft"):
    """Start (or continue) the course's final test."""


class SettingsCb(CallbackData, prefix="st"):
    # toggle | quiet | zone (open a picker) | pick_zone (the zone picker as a new message) | set_quiet
    # | set_zone | back
    a: str
    v: str = ""  # the kind toggled, or the chosen quiet hours / time zone
