"""Texts of the content workflow the staff read: upload reports, refusals, diff, history."""
from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from aiogram.utils.i18n import gettext as _

from bot.services.course_diff import Change
from bot.services.course_drafts import ContentProblem, ContentRefused, HistoryLine
from bot.services.course_upload import MAX_DOWNLOAD_BYTES, MAX_FILES, UploadProblem, UploadRefused
from bot.services.views import pick
from bot.telegram.texts_course_errors import error_line
from content.errors import CourseError
from content.schema import Course as CourseSpec
from content.schema_base import MediaSource


def upload_refused_text(refused: UploadRefused) -> str:
    name = escape(refused.name)
    problem = refused.problem
    if problem is UploadProblem.TOO_BIG:
        text = _("The file is larger than {limit} MB, the most a bot may download from Telegram. Send the course "
                 "without its videos, and attach each video afterwards by sending it here with the chunk's name "
                 "as its caption.").format(limit=MAX_DOWNLOAD_BYTES // (1024 * 1024))
    elif problem is UploadProblem.WRONG_KIND:
        text = _("I take a course as one .yaml file or as a .zip of the course folder; {name} is neither.").format(
            name=name)
    elif problem is UploadProblem.NOT_A_ZIP:
        text = _("{name} is not a readable .zip archive.").format(name=name)
    elif problem is UploadProblem.TOO_MANY_FILES:
        text = _("The archive holds {count} files; a course may have at most {limit}.").format(count=name,
                                                                                             limit=MAX_FILES)
    elif problem is UploadProblem.UNSAFE_PATH:
        text = _("The archive names a file outside the course folder: {name}. Paths with “..” or starting with "
                 "“/” are not accepted; zip the course folder itself.").format(name=name)
    elif problem is UploadProblem.SYMLINK:
        text = _("The archive holds a symbolic link: {name}. Put the file itself in the course folder.").format(
            name=name)
    elif problem is UploadProblem.ZIP_BOMB:
        text = _("The archive unpacks to far more than it weighs ({name}): it looks like a zip bomb and was not "
                 "unpacked.").format(name=name)
    elif problem is UploadProblem.NOT_UTF8:
        text = _("{name} is not UTF-8 text. Save it as UTF-8 and send the course again.").format(name=name)
    elif problem is UploadProblem.UNSUPPORTED_ZIP:
        text = _("{name} is encrypted or packed in a way I cannot read. Make a plain .zip without a password "
                 "(the usual “Deflate” method) and send it again.").format(name=name)
    else:
        text = _("The archive has no course.yaml, neither at its top nor in its one folder.")
    return _("⛔ Upload refused. {reason}\nNothing was changed.").format(reason=text)


def upload_errors_header(filename: str, count: int) -> str:
    return _("⛔ {file}: the course is not valid (errors: {count}). Nothing was changed; the published version "
             "stays. Fix these and send it again:").format(file=escape(filename), count=count)


def error_lines(errors: Sequence[CourseError], root: Path, shown_as: str | None) -> list[str]:
    """Each error as `file:line: reason` in the instructor's language, the temporary folder cut off
    (a one-file course: its uploaded name)."""
    return [error_line(error, root, shown_as) for error in errors]


def _media_counts(spec: CourseSpec) -> tuple[int, int, int]:
    files = by_url = by_id = 0
    for lecture in spec.lectures:
        sources = [getattr(chunk, name, None) for chunk in lecture.chunks for name in ("video", "file")]
        sources += list(lecture.lab.files) if lecture.lab else []
        for source in sources:
            if isinstance(source, MediaSource):
                files += source.file is not None
                by_url += source.url is not None
                by_id += source.file_id is not None
    return files, by_url, by_id


def upload_report(spec: CourseSpec, number: int, is_new_course: bool, locale: str) -> str:
    files, by_url, by_id = _media_counts(spec)
    lines = [
        _("✅ The course is valid and stored as draft v{number}. Learners still see the published version.").format(
            number=number),
        _("Course: <b>{title}</b> ({slug})").format(title=pick(spec.title.model_dump(), locale), slug=escape(spec.slug)),
    ]
    if is_new_course:
        lines.append(_("This is a new course: it reaches learners once you publish it."))
    lines += [
        _("Weeks: {count}").format(count=len(spec.weeks)),
        _("Lectures: {count}").format(count=len(spec.lectures)),
        _("Chunks: {count}").format(count=sum(len(lecture.chunks) for lecture in spec.lectures)),
        _("Languages: kk ✓ ru ✓ en ✓ (every text is given in all three)"),
        _("Media: files found {files}, by URL {urls}, by file_id {ids}; missing 0").format(
            files=files, urls=by_url, ids=by_id),
        "",
    ]
    for lecture in spec.lectures:
        lines.append(_("<b>{key}</b> — {title}: chunks {chunks}, questions in the bank {questions}").format(
            key=escape(lecture.key), title=pick(lecture.title.model_dump(), locale), chunks=len(lecture.chunks),
            questions=len(lecture.questions)))
        attachable = [f"{lecture.key}/{chunk.key}" for chunk in lecture.chunks if chunk.type in ("video", "file")]
        if attachable:
            lines.append(_("  videos and files: {names}").format(names=escape(", ".join(attachable))))
    lines += ["", _("Next: /preview to read it as a learner, /diff to see what changed, /publish to make it "
                    "live.")]
    return "\n".join(lines)


def content_refused_text(refused: ContentRefused) -> str:
    if refused.problem is ContentProblem.NO_COURSE:
        if refused.slug:
            return _("There is no course {slug}.").format(slug=escape(refused.slug))
        return _("Name the course: there are several (or none yet). For example: /diff python-basics")
    if refused.problem is ContentProblem.NO_DRAFT:
        return _("Course {slug} has no draft: upload the course file first.").format(slug=escape(refused.slug))
    if refused.problem is ContentProblem.NOTHING_TO_ROLL_BACK:
        return _("Course {slug} has no earlier published version to go back to.").format(slug=escape(refused.slug))
    if refused.problem is ContentProblem.NOT_YOURS:
        return _("The course {slug} was not granted to you; /courses lists yours.").format(slug=escape(refused.slug))
    if refused.problem is ContentProblem.NEW_COURSE_NOT_YOURS:
        return _("There is no course {slug} yet, and you may work only on the courses granted to you: a new "
                 "course is created by an instructor of every course or an owner.").format(slug=escape(refused.slug))
    names = ", ".join(refused.valid) or "—"
    return _("There is no video or file chunk of that name. Write the caption as lecture/chunk, one of: "
             "{names}").format(names=escape(names))


_CHANGE_LABELS = {
    "lecture_added": "➕", "lecture_removed": "➖", "lecture_renamed": "✏️",
    "chunk_added": "➕", "chunk_removed": "➖", "chunk_changed": "✏️",
    "question_added": "➕", "question_removed": "➖", "question_changed": "✏️",
}


def _change_line(change: Change, locale: str) -> str:
    title = escape(pick(change.title, locale)) if change.kind.startswith("lecture") else ""
    where = escape(f"{change.lecture_key}/{change.item_key}" if change.item_key else change.lecture_key)
    kind = change.kind
    if kind == "lecture_added":
        text = _("lecture added: {where} ({title})").format(where=where, title=title)
    elif kind == "lecture_removed":
        text = _("lecture removed: {where} ({title})").format(where=where, title=title)
    elif kind == "lecture_renamed":
        text = _("lecture renamed: {where} → {title}").format(where=where, title=title)
    elif kind == "chunk_added":
        text = _("chunk added: {where}").format(where=where)
    elif kind == "chunk_removed":
        text = _("chunk removed: {where}").format(where=where)
    elif kind == "chunk_changed":
        text = _("chunk changed: {where}").format(where=where)
    elif kind == "question_added":
        text = _("question added: {where}").format(where=where)
    elif kind == "question_removed":
        text = _("question removed: {where}").format(where=where)
    elif change.answer_changed:
        text = _("⚠️ question changed, its correct answer is another one: {where}").format(where=where)
    else:
        text = _("question changed: {where}").format(where=where)
    return f"{_CHANGE_LABELS[kind]} {text}"


def diff_text(slug: str, draft_number: int, published_number: int | None, changes: Sequence[Change],
              locale: str) -> str:
    if published_number is None:
        head = _("Course {slug}: draft v{draft}, nothing published yet.").format(slug=escape(slug), draft=draft_number)
    else:
        head = _("Course {slug}: draft v{draft} against published v{published}.").format(
            slug=escape(slug), draft=draft_number, published=published_number)
    if not changes:
        return head + "\n" + _("No changes.")
    return "\n".join([head, *(_change_line(change, locale) for change in changes)])


def publish_question(slug: str, number: int) -> str:
    return _("Publish draft v{number} of {slug}? Learners move to it at their next lecture.").format(
        number=number, slug=escape(slug))


def rollback_question(slug: str, current: int) -> str:
    return _("Roll {slug} back from v{number} to the version published before it?").format(
        slug=escape(slug), number=current)


def published_text(slug: str, number: int, notes: int) -> str:
    return _("🚀 {slug} v{number} is live. Learners notified of changed lectures: {notes}.").format(
        slug=escape(slug), number=number, notes=notes)


def rolled_back_text(slug: str, old: int, new: int) -> str:
    return _("↩️ {slug}: v{new} is live again (v{old} is retired).").format(slug=escape(slug), old=old, new=new)


def learner_change_note(titles: Sequence[str]) -> str:
    return _("ℹ️ The course team updated a lecture you have passed: {titles}. Your result stays; have a look "
             "when you like.").format(titles=", ".join(titles))


def attached_text(name: str, title: str, slug: str, number: int) -> str:
    return _("📎 Stored for {name} ({title}) in draft v{number} of {slug}. Learners get it after /publish.").format(
        name=escape(name), title=title, number=number, slug=escape(slug))


def _action_label(action: str) -> str:
    if action == "upload":
        return _("⬆️ uploaded a draft")
    if action == "publish":
        return _("🚀 published")
    if action == "rollback":
        return _("↩️ rolled back")
    return _("📎 attached a file")


def history_text(lines: Sequence[HistoryLine]) -> str:
    if not lines:
        return _("Nothing has been uploaded or published yet.")
    rows = [_("<b>Latest content changes</b>")]
    for line in lines:
        when = line.at.strftime("%Y-%m-%d %H:%M UTC")  # type: ignore[attr-defined]
        version = f" v{line.version_number}" if line.version_number is not None else ""
        rows.append(f"{when} · {escape(line.user_name)} ({line.user_id}) · {_action_label(line.action)} · "
                    f"{escape(line.slug)}{version}" + (f" · {escape(line.details)}" if line.details else ""))
    return "\n".join(rows)


def preview_header(slug: str, number: int, is_draft: bool, lecture_key: str) -> str:
    if is_draft:
        return _("👁 Preview of {slug}, draft v{number}, lecture {lecture}. Nothing here counts for anyone's "
                 "progress. Pick a language:").format(slug=escape(slug), number=number, lecture=escape(lecture_key))
    return _("👁 Preview of {slug}, published v{number} (there is no draft), lecture {lecture}. Nothing here counts "
             "for anyone's progress. Pick a language:").format(slug=escape(slug), number=number,
                                                                lecture=escape(lecture_key))


def preview_unknown_lecture(key: str, keys: Sequence[str]) -> str:
    return _("There is no lecture {key}. Lectures: {keys}").format(key=escape(key), keys=escape(", ".join(keys)))


def preview_result_header() -> str:
    return _("👁 Preview: this result is not stored.")


def preview_private_only() -> str:
    return _("Preview works in your private chat with me, so the admin chat is not filled with lessons.")
