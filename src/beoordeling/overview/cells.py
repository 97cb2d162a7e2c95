"""Typed cells in Dutch formats for the write-only overview, with text that never becomes a formula."""

from __future__ import annotations

from copy import copy
from datetime import datetime
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .._xlsx import FORMULA_TRIGGERS, clean_text, put_text

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
    """The overview's named styles, registered once per workbook.

    Each kind's style is resolved once; cells share that resolved style (a write-only cell is
    written and dropped at once), and only a cell that changes it (a quote prefix) gets a copy.
    Resolving the named style for every cell took a third of the overview's time (bench/)."""

    def __init__(self, workbook: Workbook) -> None:
        self._arrays: dict[str, StyleArray] = {}
        probe = workbook.create_sheet("_probe")
        for name, attributes in _STYLES.items():
            style = NamedStyle(name=f"beoordeling-{name}")
            for key, value in attributes.items():
                setattr(style, key, value)
            workbook.add_named_style(style)
            cell = WriteOnlyCell(probe)
            cell.style = style.name
            self._arrays[name] = cell._style  # type: ignore[attr-defined]  # resolved once, shared by the kind's cells
        workbook.remove(probe)

    def cell(self, sheet: WriteOnlyWorksheet, value: Any, kind: str) -> Cell | str | None:
        """A cell of ``kind`` (text, wrapped, date, euro, integer or header); None stays empty.

        Plain text in the default style goes to openpyxl as a bare string, which it writes as a
        string (only a leading ``=`` would make it a formula, and such text never takes this path)."""
        if value is None:
            return None
        if isinstance(value, str) or kind in ("text", "wrapped", "header"):
            text = str(value)
            if kind == "text" and not text.startswith(FORMULA_TRIGGERS):
                cleaned = clean_text(text)
                if not cleaned.startswith(FORMULA_TRIGGERS):
                    return cleaned
            cell = WriteOnlyCell(sheet)
            shared = self._arrays[kind]
            cell._style = copy(shared) if text.startswith(FORMULA_TRIGGERS) else shared  # type: ignore[attr-defined]
            put_text(cell, text)
            return cell
        cell = WriteOnlyCell(sheet)
        cell._style = self._arrays[kind]  # type: ignore[attr-defined]
        cell.value = value.replace(tzinfo=None) if isinstance(value, datetime) else value
        return cell
