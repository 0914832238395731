"""Sending the steps towards a certificate, and the certificate itself (text, link, PDF)."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import gettext as _

from bot.services.certificate_labels import certificate_labels
from bot.services.certificate_pdf import render_certificate_pdf
from bot.services.certificate_views import (
    CertificateFacts,
    CertificateReady,
    CompletionStep,
    FinalTestDue,
    NameNeeded,
    NameToConfirm,
)
from bot.services.certificates import certificate_url
from bot.telegram import keyboards, keyboards_certificate, texts_account, texts_certificate
from bot.telegram.states import CertificateName

if TYPE_CHECKING:
    from bot.telegram.presenter import Presenter


async def send_completion(presenter: Presenter, step: CompletionStep) -> None:
    """The learner's next step: the final test, the name check, or the certificate."""
    if isinstance(step, CertificateReady):
        await send_certificate(presenter, step.facts, revoke_reason=step.revoke_reason)
    elif isinstance(step, NameToConfirm):
        await presenter.text(texts_certificate.name_question(step.name), keyboards_certificate.name_confirm_keyboard())
    elif isinstance(step, NameNeeded):  # the next text message is the name to print
        if presenter.conversation is not None:
            await presenter.conversation.set_state(CertificateName.typing)
        await presenter.text(texts_account.certificate_name_request(step.problem), keyboards.cancel_keyboard())
    elif isinstance(step, FinalTestDue):
        await presenter.text(texts_certificate.final_test_offer(step.status, presenter.locale),
                             keyboards_certificate.final_test_keyboard(step.status, step.enrolment_id))
    else:
        await presenter.text(texts_certificate.missing_text(step))


async def send_certificate(presenter: Presenter, facts: CertificateFacts, reissued: bool = False,
                           revoke_reason: str | None = None) -> None:
    """The congratulation with the link, then the PDF; a revoked certificate is only named as such."""
    if not facts.is_valid:
        await presenter.text(texts_certificate.revoked_message(facts, presenter.locale, revoke_reason))
        return
    url = certificate_url(presenter.public_base_url, facts.code)
    await presenter.text(texts_certificate.certificate_message(facts, url, presenter.locale, reissued))
    labels = certificate_labels(_)
    # fpdf2 is pure Python: render off the event loop so other learners are not held up.
    pdf = await asyncio.to_thread(render_certificate_pdf, facts, labels, presenter.locale, url, presenter.issuer)
    document = BufferedInputFile(pdf, filename=f"certificate-{facts.code}.pdf")
    await presenter.bot.send_document(presenter.chat_id, document,
                                      caption=texts_certificate.document_caption(facts, presenter.locale))
