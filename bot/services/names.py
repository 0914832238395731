"""The one rule for a person's name, wherever it comes from: /profile, the Telegram account,
the certificate. A name that passes is printable on the certificate as it is."""
from __future__ import annotations

import enum
import unicodedata
from typing import TYPE_CHECKING

from bot.services.certificate_font import unprintable_characters

if TYPE_CHECKING:
    from bot.db.models import User

NAME_MIN, NAME_MAX = 2, 128
# Punctuation real names carry: O'Brien, Jean-Luc, J. R. R., Anne (Nan), Paul·la, גרשון׳.
NAME_PUNCTUATION = frozenset("'’ʼ‘-‐‑.,()·\u05f3\u05f4")
# Letters or marks that show nothing: a name made of them looks blank or hides text. Unicode's
# Default_Ignorable_Code_Point letters and marks (the Cc / Cf ones are refused by category).
INVISIBLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0]
    + list(range(0x180B, 0x1810)) + list(range(0xFE00, 0xFE10)) + list(range(0xE0100, 0xE01F0))
)
# Control, format (direction overrides, zero-width characters), surrogate, private-use,
# unassigned, line and paragraph separators.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
MAX_STACKED_MARKS = 3  # more accents on one letter than any script needs: text that spills over lines


class NameProblem(enum.Enum):
    """Why a name is refused; each has its own localized explanation."""

    LENGTH = "length"
    INVISIBLE = "invisible"  # control, format, zero-width or blank characters
    SYMBOLS = "symbols"  # digits, markup (< > & …), emoji, other symbols, or no letters at all
    UNPRINTABLE = "unprintable"  # letters the certificate's font cannot draw (CJK, Thai, …)


class NameRefused(ValueError):
    def __init__(self, problem: NameProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def telegram_name(user: User) -> str:
    """The name a Telegram account shows (first and last name), unchecked."""
    return " ".join(part for part in (user.first_name, user.last_name) if part)


def clean_name(raw: str) -> str:
    """The name as it is stored and printed: NFC, spaces collapsed; raises NameRefused."""
    # Any run of white space (tabs, newlines, no-break and ideographic spaces) becomes one space.
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if any(ord(char) in INVISIBLE or unicodedata.category(char) in INVISIBLE_CATEGORIES for char in name):
        raise NameRefused(NameProblem.INVISIBLE)
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise NameRefused(NameProblem.LENGTH)
    stacked = 0
    for char in name:
        category = unicodedata.category(char)
        stacked = stacked + 1 if category[0] == "M" else 0
        if stacked > MAX_STACKED_MARKS:
            raise NameRefused(NameProblem.SYMBOLS)
        if category[0] not in "LM" and char != " " and char not in NAME_PUNCTUATION:
            raise NameRefused(NameProblem.SYMBOLS)
    if not any(unicodedata.category(char)[0] == "L" for char in name):
        raise NameRefused(NameProblem.SYMBOLS)
    if unprintable_characters(name):
        raise NameRefused(NameProblem.UNPRINTABLE)
    return name


def checked_name(raw: str | None) -> str | NameProblem:
    """The clean name, or why it cannot be used (for a name the learner did not type: Telegram's)."""
    try:
        return clean_name(raw or "")
    except NameRefused as refused:
        return refused.problem
