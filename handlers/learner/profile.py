"""/profile: name, phone (contact-share button) and email, validated before they are stored."""
from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot.db.models import User
from bot.services.registry import Services
from bot.services.users import ProfileError
from bot.telegram import keyboards
from bot.telegram.callbacks import ProfileCb
from bot.telegram.chat_filters import PRIVATE
from bot.telegram.presenter import Presenter
from bot.telegram.states import ProfileInput
from bot.telegram.texts_account import profile_error_text, profile_text



async def _show(user: User, services: Services, presenter: Presenter) -> None:
    await presenter.text(profile_text(await services.users.profile(user.id)), keyboards.profile_keyboard())


async def profile(message: Message, user: User, services: Services, presenter: Presenter,
                  state: FSMContext) -> None:
    await state.clear()
    await _show(user, services, presenter)


async def profile_action(query: CallbackQuery, callback_data: ProfileCb, user: User, services: Services,
                         presenter: Presenter, state: FSMContext) -> None:
    await query.answer()
    action = callback_data.action
    if action == "name":
        await state.set_state(ProfileInput.name)
        await presenter.text(_("Send your full name as it should appear on your certificate."),
                             keyboards.cancel_keyboard())
    elif action == "email":
        await state.set_state(ProfileInput.email)
        await presenter.text(_("Send your email address."), keyboards.cancel_keyboard())
    elif action == "phone":
        await state.set_state(ProfileInput.phone)
        await presenter.text(_("Press the button below to share your phone number."),
                             keyboards.contact_request_keyboard())
    else:
        await state.clear()
        # A used Cancel goes away: pressed again later it would cancel nothing.
        await presenter.drop_buttons(query.message if isinstance(query.message, Message) else None)
        await presenter.text(_("Cancelled. Nothing was changed."), ReplyKeyboardRemove())


async def contact_shared(message: Message, user: User, services: Services, presenter: Presenter,
                         state: FSMContext) -> None:
    assert message.contact is not None
    if message.contact.user_id != user.id:
        await presenter.text(_("Please share your own number with the button below."),
                             keyboards.contact_request_keyboard())
        return
    try:
        await services.users.update_profile(user.id, "phone", message.contact.phone_number)
    except ProfileError as error:
        await presenter.text(profile_error_text(error.field, error.problem), keyboards.contact_request_keyboard())
        return
    if await state.get_state() == ProfileInput.phone.state:
        await state.clear()
    await presenter.text(_("Phone number saved."), ReplyKeyboardRemove())
    await _show(user, services, presenter)


def typed_answer(message: Message) -> bool:
    """Commands keep working while a value is awaited; only /cancel is taken as an answer."""
    return message.text is not None and (not message.text.startswith("/") or message.text.strip() == "/cancel")


async def profile_input(message: Message, user: User, services: Services, presenter: Presenter,
                        state: FSMContext, raw_state: str | None = None) -> None:
    assert message.text is not None and raw_state is not None
    field = raw_state.rpartition(":")[2]  # "ProfileInput:email" → "email"
    if message.text.strip() in {_("Cancel"), "/cancel"}:
        await state.clear()
        await presenter.text(_("Cancelled. Nothing was changed."), ReplyKeyboardRemove())
        return
    if field == "phone":
        await presenter.text(profile_error_text("phone"), keyboards.contact_request_keyboard())
        return
    try:
        await services.users.update_profile(user.id, field, message.text)
    except ProfileError as error:
        await presenter.text(profile_error_text(error.field, error.problem), keyboards.cancel_keyboard())
        return
    await state.clear()
    await presenter.text(_("Saved."))
    await _show(user, services, presenter)


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.callback_query.filter(PRIVATE)
    # Learning happens in the private chat; the admin group never gets a learner's lesson.
    router.message.filter(PRIVATE)
    router.message.register(profile, Command("profile"))
    router.callback_query.register(profile_action, ProfileCb.filter())
    router.message.register(contact_shared, F.contact, PRIVATE)
    router.message.register(profile_input, StateFilter(ProfileInput), typed_answer)
    return router
