"""A process that has drawn no certificate has not paid for the PDF libraries (about 20 MB)."""
from __future__ import annotations

import subprocess
import sys


def test_starting_the_bot_does_not_import_the_pdf_libraries() -> None:
    """issue 12 (peak RSS at 100,000 learners): fpdf and qrcode load with the first certificate."""
    code = "import sys, bot.app, bot.cli; print(sorted(m for m in ('fpdf', 'qrcode') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
