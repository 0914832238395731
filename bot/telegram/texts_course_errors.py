"""The course validator's reasons as whole sentences in the instructor's language.

`content/` stands alone and reports in English; each reason it can name also carries a kind and
named values (`content.errors.CourseError.kind` / `params`). Here each kind is one sentence with
those values as placeholders, so a translator sees the whole sentence; YAML syntax errors and HTML
mistakes have theirs in texts_course_syntax.py. A text's several HTML mistakes (`findings`) are
shown as several whole sentences. A reason without a kind is shown as the validator wrote it.
"""
from __future__ import annotations

from pathlib import Path

from aiogram.utils.i18n import lazy_gettext as __

from bot.telegram.texts_course_syntax import SYNTAX_SENTENCES
from content.errors import CourseError, Params

_SENTENCES = {
    # cross-field rules (content/rules.py)
    "no_correct_option": __("No option is marked “correct: true”; exactly one must be."),
    "option_also_correct": __("Option #{number} is marked correct, but so is option #{first_number} ({first}); "
                              "exactly one must be."),
    "duplicate_chunk_key": __("The chunk key “{key}” is used twice (first at {first}); each chunk of a lecture "
                              "needs its own key."),
    "duplicate_question_key": __("The question key “{key}” is used twice (first at {first}); each question of a "
                                 "lecture needs its own key."),
    "duplicate_lecture_key": __("The lecture key “{key}” is used twice (first at {first}); each lecture needs its "
                                "own key."),
    "unknown_chunk": __("Unknown chunk “{chunk}”; this lecture's chunks are: {chunks}."),
    "bank_below_lecture_quiz_size": __("Questions in the bank: {count}, but a quiz draws {size} (the lecture's "
                                       "quiz_size). Add questions or lower quiz_size."),
    "bank_below_course_quiz_size": __("Questions in the bank: {count}, but a quiz draws {size} (the course's "
                                      "quiz_size). Add questions or lower quiz_size."),
    "pass_score_over_lecture_quiz_size": __("pass_score {pass_score} is larger than the quiz size {size} (the "
                                            "lecture's quiz_size)."),
    "pass_score_over_course_quiz_size": __("pass_score {pass_score} is larger than the quiz size {size} (the "
                                           "course's quiz_size)."),
    "pass_score_over_quiz_size": __("pass_score {pass_score} is larger than quiz_size {size}."),
    "week_number_out_of_order": __("Weeks must be numbered 1, 2, 3… in order: expected {expected}, found {found}."),
    "final_test_bank_too_small": __("Final test size: {size}; questions in all the lectures' banks: {bank}. The final "
                                    "test cannot ask more than the banks hold."),
    "release_dates_too_few": __("Weeks in the course: {weeks}; release dates: {dates}. Give one date per week."),
    # the schema (content/pydantic_errors.py)
    "missing_translation": __("The “{locale}” translation is missing."),
    "missing_key": __("The required key “{key}” is missing."),
    "unknown_key": __("Unknown key “{key}”."),
    "unknown_key_did_you_mean": __("Unknown key “{key}” (did you mean “{suggestion}”?)."),
    "unknown_chunk_type": __("Unknown chunk type “{type}”; use one of: {types}."),
    "missing_chunk_type": __("The required key “type” is missing; use one of: {types}."),
    "needs_localized_text": __("Needs a text in each language: kk, ru and en."),
    "must_be_mapping": __("Must be a mapping of “key: value” lines."),
    "must_be_list": __("Must be a list (lines starting with “- ”)."),
    "must_be_text": __("Must be text (got {value})."),
    "must_be_text_quote": __("Must be text, but YAML read {value} as a number or true/false; put it in quotes."),
    "must_be_whole_number": __("Must be a whole number (got {value})."),
    "must_be_true_or_false": __("Must be true or false (got {value})."),
    "bad_characters": __("May use only letters A-Z a-z, digits, “_” and “-”."),
    "must_not_be_empty": __("Must not be empty."),
    "too_few_items": __("Items needed: at least {min}; found: {found}."),
    "too_many_items": __("Items allowed: at most {max}; found: {found}."),
    "must_be_at_least": __("Must be at least {min} (got {value})."),
    "must_be_greater_than": __("Must be greater than {limit} (got {value})."),
    "must_be_at_most": __("Must be at most {max} (got {value})."),
    "must_be_one_of": __("Must be one of {expected} (got {value})."),
    # the files (content/yaml_lines.py, content/assembly.py)
    "yaml_too_deep": __("YAML nesting is too deep (a recursive alias?)."),
    "key_not_a_word": __("A key must be a plain word, not a list or a mapping."),
    "duplicate_yaml_key": __("The key “{key}” is given twice (first on line {first})."),
    "not_utf8": __("The file is not UTF-8 text; save it with UTF-8 encoding."),
    "yaml_too_much_data": __("The file expands to too much data (aliases used too deeply)."),
    "cannot_read_file": __("Cannot read the file: {detail}."),
    "file_empty": __("The file is empty."),
    "file_not_a_mapping": __("The file must be a mapping of “key: value” lines."),
    "no_course_yaml": __("course.yaml was not found in the course folder."),
    "no_such_course": __("There is no such course folder or file."),
    "lecture_key_in_two_files": __("The lecture key “{key}” is also used by {file}."),
    "lecture_entry_not_a_key": __("Each entry of “lectures” must be a lecture key."),
    "one_file_lecture_by_key": __("The lecture “{key}” is given by its key, but a one-file course must contain the "
                                  "lecture itself here (key, title, chunks, questions)."),
    "lecture_listed_twice": __("The lecture “{key}” is listed twice (first in week {week}); each lecture belongs to "
                               "exactly one week."),
    "listed_lecture_missing": __("The lecture “{key}” is listed here, but no file in lectures/ has “key: {key}” "
                                 "({file})."),
    "listed_lecture_missing_did_you_mean": __("The lecture “{key}” is listed here, but no file in lectures/ has "
                                              "“key: {key}” ({file}). Did you mean “{suggestion}”?"),
    "lecture_not_listed": __("The lecture “{key}” is not listed in any week of {course_file}; add it to a week's "
                             "“lectures” or delete the file."),
    # single fields (content/schema_base.py, content/schema.py, content/schedule.py)
    "identifier_empty": __("“{field}” must not be empty."),
    "identifier_characters": __("“{field}” may use only letters A-Z a-z, digits, “_” and “-” (got {value})."),
    "identifier_too_long": __("“{field}” may be at most {max} characters long (this one: {length})."),
    "bad_url": __("Must be an http:// or https:// address (got {value})."),
    "text_too_long": __("The text is too long: {length} characters without tags; the limit here is {max}."),
    "bad_path": __("Must be a path such as media/slides.pdf."),
    "path_outside_course": __("Must be a path inside the course folder, like media/slides.pdf (got {value})."),
    "path_points_outside": __("{value} points outside the course folder."),
    "path_symlink": __("{value} is a symbolic link; put the file itself in the course folder."),
    "file_not_found": __("File not found: {value} (paths are relative to the course folder)."),
    "not_a_file": __("{value} is not a file."),
    "file_too_big": __("{value} weighs {size} MB; a bot can upload at most 50 MB. Upload it to Telegram yourself "
                       "and use file_id, or use url."),
    "media_source_count": __("Give exactly one of url, file, file_id (given: {found})."),
    "media_source_none": __("Give exactly one of url, file, file_id (none is given)."),
    "copies_need_file": __("kk, ru and en copies go with file: (a file in the course folder)."),
    "unknown_time_zone": __("Unknown time zone “{zone}” (use a name like Asia/Almaty or UTC)."),
    "unknown_time_zone_did_you_mean": __("Unknown time zone “{zone}” (did you mean “{suggestion}”?)."),
    "bad_clock": __("A time must be written as HH:MM, like “09:00” (got {value})."),
    "bad_quiet_hours": __("Quiet hours must be written as “22:00-08:00” or “off” (got {value})."),
    "quiet_hours_empty": __("Quiet hours must start and end at different times (or write “off”)."),
    "clock_needs_quotes": __("Write the time in quotes, like “09:00” (YAML read it as the number {value})."),
    "dates_need_cohort": __("“dates” and “start” belong to mode: cohort, not to mode: {mode}."),
    "cohort_needs_dates": __("mode: cohort needs either “dates” (one per week) or “start” (the first week's date)."),
    "release_dates_out_of_order": __("Release dates must be in order, each after the one before ({later} follows "
                                     "{earlier})."),
    # a media file taken into the bot's store (bot/media_store.py, bot/services/course_import.py)
    "media_outside_course": __("This media file is outside the course folder."),
    "media_through_symlink": __("This media file's path goes through a symbolic link ({link}); put the file itself "
                                "in the course folder."),
    "media_symlink": __("This media file is a symbolic link; put the file itself in the course folder."),
    "media_unreadable": __("This media file cannot be read ({detail})."),
    "media_not_regular": __("This media file is not a regular file."),
    "media_not_copied": __("This media file cannot be copied into the bot's media store ({detail})."),
    # the course as the bot will send it (bot/telegram/course_check.py); {detail} is the Bot API's own answer
    "rendered_caption": __("Telegram would refuse this part's caption as the bot sends it in {locale}: {detail}"),
    "rendered_message": __("Telegram would refuse this part's message as the bot sends it in {locale}: {detail}"),
    "rendered_self_check": __("Telegram would refuse this self-check, with its answer and explanation shown, as the "
                              "bot sends it in {locale}: {detail}"),
    "rendered_question": __("Telegram would refuse this quiz question as the bot sends it in {locale}: {detail}"),
    "rendered_question_answer": __("Telegram would refuse this question, with its verdict and explanation shown, "
                                   "as the bot sends it in {locale}: {detail}"),
    "rendered_lab": __("Telegram would refuse the lab work's message as the bot sends it in {locale}: {detail}"),
    **SYNTAX_SENTENCES,
}


