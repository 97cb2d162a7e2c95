"""Text in Excel cells that stays text: shared by the submission forms and the overview.

Text written by submitters is untrusted. A string that begins with ``=``, ``+``, ``-``, ``@``, a tab
or a line break could be taken for a formula by Excel, or by whatever reads an export of the sheet,
so every string is written as a string cell, with Excel's quote prefix for those first characters.
Line breaks are stored as LF, characters that XML cannot hold become U+FFFD, and overlong text is
cut at Excel's limit of 32,767 characters, so writing never fails on what someone typed.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

__all__ = ["EXCEL_TEXT_LIMIT", "FORMULA_TRIGGERS", "clean_text", "put_text"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
EXCEL_TEXT_LIMIT = 32_767


def clean_text(value: str) -> str:
    """Text as a cell can hold it: line breaks as LF (XML reads a CR as one), no characters XML
    forbids, at most Excel's limit."""
    if value.isprintable() and len(value) <= EXCEL_TEXT_LIMIT:
        return value  # no control characters at all: nothing to do (most text, and the overview's hot path)
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value.replace("\r\n", "\n").replace("\r", "\n"))
    if len(value) > EXCEL_TEXT_LIMIT:
        value = value[: EXCEL_TEXT_LIMIT - 1] + "…"
    return value


def put_text(cell: Cell, value: str) -> None:
    """Write ``value`` into ``cell`` as a string, never as a formula (style the cell first)."""
    value = clean_text(value)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
