"""The fonts a certificate is printed in, and which characters they can print."""
from __future__ import annotations

from functools import cache
from pathlib import Path

# DejaVu Sans has Latin, Cyrillic (every Kazakh letter: ә ғ қ ң ө ұ ү һ і), Greek, Armenian,
# Georgian, Hebrew and Arabic; no CJK, Thai or Indic scripts. Its licence is beside it.
FONTS_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
REGULAR = FONTS_DIR / "DejaVuSans.ttf"
BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"


@cache
def printable_code_points() -> frozenset[int]:
    """Code points that both faces draw (the name is bold on the PDF, regular elsewhere).
    fontTools (4 MB) loads with the first name checked, not with the bot (issue 12)."""
    from fontTools.ttLib import TTFont

    regular = set(TTFont(REGULAR, lazy=True).getBestCmap())
    bold = set(TTFont(BOLD, lazy=True).getBestCmap())
    return frozenset(regular & bold)


def unprintable_characters(text: str) -> list[str]:
    """The characters of `text` the certificate's font has no glyph for, in order, once each."""
    printable = printable_code_points()
    missing: list[str] = []
    for char in text:
        if ord(char) not in printable and char not in missing:
            missing.append(char)
    return missing
