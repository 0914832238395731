"""Course titles are Telegram HTML, certificate dates are the course's calendar days, counts take
their plural forms: the chat, the buttons, the web page and the PDF as a reader sees them."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from aiogram.utils.i18n import I18n

from bot.services.certificate_labels import certificate_labels, fact_lines
from bot.services.certificate_pdf import render_certificate_pdf
from bot.services.certificate_views import CertificateFacts
from bot.services.final_test_rules import FinalTestStatus
from bot.services.views import AttemptResult, CourseSummary, PassportView, ReviewItem, visible_text
from bot.telegram.i18n import create_i18n
from bot.telegram.keyboards import course_list_keyboard, result_keyboard
from bot.telegram.texts_account import passport_text
from bot.telegram.texts_certificate import certificate_message, final_test_line, verification_text
from bot.web.pages import certificate_page
from tests.pdf_tools import pdf_text

TITLE = "Python &amp; <b>data</b>"  # as a course file must write "Python & data" in bold
SHOWN = "Python & data"
# 20:30 UTC on 2 March is 01:30 on 3 March in Almaty.
LATE_EVENING = datetime(2026, 3, 2, 20, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return create_i18n("en")


@pytest.fixture
def english(i18n: I18n) -> Iterator[None]:
    with i18n.context(), i18n.use_locale("en"):
        yield


def facts(zone: str = "UTC") -> CertificateFacts:
    return CertificateFacts(code="AbC123dEf456gHi789jKl0", holder_name="Aigerim Sadykova",
                            course_title={"en": TITLE}, issued_at=LATE_EVENING, average_score=90.0,
                            final_test_percent=None, lecture_count=2, revoked_at=None, zone=zone)


def status(size: int) -> FinalTestStatus:
    return FinalTestStatus(size=size, pass_percent=50, passed=False, best_percent=None, attempts_used=0,
                           attempts_left=None, retry_at=None, zone="UTC")


def test_visible_text_drops_tags_and_decodes_entities() -> None:
    assert visible_text(TITLE) == SHOWN
    assert visible_text("a &lt;b&gt; is not a tag") == "a <b> is not a tag"
    assert visible_text('<a href="https://example.org">link</a> &quot;x&quot;') == 'link "x"'


def test_a_course_title_in_html_shows_once_escaped_on_the_page_and_in_the_chat(english: None, i18n: I18n) -> None:
    labels = certificate_labels(lambda message: i18n.gettext(message, locale="en"))
    page = certificate_page(facts(), labels, "en", "Talimger")
    assert "Python &amp; data" in page and "&amp;amp;" not in page and "&lt;b&gt;" not in page
    chat = verification_text(facts(), "en", "Talimger")
    assert "Python &amp; data" in chat and "&amp;amp;" not in chat and "&lt;b&gt;" not in chat
    congratulation = certificate_message(facts(), "https://talimger.test/c/x", "en")
    assert TITLE in congratulation  # valid Telegram HTML stays as written


def test_a_course_title_in_html_is_plain_text_in_the_pdf(i18n: I18n) -> None:
    labels = certificate_labels(lambda message: i18n.gettext(message, locale="en"))
    text = pdf_text(render_certificate_pdf(facts(), labels, "en", "https://talimger.test/c/x", "Talimger"))
    assert SHOWN in text and "&amp;" not in text and "<b>" not in text


def test_button_labels_show_titles_as_text(english: None) -> None:
    courses = course_list_keyboard([CourseSummary(1, "data", {"en": TITLE})], "en")
    assert courses.inline_keyboard[0][0].text == SHOWN
    failed = AttemptResult(attempt_id=1, lecture_id=1, lecture_title={"en": "L"}, score=1, size=5, pass_score=3,
                           passed=False, review=[ReviewItem(7, {"en": "<i>Lists</i> &amp; tuples"})])
    markup = result_keyboard(failed, "en")
    assert markup is not None and markup.inline_keyboard[0][0].text == "📖 Review: Lists & tuples"


def test_the_completion_date_is_the_day_in_the_courses_time_zone(english: None, i18n: I18n) -> None:
    labels = certificate_labels(lambda message: i18n.gettext(message, locale="en"))
    almaty = facts("Asia/Almaty")
    [date] = [line.value for line in fact_lines(almaty, labels, "en", "Talimger") if line.label == labels.date]
    assert date == "March 3, 2026"
    assert "March 3, 2026" in certificate_page(almaty, labels, "en", "Talimger")
    assert "March 3, 2026" in verification_text(almaty, "en", "Talimger")
    text = pdf_text(render_certificate_pdf(almaty, labels, "en", "https://talimger.test/c/x", "Talimger"))
    assert "March 3, 2026" in text and "March 2, 2026" not in text


@pytest.mark.parametrize(("locale", "size", "expected"), [
    ("en", 1, "The final test: 1 question from"),
    ("en", 10, "The final test: 10 questions from"),
    ("ru", 1, "1 вопрос по всему курсу"),
    ("ru", 2, "2 вопроса по всему курсу"),
    ("ru", 5, "5 вопросов по всему курсу"),
    ("ru", 21, "21 вопрос по всему курсу"),
    ("ru", 24, "24 вопроса по всему курсу"),
    ("ru", 11, "11 вопросов по всему курсу"),
])
def test_the_final_test_line_counts_questions_in_plural_forms(i18n: I18n, locale: str, size: int,
                                                              expected: str) -> None:
    with i18n.context(), i18n.use_locale(locale):
        assert expected in final_test_line(status(size))


@pytest.mark.parametrize(("locale", "size", "needed", "expected"), [
    ("en", 1, 1, "a quiz of 1 question; 1 correct answer opens the next lecture."),
    ("en", 5, 3, "a quiz of 5 questions; 3 correct answers open the next lecture."),
    ("ru", 1, 1, "тестом из 1 вопроса; для перехода к следующей лекции нужен 1 правильный ответ."),
    ("ru", 3, 2, "тестом из 3 вопросов; для перехода к следующей лекции нужно 2 правильных ответа."),
    ("ru", 5, 5, "тестом из 5 вопросов; для перехода к следующей лекции нужно 5 правильных ответов."),
])
def test_the_passport_counts_questions_and_answers_in_plural_forms(i18n: I18n, locale: str, size: int,
                                                                   needed: int, expected: str) -> None:
    view = PassportView(title={"en": "Course"}, passport={}, lecture_count=2, quiz_size=size, pass_score=needed)
    with i18n.context(), i18n.use_locale(locale):
        assert expected in passport_text(view, locale)
