"""The certificate as a PDF: A4 landscape, embedded DejaVu Sans, a QR code of the verification link."""
from __future__ import annotations

from pathlib import Path

import qrcode
from fpdf import FPDF
from qrcode.constants import ERROR_CORRECT_M

from bot.services.certificate_labels import CertificateLabels, fact_lines
from bot.services.certificate_views import CertificateFacts
from bot.services.views import pick, visible_text

# DejaVu Sans has every Kazakh letter (ә ғ қ ң ө ұ ү һ і); its licence is beside it.
FONTS_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT = "DejaVu"
PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, millimetres
MARGIN = 12.0
ACCENT = (22, 78, 140)
MUTED = (95, 105, 115)
QR_SIZE = 46.0


def render_certificate_pdf(facts: CertificateFacts, labels: CertificateLabels, locale: str, url: str,
                           issuer: str) -> bytes:
    """The certificate in the reader's language; deterministic for the same facts."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
    course = visible_text(pick(facts.course_title, locale))  # the title is Telegram HTML; the PDF prints text
    pdf.set_title(f"{labels.title}: {facts.holder_name} · {course}")
    pdf.set_author(issuer)
    pdf.set_creator("Talimger")
    pdf.set_lang(locale)
    pdf.set_creation_date(facts.issued_at)
    pdf.add_page()

    _frame(pdf)
    _centered(pdf, 24, issuer.upper(), 11, color=MUTED)
    _centered(pdf, 36, labels.title, _fitting_size(pdf, labels.title, 30, PAGE_W - 50, bold=True), bold=True,
              color=ACCENT)
    _centered(pdf, 58, labels.certifies, 14, color=MUTED)
    _centered(pdf, 68, facts.holder_name, _fitting_size(pdf, facts.holder_name, 30, PAGE_W - 60, bold=True), bold=True)
    _centered(pdf, 88, labels.completed, 14, color=MUTED)
    pdf.set_font(FONT, "B", 19)
    pdf.set_xy(40, 98)
    pdf.multi_cell(PAGE_W - 80, 9, course, align="C")

    _facts_block(pdf, facts, labels, locale, issuer)
    _qr_block(pdf, url, labels)
    if not facts.is_valid:
        _centered(pdf, 126, labels.revoked, 26, bold=True, color=(180, 30, 30))
    return bytes(pdf.output())


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(MARGIN, MARGIN, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN)
    pdf.set_line_width(0.3)
    pdf.rect(MARGIN + 3, MARGIN + 3, PAGE_W - 2 * MARGIN - 6, PAGE_H - 2 * MARGIN - 6)


def _centered(pdf: FPDF, y: float, text: str, size: float, bold: bool = False,
              color: tuple[int, int, int] = (20, 20, 20)) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.set_xy(MARGIN, y)
    pdf.cell(PAGE_W - 2 * MARGIN, size * 0.45, text, align="C")
    pdf.set_text_color(20, 20, 20)


def _fitting_size(pdf: FPDF, text: str, size: float, width: float, bold: bool = False) -> float:
    """A long name shrinks to fit one line rather than run off the page."""
    while size > 12:
        pdf.set_font(FONT, "B" if bold else "", size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 1
    return size


def _facts_block(pdf: FPDF, facts: CertificateFacts, labels: CertificateLabels, locale: str, issuer: str) -> None:
    # Name and course are printed large above; the block lists the rest.
    lines = fact_lines(facts, labels, locale, issuer)[2:]
    y = PAGE_H - MARGIN - 12 - 7 * len(lines)
    for line in lines:
        pdf.set_xy(30, y)
        pdf.set_font(FONT, "", 10)
        pdf.set_text_color(*MUTED)
        pdf.cell(58, 6, line.label)
        pdf.set_font(FONT, "B", 11)
        pdf.set_text_color(20, 20, 20)
        pdf.cell(120, 6, line.value)
        y += 7


def _qr_block(pdf: FPDF, url: str, labels: CertificateLabels) -> None:
    caption_width = 84.0
    centre = PAGE_W - MARGIN - 8 - caption_width / 2  # the caption stays inside the frame
    x, y = centre - QR_SIZE / 2, PAGE_H - MARGIN - 24 - QR_SIZE
    _draw_qr(pdf, url, x, y, QR_SIZE)
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(centre - caption_width / 2, y + QR_SIZE + 2)
    pdf.multi_cell(caption_width, 3.2, f"{labels.scan_hint}\n{url}", align="C")
    pdf.set_text_color(20, 20, 20)


def _draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares: sharp at any zoom and in any print."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            # One rectangle per run of dark modules (slightly taller, so rows leave no hairlines).
            pdf.rect(x + start * cell, y + row_index * cell, (column - start) * cell, cell * 1.02, style="F")
