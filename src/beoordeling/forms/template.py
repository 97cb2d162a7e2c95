"""Writes a form's workbook: the blank template care providers fill in, or one filled with a plan.

Labels, help and totals are locked; only the yellow input cells are open, each with the validation
its field needs (a list to choose from, a date, an amount of at least zero, a length limit). The form's
id, version and fingerprint sit on a hidden sheet, so the importer knows what it is reading. Text from
a plan is always written as text: a value that starts with '=' never becomes a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .._files import atomic_write
from .._xlsx import put_text
from ..errors import InputError, Problem
from ..model import Plan
from ..resources import tool_version
from .cells import AMOUNT_FORMAT, number_format, to_cell
from .definition import Form, FormField
from .layout import (
    HEADER_ROW,
    INSTRUCTION_SHEET,
    META_SHEET,
    META_TOOL,
    META_VERSION,
    TABLE_ROW,
    SheetLayout,
    choice_lists,
    help_text,
    layout,
)

__all__ = ["save_workbook", "write_workbook"]

INPUT_FILL = PatternFill("solid", start_color="FFF2CC")
HEADER_FILL = PatternFill("solid", start_color="D9E1F2")
WRAP = Alignment(wrap_text=True, vertical="top")
OPEN = Protection(locked=False)
_WIDTHS = {"long-text": 60, "text": 30, "list": 40, "choice": 34, "date": 13, "amount": 16, "whole-number": 10}
_PROMPT_MAX = 250  # Excel refuses an input message longer than 255 characters
_TITLE_MAX = 32


def _put(cell: Cell, value: Any) -> None:
    """Set a value; a string stays a string even when it starts with '='."""
    if isinstance(value, str):
        put_text(cell, value)
    else:
        cell.value = value


def _validation(fld: FormField, lists: dict[str, tuple[str, list[str]]]) -> DataValidation:
    leaf = fld.leaf
    title = fld.text.label[:_TITLE_MAX]
    prompt = fld.text.help if len(fld.text.help) <= _PROMPT_MAX else fld.text.help[: _PROMPT_MAX - 1] + "…"
    common: dict[str, Any] = {"allow_blank": True, "showInputMessage": True, "showErrorMessage": True}
    common |= {"promptTitle": title, "prompt": prompt, "errorTitle": "Ongeldige waarde"}
    if leaf.choices is not None:
        letter, entries = lists[leaf.choices.__name__]
        formula = f"'{META_SHEET}'!${letter}$2:${letter}${len(entries) + 1}"
        return DataValidation("list", formula1=formula, error="Kies een waarde uit de lijst.", **common)
    if leaf.kind in ("yes-no", "present"):
        return DataValidation("list", formula1='"ja,nee"', error="Kies ja of nee.", **common)
    if leaf.kind == "date":
        error = "Vul een datum in, bijvoorbeeld 1-2-2025."
        return DataValidation(
            "date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)", error=error, **common
        )
    if leaf.kind == "amount":
        error = "Vul een bedrag in euro's in van 0 of meer, met hoogstens twee decimalen."
        return DataValidation("decimal", operator="greaterThanOrEqual", formula1="0", error=error, **common)
    if leaf.kind == "whole-number":
        low, high = leaf.minimum or 0, leaf.maximum or 999_999
        error = f"Vul een heel getal in van {low} tot en met {high}."
        return DataValidation("whole", operator="between", formula1=str(low), formula2=str(high), error=error, **common)
    if leaf.max_length is not None and leaf.kind != "list":
        error = f"Hoogstens {leaf.max_length} tekens."
        return DataValidation(
            "textLength", operator="lessThanOrEqual", formula1=str(leaf.max_length), error=error, **common
        )
    return DataValidation(**common)


def _static(ws: Worksheet, sheet: SheetLayout) -> None:
    for coordinate, text in sheet.static.items():
        _put(ws[coordinate], text)
        if ws[coordinate].row >= HEADER_ROW and sheet.section is not None:
            ws[coordinate].alignment = WRAP  # titles and intros above stay on one line and run on
    for coordinate, formula in sheet.formulas.items():
        ws[coordinate] = formula
        ws[coordinate].number_format = AMOUNT_FORMAT
        ws[coordinate].font = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=14)


def _inputs(ws: Worksheet, sheet: SheetLayout, lists: dict[str, tuple[str, list[str]]]) -> None:
    by_field: dict[str, list[str]] = {}
    fields: dict[str, FormField] = {}
    for coordinate, spot in sheet.inputs.items():
        cell = ws[coordinate]
        cell.fill = INPUT_FILL
        cell.protection = OPEN
        cell.alignment = WRAP
        cell.number_format = number_format(spot.field.leaf)
        by_field.setdefault(spot.field.path, []).append(coordinate)
        fields[spot.field.path] = spot.field
    for path, coordinates in by_field.items():
        validation = _validation(fields[path], lists)
        ws.add_data_validation(validation)
        # a table column is one range (A6:A205); a question is its own cell
        validation.add(f"{coordinates[0]}:{coordinates[-1]}" if len(coordinates) > 1 else coordinates[0])


def _shape(ws: Worksheet, sheet: SheetLayout) -> None:
    section = sheet.section
    header = Font(bold=True)
    if section is None:
        ws.column_dimensions["A"].width = 110
        for coordinate, text in sheet.static.items():
            ws[coordinate].alignment = WRAP
            ws.row_dimensions[ws[coordinate].row].height = 15 * _lines(text, 110)
        return
    if section.table is None:
        for letter, width in zip("ABCD", (42, 80, 16, 80), strict=True):
            ws.column_dimensions[letter].width = width
        for col in "ABCD":
            ws[f"{col}{HEADER_ROW}"].font = header
            ws[f"{col}{HEADER_ROW}"].fill = HEADER_FILL
        for coordinate, spot in sheet.inputs.items():
            ws[f"A{ws[coordinate].row}"].font = header if spot.field.text.required else Font()
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        return
    table = section.table
    for c, column in enumerate(table.columns, start=1):
        cell = ws.cell(HEADER_ROW, c)
        cell.font = header
        cell.fill = HEADER_FILL
        cell.comment = Comment(help_text(column.text.help, column.text.source), "beoordeling")
        ws.column_dimensions[get_column_letter(c)].width = _WIDTHS.get(column.leaf.kind, 24)
    for coordinate in sheet.formulas:
        ws.column_dimensions[ws[coordinate].column_letter].width = 18
    ws.freeze_panes = f"A{TABLE_ROW}"


def _row_heights(ws: Worksheet, sheet: SheetLayout) -> None:
    """Rows of a question sheet tall enough for their wrapped help and answer (LibreOffice does not
    grow them by itself)."""
    section = sheet.section
    if section is None or section.table is not None:
        return
    for coordinate, spot in sheet.inputs.items():
        row = ws[coordinate].row
        answer = str(ws[coordinate].value or "")
        lines = max(
            _lines(str(ws[f"D{row}"].value or ""), 80),
            _lines(answer, 75),
            5 if spot.field.leaf.kind == "long-text" else 1,
        )
        ws.row_dimensions[row].height = 15 * min(lines, 25)


def _lines(text: str, width: int) -> int:
    return sum(max(1, -(-len(part) // width)) for part in text.splitlines()) if text else 1


def _print_setup(ws: Worksheet) -> None:
    """Printed, a sheet fits the width of a landscape A4 page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _meta(ws: Worksheet, form: Form) -> None:
    ws[META_VERSION] = form.version
    _put(ws[META_TOOL], f"beoordeling {tool_version()}")
    ws.sheet_state = "veryHidden"


