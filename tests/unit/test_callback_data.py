"""Every button's callback data fits Telegram's 64 bytes, even with the largest ids."""
from __future__ import annotations

from bot.telegram.callbacks import (
    AnswerCb,
    EnrolCb,
    LanguageCb,
    NextChunkCb,
    OpenLectureCb,
    ProfileCb,
    ReviewCb,
    SelfCheckCb,
    StartQuizCb,
)

BIG = 2**63 - 1  # a BIGINT primary key at its limit


def test_packed_callback_data_fits_64_bytes() -> None:
    packed = [
        LanguageCb(code="kk"), EnrolCb(course_id=BIG), NextChunkCb(e=BIG, l=BIG, p=999, r=1),
        StartQuizCb(l=BIG), AnswerCb(a=BIG, p=99, o=7), ReviewCb(c=BIG), OpenLectureCb(l=BIG),
        SelfCheckCb(c=BIG, o=7), ProfileCb(action="cancel"),
    ]
    for data in packed:
        assert len(data.pack().encode()) <= 64, data.pack()


def test_callback_data_round_trips() -> None:
    data = AnswerCb(a=12, p=3, o=1)
    assert AnswerCb.unpack(data.pack()) == data
