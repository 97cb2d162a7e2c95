"""The quarterly report as an Excel workbook: a summary sheet, then one sheet per table, each with
its native Excel chart where it has one, Dutch number formats, and a page set up for A4.

Values keep their types (whole numbers, shares, euros), so a reader can sort, filter and add up;
every text is written as text, never as a formula (:func:`.._xlsx.put_text`). The workbook holds
no moment of writing: its properties carry the period's last day, so the same report gives the
same cells every time.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .._files import atomic_write
from .._xlsx import put_text
from ..money import euros
from .content import Chart, Column, Report, Table

__all__ = ["FORMATS", "write_workbook"]

FORMATS = {
    "count": "#,##0",
    "number": "#,##0.0",
    "days": "#,##0",
    "share": "0%",
    "euro": '"€" #,##0.00',
    "p": "0.000",
}
"""Excel's number formats per kind of column; Excel shows them with the reader's separators
(a Dutch Excel writes 1.234,56)."""

SUMMARY_WIDTH = 74
"""The summary sheet's one column, in Excel's character widths: as wide as an A4 page in portrait
takes it at full size, so that its texts wrap within the page instead of shrinking it."""

_HEADER = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1B4F72")
_TITLE = Font(bold=True, size=13, color="1B4F72")
_NOTE = Font(italic=True, size=9, color="555555")
_PRACTICE = Font(bold=True, color="B03A2E")


def write_workbook(report: Report, path: Path) -> Path:
    """Write ``report`` to ``path`` (.xlsx), atomically."""
    book = Workbook()
    _summary(cast("Worksheet", book.active), report)
    for table in report.tables:
        _sheet(book.create_sheet(table.key[:31]), table, report)
    created = datetime.combine(datetime.fromisoformat(report.created).date(), time(0))
    book.properties.creator = "beoordeling"
    book.properties.title = f"{report.title} – {report.period}"
    book.properties.created = book.properties.modified = created
    book.properties.lastModifiedBy = "beoordeling"
    atomic_write(path, book.save)
    return path


def _cell(ws: Worksheet, row: int, column: int) -> Cell:
    """A cell of a sheet without merged cells (this workbook has none)."""
    return cast("Cell", ws.cell(row, column))


def _page(ws: Worksheet, *, landscape: bool, header_row: int | None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.5
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.freeze_panes = f"A{header_row + 1}"


def _summary(ws: Worksheet, report: Report) -> None:
    ws.title = "Samenvatting"
    ws.column_dimensions["A"].width = SUMMARY_WIDTH
    row = 1
    title = f"{report.title}, {report.period}"
    put_text(_cell(ws, row, 1), title)
    _cell(ws, row, 1).font = _TITLE
    _cell(ws, row, 1).alignment = Alignment(wrap_text=True, vertical="top")  # a long title wraps, not shrinks the page
    ws.row_dimensions[row].height = 18 * _lines(title, SUMMARY_WIDTH - 20)  # larger letters: fewer to a line
    row += 1
    if report.practice:
        put_text(_cell(ws, row, 1), "VOORBEELD · cijfers uit een oefenomgeving, niet die van het programma")
        _cell(ws, row, 1).font = _PRACTICE
        row += 1
    put_text(_cell(ws, row, 1), report.as_of)
    _cell(ws, row, 1).font = _NOTE
    _cell(ws, row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[row].height = 12 * _lines(report.as_of, SUMMARY_WIDTH + 30)
    row += 2
    sections = [("Samenvatting", report.summary)]
    if report.previous is not None:
        sections.append((f"Wat veranderde sinds {report.previous}", report.changes))
    sections.append(("Methode", report.method))
    for heading, lines in sections:
        put_text(_cell(ws, row, 1), heading)
        _cell(ws, row, 1).font = Font(bold=True)
        row += 1
        for line in lines:
            cell = _cell(ws, row, 1)
            put_text(cell, line)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = 15 * _lines(line, SUMMARY_WIDTH + 10)
            row += 1
        row += 1
    sheets = "De tabellen staan elk op een eigen blad: " + ", ".join(t.key for t in report.tables)
    put_text(_cell(ws, row, 1), sheets)
    _cell(ws, row, 1).font = _NOTE
    _cell(ws, row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[row].height = 12 * _lines(sheets, SUMMARY_WIDTH + 30)
    _page(ws, landscape=False, header_row=None)


def _sheet(ws: Worksheet, table: Table, report: Report) -> None:
    put_text(_cell(ws, 1, 1), table.title)
    _cell(ws, 1, 1).font = _TITLE
    put_text(_cell(ws, 2, 1), f"{report.period}. {table.note}".strip())
    _cell(ws, 2, 1).font = _NOTE
    header = 4
    for number, column in enumerate(table.columns, start=1):
        cell = _cell(ws, header, number)
        put_text(cell, column.header)
        cell.font, cell.fill = _HEADER, _HEADER_FILL
        cell.alignment = Alignment(
            wrap_text=True, vertical="center", horizontal="left" if column.kind == "text" else "right"
        )
        ws.column_dimensions[get_column_letter(number)].width = column.width
    ws.row_dimensions[header].height = 15 * max(_lines(column.header, column.width) for column in table.columns)
    for offset, values in enumerate(table.rows, start=1):
        for number, (column, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            _put(_cell(ws, header + offset, number), column, value)
        wrapped = [_lines(v, c.width) for c, v in zip(table.columns, values, strict=True) if isinstance(v, str)]
        if max(wrapped, default=1) > 1:
            ws.row_dimensions[header + offset].height = 15 * max(wrapped)
    last = header + len(table.rows)
    if table.rows:
        ws.auto_filter.ref = f"A{header}:{get_column_letter(len(table.columns))}{last}"
    if table.chart is not None and any(row[c] for row in table.rows for c in table.chart.series):
        _chart(ws, table, table.chart, header, last)
    _page(ws, landscape=len(table.columns) > 5, header_row=header)


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide, wrapped at words
    (Excel does not size a row to its wrapped text by itself)."""
    lines, used = 1, 0
    room = max(width - 1, 4)
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, 0
        used += len(word) + (1 if used else 0)
        while used > room:
            lines, used = lines + 1, used - room
    return min(lines, 20)


