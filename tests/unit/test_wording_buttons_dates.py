"""Every keyboard in every language fits a phone's button; dates, zones and counts read right."""
from __future__ import annotations

import inspect
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.services.final_test_rules import FinalTestStatus
from bot.services.preferences import QUIET_HOURS_CHOICES, TIME_ZONE_CHOICES
from bot.services.reminder_views import NoticeKind, NoticeView, SettingsView
from bot.services.views import AttemptResult, ChunkView, CourseSummary, QuestionView, ReviewItem
from bot.telegram import keyboards, keyboards_certificate, keyboards_reminders
from bot.telegram.i18n import create_i18n
from bot.telegram.texts import latest_attempts_line
from bot.telegram.texts_time import format_moment

BUTTON_LIMIT = 30
LOCALES = ("kk", "ru", "en")
MODULES = (keyboards, keyboards_certificate, keyboards_reminders)
MARCH_9 = datetime(2026, 3, 9, 4, 5, tzinfo=timezone.utc)  # 09:05 in Almaty
LONG = {"kk": "Өте ұзын тақырып " * 5, "ru": "Очень длинное название " * 5, "en": "A very long title " * 5}


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return create_i18n("en")


def chunk(kind: str, last: bool) -> ChunkView:
    body = {"url": "https://example.org"} if kind == "link" else {}
    if kind == "self_check":
        body = {"options": [{"text": {"en": "a"}, "correct": True}, {"text": {"en": "b"}}]}
    return ChunkView(chunk_id=1, enrolment_id=1, lecture_id=1, lecture_title=LONG, lecture_number=1,
                     position=2 if last else 0, total=3, kind=kind, title=LONG, body=body, source_dir=".")


def settings_views() -> Iterator[SettingsView]:
    for state in (True, False):
        for zone in TIME_ZONE_CHOICES:
            for quiet in (*QUIET_HOURS_CHOICES[:-1], None):
                yield SettingsView(state, state, state, quiet, zone, zone == "Asia/Almaty", MARCH_9)


def final_status(used: int) -> FinalTestStatus:
    return FinalTestStatus(size=10, pass_percent=60, passed=False, best_percent=None, attempts_used=used,
                           attempts_left=2, retry_at=None, zone="UTC")


def every_keyboard(locale: str) -> Iterator[tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup | None]]:
    """Each keyboard function of the bot, with every state its labels can show."""
    question = QuestionView(attempt_id=1, position=0, size=5, lecture_title=LONG, text=LONG,
                            options=[LONG] * 4)
    passed = AttemptResult(attempt_id=1, lecture_id=1, lecture_title=LONG, score=5, size=5, pass_score=3,
                           passed=True, next_lecture_id=2)
    failed = AttemptResult(attempt_id=1, lecture_id=1, lecture_title=LONG, score=1, size=5, pass_score=3,
                           passed=False, review=[ReviewItem(1, LONG), ReviewItem(2, {"en": "Short"})], offer_zone=True)
    for current in (None, "kk", "ru", "en"):
        yield "language_keyboard", keyboards.language_keyboard(current)
    yield "course_list_keyboard", keyboards.course_list_keyboard([CourseSummary(1, "x", LONG)], locale)
    for kind in ("text", "video", "file", "link", "self_check"):
        for last in (False, True):
            yield "chunk_keyboard", keyboards.chunk_keyboard(chunk(kind, last), locale)
    yield "answer_keyboard", keyboards.answer_keyboard(question)
    yield "result_keyboard", keyboards.result_keyboard(passed, locale)
    yield "result_keyboard", keyboards.result_keyboard(failed, locale)
    yield "lecture_keyboard", keyboards.lecture_keyboard(1, "▶")
    yield "profile_keyboard", keyboards.profile_keyboard()
    yield "cancel_keyboard", keyboards.cancel_keyboard()
    yield "contact_request_keyboard", keyboards.contact_request_keyboard()
    yield "name_confirm_keyboard", keyboards_certificate.name_confirm_keyboard()
    for used in (0, 1):
        yield "final_test_keyboard", keyboards_certificate.final_test_keyboard(final_status(used))
    for kind in NoticeKind:
        for part in (None, 1, 3):
            view = NoticeView(kind=kind, lecture_id=1, lecture_number=1, week=1, lecture_title=LONG, part=part, total=3)
            yield "notice_keyboard", keyboards_reminders.notice_keyboard(view)
    for view in settings_views():
        yield "settings_keyboard", keyboards_reminders.settings_keyboard(view, locale)
        yield "time_zone_keyboard", keyboards_reminders.time_zone_keyboard(view.zone, locale, view.local_now)
    for quiet in (*QUIET_HOURS_CHOICES[:-1], None):
        yield "quiet_hours_keyboard", keyboards_reminders.quiet_hours_keyboard(quiet)


