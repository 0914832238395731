"""Texts the learner reads, composed from service views in the current gettext locale."""
from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.services.views import (
    AnsweredView,
    AttemptResult,
    AttemptRow,
    ChunkView,
    LabView,
    LectureState,
    ProgressView,
    QuestionView,
    Refusal,
    Refused,
    pick,
)
from bot.telegram.keyboards import OPTION_LETTERS
from bot.telegram.texts_reminders import next_lecture_opens_text, not_released_text, opens_on_label
from bot.telegram.texts_time import format_moment, short_moment, zone_label

STATE_MARKS = {LectureState.PASSED: "✅", LectureState.OPEN: "📖", LectureState.LOCKED: "🔒",
               LectureState.SCHEDULED: "🗓"}


def refusal_text(refused: Refused, locale: str) -> str:
    """A short answer (fits a callback answer's 200 characters) for a press that changed nothing."""
    reason = refused.reason
    if reason is Refusal.NOT_ENROLLED:
        return _("You are not enrolled in a course yet. Send /start to begin.")
    if reason is Refusal.NOT_YOURS:
        return _("This button belongs to someone else's lesson.")
    if reason is Refusal.ALREADY_ANSWERED:
        return _("You have already answered this question.")
    if reason is Refusal.LOCKED:
        return _("This is still locked: finish the lecture before it first.")
    if reason is Refusal.COOLDOWN and refused.until is not None:
        return _("You can retake this quiz from {moment}.").format(moment=format_moment(refused.until, locale, refused.zone))
    if reason is Refusal.UNKNOWN_COURSE:
        return _("There is no such course. Send /start to see the courses on offer.")
    if reason is Refusal.NOT_RELEASED:
        return not_released_text(refused.until, locale, refused.zone)
    if reason is Refusal.QUIZ_RUNNING:
        return _("The quiz is already running: answer the question above.")
    if reason is Refusal.NO_ATTEMPTS_LEFT:
        return _("You have used every attempt at the final test. Please contact the course coordinators.")
    return _("This button is out of date. Send /lesson to continue where you stopped.")


def chunk_header(chunk: ChunkView, locale: str) -> str:
    return _("<b>Lecture {number}. {lecture}</b> · part {part} of {total}").format(
        number=chunk.lecture_number, lecture=pick(chunk.lecture_title, locale),
        part=chunk.position + 1, total=chunk.total,
    )


def chunk_text(chunk: ChunkView, locale: str) -> str:
    """Message text (or caption, for media) of a chunk."""
    header = chunk_header(chunk, locale)
    title = f"<b>{pick(chunk.title, locale)}</b>"
    body = chunk.body
    if chunk.kind == "text":
        return f"{header}\n\n{title}\n\n{pick(body.get('text'), locale)}"
    if chunk.kind in ("video", "file"):
        caption = pick(body.get("caption"), locale)
        return f"{header}\n\n{title}" + (f"\n\n{caption}" if caption else "")
    if chunk.kind == "link":
        url = escape(body["url"])
        return f"{header}\n\n{title}\n\n{pick(body.get('text'), locale)}\n\n<a href=\"{url}\">{url}</a>"
    if chunk.kind == "self_check":
        options = "\n".join(f"{OPTION_LETTERS[index]}. {pick(option['text'], locale)}"
                            for index, option in enumerate(body.get("options", [])))
        # One heading: the chunk's own title (the course's words), marked as not graded.
        heading = "<b>{title}</b> · <i>{note}</i>".format(
            title=pick(chunk.title, locale) or _("Check yourself"), note=_("not graded"))
        return f"{header}\n\n{heading}\n\n{pick(body.get('question'), locale)}\n\n{options}"
    return f"{header}\n\n{title}"


def self_check_feedback(chunk: ChunkView, chosen: int, locale: str) -> tuple[str, str]:
    """(short callback answer, explanation block appended to the message)."""
    options = chunk.body.get("options", [])
    right = next(index for index, option in enumerate(options) if option.get("correct"))
    short = _("✅ Right!") if chosen == right else _("❌ Not quite.")
    verdict = (_("✅ Right: {letter}.") if chosen == right else _("❌ You chose {chosen}; the right answer is {letter}.")
               ).format(letter=OPTION_LETTERS[right], chosen=OPTION_LETTERS[chosen])
    return short, f"{verdict}\n<i>{pick(chunk.body.get('explanation'), locale)}</i>"


def question_header(question: QuestionView, locale: str) -> str:
    if question.is_final:  # lecture_title is the course's title then
        return _("<b>Final test · {course}</b>\nQuestion {number} of {total}").format(
            course=pick(question.lecture_title, locale), number=question.position + 1, total=question.size)
    return _("<b>Quiz · {lecture}</b>\nQuestion {number} of {total}").format(
        lecture=pick(question.lecture_title, locale), number=question.position + 1, total=question.size,
    )


def question_text(question: QuestionView, locale: str) -> str:
    header = question_header(question, locale)
    options = "\n".join(f"{OPTION_LETTERS[index]}. {pick(option, locale)}"
                        for index, option in enumerate(question.options))
    return f"{header}\n\n{pick(question.text, locale)}\n\n{options}"


def answered_text(answered: AnsweredView, locale: str) -> str:
    question = answered.question
    lines = []
    for index, option in enumerate(question.options):
        mark = "✅" if index == answered.correct else ("❌" if index == answered.chosen else "▫️")
        lines.append(f"{mark} {OPTION_LETTERS[index]}. {pick(option, locale)}")
    header = question_header(question, locale)
    if answered.is_correct:
        verdict = _("✅ Correct!")
    else:
        verdict = _("❌ Not quite: the right answer is {letter}.").format(letter=OPTION_LETTERS[answered.correct])
    options = "\n".join(lines)
    explanation = pick(answered.explanation, locale)
    return f"{header}\n\n{pick(question.text, locale)}\n\n{options}\n\n<b>{verdict}</b>\n<i>{explanation}</i>"


