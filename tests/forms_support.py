"""Fills a blank form template the way a person would, without the package's own writer.

Cells are found by the labels a person reads (column A on a question sheet, row 4 on a table sheet);
values go in as typed in Excel: dates as dates, amounts as numbers (floats), choices by their Dutch
label, ja/nee, lists one per line. So the round-trip tests check the reader against the template,
not the writer against itself.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from beoordeling import Plan
from beoordeling.forms import Form

HEADER_ROW, FIRST_TABLE_ROW = 4, 6


def typed(value: Any) -> Any:
    """What a person types for a model value."""
    if isinstance(value, Enum):
        return value.label  # type: ignore[attr-defined]
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, list):
        return "\n".join(value)
    return value


def _get(data: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _row_of(ws: Worksheet, label: str) -> int:
    for (cell,) in ws.iter_rows(min_col=1, max_col=1):
        if cell.value == label:
            return int(cell.row)
    raise KeyError(f"no label {label!r} on sheet {ws.title}")


def _column_of(ws: Worksheet, label: str) -> int:
    for cell in ws[HEADER_ROW]:
        if cell.value == label:
            return int(cell.column)
    raise KeyError(f"no column {label!r} on sheet {ws.title}")


def fill(template: Path, form: Form, plan: Plan, target: Path) -> Path:
    """Type ``plan`` into a copy of the blank ``template``."""
    workbook = openpyxl.load_workbook(template)
    data = plan.model_dump(mode="python")
    for section in form.sections:
        ws = workbook[section.sheet]
        for field in section.fields:
            value = _get(data, field.keys)
            if value not in (None, []):
                answer = "ja" if field.leaf.kind == "present" else typed(value)
                ws.cell(_row_of(ws, field.text.label), 2, answer)
        if section.table is None:
            continue
        rows = _get(data, section.table.keys) or []
        for column in section.table.columns:
            col = _column_of(ws, column.text.label)
            for i, row in enumerate(rows):
                value = _get(row, column.keys)
                if value not in (None, []):
                    ws.cell(FIRST_TABLE_ROW + i, col, typed(value))
    workbook.save(target)
    return target


def rewrite(
    source: Path, target: Path, changes: dict[str, bytes | None], extra: dict[str, bytes] | None = None
) -> Path:
    """Copy a workbook package, replacing (or with None removing) parts and adding ``extra`` ones."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in changes:
                replacement = changes[info.filename]
                if replacement is not None:
                    dst.writestr(info.filename, replacement)
                continue
            dst.writestr(info, src.read(info.filename))
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return target


def edit(source: Path, target: Path, **cells: Any) -> Path:
    """Copy a workbook with cells changed through openpyxl: ``edit(a, b, **{"Algemeen!B5": "x"})``."""
    workbook = openpyxl.load_workbook(source)
    for place, value in cells.items():
        sheet, cell = place.split("!")
        workbook[sheet][cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    target.write_bytes(buffer.getvalue())
    return target