def write_workbook(form: Form, plan: Plan | None = None) -> Workbook:
    """The form's workbook: blank, or filled with ``plan`` (what the form has room for)."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    lists = choice_lists(form)
    values = plan.model_dump(mode="python") if plan is not None else None
    problems: list[Problem] = []
    for sheet in layout(form):
        ws = workbook.create_sheet(sheet.name)
        _static(ws, sheet)
        _inputs(ws, sheet, lists)
        _shape(ws, sheet)
        if sheet.name == META_SHEET:
            _meta(ws, form)
        else:
            _protect(ws)
            _print_setup(ws)
        if values is not None:
            problems.extend(_fill(ws, sheet, values, plan.id if plan else ""))
        _row_heights(ws, sheet)
    if problems:
        raise InputError(problems)
    workbook.properties.title = form.title
    workbook.properties.subject = form.stamp
    workbook.properties.creator = "beoordeling"
    workbook.active = workbook.sheetnames.index(INSTRUCTION_SHEET)
    return workbook


def _value_at(data: Any, keys: tuple[str | int, ...]) -> Any:
    for key in keys:
        if data is None:
            return None
        data = data[key] if isinstance(key, int) else data.get(key)
    return data


def _fill(ws: Worksheet, sheet: SheetLayout, values: dict[str, Any], plan_id: str) -> list[Problem]:
    section = sheet.section
    if section is None:
        return []
    if section.table is None:
        for coordinate, spot in sheet.inputs.items():
            _put(ws[coordinate], to_cell(spot.field.leaf, _value_at(values, spot.loc)))
        return []
    table = section.table
    rows = _value_at(values, table.keys) or []
    if len(rows) > table.rows:
        message = f"the plan has {len(rows)} rows here; the form's sheet {section.sheet!r} has room for {table.rows}"
        return [Problem(message, plan_id, table.keys)]
    for coordinate, spot in sheet.inputs.items():
        if spot.row is not None and spot.row < len(rows):
            _put(ws[coordinate], to_cell(spot.field.leaf, _value_at(rows[spot.row], spot.loc)))
    return []


def save_workbook(form: Form, path: Path | str, plan: Plan | None = None) -> Path:
    """Write the workbook atomically: a reader finds the old file or the new one, never half of one."""
    workbook = write_workbook(form, plan)
    return atomic_write(Path(path), workbook.save)