def score_sentence(score: int, size: int) -> str:
    return _("You answered {score} of {total} question correctly.",
             "You answered {score} of {total} questions correctly.", size).format(score=score, total=size)


def grade_sentence(score: int, size: int, pass_score: int) -> str:
    """The seed course's graded words: the closer to full marks, the warmer; the pass mark passes."""
    if score == size:
        return _("Excellent — a perfect result!")
    if score > pass_score:
        return _("Well done — a strong result.")
    if score == pass_score:
        return _("Passed — you reached the pass mark.")
    if score == pass_score - 1:
        return _("Almost there: one more correct answer and you pass.")
    return _("Not enough yet: review the lecture and try again.")


def result_text(result: AttemptResult, locale: str) -> str:
    lines = [
        _("<b>Quiz result · {lecture}</b>").format(lecture=pick(result.lecture_title, locale)),
        score_sentence(result.score, result.size),
        grade_sentence(result.score, result.size, result.pass_score),
        "",
    ]
    if result.passed and result.next_opens_at is not None:
        lines.append(next_lecture_opens_text(result.next_lecture_title, result.next_opens_at, locale, result.zone))
    elif result.passed and result.next_lecture_title is not None:
        lines.append(_("🔓 The next lecture is open: {title}.").format(title=pick(result.next_lecture_title, locale)))
    elif result.passed:
        lines.append(_("🔓 That was the last lecture of the course."))
    else:
        lines.append(_("To pass you need {needed} of {total}.", "To pass you need {needed} of {total}.",
                       result.size).format(needed=result.pass_score, total=result.size))
        if result.review:
            lines.append(_("Review these parts of the lecture, then retake the quiz:"))
            lines.extend(f"• {pick(item.title, locale)}" for item in result.review)
        if result.retry_at is not None:
            lines.append(_("You can retake the quiz from {moment}.").format(
                moment=format_moment(result.retry_at, locale, result.zone)))
    return "\n".join(lines)


def lab_text(lab: LabView, locale: str) -> str:
    return _("🧪 <b>Laboratory work for “{lecture}” is open</b>").format(lecture=pick(lab.lecture_title, locale)) + (
        f"\n\n<b>{pick(lab.title, locale)}</b>\n\n{pick(lab.text, locale)}"
    )


def progress_text(progress: ProgressView, locale: str, certificate_url: str | None) -> str:
    total = len(progress.lectures)
    bar = "".join("🟩" if lecture.state is LectureState.PASSED else
                  ("🟨" if lecture.state is LectureState.OPEN else "⬜") for lecture in progress.lectures)
    lines = [
        _("<b>Your progress · {course}</b>").format(course=pick(progress.course_title, locale)),
        bar,
        _("Passed {passed} of {total} lecture.", "Passed {passed} of {total} lectures.", total).format(
            passed=progress.passed, total=total),
        "",
    ]
    for lecture in progress.lectures:
        score = (" · " + _("best score: {score} / {total}").format(score=lecture.best_score, total=lecture.size)
                 if lecture.best_score is not None else "")
        if lecture.opens_at is not None:
            score += " · " + opens_on_label(lecture.opens_at, locale, progress.zone)
        lines.append(f"{STATE_MARKS[lecture.state]} {lecture.number}. {pick(lecture.title, locale)}{score}")
    lines.append("")
    lines.append(_("✅ passed · 📖 open · 🔒 locked"))
    if certificate_url:
        lines.append(_("🎓 Certificate: {url}").format(url=certificate_url))
    return "\n".join(lines)


# The attempts table shows the latest ones; older attempts stay stored (and in exports).
RESULTS_SHOWN = 30


def latest_attempts_line(shown: int, total: int) -> str:
    """Above a cut table: how many attempts are shown, and how many there are."""
    return _("The latest {shown} attempt (of {total}):", "The latest {shown} attempts (of {total}):", shown).format(
        shown=shown, total=total)


def results_text(rows: list[AttemptRow], locale: str) -> str:
    if not rows:
        return _("You have not finished any quiz yet. Send /lesson to continue.")
    lines = [_("<b>Your quiz attempts</b>")]
    if len(rows) > RESULTS_SHOWN:
        lines.append(latest_attempts_line(RESULTS_SHOWN, len(rows)))
        rows = rows[-RESULTS_SHOWN:]
    # Every row is in the learner's zone: named once, at its offset at the latest attempt.
    lines.append(_("Times are in {zone}.").format(zone=zone_label(rows[-1].zone, locale, rows[-1].finished_at)))
    for row in rows:
        minutes, seconds = divmod(int((row.finished_at - row.started_at).total_seconds()), 60)
        mark = "✅" if row.passed else "❌"
        if row.is_final:
            lines.append(_("{mark} Final test").format(mark=mark))
        else:
            lines.append(_("{mark} Lecture {number}. {title}").format(
                mark=mark, number=row.lecture_number, title=pick(row.lecture_title, locale)))
        lines.append("    " + _("Score: {score} / {total} · {moment} · time taken: {minutes}:{seconds:02d}").format(
            score=row.score, total=row.size, moment=short_moment(row.finished_at, locale, row.zone),
            minutes=minutes, seconds=seconds))
    return "\n".join(lines)
