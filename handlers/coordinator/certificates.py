"""/revoke CODE REASON and /reissue CODE: coordinators correct certificates (the router's guard checks the role)."""
from __future__ import annotations

import logging
from html import escape

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.db.models import User
from bot.services.certificate_admin import AdminRefusal
from bot.services.registry import Services
from bot.telegram.certificate_messages import send_certificate
from bot.telegram.media import MediaResolver
from bot.telegram.presenter import Presenter
from bot.telegram.texts_certificate import admin_refusal_text, revoked_message


log = logging.getLogger(__name__)


async def revoke(message: Message, command: CommandObject, services: Services, presenter: Presenter,
                 bot: Bot, settings: Settings, i18n: I18n, user: User) -> None:
    code, _space, reason = (command.args or "").strip().partition(" ")
    if not code:
        await presenter.text(_("Usage: /revoke CODE REASON, for example: /revoke AbC123dEf456gHi789jKl0 "
                               "plagiarism in the final test"))
        return
    revoked = await services.certificate_admin.revoke(code, reason, by=user.id)
    if isinstance(revoked, AdminRefusal):
        await presenter.text(admin_refusal_text(revoked, code, presenter.locale))
        return
    await presenter.text(_("⛔ Certificate <code>{code}</code> ({name}) is revoked. Its page now says so.").format(
        code=escape(revoked.facts.code), name=escape(revoked.facts.holder_name)))
    learner = Presenter(bot, revoked.user_id, revoked.locale, MediaResolver(services.uow, services.clock),
                        presenter.public_base_url, presenter.issuer)
    try:
        with i18n.use_locale(revoked.locale):  # the learner's language, not the coordinator's
            await learner.text(revoked_message(revoked.facts, revoked.locale, revoked.reason))
    except TelegramAPIError as error:
        log.warning("revoked certificate %s: could not tell learner %s: %s", revoked.facts.code, revoked.user_id,
                    error.message)
        await presenter.text(_("I could not tell the learner about it ({error}). They see it with /certificate.")
                             .format(error=escape(error.message)))


async def reissue(message: Message, command: CommandObject, services: Services, presenter: Presenter,
                  bot: Bot, settings: Settings, i18n: I18n, user: User) -> None:
    code = (command.args or "").strip().split(" ")[0]
    if not code:
        await presenter.text(_("Usage: /reissue CODE: the certificate gets a new code with the learner's current "
                               "name, and the old code is revoked."))
        return
    reissued = await services.certificate_admin.reissue(code, by=user.id)
    if isinstance(reissued, AdminRefusal):
        await presenter.text(admin_refusal_text(reissued, code, presenter.locale))
        return
    await presenter.text(_("🔁 Re-issued for {name}: the new code is <code>{code}</code>; the old one is revoked. "
                           "The learner receives the new certificate.").format(
        name=escape(reissued.facts.holder_name), code=escape(reissued.facts.code)))
    locale = reissued.locale or settings.default_locale
    learner = Presenter(bot, reissued.user_id, locale, MediaResolver(services.uow, services.clock),
                        presenter.public_base_url, presenter.issuer)
    try:
        with i18n.use_locale(locale):  # the learner's language, not the coordinator's
            await send_certificate(learner, reissued.facts, reissued=True)
    except TelegramAPIError as error:
        await presenter.text(_("The new certificate is stored, but I could not send it to the learner ({error}). "
                               "They get it with /certificate.").format(error=escape(error.message)))


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.register(revoke, Command("revoke"))
    router.message.register(reissue, Command("reissue"))
    return router
