"""The /stats chart is a valid PNG and draws Kazakh letters (issue 11, analytics)."""
from __future__ import annotations

import io
import warnings

from PIL import Image

from bot.telegram.charts import FunnelChart, render_funnel_png

KAZAKH = "Әә Іі Ңң Ғғ Үү Ұұ Ққ Өө Һһ"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_the_chart_is_a_png_with_every_kazakh_letter_drawn() -> None:
    """issue 11 (analytics): a PNG (signature, Pillow opens it, a sensible size) whose title and
    labels in Kazakh draw with no missing-glyph warning from matplotlib."""
    chart = FunnelChart(title=f"Python негіздері: {KAZAKH}",
                        lecture_labels=("1. Айнымалылар және түрлер", "2. Шарттар мен циклдер", "3. Функциялар"),
                        reached=(6, 2, 0), attempted=(6, 2, 0), passed=(2, 1, 0),
                        series_labels=("жетті", "тест тапсырды", "өтті"), axis_label="тыңдаушылар")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_funnel_png(chart)
    missing = [str(warning.message) for warning in caught if "missing from" in str(warning.message)
               or "Glyph" in str(warning.message)]
    assert missing == []
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    image.verify()
    width, height = Image.open(io.BytesIO(png)).size
    assert 600 <= width <= 1200 and 200 <= height <= 1200


def test_a_font_without_kazakh_letters_would_be_caught() -> None:
    """issue 11 (analytics): the check above can fail — a font lacking Ә reports a missing glyph."""
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.use("Agg")
    figure = Figure()
    figure.suptitle(KAZAKH, fontfamily="cmr10")  # matplotlib's Computer Modern: Latin only
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(io.BytesIO(), format="png")
    assert any("missing from" in str(warning.message) for warning in caught)
