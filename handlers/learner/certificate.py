"""The certificate: /certificate, the final test button, the one-time name check, verify_ links."""
from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot.db.models import User
from bot.services.registry import Services
from bot.services.users import ProfileError
from bot.services.refusals import RefusedError
from bot.services.views import Refusal, Refused
from bot.telegram import keyboards, keyboards_certificate, texts_certificate
from bot.telegram.callbacks import CertificateNameCb, FinalTestCb
from bot.telegram.certificate_messages import send_completion
from bot.telegram.chat_filters import PRIVATE
from bot.telegram.presenter import Presenter
from bot.telegram.states import CertificateName
from bot.telegram.texts_account import profile_error_text
from handlers.learner.profile import typed_answer


def _message(query: CallbackQuery) -> Message | None:
    return query.message if isinstance(query.message, Message) else None


async def certificate(message: Message, user: User, services: Services, presenter: Presenter) -> None:
    """Send the certificate again, or say what it still needs (a running final test resumes)."""
    question = await services.final_test.resume(user.id)
    if question is not None:
        await presenter.question(question)
        return
    step = await services.certificates.for_learner(user.id)
    await send_completion(presenter, step)


async def start_final_test(query: CallbackQuery, callback_data: FinalTestCb, user: User, services: Services,
                           presenter: Presenter) -> None:
    question = await services.final_test.start(user.id, query.message.message_id if query.message else None,
                                               callback_data.e)
    await query.answer()
    await presenter.drop_buttons(_message(query))
    await presenter.question(question)


async def name_answer(query: CallbackQuery, callback_data: CertificateNameCb, user: User, services: Services,
                      presenter: Presenter, state: FSMContext) -> None:
    # An old button (the name is confirmed, the certificate exists or is on its way), or one
    # forged before the name check: the name must not change or count as checked.
    if user.name_confirmed or not await services.certificates.name_check_due(user.id):
        raise RefusedError(Refused(Refusal.STALE))
    if callback_data.action == "change":
        await state.set_state(CertificateName.typing)
        await query.answer()
        await presenter.drop_buttons(_message(query))
        await presenter.text(_("Send your full name as it should appear on your certificate."),
                             keyboards.cancel_keyboard())
        return
    step = await services.certificates.confirm_name(user.id)
    # The certificate row is committed before anything is sent (docs/ARCHITECTURE.md): a failed send loses nothing.
    await query.answer()
    await presenter.drop_buttons(_message(query))
    await send_completion(presenter, step)


async def name_typed(message: Message, user: User, services: Services, presenter: Presenter,
                     state: FSMContext) -> None:
    """A corrected name: stored in the profile, then shown for one more "Yes"."""
    assert message.text is not None
    if message.text.strip() in {_("Cancel"), "/cancel"}:
        await state.clear()
        await presenter.text(_("Cancelled. Nothing was changed."), ReplyKeyboardRemove())
        return
    try:
        name = await services.users.update_profile(user.id, "name", message.text)
    except ProfileError as error:
        await presenter.text(profile_error_text(error.field, error.problem), keyboards.cancel_keyboard())
        return
    await state.clear()
    await presenter.text(texts_certificate.name_question(name), keyboards_certificate.name_confirm_keyboard())


async def show_verification(code: str, services: Services, presenter: Presenter) -> None:
    """t.me/<bot>?start=verify_<code>: the same facts as the public page."""
    facts = await services.certificates.verify(code)
    await presenter.text(texts_certificate.verification_text(facts, presenter.locale, presenter.issuer,
                                                             presenter.public_base_url))


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.callback_query.filter(PRIVATE)
    router.message.register(certificate, Command("certificate"), PRIVATE)
    router.callback_query.register(start_final_test, FinalTestCb.filter())
    router.callback_query.register(name_answer, CertificateNameCb.filter())
    router.message.register(name_typed, StateFilter(CertificateName.typing), PRIVATE,
                            typed_answer)
    return router
