"""The certificate as a PDF: A4 landscape, embedded DejaVu Sans, a QR code of the verification link."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.certificate_font import BOLD, FONTS_DIR, REGULAR  # noqa: F401  (FONTS_DIR: the licence beside the fonts)
from bot.services.certificate_labels import CertificateLabels, fact_lines
from bot.services.certificate_views import CertificateFacts
from bot.services.views import pick, visible_text

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "DejaVu"
PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, millimetres
MARGIN = 12.0
ACCENT = (22, 78, 140)
MUTED = (95, 105, 115)
QR_SIZE = 46.0
# The holder's name: one line from NAME_SIZE down to NAME_ONE_LINE_MIN, then two lines down to
# NAME_TWO_LINES_MIN, always within NAME_WIDTH and between "certifies" and "completed".
NAME_WIDTH = PAGE_W - 60
NAME_TOP, NAME_BOTTOM = 63.0, 86.0
NAME_SIZE, NAME_ONE_LINE_MIN, NAME_TWO_LINES_MIN = 30, 18, 8
LINE_HEIGHT = 0.42  # millimetres of line per point of font size: 1.2 × the size


def render_certificate_pdf(facts: CertificateFacts, labels: CertificateLabels, locale: str, url: str,
                           issuer: str) -> bytes:
    """The certificate in the reader's language; deterministic for the same facts."""
    # Imported on the first certificate, not at start: fpdf and its font and image libraries
    # are about 20 MB of every process's memory, and most updates never draw a PDF.
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font(FONT, "", str(REGULAR))
    pdf.add_font(FONT, "B", str(BOLD))
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
    _holder_name(pdf, facts.holder_name)
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
    """A long title shrinks to fit one line rather than run off the page."""
    while size > 12:
        pdf.set_font(FONT, "B" if bold else "", size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 1
    return size


def _name_lines(pdf: FPDF, name: str, size: int) -> list[str]:
    pdf.set_font(FONT, "B", size)
    return pdf.multi_cell(NAME_WIDTH, size * LINE_HEIGHT, name, align="C", dry_run=True, output="LINES")


def _name_layout(pdf: FPDF, name: str) -> tuple[int, int]:
    """(font size, lines): the largest size that keeps the name on one line, else on two."""
    for size in range(NAME_SIZE, NAME_ONE_LINE_MIN - 1, -1):
        if len(_name_lines(pdf, name, size)) == 1:
            return size, 1
    for size in range(NAME_ONE_LINE_MIN, NAME_TWO_LINES_MIN - 1, -1):
        if len(lines := _name_lines(pdf, name, size)) <= 2:
            return size, len(lines)
    # Out of reach for a name the name rule lets through (128 characters); never off the page.
    return NAME_TWO_LINES_MIN, len(_name_lines(pdf, name, NAME_TWO_LINES_MIN))


def _holder_name(pdf: FPDF, name: str) -> None:
    """The name, large, centred between "certifies" and "completed"; Arabic letters joined and
    right-to-left (HarfBuzz shaping), which the rest of the page does not need."""
    pdf.set_text_shaping(True)
    try:
        size, lines = _name_layout(pdf, name)
        height = lines * size * LINE_HEIGHT
        pdf.set_font(FONT, "B", size)
        pdf.set_text_color(20, 20, 20)
        pdf.set_xy((PAGE_W - NAME_WIDTH) / 2, (NAME_TOP + NAME_BOTTOM - height) / 2)
        pdf.multi_cell(NAME_WIDTH, size * LINE_HEIGHT, name, align="C")
    finally:
        pdf.set_text_shaping(False)


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
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

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
