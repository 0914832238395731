"""/start, deep links, language choice and enrolment."""
from __future__ import annotations

import logging
from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.db.models import User
from bot.services.registry import Services
from bot.services.lesson import CourseFinished, WeekNotOpen
from bot.services.refusals import RefusedError
from bot.services.views import ChunkView, Refusal, Refused, pick
from bot.services.certificates import VERIFY_PREFIX
from handlers.learner.certificate import show_verification
from handlers.learner.flow import deliver_step
from bot.telegram import keyboards
from bot.telegram.callbacks import EnrolCb, LanguageCb
from bot.telegram.chat_filters import PRIVATE
from bot.telegram.commands import set_private_menu
from bot.telegram.presenter import Presenter

log = logging.getLogger(__name__)

# Shown before we know the learner's language, so it speaks all three.
LANGUAGE_PROMPT = "Тілді таңдаңыз · Выберите язык · Choose your language"
SLUG_CHARACTERS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


async def start(message: Message, command: CommandObject, user: User, services: Services,
                presenter: Presenter, locale: str) -> None:
    payload = (command.args or "").strip()
    if payload.startswith(VERIFY_PREFIX):  # t.me/<bot>?start=verify_<code>: check a certificate
        await show_verification(payload.removeprefix(VERIFY_PREFIX), services, presenter)
        return
    if payload:
        if len(payload) > 64 or not set(payload) <= SLUG_CHARACTERS or await services.enrolment.find_by_slug(payload) is None:
            # What follows is the usual /start: the learner's course, or the list, or the only course.
            await presenter.text(_("The course “{slug}” was not found.").format(slug=escape(payload[:64])))
            payload = ""
        await services.users.remember_course_link(user.id, payload or None)
    if user.locale is None:
        await presenter.text(LANGUAGE_PROMPT, keyboards.language_keyboard(locale))
        return
    await offer_or_enrol(user, services, presenter)


async def choose_language(message: Message, presenter: Presenter, locale: str) -> None:
    await presenter.text(_("Choose your language:"), keyboards.language_keyboard(locale))


async def language_chosen(query: CallbackQuery, callback_data: LanguageCb, user: User, services: Services,
                          presenter: Presenter, i18n: I18n, bot: Bot) -> None:
    first_choice = user.locale is None
    if not await services.users.set_locale(user.id, callback_data.code):
        raise RefusedError(Refused(Refusal.STALE))
    presenter.locale = callback_data.code
    with i18n.use_locale(callback_data.code):
        await query.answer(_("Language: English"))
        # The chat's "/" menu follows the chosen language too (a staff member's keeps their commands).
        await set_private_menu(bot, i18n, user.id, callback_data.code, await services.staff.roles_of(user.id))
        await presenter.drop_buttons(query.message if isinstance(query.message, Message) else None)
        if first_choice or not await services.enrolment.is_enrolled(user.id):
            await offer_or_enrol(user, services, presenter)
        else:
            await presenter.text(_("Done. I will speak English from now on. Send /lesson to continue."))


async def offer_or_enrol(user: User, services: Services, presenter: Presenter) -> None:
    """Enrol through a remembered deep link, the only course, or offer the list."""
    slug = user.pending_course_slug
    if slug:
        await services.users.remember_course_link(user.id, None)
        course = await services.enrolment.find_by_slug(slug)
        if course is not None:
            await enrol_and_begin(user, course.course_id, services, presenter)
            return
    current = await services.lessons.resume(user.id)
    if isinstance(current, CourseFinished):  # nothing to go back to: the step says what is left, if anything
        await presenter.text(_("Welcome back!"))
        await deliver_step(user.id, current, services, presenter)
        return
    if isinstance(current, (ChunkView, WeekNotOpen)):  # WeekNotOpen: enrolled, the week not open yet
        await presenter.text(_("Welcome back! Here is where you stopped."))
        await deliver_step(user.id, current, services, presenter)
        return
    courses = await services.enrolment.published_courses()
    if not courses:
        await presenter.text(_("There are no courses yet. Please come back later."))
        return
    if len(courses) == 1:
        await enrol_and_begin(user, courses[0].course_id, services, presenter)
        return
    await presenter.text(_("Choose a course:"), keyboards.course_list_keyboard(courses, presenter.locale))


async def course_chosen(query: CallbackQuery, callback_data: EnrolCb, user: User, services: Services,
                        presenter: Presenter) -> None:
    await query.answer()
    await presenter.drop_buttons(query.message if isinstance(query.message, Message) else None)
    await enrol_and_begin(user, callback_data.course_id, services, presenter)


async def enrol_and_begin(user: User, course_id: int, services: Services, presenter: Presenter) -> None:
    enrolled = await services.enrolment.enrol(user.id, course_id)
    title = pick(enrolled.course.title, presenter.locale)
    if enrolled.is_new:
        await presenter.text(_("🎉 You are enrolled in “{course}”.\n\nLectures come in short parts: read one, press "
                               "“Next”. After the last part there is a short quiz. Send /help to see all commands."
                               ).format(course=title))
    else:
        await presenter.text(_("You are already enrolled in “{course}”. Let us continue.").format(course=title))
    step = await services.lessons.resume(user.id)
    await deliver_step(user.id, step, services, presenter)


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.register(start, CommandStart(), PRIVATE)
    router.message.register(choose_language, Command("language"), PRIVATE)
    router.callback_query.register(language_chosen, LanguageCb.filter(), PRIVATE)
    router.callback_query.register(course_chosen, EnrolCb.filter(), PRIVATE)
    return router
