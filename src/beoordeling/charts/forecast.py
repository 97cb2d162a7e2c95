"""The forecast as a plot: the money there is against the expected claims, with the day it runs out."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, the same file everywhere

from matplotlib import pyplot as plt
from matplotlib.ticker import FixedLocator, FuncFormatter

from .._dutch import day as dutch_day
from .._files import atomic_write
from ..money.forecast import Forecast

__all__ = ["plot_forecast"]

_MILLION = 100_000_000  # cents
_EPOCH = date(1970, 1, 1)
"""Day 0 of matplotlib's date numbers."""


def _x(day: date) -> float:
    return float((day - _EPOCH).days)


def _quarters(first: date, last: date) -> list[float]:
    """The first day of every quarter from ``first`` to ``last``, as positions on the time axis."""
    found, year, month = [], first.year, (first.month - 1) // 3 * 3 + 1
    while date(year, month, 1) <= last:
        if date(year, month, 1) >= first:
            found.append(_x(date(year, month, 1)))
        year, month = (year + 1, 1) if month == 10 else (year, month + 3)
    return found


def plot_forecast(found: Forecast, path: Path, *, title: str = "Transformatiemiddelen: verwachte uitputting") -> None:
    """Draw ``found`` to ``path`` (.png or .svg): the money available (after the programme's later
    transfers and lapses) and the expected claims over time, the exhaustion day marked."""
    days = [_x(point[0]) for point in found.timeline]
    money = [point[1] / _MILLION for point in found.timeline]
    claims = [point[2] / _MILLION for point in found.timeline]
    plt.rcParams["svg.hashsalt"] = "beoordeling"
    plt.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, and read out by a screen reader
    figure, axes = plt.subplots(figsize=(9, 4.8), dpi=120)
    try:
        axes.step(days, money, where="post", label="Beschikbaar en gereserveerd", color="#1f5fa8", linewidth=2)
        axes.step(days, claims, where="post", label="Verwachte aanspraken (wachtrij en pijplijn)", color="#c0392b",
                  linewidth=2)  # fmt: skip
        if found.exhausted_on is not None:
            axes.axvline(_x(found.exhausted_on), color="#555555", linestyle="--", linewidth=1)
            axes.annotate(
                f"Uitgeput: {dutch_day(found.exhausted_on)}", (_x(found.exhausted_on), max(*money, *claims) * 0.9),
                xytext=(6, 0), textcoords="offset points", fontsize=9, color="#333333",
            )  # fmt: skip
        axes.set_title(f"{title}\nprognose op {dutch_day(found.on)}", fontsize=11)
        axes.set_ylabel("miljoen euro")
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:,.0f}".replace(",", ".")))
        axes.xaxis.set_major_locator(FixedLocator(_quarters(found.timeline[0][0], found.timeline[-1][0])))
        axes.xaxis.set_major_formatter(
            FuncFormatter(lambda value, _pos: (_EPOCH + timedelta(days=int(value))).strftime("%m-%Y"))
        )
        axes.grid(axis="y", color="#dddddd")
        axes.legend(loc="upper left", fontsize=9, frameon=False)
        figure.autofmt_xdate()
        figure.tight_layout()
        suffix = path.suffix.lower()
        metadata: dict[str, str | None] = {"Date": None} if suffix == ".svg" else {"Software": None}
        atomic_write(path, lambda tmp: figure.savefig(tmp, format=suffix[1:], metadata=metadata))
    finally:
        plt.close(figure)
