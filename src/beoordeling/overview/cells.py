"""Typed cells in Dutch formats for the write-only overview, with text that never becomes a formula."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .._xlsx import put_text

__all__ = ["DATE_FORMAT", "EURO_FORMAT", "Styles"]

DATE_FORMAT = "dd-mm-yyyy"
EURO_FORMAT = '"€" #,##0.00;[Red]"€" -#,##0.00'
"""Excel shows it with the reader's separators: € 1.234,56 in a Dutch Excel."""
INTEGER_FORMAT = "#,##0"

_STYLES: dict[str, dict[str, Any]] = {
    "header": {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="DCE6F0")},
    "text": {},
    "wrapped": {"alignment": Alignment(wrap_text=True, vertical="top")},
    "date": {"number_format": DATE_FORMAT},
    "euro": {"number_format": EURO_FORMAT},
    "integer": {"number_format": INTEGER_FORMAT},
}


class Styles:
    """The overview's named styles, registered once per workbook (cells refer to them by name)."""

    def __init__(self, workbook: Workbook) -> None:
        for name, attributes in _STYLES.items():
            style = NamedStyle(name=f"beoordeling-{name}")
            for key, value in attributes.items():
                setattr(style, key, value)
            workbook.add_named_style(style)

    @staticmethod
    def cell(sheet: WriteOnlyWorksheet, value: Any, kind: str) -> Cell:
        """A cell of ``kind`` (text, wrapped, date, euro, integer or header); None stays empty."""
        cell = WriteOnlyCell(sheet)
        if value is None:
            return cell
        cell.style = f"beoordeling-{kind}"
        if isinstance(value, str) or kind in ("text", "wrapped", "header"):
            put_text(cell, str(value))
        elif isinstance(value, datetime):
            cell.value = value.replace(tzinfo=None)
        elif isinstance(value, date | Decimal | int | float):
            cell.value = value
        else:
            put_text(cell, str(value))
        return cell
