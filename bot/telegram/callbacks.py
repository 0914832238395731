"""Callback data of every inline button; each packs to far less than Telegram's 64 bytes.

Every field is bounded: callback data comes back from the client and can be forged, so a
number past a database id's range, or a word no button carries, fails to parse. aiogram's
filter then does not match and the press falls through to the "out of date" answer in
handlers/common/help.py, instead of reaching a query that overflows.
"""
from __future__ import annotations

from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from pydantic import Field
from typing_extensions import Self

# Ids are INTEGER columns, int4 on PostgreSQL: a larger number would not just find nothing,
# the driver would refuse it (an error, not a refusal). 0 and negatives name nothing either.
# Packed callback data has room for BIGINT ids (tests/unit/test_callback_data.py).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
# A chunk's place in a lecture, a question's in an attempt (far below the course format's limits).
Position = Annotated[int, Field(ge=0, le=999)]
# An answer button: options are shown as the letters A-H.
OptionIndex = Annotated[int, Field(ge=0, le=7)]
Flag = Annotated[int, Field(ge=0, le=1)]


class _OptionalTail:
    """Parses data that lacks trailing optional fields as if they were empty.

    Buttons already in chats were packed before a field was added at the end (`e`, the
    enrolment); they keep working. Mixed in before CallbackData.
    """

    @classmethod
    def unpack(cls, value: str) -> Self:
        parts = value.split(cls.__separator__)  # type: ignore[attr-defined]
        fields = list(cls.model_fields.values())  # type: ignore[attr-defined]
        missing = len(fields) - (len(parts) - 1)
        if 0 < missing and all(not field.is_required() for field in fields[-missing:]):
            value += cls.__separator__ * missing  # type: ignore[attr-defined]
        return super().unpack(value)  # type: ignore[misc,no-any-return]


class LanguageCb(CallbackData, prefix="lang"):
    code: Literal["kk", "ru", "en"]


class EnrolCb(CallbackData, prefix="enrol"):
    course_id: RowId


class NextChunkCb(CallbackData, prefix="nx"):
    e: RowId  # enrolment
    l: RowId  # lecture  # noqa: E741
    p: Position  # position of the chunk the button is under
    r: Flag = 0  # 1 when re-reading: the cursor does not move


class StartQuizCb(_OptionalTail, CallbackData, prefix="qs"):
    l: RowId  # noqa: E741
    e: RowId | None = None  # the enrolment; None on buttons sent before it was added


class AnswerCb(CallbackData, prefix="qa"):
    a: RowId  # attempt
    p: Position  # question position in the attempt
    o: OptionIndex  # option index as shown


class ReviewCb(_OptionalTail, CallbackData, prefix="rv"):
    c: RowId  # chunk
    e: RowId | None = None  # the enrolment; None on buttons sent before it was added


class OpenLectureCb(_OptionalTail, CallbackData, prefix="ol"):
    l: RowId  # noqa: E741
    e: RowId | None = None  # the enrolment; None on buttons sent before it was added


class SelfCheckCb(CallbackData, prefix="sc"):
    c: RowId  # chunk
    o: OptionIndex  # option index


class ProfileCb(CallbackData, prefix="pf"):
    action: Literal["name", "email", "phone", "cancel"]


class CertificateNameCb(CallbackData, prefix="cn"):
    action: Literal["yes", "change"]  # the name to print on the certificate


class FinalTestCb(_OptionalTail, CallbackData, prefix="ft"):
    """Start (or continue) the course's final test."""

    e: RowId | None = None  # the enrolment; None on buttons sent before it was added


class SettingsCb(CallbackData, prefix="st"):
    # toggle a kind | open a picker (quiet, zone; pick_zone: the zone picker as a new message) | set_quiet
    # | set_zone | back
    a: Literal["toggle", "quiet", "zone", "pick_zone", "set_quiet", "set_zone", "back"]
    # The kind toggled, or the chosen quiet hours (an index) / time zone (an IANA name).
    v: Annotated[str, Field(max_length=48, pattern=r"^[A-Za-z0-9_+\-/]*$")] = ""


class StaffGrantCb(CallbackData, prefix="sg"):
    """/staff: take away one grant (its row id) — owners only, see bot/telegram/staff_commands.py."""

    grant_id: int


class NudgeStuckCb(CallbackData, prefix="stk"):
    """/stuck: nudge every stalled learner of course `c` (coordinators; see bot/telegram/staff_commands.py)."""

    c: RowId


class ExportChoiceCb(CallbackData, prefix="exq"):
    """/export for someone who may export both: the course files (instructor) or learner data (coordinator)."""

    what: Literal["files", "data"]
    c: Annotated[int, Field(ge=0, le=MAX_ROW_ID)] = 0  # the course named with /export (0: none named)
