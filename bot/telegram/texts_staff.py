"""Texts of the admin chat: the staff's /help and their command menu."""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _


def staff_help_text() -> str:
    return "\n".join([
        _("<b>Commands of the admin chat</b>"),
        _("/revoke CODE REASON — revoke a certificate: its page then says it is revoked"),
        _("/reissue CODE — revoke a certificate and send the learner a new one under a new code, with their "
          "current name"),
        _("/help — this list"),
        "",
        _("Members of this chat and the bot's owners may use them."),
    ])


def staff_command_descriptions() -> dict[str, str]:
    """The admin chat's menu, in the current locale (registered once per language)."""
    return {
        "revoke": _("Revoke a certificate: CODE REASON"),
        "reissue": _("Re-issue a certificate under a new code: CODE"),
        "help": _("Commands of the admin chat"),
    }
