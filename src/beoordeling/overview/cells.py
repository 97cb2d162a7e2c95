"""Typed cells in Dutch formats for the write-only overview, with text that never becomes a formula."""

from __future__ import annotations

from collections.abc import Callable
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

FONT = "Calibri"
"""Every style names its font (Excel's own default): a style without one falls back to a serif
font in LibreOffice."""

_STYLES: dict[str, dict[str, Any]] = {
    "header": {
        "font": Font(name=FONT, size=11, bold=True),
        "fill": PatternFill("solid", fgColor="DCE6F0"),
        "alignment": Alignment(wrap_text=True, vertical="top"),
    },
    "text": {"font": Font(name=FONT, size=11), "alignment": Alignment(vertical="top")},
    "wrapped": {"font": Font(name=FONT, size=11), "alignment": Alignment(wrap_text=True, vertical="top")},
    "date": {"font": Font(name=FONT, size=11), "number_format": DATE_FORMAT, "alignment": Alignment(vertical="top")},
    "euro": {"font": Font(name=FONT, size=11), "number_format": EURO_FORMAT, "alignment": Alignment(vertical="top")},
    "integer": {"font": Font(name=FONT, size=11), "alignment": Alignment(vertical="top")},
    "total": {"font": Font(name=FONT, size=11, bold=True), "number_format": EURO_FORMAT},
}


class _StyledCell(Cell):
    """A write-only cell whose style id is known: openpyxl would otherwise hash the cell's style
    array to look the id up again for every cell it writes."""

    __slots__ = ("_style_id",)
    _style_id: int

    @property
    def style_id(self) -> int:
        return self._style_id


Maker = Callable[[Any], "Cell | str | int | None"]
"""Turns one value of a column into what openpyxl's write-only ``append`` takes."""


class Styles:
    """The overview's named styles, registered once per workbook, and a cell maker per column kind.

    Each kind's style is resolved once; its cells share that resolved style and its id (a write-only
    cell is written and dropped at once), and only a cell that changes it (a quote prefix) gets its
    own. Resolving the named style for every cell took a third of the overview's time (bench/)."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
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

    def maker(self, sheet: WriteOnlyWorksheet, kind: str, *, styled_always: bool = False) -> Maker:
        """The cell maker for a column of ``kind`` (text, wrapped, date, euro, integer or header); None stays empty.

        Plain text and whole numbers go as bare values in the default style (the fast path);
        ``styled_always`` gives them their kind's style too, aligned to the top, for a row made
        taller by wrapped text, where a bare value would sit at the bottom.

        Whole numbers keep Excel's General format: they are versions, days and event numbers, which
        a thousands separator would only garble (event 1.234)."""
        shared = self._arrays[kind]
        style_id = self._workbook._cell_styles.add(shared)  # type: ignore[attr-defined]

        def styled() -> Cell:
            cell = _StyledCell(sheet, row=1, column=1)
            cell._style = shared  # type: ignore[attr-defined]
            cell._style_id = style_id
            return cell

        def text(value: Any) -> Cell | str | None:
            if value is None:
                return None
            cleaned = clean_text(str(value))
            guarded = cleaned.startswith(FORMULA_TRIGGERS)
            if kind == "text" and not guarded and not styled_always:
                return cleaned  # plain text in the default style goes as a bare string
            if guarded:
                cell = WriteOnlyCell(sheet)
                cell._style = copy(shared)  # type: ignore[attr-defined]  # the quote prefix is this cell's own
            else:
                cell = styled()
            put_text(cell, cleaned)
            return cell

        def typed(value: Any) -> Cell | str | int | None:
            if value is None:
                return None
            if isinstance(value, str):
                return text(value)
            if kind == "integer" and not styled_always:
                return int(value)  # General format: a version, a count of days, an event number
            cell = styled()
            cell.value = value.replace(tzinfo=None) if isinstance(value, datetime) else value
            return cell

        return text if kind in ("text", "wrapped", "header") else typed  # "total": a label or a sum
