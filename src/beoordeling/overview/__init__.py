"""The Excel overview of a store: what the insurers keep in their spreadsheets today, from the record.

sheets   the rows of each sheet from one pass over the events (the pure step)
cells    typed cells with Dutch formats; text never becomes a formula
writer   the workbook in openpyxl's write-only mode
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..store import Reading, Store
from .sheets import Column, Sheet, overview_sheets
from .writer import write_overview

__all__ = ["Column", "Sheet", "overview_sheets", "save_overview", "write_overview"]


def save_overview(store: Store, path: Path, *, on: date, reading: Reading = Reading.HAPPENED) -> list[Sheet]:
    """Write the overview of ``store`` on ``on`` (as it happened, or as it was known) to ``path``;
    return its sheets."""
    sheets = overview_sheets(store, on=on, reading=reading)
    write_overview(sheets, path)
    return sheets
