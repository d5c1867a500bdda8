"""The report's charts: inline SVG drawn by matplotlib (the object API, no pyplot and no GUI backend).

Text stays text (`svg.fonttype: none`), ids come from a fixed salt so the same figures give the same bytes,
and the XML prolog, the doctype and the metadata are cut off, so the SVG goes straight into the HTML and
refers to nothing outside it. Only figures that are shown are drawn; a hidden month is marked `x`.
"""

from __future__ import annotations

import io
import re
import threading
from typing import Any

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure as Canvas

from dialogs.coaching.disclosure import Figure

RC: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "companion-report",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000")  # dark enough on white, told apart in grey too
HATCHES = ("", "//", "..", "xx")
_LOCK = threading.Lock()  # rcParams are global: one chart at a time


def _svg(figure: Canvas, title: str) -> str:
    out = io.StringIO()
    FigureCanvasSVG(figure).print_svg(  # type: ignore[no-untyped-call]
        out, metadata={"Date": None, "Creator": None, "Title": title}
    )
    text = out.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    return text.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" ', 1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def bars(title: str, months: list[str], series: list[tuple[str, list[Figure | None]]]) -> str:
    """Grouped bars, one group per month; a hidden figure gets an `x` instead of a bar."""
    with _LOCK, matplotlib.rc_context(RC):
        figure = Canvas(figsize=(7.5, 3.0))
        axes = figure.add_subplot()
        width = 0.8 / max(len(series), 1)
        highest = max((f.shown for _, values in series for f in values if f and f.shown), default=1)
        for index, (name, values) in enumerate(series):
            xs = [m + (index - (len(series) - 1) / 2) * width for m in range(len(months))]
            heights = [f.shown if f is not None and f.shown is not None else 0 for f in values]
            axes.bar(
                xs,
                heights,
                width,
                label=name,
                color=COLOURS[index % 4],
                hatch=HATCHES[index % 4],
                edgecolor="white",
            )
            for x, f in zip(xs, values, strict=True):
                if f is not None and f.shown is None:
                    axes.text(x, highest * 0.02, "x", ha="center", va="bottom", fontsize=9)
        axes.set_xticks(range(len(months)), months)
        axes.set_title(title, loc="left", fontsize=11)
        axes.legend(
            frameon=False, fontsize=9, ncols=min(len(series), 3), loc="upper left", bbox_to_anchor=(0, -0.12)
        )
        figure.subplots_adjust(bottom=0.3)
        return _svg(figure, title)


def lines(title: str, months: list[str], series: list[tuple[str, list[float | None]]], unit: str) -> str:
    """Lines with markers; a month without a shown value leaves a gap."""
    with _LOCK, matplotlib.rc_context(RC):
        figure = Canvas(figsize=(7.5, 3.0))
        axes = figure.add_subplot()
        for index, (name, values) in enumerate(series):
            ys = [float("nan") if v is None else v for v in values]
            axes.plot(range(len(months)), ys, marker="os^D"[index % 4], color=COLOURS[index % 4], label=name)
        axes.set_xticks(range(len(months)), months)
        axes.set_ylabel(unit)
        axes.set_ylim(bottom=0)
        axes.set_title(title, loc="left", fontsize=11)
        axes.legend(
            frameon=False, fontsize=9, ncols=min(len(series), 3), loc="upper left", bbox_to_anchor=(0, -0.12)
        )
        figure.subplots_adjust(bottom=0.3)
        return _svg(figure, title)