def _place(file: Path, line: object, root: Path, shown_as: str | None) -> str:
    """A file as the instructor knows it: relative to the unpacked upload, or the uploaded file's own name."""
    try:
        shown = file.relative_to(root).as_posix()
    except ValueError:
        shown = str(file)
    if shown_as is not None and shown == file.name:
        shown = shown_as
    return f"{shown}:{line}" if line is not None else shown


def _sentence(kind: str | None, given: Params, root: Path, shown_as: str | None) -> str | None:
    """One kind's sentence in the current locale, or None when it has none."""
    sentence = _SENTENCES.get(kind or "")
    if sentence is None:
        return None
    params = dict(given)
    if "first_file" in params:  # where a clashing thing was first given, as the instructor sees files
        line = params.pop("first_line")
        params["first"] = _place(Path(params.pop("first_file")), None if line == "None" else line, root, shown_as)
    try:
        return str(sentence).format(**params)
    except (KeyError, IndexError, ValueError):
        return None  # a translation naming a value the reason lacks: the English still says it all


def reason_sentence(error: CourseError, root: Path, shown_as: str | None = None) -> str:
    """The reason in the current locale; the validator's English when a kind has no sentence."""
    if error.findings:
        sentences = [_sentence(kind, params, root, shown_as) for kind, params in error.findings]
        text = " ".join(s for s in sentences if s is not None) if None not in sentences else None
    else:
        text = _sentence(error.kind, error.params, root, shown_as)
    if text is None:
        return error.reason
    return f"{error.where}: {text}" if error.where else text


def error_line(error: CourseError, root: Path, shown_as: str | None = None) -> str:
    """`file:line: reason`, the file as the instructor knows it (no temporary folder shows)."""
    return f"{_place(error.file, error.line, root, shown_as)}: {reason_sentence(error, root, shown_as)}"
