"""The certificate PDF read back as a verifier would: its text, its size, and its QR code."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.services.certificate_labels import certificate_labels
from bot.services.certificate_pdf import FONTS_DIR, render_certificate_pdf
from bot.services.certificate_views import CertificateFacts
from bot.services.certificates import certificate_url, new_certificate_code
from bot.telegram.i18n import create_i18n
from tests.pdf_tools import decode_qr, pdf_page_size_mm, pdf_text, render_first_page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
KAZAKH_LETTERS = "әғқңөұүһі"
COURSE = {"kk": "Python бағдарламалау негіздері", "ru": "Основы программирования на Python",
          "en": "Python programming basics"}
TITLE = {"kk": "Курсты аяқтағаны туралы сертификат", "ru": "Сертификат о прохождении курса",
         "en": "Certificate of completion"}


def facts(code: str, name: str, revoked: bool = False) -> CertificateFacts:
    issued = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
    return CertificateFacts(code=code, holder_name=name, course_title=COURSE, issued_at=issued, average_score=87.5,
                            final_test_percent=80.0, lecture_count=4, revoked_at=issued if revoked else None)


def render(locale: str, name: str, code: str, revoked: bool = False) -> bytes:
    i18n = create_i18n("en")
    labels = certificate_labels(lambda message: i18n.gettext(message, locale=locale))
    url = certificate_url("https://talimger.example.kz", code)
    return render_certificate_pdf(facts(code, name, revoked), labels, locale, url, "Talimger")


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_the_pdf_holds_the_name_course_code_and_title_in_the_learners_language(locale: str) -> None:
    code = new_certificate_code()
    name = "Әсем Ғалымқызы Құнанбаева-Үмбетова" if locale == "kk" else "Aigerim Sadykova"
    pdf = render(locale, name, code)
    text = pdf_text(pdf)
    for expected in (name, COURSE[locale], code, TITLE[locale], "Talimger"):
        assert expected in text, (expected, text)
    width, height = pdf_page_size_mm(pdf)
    assert round(width) == 297 and round(height) == 210  # A4 landscape
    assert b"DejaVuSans" in pdf  # the font is embedded, not assumed on the reader's machine


def test_every_kazakh_letter_survives_in_the_pdf() -> None:
    name = "Ә Ғ Қ Ң Ө Ұ Ү Һ І " + KAZAKH_LETTERS
    text = pdf_text(render("kk", name, new_certificate_code()))
    assert all(letter in text for letter in KAZAKH_LETTERS + KAZAKH_LETTERS.upper())


def test_the_font_ships_with_its_licence() -> None:
    licence = (FONTS_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "Bitstream" in licence and "DejaVu" in licence
    assert (FONTS_DIR / "DejaVuSans.ttf").stat().st_size > 100_000


def test_the_qr_code_on_the_first_page_gives_the_verification_link() -> None:
    code = new_certificate_code()
    pdf = render("kk", "Әсем Қайратқызы", code)
    ARTIFACTS.mkdir(exist_ok=True)
    png = render_first_page(pdf, ARTIFACTS / "certificate-pdf-kk.png")
    assert decode_qr(png) == [f"https://talimger.example.kz/c/{code}"]


def test_a_revoked_certificate_pdf_says_so() -> None:
    assert "ҚАЙТАРЫЛҒАН" in pdf_text(render("kk", "Әсем Қайратқызы", new_certificate_code(), revoked=True))
