"""How a broadcast's audience reads in the summary and in /broadcasts, in each language: a whole
phrase for "every course", never the words slotted into a course's sentence (issue 11 fix item 6)."""
from __future__ import annotations

import pytest
from aiogram.utils.i18n import I18n

from bot.services.broadcast_audience import EVERYONE, FINISHED, LANGUAGE, NOT_STARTED, STALLED, UNOPENED, Audience
from bot.telegram.i18n import create_i18n
from bot.telegram.texts_broadcast import audience_text

AUDIENCES = [Audience(EVERYONE), Audience(LANGUAGE, language="kk"), Audience(STALLED, days=7), Audience(UNOPENED),
             Audience(FINISHED), Audience(NOT_STARTED)]
EVERY_COURSE = {
    "ru": ["все слушатели всех курсов", "слушатели всех курсов, язык — Қазақша",
           "слушатели всех курсов, остановившиеся больше 7 дн. назад",
           "слушатели всех курсов, не открывшие лекцию этой недели", "слушатели, завершившие курс",
           "слушатели всех курсов, которые ещё не начали"],
    "kk": ["барлық курстардың барлық тыңдаушылары", "барлық курстардың тыңдаушылары, тілі — Қазақша",
           "барлық курстардың 7 күннен артық тоқтап қалған тыңдаушылары",
           "барлық курстардың осы аптаның дәрісін ашпаған тыңдаушылары", "курсты аяқтаған тыңдаушылар",
           "барлық курстардың әлі бастамаған тыңдаушылары"],
    "en": ["every learner of every course", "learners of every course who read Қазақша",
           "learners of every course stalled for more than 7 days",
           "learners of every course who have not opened this week's lecture", "learners who finished a course",
           "learners of every course who have not started"],
}


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return create_i18n("en")


@pytest.mark.parametrize("locale", ["ru", "kk", "en"])
def test_every_course_audiences_read_as_whole_phrases(i18n: I18n, locale: str) -> None:
    """issue 11 fix item 6: before, Russian said "все слушатели: всех курсов"."""
    with i18n.context(), i18n.use_locale(locale):
        assert [audience_text(audience, None) for audience in AUDIENCES] == EVERY_COURSE[locale]


def test_a_course_audience_names_the_course(i18n: I18n) -> None:
    """issue 11 fix item 6: with a course, its title leads the line; the language is named, not declined."""
    with i18n.context(), i18n.use_locale("ru"):
        assert audience_text(Audience(EVERYONE, 1), "Python") == "Python: все слушатели"
        assert audience_text(Audience(LANGUAGE, 1, language="en"), "Python") == "Python: слушатели, язык — English"
    with i18n.context(), i18n.use_locale("kk"):
        assert audience_text(Audience(LANGUAGE, 1, language="ru"), "Python") == "Python: тыңдаушылар, тілі — Русский"
