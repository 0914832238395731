"""/broadcast: the message, the audience, per-language versions, paid sending and a time, a count
and a preview exactly as learners get it, then confirm. The router's guard checks the role; the
service checks the course (a coordinator of one course reaches only its learners).

The draft lives in the conversation state (aiogram FSM): the messages are kept as (chat, message)
to copy, so the learners' copies keep the coordinator's formatting and media."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.models import User
from bot.services.broadcast import (
    BroadcastMessage,
    BroadcastRefused,
    parse_local_time,
    time_example,
)
from bot.services.broadcast_audience import AUDIENCE_KINDS, LANGUAGE, MAX_STALLED_DAYS, STALLED, Audience
from bot.services.registry import Services
from bot.services.views import pick
from bot.telegram.broadcast_progress import prepare_progress, send_progress
from bot.telegram.keyboards_broadcast import (
    BroadcastDraftCb,
    audience_keyboard,
    courses_keyboard,
    drop_keyboard,
    languages_keyboard,
    summary_keyboard,
)
from bot.telegram.outbox_payloads import copy_payload
from bot.telegram.presenter import Presenter
from bot.telegram.states import BroadcastInput
from bot.telegram.texts_broadcast import (
    ask_audience_text,
    ask_course_text,
    ask_days_text,
    ask_language_text,
    ask_message_text,
    ask_time_text,
    ask_version_text,
    bad_days_text,
    bad_time_text,
    confirmed_text,
    dropped_text,
    nobody_text,
    past_time_text,
    preview_head_text,
    refusal_text,
    stale_draft_text,
    summary_text,
    unsendable_text,
)
from bot.telegram.texts_time import zone_label

log = logging.getLogger(__name__)
ALL_COURSES = 0  # the course button's id for "every course"


def _sendable(message: Message) -> bool:
    """What copyMessage carries faithfully, and not a command typed by mistake."""
    if message.text is not None:
        return not message.text.startswith("/")
    return any(getattr(message, kind) is not None
               for kind in ("photo", "video", "document", "animation", "audio", "voice"))


async def _course_chosen(query: CallbackQuery, state: FSMContext) -> bool:
    """A filter: the draft has its course (an audience button before that is stale or forged)."""
    return "course" in await state.get_data()


async def _audience_chosen(query: CallbackQuery, state: FSMContext) -> bool:
    """A filter: the draft has its audience (a summary button before that is stale or forged)."""
    return "kind" in await state.get_data()


def _audience(data: dict[str, Any]) -> Audience:
    return Audience(kind=data["kind"], course_id=data.get("course") or None, language=data.get("language"),
                    days=data.get("days"))


async def _course_title(services: Services, user: User, course_id: int | None, locale: str) -> str | None:
    if course_id is None:
        return None
    course = await services.broadcasts.course(user.id, course_id)
    return pick(course.title, locale) or course.slug


# -- the conversation ------------------------------------------------------------------------

async def start_broadcast(message: Message, state: FSMContext, presenter: Presenter) -> None:
    await state.clear()
    await state.set_state(BroadcastInput.message)
    await state.update_data(draft=uuid.uuid4().hex)
    await presenter.text(ask_message_text(), drop_keyboard())


async def take_message(message: Message, state: FSMContext, services: Services, user: User,
                       presenter: Presenter) -> None:
    if not _sendable(message):
        await presenter.text(unsendable_text())
        return
    await state.update_data(source=[message.chat.id, message.message_id], versions={}, paid=False, send_at=None)
    await state.set_state(BroadcastInput.choosing)
    courses = await services.broadcasts.courses(user.id)
    scope = await services.broadcasts.scope(user.id)
    if scope is not None and len(courses) == 1:  # one course granted: nothing to choose
        await state.update_data(course=courses[0].course_id)
        title = await _course_title(services, user, courses[0].course_id, presenter.locale)
        await presenter.text(ask_audience_text(title), audience_keyboard())
        return
    await presenter.text(ask_course_text(), courses_keyboard(courses, presenter.locale))


async def on_course(query: CallbackQuery, callback_data: BroadcastDraftCb, state: FSMContext, services: Services,
                    user: User, presenter: Presenter) -> None:
    course_id = callback_data.n or None
    try:
        title = await _course_title(services, user, course_id, presenter.locale)
    except BroadcastRefused as refused:
        log.info("broadcast: user %s refused course %s: %s", user.id, course_id, refused.problem.value)
        await query.answer(refusal_text(refused.problem), show_alert=True)
        return
    await query.answer()
    await state.update_data(course=course_id)
    await _edit(query, presenter, ask_audience_text(title), audience_keyboard())


async def on_kind(query: CallbackQuery, callback_data: BroadcastDraftCb, state: FSMContext, services: Services,
                  user: User, presenter: Presenter, bot: Bot) -> None:
    if callback_data.w not in AUDIENCE_KINDS:
        await query.answer(stale_draft_text(), show_alert=True)
        return
    await query.answer()
    await state.update_data(kind=callback_data.w, language=None, days=None)
    if callback_data.w == LANGUAGE:
        await _edit(query, presenter, ask_language_text(), languages_keyboard())
    elif callback_data.w == STALLED:
        await state.set_state(BroadcastInput.days)
        await _edit(query, presenter, ask_days_text(), drop_keyboard())
    else:
        await _drop_buttons(query, presenter)
        await _summary(state, services, user, presenter, bot, preview=True)


async def on_language(query: CallbackQuery, callback_data: BroadcastDraftCb, state: FSMContext, services: Services,
                      user: User, presenter: Presenter, bot: Bot) -> None:
    await query.answer()
    if callback_data.w not in ("kk", "ru", "en"):
        return
    await state.update_data(kind=LANGUAGE, language=callback_data.w)
    await _drop_buttons(query, presenter)
    await _summary(state, services, user, presenter, bot, preview=True)


async def take_days(message: Message, state: FSMContext, services: Services, user: User, presenter: Presenter,
                    bot: Bot) -> None:
    text = (message.text or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_STALLED_DAYS:
        await presenter.text(bad_days_text())
        return
    await state.update_data(kind=STALLED, days=int(text))
    await state.set_state(BroadcastInput.choosing)
    await _summary(state, services, user, presenter, bot, preview=True)


async def on_version(query: CallbackQuery, callback_data: BroadcastDraftCb, state: FSMContext,
                     presenter: Presenter) -> None:
    await query.answer()
    if callback_data.w not in ("kk", "ru", "en"):
        return
    await state.update_data(version_language=callback_data.w)
    await state.set_state(BroadcastInput.version)
    await presenter.text(ask_version_text(callback_data.w), drop_keyboard())


async def take_version(message: Message, state: FSMContext, services: Services, user: User, presenter: Presenter,
                       bot: Bot) -> None:
    if not _sendable(message):
        await presenter.text(unsendable_text())
        return
    data = await state.get_data()
    code = data.get("version_language")
    versions = dict(data.get("versions") or {})
    versions[code] = [message.chat.id, message.message_id]
    await state.update_data(versions=versions, version_language=None)
    await state.set_state(BroadcastInput.choosing)
    await _preview(bot, presenter, message.chat.id, message.message_id, code)
    await _summary(state, services, user, presenter, bot, preview=False)


async def on_paid(query: CallbackQuery, state: FSMContext, services: Services, user: User, presenter: Presenter,
                  bot: Bot) -> None:
    await query.answer()
    data = await state.get_data()
    await state.update_data(paid=not data.get("paid", False))
    await _summary(state, services, user, presenter, bot, preview=False, edit=query)


async def on_when(query: CallbackQuery, state: FSMContext, services: Services, user: User,
                  presenter: Presenter) -> None:
    await query.answer()
    zone = await services.broadcasts.zone_of(user.id, _audience(await state.get_data()))
    now = services.clock.now()
    await state.set_state(BroadcastInput.send_at)
    await presenter.text(ask_time_text(zone_label(zone, presenter.locale, now), time_example(now, zone)),
                         drop_keyboard())


async def take_time(message: Message, state: FSMContext, services: Services, user: User, presenter: Presenter,
                    bot: Bot) -> None:
    zone = await services.broadcasts.zone_of(user.id, _audience(await state.get_data()))
    now = services.clock.now()
    moment = parse_local_time(message.text or "", zone)
    if moment is None:
        await presenter.text(bad_time_text(zone_label(zone, presenter.locale, now), time_example(now, zone)))
        return
    if moment <= now:
        await presenter.text(past_time_text())
        return
    await state.update_data(send_at=moment.isoformat())
    await state.set_state(BroadcastInput.choosing)
    await _summary(state, services, user, presenter, bot, preview=False)


async def on_now(query: CallbackQuery, state: FSMContext, services: Services, user: User, presenter: Presenter,
                 bot: Bot) -> None:
    await query.answer()
    await state.update_data(send_at=None)
    await _summary(state, services, user, presenter, bot, preview=False, edit=query)


async def on_confirm(query: CallbackQuery, state: FSMContext, services: Services, user: User, presenter: Presenter,
                     bot: Bot, i18n: I18n, settings: Settings) -> None:
    data = await state.get_data()
    if "kind" not in data or "source" not in data:
        await query.answer(stale_draft_text(), show_alert=True)
        return
    audience = _audience(data)
    paid = bool(data.get("paid"))
    send_at = datetime.fromisoformat(data["send_at"]) if data.get("send_at") else None
    try:
        counted = await services.broadcasts.count(user.id, audience)
    except BroadcastRefused as refused:
        await query.answer(refusal_text(refused.problem), show_alert=True)
        return
    if not counted.recipients:
        await query.answer(nobody_text(), show_alert=True)
        return
    if send_at is not None and send_at <= services.clock.now():
        await query.answer(past_time_text(), show_alert=True)
        return
    await query.answer()
    source_chat, source_id = data["source"]
    message = BroadcastMessage(
        default=copy_payload(source_chat, source_id, paid=paid),
        versions={code: copy_payload(chat, message_id, paid=paid)
                  for code, (chat, message_id) in (data.get("versions") or {}).items()})
    await _drop_buttons(query, presenter)
    # The progress message exists before the broadcast does, and both are stored in one commit:
    # the sender never finishes a broadcast whose progress message it cannot find.
    progress = await presenter.text("📣 …")
    try:
        created = await services.broadcasts.create(user.id, audience, message, paid=paid, send_at=send_at,
                                                   locale=presenter.locale, draft=data.get("draft", ""))
    except BroadcastRefused as refused:
        await presenter.edit(progress, refusal_text(refused.problem), None)
        return
    await services.broadcasts.set_progress_message(created.broadcast_id, progress.chat.id, progress.message_id)
    await state.clear()
    log.info("broadcast %s by user %s: %s recipients, %s opted out, paid %s, at %s", created.broadcast_id, user.id,
             created.recipients, created.opted_out, paid, created.send_at.isoformat())
    view = await prepare_progress(services.uow, i18n, services.clock, settings.default_locale, created.broadcast_id,
                                  force=True)
    if view is not None:
        await send_progress(bot, view)
    await presenter.text(confirmed_text(created.broadcast_id, created.recipients))


async def on_drop(query: CallbackQuery, state: FSMContext, presenter: Presenter) -> None:
    await query.answer()
    await state.clear()
    await _edit(query, presenter, dropped_text(), None)


async def stale_press(query: CallbackQuery) -> None:
    """A draft button with no draft going on (an old message, or forged): nothing happens."""
    log.info("broadcast: draft button %r from user %s with no draft", query.data, query.from_user.id)
    await query.answer(stale_draft_text(), show_alert=True)


# -- helpers ---------------------------------------------------------------------------------

async def _summary(state: FSMContext, services: Services, user: User, presenter: Presenter, bot: Bot, *,
                   preview: bool, edit: CallbackQuery | None = None) -> None:
    data = await state.get_data()
    audience = _audience(data)
    try:
        counted = await services.broadcasts.count(user.id, audience)
        title = await _course_title(services, user, audience.course_id, presenter.locale)
        zone = await services.broadcasts.zone_of(user.id, audience)
    except BroadcastRefused as refused:
        await state.clear()
        await presenter.text(refusal_text(refused.problem))
        return
    if preview:
        source_chat, source_id = data["source"]
        await _preview(bot, presenter, source_chat, source_id, None)
        for code, (chat, message_id) in sorted((data.get("versions") or {}).items()):
            await _preview(bot, presenter, chat, message_id, code)
    versions = sorted(data.get("versions") or {})
    send_at = datetime.fromisoformat(data["send_at"]) if data.get("send_at") else None
    text = summary_text(audience, title, counted, versions, bool(data.get("paid")), send_at, zone, presenter.locale)
    markup = summary_keyboard(versions, bool(data.get("paid")), send_at is not None)
    if edit is not None:
        await _edit(edit, presenter, text, markup)
    else:
        await presenter.text(text, markup)


async def _preview(bot: Bot, presenter: Presenter, from_chat: int, message_id: int, code: str | None) -> None:
    """The very copyMessage each learner gets, into the coordinator's chat."""
    await presenter.text(preview_head_text(code))
    try:
        await bot.copy_message(chat_id=presenter.chat_id, from_chat_id=from_chat, message_id=message_id)
    except TelegramAPIError as error:
        log.warning("broadcast preview of message %s from chat %s failed: %s", message_id, from_chat, error)
        await presenter.text(unsendable_text())


