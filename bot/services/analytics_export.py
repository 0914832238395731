"""The learner-data export: learners, progress, every answer and the item analysis of one course,
as an .xlsx workbook (openpyxl) and as the same tables in UTF-8-with-BOM .csv files in a .zip
(the BOM makes spreadsheet programs read Kazakh and Russian text as UTF-8).

Phone and email are personal data: only an owner's export carries them (`with_contacts`).
Column and sheet names come from the caller (the Telegram side translates them)."""
from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.db.repositories.catalog import CourseRow
from bot.db.uow import UnitOfWork
from bot.services.analytics import learner_name
from bot.services.item_analysis import analyse_items
from bot.services.views import pick

# Column keys per table; `Labels` turns a key (and a table name) into the reader's language.
LEARNER_COLUMNS = ("user_id", "name", "username", "language", "enrolled_at", "last_activity_at", "completed_at",
                   "lectures_passed")
CONTACT_COLUMNS = ("phone", "email")
PROGRESS_COLUMNS = ("user_id", "name", "lecture", "lecture_title", "opened_at", "passed_at", "best_score",
                    "attempts")
ANSWER_COLUMNS = ("user_id", "name", "attempt_id", "attempt_kind", "lecture", "question", "question_text",
                  "chosen_option", "correct", "answered_at")
ITEM_COLUMNS = ("lecture", "question", "question_text", "answers", "share_correct", "option_shares",
                "discrimination", "flags")
TABLES = ("learners", "progress", "answers", "items")

Labels = Callable[[str], str]


@dataclass(frozen=True)
class Table:
    name: str  # one of TABLES
    columns: tuple[str, ...]
    rows: list[list[Any]]


@dataclass(frozen=True)
class LearnerData:
    slug: str
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        return next(table for table in self.tables if table.name == name)


def _when(moment: datetime | None) -> str:
    """UTC, minutes: what a spreadsheet sorts and reads the same in every locale."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def _option_text(option: Any, locale: str) -> str:
    return pick(option.get("text"), locale) if isinstance(option, dict) else str(option)


class LearnerDataExporter:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def collect(self, course: CourseRow, locale: str, with_contacts: bool,
                      flag_label: Labels = str) -> LearnerData:
        """The four tables; course texts in `locale`. `flag_label` names an item flag for the items table."""
        repo = self._uow.analytics
        lectures = await repo.current_lectures(course.course_id)
        titles = {lecture.key: pick(lecture.title, locale) for lecture in lectures}
        learners = await repo.learners(course.course_id)
        progress = await repo.progress(course.course_id)
        attempts = await repo.attempts(course.course_id)
        answers = await repo.answers(course.course_id)
        who = {learner.enrolment_id: learner for learner in learners}

        passed_count: dict[int, int] = defaultdict(int)
        for row in progress:
            if row.passed_at is not None:
                passed_count[row.enrolment_id] += 1
        attempt_count: dict[tuple[int, str], int] = defaultdict(int)
        for attempt in attempts:
            if attempt.finished_at is not None:
                attempt_count[(attempt.enrolment_id, attempt.lecture_key)] += 1

        learner_columns = LEARNER_COLUMNS + (CONTACT_COLUMNS if with_contacts else ())
        learner_rows = []
        for learner in learners:
            row: list[Any] = [learner.user_id, learner_name(learner), learner.username or "",
                              learner.locale or learner.telegram_language or "", _when(learner.enrolled_at),
                              _when(learner.last_activity_at), _when(learner.completed_at),
                              passed_count[learner.enrolment_id]]
            if with_contacts:
                row += [learner.phone or "", learner.email or ""]
            learner_rows.append(row)

        progress_rows = []
        for item in progress:
            learner = who[item.enrolment_id]
            progress_rows.append([learner.user_id, learner_name(learner), item.lecture_key,
                                  titles.get(item.lecture_key, ""), _when(item.opened_at), _when(item.passed_at),
                                  item.best_score if item.best_score is not None else "",
                                  attempt_count[(item.enrolment_id, item.lecture_key)]])

        answer_rows = []
        for answer in answers:
            learner = who[answer.enrolment_id]
            chosen = (_option_text(answer.options[answer.chosen_option], locale)
                      if 0 <= answer.chosen_option < len(answer.options) else str(answer.chosen_option))
            answer_rows.append([learner.user_id, learner_name(learner), answer.attempt_id, answer.attempt_kind,
                                answer.lecture_key, answer.question_key, pick(answer.question_text, locale), chosen,
                                1 if answer.is_correct else 0, _when(answer.answered_at)])

        item_rows = []
        # Pure Python over every answer of the course: off the event loop, learners keep being answered.
        items = await asyncio.to_thread(analyse_items, answers, [lecture.key for lecture in lectures])
        for item in items:
            shares = "; ".join(f"{_option_text(option, locale)}: {share:.0%}"
                               for option, share in zip(item.options, item.option_shares))
            item_rows.append([item.lecture_key, item.question_key, pick(item.text, locale), item.answers,
                              round(item.share_correct, 4), shares,
                              round(item.discrimination, 4) if item.discrimination is not None else "",
                              ", ".join(flag_label(flag.value) for flag in item.flags)])

        return LearnerData(course.slug, (Table("learners", learner_columns, learner_rows),
                                         Table("progress", PROGRESS_COLUMNS, progress_rows),
                                         Table("answers", ANSWER_COLUMNS, answer_rows),
                                         Table("items", ITEM_COLUMNS, item_rows)))


# A text starting with one of these is taken for a formula by spreadsheet programs (a learner named
# =HYPERLINK(...) would become a live link): OWASP's advice on CSV injection is a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """A cell as no spreadsheet program runs it: a text that could start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _inert_row(row: Sequence[object]) -> list[object]:
    return [inert(value) for value in row]


def workbook_bytes(data: LearnerData, label: Labels = str) -> bytes:
    """One sheet per table, a header row of labels, then the rows."""
    from openpyxl import Workbook  # here, not at start: about 23 MB a bot that exports nothing never pays

    book = Workbook()
    book.remove(book.active)
    for table in data.tables:
        sheet = book.create_sheet(label(table.name)[:31])  # Excel's limit on a sheet name
        sheet.append([label(column) for column in table.columns])
        for row in table.rows:
            sheet.append(_inert_row(row))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(table: Table, label: Labels = str) -> bytes:
    """UTF-8 with a byte-order mark, so Excel does not read Cyrillic as Latin-1."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([label(column) for column in table.columns])
    writer.writerows(_inert_row(row) for row in table.rows)
    return text.getvalue().encode("utf-8-sig")


def csv_zip_bytes(data: LearnerData, label: Labels = str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in data.tables:
            archive.writestr(f"{data.slug}-{table.name}.csv", csv_bytes(table, label))
    return out.getvalue()


def file_names(slug: str, moment: datetime) -> tuple[str, str]:
    stamp = moment.strftime("%Y%m%d")
    return f"{slug}-learners-{stamp}.xlsx", f"{slug}-learners-{stamp}-csv.zip"

