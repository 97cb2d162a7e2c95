"""The quarterly report's bar charts, as SVG text to place in the PDF's HTML.

Drawn with matplotlib's Agg backend, text kept as text (searchable, read out by a screen reader),
with a fixed hash salt and no date, so that the same figures give the same SVG, and so the same
report the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, the same file everywhere

from matplotlib import pyplot as plt
from matplotlib.ticker import FuncFormatter, MaxNLocator

__all__ = ["bar_chart_svg"]

_COLOURS = ("#1f5fa8", "#9ab7d8", "#c0392b", "#7f8c8d")


def _dutch(value: float, decimals: int = 0) -> str:
    """1.234,5: the Dutch way of writing a number."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _label(text: str, most: int = 42) -> str:
    """A category as matplotlib must be given it: a dollar sign would start mathtext (text a
    submitter wrote must stay text), and a long name is cut."""
    text = text if len(text) <= most else text[: most - 1] + "…"
    return text.replace("$", r"\$")


def bar_chart_svg(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    horizontal: bool = False,
    percent: bool = False,
    unit: str = "",
) -> str:
    """An SVG bar chart: one bar per category and series (grouped), values in Dutch notation."""
    plt.rcParams["svg.hashsalt"] = "beoordeling"
    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["font.family"] = "DejaVu Sans"
    rows = max(len(categories), 1)
    height = min(max(2.0, 0.12 * rows * len(series) + 1.0), 6.5) if horizontal else 2.8
    figure, axes = plt.subplots(figsize=(7.0, height), dpi=100)
    try:
        width = 0.8 / max(len(series), 1)
        positions = list(range(len(categories)))
        for number, (name, values) in enumerate(series):
            shifted = [p + (number - (len(series) - 1) / 2) * width for p in positions]
            shown = [v * 100 if percent else v for v in values]
            colour = _COLOURS[number % len(_COLOURS)]
            if horizontal:
                axes.barh(shifted, shown, height=width, label=_label(name), color=colour)
            else:
                axes.bar(shifted, shown, width=width, label=_label(name), color=colour)
        value_axis = axes.xaxis if horizontal else axes.yaxis
        value_axis.set_major_formatter(FuncFormatter(lambda v, _pos: _dutch(v) + ("%" if percent else "")))
        if not percent and not unit:  # counts of plans: whole numbers only (not 0, 0, 0, 1, 1, 1)
            value_axis.set_major_locator(MaxNLocator(integer=True))
        if horizontal:
            axes.set_yticks(positions, [_label(c) for c in categories], fontsize=7)
            axes.invert_yaxis()
            axes.grid(axis="x", color="#dddddd")
        else:
            axes.set_xticks(positions, [_label(c, 18) for c in categories], fontsize=7)
            axes.grid(axis="y", color="#dddddd")
        if percent:
            (axes.set_xlim if horizontal else axes.set_ylim)(0, 100)
        if unit:
            (axes.set_xlabel if horizontal else axes.set_ylabel)(unit, fontsize=8)
        axes.set_axisbelow(True)
        axes.tick_params(labelsize=7)
        axes.set_title(_label(title, 90), fontsize=9, loc="left")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        if len(series) > 1:
            axes.legend(fontsize=7, frameon=False, loc="lower right" if horizontal else "upper right")
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]
