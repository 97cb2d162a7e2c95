"""The quarterly report as a PDF/A document (WeasyPrint), the same bytes every time it is made.

The HTML comes from one autoescaped template (:data:`TEMPLATE`): a group's name, a region, a
criterion's title stay text. The charts are SVG drawn by :mod:`beoordeling.charts.quarterly` and
placed in the HTML itself, so the renderer fetches nothing (the letters' fetcher serves only the
package's own assets and refuses the rest). The document is dated by the period's last day, and
holds no moment of rendering.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .._dutch import euro, number
from .._files import atomic_write
from ..charts.quarterly import bar_chart_svg
from ..letters.pdf import Renderer
from ..money import euros
from ..resources import tool_version
from .content import Column, Report, Table

__all__ = ["TEMPLATE", "cell_text", "chart_svg", "report_html", "report_pdf", "write_pdf"]

TEMPLATE = "report.html.j2"


def _cell(value: Any, column: Column) -> str:
    """A value as the report writes it: Dutch numbers, shares, amounts; '–' for none."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    kind = column.kind
    if kind == "euro":
        return euro(Decimal(euros(int(value))))
    if kind == "share":
        return f"{number(round(Decimal(str(value)) * 100))}%"
    if kind == "p":
        return f"{value:.3f}".replace(".", ",")
    if isinstance(value, float):
        return number(Decimal(str(round(value, 1))))
    return number(int(value))


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("beoordeling.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["cell"] = _cell
    return environment


def _chart(table: Table) -> Markup | None:
    spec = table.chart
    if spec is None or not table.rows:
        return None
    categories = [" – ".join(str(row[column]) for column in spec.categories) for row in table.rows]
    series = []
    euro_chart = table.columns[spec.series[0]].kind == "euro"
    if not any(row[column] for row in table.rows for column in spec.series):
        return None  # nothing to draw: the table says so
    for column in spec.series:
        values = [float(row[column] or 0) for row in table.rows]
        series.append((table.columns[column].header, [v / 100_000_000 for v in values] if euro_chart else values))
    svg = bar_chart_svg(
        spec.title, categories, series, horizontal=spec.horizontal, percent=spec.percent,
        unit="miljoen euro" if euro_chart else "",
    )  # fmt: skip
    return Markup(svg)  # noqa: S704  (matplotlib's own SVG, its text escaped by matplotlib)


cell_text = _cell
"""A table's value as the report writes it (the web's figures page writes them the same way)."""


def chart_svg(table: Table) -> str | None:
    """The table's chart as an SVG document, or None when it has none (or nothing to draw)."""
    found = _chart(table)
    return str(found) if found is not None else None


def report_html(report: Report) -> str:
    """The report's HTML, ready for the PDF renderer."""
    charts = {table.key: _chart(table) for table in report.tables}
    return _environment().get_template(TEMPLATE).render(report=report, charts=charts, tool_version=tool_version())


@cache
def _renderer() -> Renderer:
    css = files("beoordeling.report").joinpath("assets", "report.css").read_text(encoding="utf-8")
    return Renderer(stylesheet=css)


def report_pdf(report: Report) -> bytes:
    """The report as PDF/A bytes."""
    return _renderer().render(report_html(report), f"cijfers {report.meta.get('period', '')}")


def write_pdf(report: Report, path: Path) -> Path:
    """Write the report to ``path`` (.pdf), atomically."""
    data = report_pdf(report)
    atomic_write(path, lambda tmp: tmp.write_bytes(data))
    return path
