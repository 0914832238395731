"""Reading a certificate PDF as a verifier would: its text (pypdf), its page as an image
(poppler's pdftoppm) and the QR code on it (zbar's zbarimg). The tools are Debian packages
that .ci/run installs; without them the tests that need them are skipped."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_page_size_mm(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width) * 25.4 / 72, float(box.height) * 25.4 / 72


def render_first_page(pdf: bytes, png: Path, dpi: int = 150) -> Path:
    """The first page as a PNG at `png` (pdftoppm adds the suffix itself)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("no pdftoppm: install Debian's poppler-utils (.ci/run does)")
    source = png.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(png.with_suffix(""))], check=True, timeout=60)
    return png


def decode_qr(png: Path) -> list[str]:
    """Every QR code's text found in the image."""
    if shutil.which("zbarimg") is None:
        pytest.skip("no zbarimg: install Debian's zbar-tools (.ci/run does)")
    found = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
                           capture_output=True, text=True, timeout=60)
    return [line for line in found.stdout.splitlines() if line]


def embedded_glyph_names(pdf: bytes) -> set[str]:
    """The glyph names of every font subset embedded in the first page (e.g. "uniFEDF", an Arabic
    initial form that only text shaping picks)."""
    from fontTools.ttLib import TTFont

    names: set[str] = set()
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    for font in fonts.values():
        for descendant in font.get_object().get("/DescendantFonts", []):
            program = descendant.get_object()["/FontDescriptor"].get("/FontFile2")
            if program is not None:
                names.update(TTFont(io.BytesIO(program.get_object().get_data())).getGlyphOrder())
    return names
