"""Buttons on the way to a certificate: the final test and the name check."""
from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.final_test_rules import FinalTestStatus
from bot.telegram.callbacks import CertificateNameCb, FinalTestCb


def name_confirm_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Yes, that is right"), callback_data=CertificateNameCb(action="yes"))
    builder.button(text=_("✏️ Change the name"), callback_data=CertificateNameCb(action="change"))
    builder.adjust(1)
    return builder.as_markup()


def final_test_keyboard(status: FinalTestStatus, enrolment_id: int | None = None) -> InlineKeyboardMarkup | None:
    """The start button (naming the enrolment it is for), unless the attempts are used up."""
    if status.passed or status.exhausted:
        return None
    builder = InlineKeyboardBuilder()
    label = _("🎯 Start the final test") if status.attempts_used == 0 else _("🔁 Retake the final test")
    builder.button(text=label, callback_data=FinalTestCb(e=enrolment_id))
    return builder.as_markup()
