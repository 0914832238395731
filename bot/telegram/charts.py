"""The /stats chart: the per-lecture funnel (reached, attempted, passed) as a PNG.

matplotlib's Agg backend draws without a display; the DejaVu Sans shipped in bot/assets/fonts
has every Kazakh letter (Ә Ғ Қ Ң Ө Ұ Ү Һ І), which matplotlib's default font lookup could miss
on a bare server. Drawing is CPU work: callers run it off the event loop (asyncio.to_thread)."""
from __future__ import annotations

import io
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT_FAMILY = "DejaVu Sans"
_fonts_added = False
_lock = threading.Lock()  # matplotlib's font cache is not thread-safe


@dataclass(frozen=True)
class FunnelChart:
    """What the chart shows, already in the reader's language."""

    title: str
    lecture_labels: tuple[str, ...]
    reached: tuple[int, ...]
    attempted: tuple[int, ...]
    passed: tuple[int, ...]
    series_labels: tuple[str, str, str]  # reached, attempted, passed
    axis_label: str  # "learners"


def _matplotlib() -> tuple[Any, Any]:
    """matplotlib (about 15 MB) loads with the first chart, not at start: (font_manager, Figure)."""
    import matplotlib

    matplotlib.use("Agg")  # before pyplot is imported anywhere: no display on a server
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    return font_manager, Figure


def _use_bundled_font(font_manager: Any) -> None:
    global _fonts_added
    if not _fonts_added:
        for path in sorted(FONT_DIR.glob("DejaVuSans*.ttf")):
            font_manager.fontManager.addfont(str(path))
        _fonts_added = True


def render_funnel_png(chart: FunnelChart) -> bytes:
    """A horizontal grouped bar chart, first lecture on top; the bars carry their counts."""
    with _lock:
        font_manager, figure_class = _matplotlib()
        _use_bundled_font(font_manager)
        rows = max(len(chart.lecture_labels), 1)
        figure = figure_class(figsize=(8, 1.4 + 0.75 * rows), dpi=110, layout="constrained")
        axes = figure.subplots()
        height = 0.26
        positions = list(range(len(chart.lecture_labels)))
        colours = ("#9ecae1", "#4292c6", "#08519c")
        for offset, values, label, colour in zip((-height, 0.0, height),
                                                 (chart.reached, chart.attempted, chart.passed),
                                                 chart.series_labels, colours):
            bars = axes.barh([p + offset for p in positions], values, height=height, label=label, color=colour)
            axes.bar_label(bars, padding=2, fontsize=8, fontfamily=FONT_FAMILY)
        axes.set_yticks(positions, labels=list(chart.lecture_labels), fontfamily=FONT_FAMILY, fontsize=9)
        axes.invert_yaxis()
        axes.set_xlabel(chart.axis_label, fontfamily=FONT_FAMILY)
        # The figure's own title, from its left edge and wrapped: a long course name stays whole.
        figure.suptitle(textwrap.fill(chart.title, 80), x=0.01, ha="left", fontfamily=FONT_FAMILY, fontsize=11)
        axes.xaxis.get_major_locator().set_params(integer=True)
        top = max([*chart.reached, *chart.attempted, *chart.passed, 1])
        axes.set_xlim(0, top * 1.12 + 0.5)
        axes.legend(prop={"family": FONT_FAMILY, "size": 8}, loc="lower right")
        for spine in ("top", "right"):
            axes.spines[spine].set_visible(False)
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
