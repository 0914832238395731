"""A course checked as the bot will send it: every message, in every language, against Telegram.

The course format's own checks (`content/`) see one field at a time. What Telegram receives is
a field inside the bot's wording (headers, titles, option letters, the verdict and explanation
that replace a question), cut into messages by the presenter's own cutter. This check builds
the same views the services build, renders them with the same functions the presenter sends
(`bot/telegram/course_messages.py`, `texts.py`) in kk, ru and en, and asks of each message
what the Bot API would answer (`content.telegram_split.refusal`). `talimger course validate`
runs it after the format's checks, so a course it passes is a course the bot can send.

Length limits are counted in UTF-16 units, the stricter of the two readings of Telegram's
limits (see `content/telegram_split.py`): an emoji counts as two characters here.
"""
from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import I18n

from bot.services.course_import import chunk_body
from bot.services.views import AnsweredView, ChunkView, LabView, QuestionView
from bot.telegram import texts
from bot.telegram.course_messages import chunk_messages, lab_messages, self_check_text
from content.constants import LOCALES
from content.paths import DataPath
from content.rules import Issue
from content.schema import Course, Lecture
from content.telegram_split import CAPTION_LIMIT, refusal


def _localized(value: Any) -> dict[str, str]:
    return value.model_dump(mode="json") if value is not None else {}


# What was refused → the kind of its reason (a whole sentence in the instructor's language).
_KINDS = {
    "this part's caption": "rendered_caption",
    "this part's message": "rendered_message",
    "this self-check with its answer and explanation shown": "rendered_self_check",
    "this quiz question": "rendered_question",
    "this question with its verdict and explanation shown": "rendered_question_answer",
    "the lab work's message": "rendered_lab",
}


def _refused(path: DataPath, locale: str, what: str, html: str, *, caption: bool = False) -> list[Issue]:
    reason = refusal(html, CAPTION_LIMIT, caption=True) if caption else refusal(html)
    if reason is None:
        return []
    return [Issue(path + (locale,), f"Telegram would refuse {what} as the bot sends it in {locale}: {reason}",
                  kind=_KINDS[what], params={"locale": locale, "detail": reason})]


def _chunk_issues(course: Course, lecture: Lecture, number: int, base: DataPath, locale: str) -> list[Issue]:
    issues: list[Issue] = []
    for index, chunk in enumerate(lecture.chunks):
        view = ChunkView(chunk_id=0, enrolment_id=0, lecture_id=0, lecture_title=_localized(lecture.title),
                         lecture_number=number, position=index, total=len(lecture.chunks), kind=chunk.type,
                         title=_localized(chunk.title), body=chunk_body(chunk), source_dir="",
                         course_title=_localized(course.title), chunk_key=chunk.key)
        path = base + ("chunks", index)
        main = {"text": "text", "link": "text", "self_check": "question"}.get(chunk.type)
        field = main or ("caption" if getattr(chunk, "caption", None) is not None else "title")
        messages = chunk_messages(view, locale)
        if messages.caption is not None:
            issues += _refused(path + (field,), locale, "this part's caption", messages.caption, caption=True)
        for part in messages.texts:
            issues += _refused(path + (field,), locale, "this part's message", part)
        if chunk.type == "self_check":
            for chosen in range(len(chunk.options)):
                _, edited = self_check_text(view, chosen, locale)
                issues += _refused(path + ("explanation",), locale,
                                   "this self-check with its answer and explanation shown", edited)
    return issues


def _question_issues(course: Course, lecture: Lecture, base: DataPath, locale: str) -> list[Issue]:
    issues: list[Issue] = []
    size = course.quiz_size(lecture)
    for index, question in enumerate(lecture.questions):
        path = base + ("questions", index)
        options = [_localized(option.text) for option in question.options]
        # The widest header a learner meets: the last question, in a lecture quiz or the final test.
        views = [QuestionView(attempt_id=0, position=size - 1, size=size, lecture_title=_localized(lecture.title),
                              text=_localized(question.text), options=options)]
        final = course.settings.final_test
        if final is not None:
            views.append(QuestionView(attempt_id=0, position=final.size - 1, size=final.size,
                                      lecture_title=_localized(course.title), text=_localized(question.text),
                                      options=options, is_final=True))
        for view in views:
            issues += _refused(path + ("text",), locale, "this quiz question", texts.question_text(view, locale))
            for chosen in range(len(options)):
                answered = AnsweredView(view, chosen, question.correct_index, _localized(question.explanation))
                issues += _refused(path + ("explanation",), locale,
                                   "this question with its verdict and explanation shown",
                                   texts.answered_text(answered, locale))
    return issues


def _lab_issues(lecture: Lecture, base: DataPath, locale: str) -> list[Issue]:
    if lecture.lab is None:
        return []
    stored = lecture.lab.model_dump(mode="json", exclude_none=True)
    view = LabView(_localized(lecture.title), stored["title"], stored["text"], stored.get("files", []), "")
    return [issue for part in lab_messages(view, locale)
            for issue in _refused(base + ("lab", "text"), locale, "the lab work's message", part)]


class RenderedCourseCheck:
    """`content.validator`'s rendered check, with the bot's catalogs for its wording."""

    def __init__(self, i18n: I18n) -> None:
        self._i18n = i18n

    def __call__(self, course: Course) -> list[Issue]:
        issues: list[Issue] = []
        number = 0
        for week_index, week in enumerate(course.weeks):
            for lecture_index, lecture in enumerate(week.lectures):
                number += 1
                base: DataPath = ("weeks", week_index, "lectures", lecture_index)
                for locale in LOCALES:
                    with self._i18n.context(), self._i18n.use_locale(locale):
                        issues += _chunk_issues(course, lecture, number, base, locale)
                        issues += _question_issues(course, lecture, base, locale)
                        issues += _lab_issues(lecture, base, locale)
        # One finding per field and language: several answers (or the final test) refused alike are one fix.
        return list({issue.path: issue for issue in reversed(issues)}.values())[::-1]
