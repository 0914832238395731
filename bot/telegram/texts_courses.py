"""Texts of /courses and /export, for the staff."""
from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.services.course_catalog import CourseSummary
from bot.services.course_export import CourseExport, ExportProblem, ExportRefused
from bot.services.views import pick


def _course_lines(summary: CourseSummary, locale: str) -> list[str]:
    title = pick(summary.title, locale) or summary.slug
    lines = [_("📚 <b>{title}</b> — <code>{slug}</code>").format(title=escape(title), slug=escape(summary.slug)),
             _("Learners enrolled: {count}").format(count=summary.learners)]
    if summary.published_number is None:
        lines.append(_("Published version: none (versions stored: {total})").format(total=summary.versions))
    else:
        lines.append(_("Published version: {number} (versions stored: {total})").format(
            number=summary.published_number, total=summary.versions))
    if summary.draft_number is not None:
        lines.append(_("Draft: version {number}, not published yet").format(number=summary.draft_number))
    else:
        lines.append(_("Draft: none"))
    return lines


def courses_text(summaries: list[CourseSummary], locale: str) -> str:
    if not summaries:
        return _("There are no courses yet. Send a course file to this chat to add one.")
    blocks = ["\n".join(_course_lines(summary, locale)) for summary in summaries]
    return "\n\n".join([_("<b>Courses</b>"), *blocks, _("Send /export SLUG to get a course back as a .zip.")])


def export_caption(export: CourseExport) -> str:
    return _("📦 <code>{slug}</code>, version {number}: edit it and send the .zip back to upload it.").format(
        slug=escape(export.slug), number=export.version_number)


def export_refusal_text(refused: ExportRefused) -> str:
    slugs = ", ".join(f"<code>{escape(slug)}</code>" for slug in refused.slugs)
    match refused.problem:
        case ExportProblem.NO_COURSE:
            return _("There is no course to export yet.")
        case ExportProblem.CHOOSE:
            return _("Which course? Send /export SLUG, one of: {slugs}").format(slugs=slugs)
        case ExportProblem.UNKNOWN_COURSE:
            return _("There is no course “{slug}”. The courses are: {slugs}").format(
                slug=escape(refused.detail), slugs=slugs)
        case ExportProblem.NOT_YOURS:
            return _("The course {slugs} was not granted to you; /courses lists yours.").format(slugs=slugs)
        case ExportProblem.UNKNOWN_VERSION:
            if not refused.detail:
                return _("The course {slugs} has no published version to export; name a version: "
                         "/export SLUG NUMBER").format(slugs=slugs)
            return _("The course {slugs} has no version {number}; /courses lists its versions.").format(
                slugs=slugs, number=escape(refused.detail))
        case ExportProblem.MEDIA_MISSING:
            return _("The course {slugs} cannot be exported: a media file is missing from the bot's store "
                     "({detail}). Load the course again to restore it.").format(
                slugs=slugs, detail=escape(refused.detail))
        case ExportProblem.TOO_BIG:
            return _("The course {slugs} makes a .zip of {size} MB; a bot can send at most 50 MB. Send big "
                     "videos to the bot and name them by file_id, then export again.").format(
                slugs=slugs, size=escape(refused.detail))
    raise AssertionError(refused.problem)
