"""The one name rule (bot/services/names.py): what it keeps, how it cleans, why it refuses."""
from __future__ import annotations

import pytest

from bot.services.certificate_font import printable_code_points
from bot.services.names import NameProblem, NameRefused, checked_name, clean_name


@pytest.mark.parametrize(("raw", "clean"), [
    ("  Asel \t Kairatovna\n", "Asel Kairatovna"),
    ("Ase\u0301l", "Asél"),  # NFC: the accent joins its letter
    ("Asel\u00a0Kairatovna", "Asel Kairatovna"),  # a no-break space is a space
    ("Әсем Қайратқызы", "Әсем Қайратқызы"),
    ("Seán O'Brien-Smith", "Seán O'Brien-Smith"),
    ("J. R. R. Tolkien", "J. R. R. Tolkien"),
    ("محمد عبد الله", "محمد عبد الله"),
    ("דוד כהן", "דוד כהן"),
    ("Γιώργος Παπαδόπουλος", "Γιώργος Παπαδόπουλος"),
])
def test_real_names_pass_cleaned(raw: str, clean: str) -> None:
    """issue 9 item 7: names in the scripts the certificate prints pass, spaces collapsed, NFC."""
    assert clean_name(raw) == clean


@pytest.mark.parametrize(("raw", "problem"), [
    ('"><script>alert(1)</script>', NameProblem.SYMBOLS),
    ("R2-D2", NameProblem.SYMBOLS),
    ("Asel 🌸", NameProblem.SYMBOLS),
    ("...", NameProblem.SYMBOLS),
    ("Z\u0301\u0302\u0303\u0304\u0305algo", NameProblem.SYMBOLS),
    ("Asel \u202eavoK", NameProblem.INVISIBLE),
    ("Ase\u200bl", NameProblem.INVISIBLE),
    ("\ufeffAsel", NameProblem.INVISIBLE),
    ("\u3164", NameProblem.INVISIBLE),
    ("Asel\u3164", NameProblem.INVISIBLE),
    ("\u2800\u2800", NameProblem.INVISIBLE),
    ("A", NameProblem.LENGTH),
    ("   ", NameProblem.LENGTH),
    ("A" * 129, NameProblem.LENGTH),
    ("王小明", NameProblem.UNPRINTABLE),
    ("สมชาย", NameProblem.UNPRINTABLE),
    ("राहुल", NameProblem.UNPRINTABLE),
])
def test_names_the_certificate_cannot_carry_are_refused_with_the_reason(raw: str, problem: NameProblem) -> None:
    """issue 9 item 7: markup, invisible characters, lengths and scripts the font lacks."""
    with pytest.raises(NameRefused) as refused:
        clean_name(raw)
    assert refused.value.problem is problem
    assert checked_name(raw) is problem


def test_a_passing_name_is_drawn_by_the_font_letter_by_letter() -> None:
    """issue 9 item 7: "printable" is read from the font files the PDF embeds."""
    printable = printable_code_points()
    assert all(ord(char) in printable for char in "AzӘәҚқҰұЖжمحדΩ")
    assert ord("中") not in printable and 0x3164 not in printable
