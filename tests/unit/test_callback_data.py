"""Every button's callback data fits Telegram's 64 bytes, even with the largest ids; forged data does not parse."""
from __future__ import annotations

import pytest

from bot.telegram.callbacks import (
    MAX_ROW_ID,
    AnswerCb,
    CertificateNameCb,
    EnrolCb,
    LanguageCb,
    NextChunkCb,
    OpenLectureCb,
    ProfileCb,
    ReviewCb,
    SelfCheckCb,
    SettingsCb,
    StartQuizCb,
)

BIG = 2**63 - 1  # a BIGINT primary key at its limit


def test_packed_callback_data_fits_64_bytes() -> None:
    """With today's largest ids, and with BIGINT ones should the ids grow (built unchecked)."""
    for big, build in ((MAX_ROW_ID, lambda cls, **fields: cls(**fields)),
                       (BIG, lambda cls, **fields: cls.model_construct(**fields))):
        packed = [
            LanguageCb(code="kk"), build(EnrolCb, course_id=big), build(NextChunkCb, e=big, l=big, p=999, r=1),
            build(StartQuizCb, l=big, e=big), build(AnswerCb, a=big, p=999, o=7), build(ReviewCb, c=big, e=big),
            build(OpenLectureCb, l=big, e=big), build(SelfCheckCb, c=big, o=7), ProfileCb(action="cancel"),
            CertificateNameCb(action="change"), SettingsCb(a="set_quiet", v="x" * 48),
        ]
        for data in packed:
            assert len(data.pack().encode()) <= 64, data.pack()


def test_callback_data_round_trips() -> None:
    data = AnswerCb(a=12, p=3, o=1)
    assert AnswerCb.unpack(data.pack()) == data
    assert StartQuizCb.unpack(StartQuizCb(l=5, e=9).pack()) == StartQuizCb(l=5, e=9)


def test_buttons_sent_before_the_enrolment_field_still_parse() -> None:
    """issue 9 item 3: old "Take the quiz" / "Continue" / "Review" buttons in chats keep working."""
    assert StartQuizCb.unpack("qs:5") == StartQuizCb(l=5, e=None)
    assert OpenLectureCb.unpack("ol:5") == OpenLectureCb(l=5, e=None)
    assert ReviewCb.unpack("rv:5") == ReviewCb(c=5, e=None)


@pytest.mark.parametrize("cls, data", [
    (AnswerCb, f"qa:{2**70}:0:0"), (AnswerCb, f"qa:{MAX_ROW_ID + 1}:0:0"), (AnswerCb, "qa:0:0:0"), (AnswerCb, "qa:1:0:8"), (AnswerCb, "qa:1:-1:0"),
    (StartQuizCb, f"qs:{2**63}"), (StartQuizCb, f"qs:1:{2**64}"), (StartQuizCb, "qs:1:2:3"),
    (OpenLectureCb, f"ol:{2**70}"), (NextChunkCb, f"nx:1:1:{2**70}:0"), (NextChunkCb, "nx:1:1:0:2"),
    (ReviewCb, f"rv:{2**70}"), (SelfCheckCb, f"sc:1:{2**70}"), (EnrolCb, f"enrol:{2**70}"),
    (LanguageCb, "lang:de"), (ProfileCb, "pf:admin"), (CertificateNameCb, "cn:maybe"),
    (SettingsCb, "st:drop:"), (SettingsCb, f"st:set_zone:{'x' * 49}"), (SettingsCb, "st:set_zone:a b"),
])
def test_forged_callback_data_does_not_parse(cls: type, data: str) -> None:
    """issue 9 item 6: out-of-range numbers and unknown words fail to parse (aiogram's filter
    then does not match and the press gets the "out of date" answer)."""
    with pytest.raises((TypeError, ValueError)):
        cls.unpack(data)
