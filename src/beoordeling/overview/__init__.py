"""The Excel overview of a store: what the insurers keep in their spreadsheets today, from the record.

sheets   the rows of each sheet from one pass over the events (the pure step)
cells    typed cells with Dutch formats; text never becomes a formula
writer   the workbook in openpyxl's write-only mode
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..store import Store
from ..workflow import Policy
from .sheets import Column, Sheet, overview_sheets
from .writer import write_overview

__all__ = ["Column", "Sheet", "overview_sheets", "save_overview", "write_overview"]


def save_overview(store: Store, path: Path, *, on: date, policy: Policy | None = None) -> list[Sheet]:
    """Write the overview of ``store`` on ``on`` to ``path``; return its sheets."""
    sheets = overview_sheets(store, on=on, policy=policy)
    write_overview(sheets, path)
    return sheets
