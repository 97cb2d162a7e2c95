"""The overview as an Excel workbook: openpyxl's write-only mode, so memory stays flat however
many plans there are. Every sheet gets a bold frozen header row, an autofilter over its rows and
column widths that fit its content; cells keep their types with Dutch formats."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .._files import atomic_write
from .cells import Styles
from .sheets import Sheet

__all__ = ["write_overview"]


def write_overview(sheets: Sequence[Sheet], path: Path) -> Path:
    """Write ``sheets`` to ``path`` (atomically: a reader finds the old file or the new one).

    The workbook is made only once the temporary file beside ``path`` exists: a write-only sheet
    streams to disk as rows arrive, and one abandoned because the target cannot be written would
    print tracebacks when the garbage collector closes it."""
    return atomic_write(path, lambda tmp: _workbook(sheets).save(tmp))


def _workbook(sheets: Sequence[Sheet]) -> Workbook:
    workbook = Workbook(write_only=True)
    styles = Styles(workbook)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        for number, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(number)].width = column.width
        ws.freeze_panes = "A2"
        header = styles.maker(ws, "header")
        ws.append([header(column.header) for column in sheet.columns])
        makers = [styles.maker(ws, column.kind) for column in sheet.columns]
        for row in sheet.rows:
            ws.append([make(value) for make, value in zip(makers, row, strict=True)])
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{len(sheet.rows) + 1}"
    workbook.properties.creator = "beoordeling"
    if any(sheet.name == "Voorbeeld" for sheet in sheets):
        workbook.properties.title = "Voorbeeld: overzicht uit een oefenomgeving"
        workbook.properties.keywords = "voorbeeld"
    return workbook
