"""The overview as an Excel workbook: openpyxl's write-only mode, so memory stays flat however
many plans there are. Every sheet gets a bold frozen header row, an autofilter over its rows and
column widths that fit its content; cells keep their types with Dutch formats. Every sheet prints:
A4 landscape, fitted to the page width, the header row repeated on every page, rows with wrapped
text as tall as their text, and a total under each column of amounts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from types import MethodType
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from .._files import atomic_write
from .cells import Styles
from .sheets import Column, Sheet

__all__ = ["write_overview"]


def write_overview(sheets: Sequence[Sheet], path: Path) -> Path:
    """Write ``sheets`` to ``path`` (atomically: a reader finds the old file or the new one).

    The workbook is made only once the temporary file beside ``path`` exists: a write-only sheet
    streams to disk as rows arrive, and one abandoned because the target cannot be written would
    print tracebacks when the garbage collector closes it."""
    return atomic_write(path, lambda tmp: _workbook(sheets).save(tmp))


_LINE_POINTS = 15.0
"""The height of one line of 11-point text in a row, in points (Excel's default row height)."""
_MAX_ROW_POINTS = 409.0
"""Excel's largest row height."""


def _workbook(sheets: Sequence[Sheet]) -> Workbook:
    workbook = Workbook(write_only=True)
    styles = Styles(workbook)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        ws._values_to_row = MethodType(_values_to_row, ws)
        for number, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(number)].width = _width(column)
        ws.freeze_panes = "A2"
        _print_setup(ws)
        header = styles.maker(ws, "header")
        header_lines = max(_lines(column.header, _width(column) - 4) for column in sheet.columns)  # bold, filter
        if header_lines > 1:  # a header wraps between its words: the row must hold them all
            ws.row_dimensions[1].height = header_lines * _LINE_POINTS
        ws.append([header(column.header) for column in sheet.columns])
        makers = [styles.maker(ws, column.kind) for column in sheet.columns]
        tall_makers = [styles.maker(ws, column.kind, styled_always=True) for column in sheet.columns]
        wrapped = [(i, _width(column)) for i, column in enumerate(sheet.columns) if column.kind == "wrapped"]
        heights = ws.row_dimensions
        for number, row in enumerate(sheet.rows, start=2):
            lines = max((_lines(row[i], width) for i, width in wrapped), default=1)
            if lines > 1:
                heights[number].height = min(lines * _LINE_POINTS, _MAX_ROW_POINTS)
            row_makers = tall_makers if lines > 1 else makers
            ws.append([make(value) for make, value in zip(row_makers, row, strict=True)])
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{len(sheet.rows) + 1}"
        totals = _totals(sheet)
        if totals is not None:
            total = styles.maker(ws, "total")
            ws.append([])
            ws.append([total(value) for value in totals])
    workbook.properties.creator = "beoordeling"
    if any(sheet.name == "Voorbeeld" for sheet in sheets):
        workbook.properties.title = "Voorbeeld: overzicht uit een oefenomgeving"
        workbook.properties.keywords = "voorbeeld"
    return workbook


def _values_to_row(ws: Any, values: Sequence[Any], row_idx: int) -> Iterator[Cell]:
    """openpyxl's write-only ``_values_to_row``, with a ready cell passed through at once.

    openpyxl first assigns every value to a scratch cell and only takes a cell it was given from
    the ``ValueError`` that raises, then makes a new scratch cell because the given one had a
    style: an exception and an allocation for each of the overview's styled cells (a sixth of its
    time). A cell goes straight through here; a plain value is handled as openpyxl does."""
    scratch = WriteOnlyCell(ws)
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            value.column = col_idx
            value.row = row_idx
            yield value
            continue
        scratch.value = value
        scratch.column = col_idx
        scratch.row = row_idx
        yield scratch
        if scratch.has_style:  # openpyxl gives a date its number format: that cell is then its own
            scratch = WriteOnlyCell(ws)


def _print_setup(ws: Any) -> None:
    """A4 landscape, as wide as the page and as many pages long as needed, the header on each."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4 in SpreadsheetML's numbering
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.print_options.horizontalCentered = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6


def _width(column: Column) -> int:
    """The column's width, at least its longest header word in bold with the filter button beside
    it: a header may wrap between words, never inside one."""
    return max(column.width, max(len(word) for word in column.header.split()) + 5)


def _lines(value: object, width: int) -> int:
    """How many lines a wrapped text takes in a column ``width`` characters wide (a close estimate:
    Excel measures glyphs, this wraps words at the column width in characters)."""
    if not isinstance(value, str):
        return 1
    per_line = max(int(width), 1)  # a little under what fits: fonts differ between Excel and LibreOffice
    if len(value) <= per_line and "\n" not in value:
        return 1  # most cells: one line, nothing to split
    return sum(_wrapped_lines(paragraph, per_line) for paragraph in value.split("\n"))


def _wrapped_lines(paragraph: str, per_line: int) -> int:
    """The lines of one paragraph broken between words at ``per_line`` characters, as
    ``textwrap.wrap`` breaks single-spaced text (a test holds the two together), counted without
    making the lines: a word longer than a line starts in what is left of the current line and
    runs on over as many lines as it needs."""
    lines, used = 0, 0
    for word in paragraph.split():
        size = len(word)
        if lines and used + 1 + size <= per_line:
            used += 1 + size
            continue
        if size <= per_line:
            lines, used = lines + 1, size
            continue
        if lines and used + 1 < per_line:
            size -= per_line - used - 1  # its start fills the current line
        full, rest = divmod(size, per_line)
        lines, used = lines + full + (1 if rest else 0), rest or per_line
    return max(lines, 1)


def _totals(sheet: Sheet) -> list[object] | None:
    """The total row of a sheet with columns of amounts: 'Totaal' and the sum under each."""
    amounts = [i for i, column in enumerate(sheet.columns) if column.kind == "euro"]
    if not amounts or not sheet.rows:
        return None
    row: list[object] = [None] * len(sheet.columns)
    count = len(sheet.rows)
    row[0] = f"Totaal ({count} {'rij' if count == 1 else 'rijen'})"
    for i in amounts:
        row[i] = sum((value for value in (r[i] for r in sheet.rows) if isinstance(value, Decimal)), Decimal("0.00"))
    return row