def _put(cell: Cell, column: Column, value: Any) -> None:
    if value is None:
        return
    if column.kind == "text" or isinstance(value, str):
        put_text(cell, str(value))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return
    cell.alignment = Alignment(vertical="top")
    if column.kind == "euro":
        cell.value = Decimal(euros(int(value)))
    elif column.kind == "number" and isinstance(value, int):
        cell.value = value
        cell.number_format = FORMATS["count"]
        return
    else:
        cell.value = value
    cell.number_format = FORMATS.get(column.kind, "General")


def _chart(ws: Worksheet, table: Table, spec: Chart, header: int, last: int) -> None:
    chart = BarChart()
    chart.type = "bar" if spec.horizontal else "col"
    chart.title = spec.title
    chart.style = 10
    if len(spec.series) > 1 and chart.legend is not None:
        chart.legend.position = "b"
    else:
        chart.legend = None
    for column in spec.series:
        data = Reference(ws, min_col=column + 1, min_row=header, max_row=last)
        chart.add_data(data, titles_from_data=True)
    first, final = spec.categories[0] + 1, spec.categories[-1] + 1
    chart.set_categories(Reference(ws, min_col=first, max_col=final, min_row=header + 1, max_row=last))
    if spec.percent:
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    else:
        chart.y_axis.number_format = FORMATS["euro"] if table.columns[spec.series[0]].kind == "euro" else "#,##0"
    if spec.horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first row on top, as in the table
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    rows = last - header
    chart.width = 18
    chart.height = min(max(7.5, 0.32 * rows * len(spec.series) + 3), 16) if spec.horizontal else 8
    ws.add_chart(chart, f"A{last + 3}")  # below the table: on the page after it when printed
