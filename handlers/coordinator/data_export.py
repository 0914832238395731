"""/export [COURSE] for coordinators: the learner data as an .xlsx workbook and a .zip of .csv files.

Someone who may export both (an instructor too, or an owner) is asked with two buttons; the
"course files" button is taken by the instructor router (handlers/instructor/export.py). Phone
and email go only into an owner's export, and only into their private chat."""
from __future__ import annotations

import asyncio
import logging

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.types import (BufferedInputFile, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message,
                           User as TelegramUser)

from bot.config import Settings
from bot.db.repositories.catalog import CourseRow
from bot.services.analytics import AnalyticsRefused
from bot.services.analytics_export import LearnerDataExporter, csv_zip_bytes, file_names, workbook_bytes
from bot.services.registry import Services
from bot.services.staff import Role
from bot.telegram.callbacks import ExportChoiceCb
from bot.telegram.presenter import Presenter
from bot.telegram.texts_analytics import (export_caption, export_choice_text, export_contacts_not_sent_text,
                                          export_contacts_sent_privately_text, export_course_files_button,
                                          export_csv_caption, export_label, export_learner_data_button, flag_label)
from handlers.coordinator.stats import analytics_for, course_argument

log = logging.getLogger(__name__)


async def export(message: Message, command: CommandObject, services: Services, presenter: Presenter,
                 settings: Settings) -> None:
    assert message.from_user is not None  # HasRole let only a person through
    person = message.from_user
    words = (command.args or "").split()
    # The router's guard let a coordinator (or owner) through, admin chat membership checked; the grants
    # alone now say whether they may export the course files too.
    if Role.INSTRUCTOR not in await services.staff.roles_of(person.id):
        analytics = analytics_for(services, settings, person.id)
        await send_learner_data(presenter, services, settings, person,
                                await analytics.choose_course(course_argument(command), "export"))
        return
    if len(words) > 1:
        raise SkipHandler("a version number: the course files, the instructor's /export")
    course_id = 0
    if words:
        try:
            course_id = (await analytics_for(services, settings, person.id).choose_course(words[0], "export")
                         ).course_id
        except AnalyticsRefused:  # not a course they coordinate: perhaps one they teach
            raise SkipHandler("not this coordinator's course: the instructor's /export answers") from None
    markup = InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=export_course_files_button(),
                              callback_data=ExportChoiceCb(what="files", c=course_id).pack())],
        [InlineKeyboardButton(text=export_learner_data_button(),
                              callback_data=ExportChoiceCb(what="data", c=course_id).pack())],
    ])
    await presenter.text(export_choice_text(), markup)


async def learner_data_chosen(query: CallbackQuery, callback_data: ExportChoiceCb, services: Services,
                              presenter: Presenter, settings: Settings) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await presenter.drop_buttons(query.message)
    analytics = analytics_for(services, settings, query.from_user.id)
    course = (await analytics.course_by_id(callback_data.c, "export") if callback_data.c
              else await analytics.choose_course(None, "export"))
    await send_learner_data(presenter, services, settings, query.from_user, course)


async def send_learner_data(presenter: Presenter, services: Services, settings: Settings, person: TelegramUser,
                            course: CourseRow) -> None:
    """Phone and email only ever go to an owner's private chat: in a group (the admin chat, where
    every coordinator reads) the files without them are posted, and an owner gets their copy with
    them privately, told so in the group."""
    owner = services.staff.is_owner(person.id)
    private = presenter.chat_id == person.id
    await _send_files(presenter, services, course, person.id, presenter.chat_id, with_contacts=owner and private)
    if not owner or private:
        return
    try:
        await _send_files(presenter, services, course, person.id, person.id, with_contacts=True)
    except (TelegramForbiddenError, TelegramBadRequest) as error:  # never opened a private chat with the bot
        log.info("owner %s: their export with contacts could not go to their private chat: %s", person.id,
                 error.message)
        await presenter.text(export_contacts_not_sent_text())
        return
    await presenter.text(export_contacts_sent_privately_text())


async def _send_files(presenter: Presenter, services: Services, course: CourseRow, person_id: int, chat_id: int,
                      with_contacts: bool) -> None:
    data = await LearnerDataExporter(services.uow).collect(course, presenter.locale, with_contacts=with_contacts,
                                                           flag_label=flag_label)
    # Writing the files is CPU work: off the event loop. The labels are worked out here, in the
    # handler's locale (the worker thread has no gettext context).
    labels = {key: export_label(key) for table in data.tables for key in (table.name, *table.columns)}
    workbook = await asyncio.to_thread(workbook_bytes, data, labels.__getitem__)
    archive = await asyncio.to_thread(csv_zip_bytes, data, labels.__getitem__)
    xlsx_name, zip_name = file_names(course.slug, services.clock.now())
    learners = len(data.table("learners").rows)
    await presenter.bot.send_document(chat_id, BufferedInputFile(workbook, xlsx_name),
                                      caption=export_caption(course.slug, learners, with_contacts))
    await presenter.bot.send_document(chat_id, BufferedInputFile(archive, zip_name), caption=export_csv_caption())
    log.info("user %s exported the learner data of %s to chat %s (%d learners, contacts %s)", person_id,
             course.slug, chat_id, learners, "included" if with_contacts else "left out")


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.register(export, Command("export"))
    router.callback_query.register(learner_data_chosen, ExportChoiceCb.filter(F.what == "data"))
    return router