def labels(markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None) -> list[str]:
    if markup is None:
        return []
    rows = markup.inline_keyboard if isinstance(markup, InlineKeyboardMarkup) else markup.keyboard
    return [button.text for row in rows for button in row]


def keyboard_functions() -> set[str]:
    found: set[str] = set()
    for module in MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_keyboard") and function.__module__ == module.__name__:
                found.add(name)
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_button_of_every_keyboard_fits_in_30_characters(i18n: I18n, locale: str) -> None:
    """issue 9 item 23: each label with its state (on/off, a zone, a title) is at most 30 characters."""
    rendered: set[str] = set()
    too_long = []
    with i18n.context(), i18n.use_locale(locale):
        for name, markup in every_keyboard(locale):
            rendered.add(name)
            too_long += [f"{name}: {text!r} ({len(text)})" for text in labels(markup) if len(text) > BUTTON_LIMIT]
    assert rendered == keyboard_functions(), "a keyboard this test does not render yet"
    assert not too_long, "\n".join(too_long)


@pytest.mark.parametrize(("shown", "total", "expected"), [
    (21, 31, "Последняя 21 попытка (всего 31):"),
    (22, 31, "Последние 22 попытки (всего 31):"),
    (30, 31, "Последние 30 попыток (всего 31):"),
])
def test_the_latest_attempts_line_takes_russian_plural_forms(i18n: I18n, shown: int, total: int,
                                                              expected: str) -> None:
    """issue 9 item 23: "latest N of M" agrees with N (no "из 31 попыток")."""
    with i18n.context(), i18n.use_locale("ru"):
        assert latest_attempts_line(shown, total) == expected


@pytest.mark.parametrize(("locale", "expected"), [
    # CLDR keeps "2026 ж." and "2026 г." together with a narrow no-break space.
    ("kk", "2026\u202fж. 9 нау., 09:05 (Алматы, UTC+5)"),
    ("ru", "9 мар. 2026\u202fг., 09:05 (Алматы, UTC+5)"),
    ("en", "Mar 9, 2026, 09:05 (Almaty, UTC+5)"),
])
def test_a_moment_reads_in_the_languages_own_order_and_names_its_zone(locale: str, expected: str) -> None:
    """issue 9 items 15 and 23: the yMMMd skeleton, not "d MMM yyyy" (kk was "9 нау. 2026")."""
    assert format_moment(MARCH_9, locale, "Asia/Almaty") == expected


def test_a_zone_with_daylight_saving_shows_the_offset_of_that_moment() -> None:
    """issue 9 item 15: New York is UTC-5 in winter and UTC-4 in summer."""
    winter, summer = datetime(2026, 1, 5, 15, 0, tzinfo=timezone.utc), datetime(2026, 7, 6, 15, 0, tzinfo=timezone.utc)
    assert format_moment(winter, "en", "America/New_York").endswith("10:00 (New York, UTC-5)")
    assert format_moment(summer, "ru", "America/New_York").endswith("11:00 (Нью-Йорк, UTC-4)")
