"""/diff, /publish and /rollback (each with a confirmation button), /history."""
from __future__ import annotations

import logging
from typing import Literal

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.db.repositories.outbox import NewDelivery
from bot.services.course_drafts import CourseDraftService, Published
from bot.services.registry import Services
from bot.services.views import pick
from bot.telegram.callbacks import RowId
from bot.telegram.outbox_payloads import text_payload
from bot.telegram.presenter import Presenter
from bot.telegram.texts_content import (
    diff_text,
    history_text,
    learner_change_note,
    publish_question,
    published_text,
    rollback_question,
    rolled_back_text,
)
from handlers.instructor.staff_place import actor, in_admin_chat_or_private, instructor_scope

log = logging.getLogger(__name__)


class ContentCb(CallbackData, prefix="cnt"):
    """A confirmation: `v` is the version it was asked about, so a stale button changes nothing."""
    act: Literal["pub", "rb"]
    c: RowId
    v: RowId


def _slug(command: CommandObject) -> str | None:
    return (command.args or "").strip().split(" ")[0] or None


def _sender(message: Message) -> User:
    assert message.from_user is not None  # HasRole let only a person through
    return message.from_user


def _drafts(services: Services, person: User) -> CourseDraftService:
    """No media store: these steps only move versions, they copy no file."""
    return CourseDraftService(services.uow, services.clock, None, instructor_scope(services, person))


async def diff(message: Message, command: CommandObject, services: Services, presenter: Presenter) -> None:
    drafts = _drafts(services, _sender(message))
    course = await drafts.course(_slug(command))
    draft, published, changes = await drafts.diff(course)
    await presenter.long_text(diff_text(course.slug, draft.number, published.number if published else None, changes,
                                        presenter.locale))


async def ask_publish(message: Message, command: CommandObject, services: Services, presenter: Presenter) -> None:
    drafts = _drafts(services, _sender(message))
    course = await drafts.course(_slug(command))
    draft, _published, _changes = await drafts.diff(course)
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=_("🚀 Publish"), callback_data=ContentCb(act="pub", c=course.id, v=draft.id).pack())]])
    await presenter.text(publish_question(course.slug, draft.number), markup)


async def ask_rollback(message: Message, command: CommandObject, services: Services, presenter: Presenter) -> None:
    drafts = _drafts(services, _sender(message))
    course = await drafts.course(_slug(command))
    current = await drafts.live_version(course)
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=_("↩️ Roll back"), callback_data=ContentCb(act="rb", c=course.id, v=current.id).pack())]])
    await presenter.text(rollback_question(course.slug, current.number), markup)


async def confirmed(query: CallbackQuery, callback_data: ContentCb, services: Services, presenter: Presenter,
                    i18n: I18n, settings: Settings) -> None:
    await query.answer()
    drafts = _drafts(services, query.from_user)
    course = await drafts.course_by_id(callback_data.c)
    if callback_data.act == "pub":
        published = await drafts.publish(course, actor(query.from_user), callback_data.v)
    else:
        rolled = await drafts.rollback(course, actor(query.from_user), callback_data.v)
    if isinstance(query.message, Message):
        await presenter.drop_buttons(query.message)
    if callback_data.act == "rb":
        await presenter.text(rolled_back_text(rolled.slug, rolled.from_number, rolled.to_number))
        return
    await _queue_learner_notes(services, i18n, settings, published)
    await presenter.text(published_text(published.slug, published.number, len(published.notices)))


async def _queue_learner_notes(services: Services, i18n: I18n, settings: Settings, published: Published) -> None:
    """One short note per learner who passed a changed lecture, queued in the outbox in the same
    commit as the publish (the reply below commits it): none is lost to a crash, none is doubled."""
    now = services.clock.now()
    notes = []
    for notice in published.notices:
        locale = notice.locale or settings.default_locale
        with i18n.use_locale(locale):
            text = learner_change_note([pick(title, locale) for title in notice.lecture_titles])
        notes.append(NewDelivery(kind="note", chat_id=notice.user_id, user_id=notice.user_id,
                                 payload=text_payload(text), not_before=now,
                                 dedupe_key=f"note:{published.slug}:v{published.number}:{notice.user_id}"))
    await services.uow.outbox.enqueue(notes)


async def history(message: Message, command: CommandObject, services: Services, presenter: Presenter) -> None:
    drafts = _drafts(services, _sender(message))
    lines = await drafts.history(_slug(command))
    await presenter.long_text(history_text(lines))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(diff, Command("diff"), in_admin_chat_or_private)
    router.message.register(ask_publish, Command("publish"), in_admin_chat_or_private)
    router.message.register(ask_rollback, Command("rollback"), in_admin_chat_or_private)
    router.message.register(history, Command("history"), in_admin_chat_or_private)
    router.callback_query.register(confirmed, ContentCb.filter())
    return router
