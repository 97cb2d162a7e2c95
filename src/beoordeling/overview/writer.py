"""The overview as an Excel workbook, written as SpreadsheetML directly (:mod:`.spreadsheetml`),
row by row, so memory stays flat however many plans there are. Every sheet gets a bold frozen
header row, an autofilter over its rows and column widths that fit its content; cells keep their
types with Dutch formats. Every sheet prints: A4 landscape, fitted to the page width, the header
row repeated on every page, rows with wrapped text as tall as their text, and a total under each
column of amounts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from .._files import atomic_write
from .sheets import Column, Sheet
from .spreadsheetml import Book, SheetSpec, write_book

__all__ = ["write_overview"]


def write_overview(sheets: Sequence[Sheet], path: Path) -> Path:
    """Write ``sheets`` to ``path`` (atomically: a reader finds the old file or the new one)."""
    practice = any(sheet.name == "Voorbeeld" for sheet in sheets)
    book = Book(
        [_spec(sheet) for sheet in sheets], creator="beoordeling",
        title="Voorbeeld: overzicht uit een oefenomgeving" if practice else None,
        keywords="voorbeeld" if practice else None,
    )  # fmt: skip
    return atomic_write(path, lambda tmp: write_book(book, tmp))


_LINE_POINTS = 15.0
"""The height of one line of 11-point text in a row, in points (Excel's default row height)."""
_MAX_ROW_POINTS = 409.0
"""Excel's largest row height."""


def _spec(sheet: Sheet) -> SheetSpec:
    widths = tuple(float(_width(column)) for column in sheet.columns)
    header_lines = max(_lines(column.header, _width(column) - 4) for column in sheet.columns)  # bold, filter
    return SheetSpec(
        name=sheet.name,
        kinds=tuple(column.kind for column in sheet.columns),
        widths=widths,
        header=tuple(column.header for column in sheet.columns),
        header_height=header_lines * _LINE_POINTS if header_lines > 1 else None,  # wraps between its words
        rows=_sized(sheet),
        totals=_totals(sheet),
        row_count=len(sheet.rows),
    )


def _sized(sheet: Sheet) -> Iterator[tuple[Sequence[Any], float | None]]:
    """Each row with its height: as tall as its most wrapped text (None: one line)."""
    wrapped = [(i, _width(column)) for i, column in enumerate(sheet.columns) if column.kind == "wrapped"]
    for row in sheet.rows:
        lines = max((_lines(row[i], width) for i, width in wrapped), default=1)
        yield row, min(lines * _LINE_POINTS, _MAX_ROW_POINTS) if lines > 1 else None


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