async def _edit(query: CallbackQuery, presenter: Presenter, text: str, markup: InlineKeyboardMarkup | None) -> None:
    if isinstance(query.message, Message):
        await presenter.edit(query.message, text, markup)
    else:
        await presenter.text(text, markup)


async def _drop_buttons(query: CallbackQuery, presenter: Presenter) -> None:
    await presenter.drop_buttons(query.message if isinstance(query.message, Message) else None)


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.register(start_broadcast, Command("broadcast"))
    router.message.register(take_message, BroadcastInput.message)
    router.message.register(take_days, BroadcastInput.days, F.text)
    router.message.register(take_version, BroadcastInput.version)
    router.message.register(take_time, BroadcastInput.send_at, F.text)
    draft = StateFilter(BroadcastInput.choosing, BroadcastInput.days, BroadcastInput.version,
                        BroadcastInput.send_at, BroadcastInput.message)
    choosing = StateFilter(BroadcastInput.choosing)
    router.callback_query.register(on_drop, BroadcastDraftCb.filter(F.a == "drop"), draft)
    router.callback_query.register(on_course, BroadcastDraftCb.filter(F.a == "course"), choosing)
    router.callback_query.register(on_kind, BroadcastDraftCb.filter(F.a == "kind"), choosing, _course_chosen)
    router.callback_query.register(on_language, BroadcastDraftCb.filter(F.a == "lang"), choosing, _course_chosen)
    summary = (choosing, _audience_chosen)
    router.callback_query.register(on_version, BroadcastDraftCb.filter(F.a == "version"), *summary)
    router.callback_query.register(on_paid, BroadcastDraftCb.filter(F.a == "paid"), *summary)
    router.callback_query.register(on_when, BroadcastDraftCb.filter(F.a == "when"), *summary)
    router.callback_query.register(on_now, BroadcastDraftCb.filter(F.a == "now"), *summary)
    router.callback_query.register(on_confirm, BroadcastDraftCb.filter(F.a == "confirm"), *summary)
    router.callback_query.register(stale_press, BroadcastDraftCb.filter())
    return router
