"""Where everything of a form sits in its workbook: the one map the writer and the reader share.

A fields sheet has a question per row (label in A, answer in B, the step that requires it in C, the
help in D). A table sheet has its column labels in row 4, what each column requires in row 5, input
rows below, a totals row, and subtotals beside the table. The reader checks a workbook against the
same map: a value outside the input cells, or a changed label, is reported instead of lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from openpyxl.utils import get_column_letter

from .._citations import framework_source
from ..errors import Loc
from ..model._types import LabelledEnum
from ._model import Leaf
from .definition import STEP_LABELS, Form, FormField, FormTable, Section

__all__ = ["INSTRUCTION_SHEET", "META_SHEET", "Input", "SheetLayout", "choice_lists", "layout"]

INSTRUCTION_SHEET = "Toelichting"
META_SHEET = "_formulier"
META_FORM, META_VERSION, META_STAMP, META_TOOL = "B1", "B2", "B3", "B4"

FIELD_HEADERS = ("Vraag", "Antwoord", "Verplicht voor", "Toelichting")
HEADER_ROW = 4
FIELD_ROW = 5
TABLE_NEEDS_ROW = 5
TABLE_ROW = 6


@dataclass(frozen=True)
class Input:
    """An input cell: the field it holds and, in a table, which of the table's rows it is on."""

    field: FormField
    loc: Loc
    """The model path for a field; for a table, relative to the row."""
    table: FormTable | None = None
    row: int | None = None


@dataclass
class SheetLayout:
    """One sheet: its input cells, and the texts and formulas the tool writes there itself."""

    name: str
    section: Section | None = None
    static: dict[str, str] = field(default_factory=dict)
    formulas: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, Input] = field(default_factory=dict)
    table_cells: dict[tuple[str, int], str] = field(default_factory=dict)
    """A table's input cell by column path and row (0-based)."""
    total_row: int | None = None


def required_text(fld: FormField) -> str:
    """What column C (or a table's row 5) says about a field: the step that requires it."""
    if fld.text.required:
        return STEP_LABELS[fld.text.required]
    return "verplicht" if fld.leaf.required and fld.leaf.kind != "yes-no" else ""


def help_text(text: str, source: str) -> str:
    return f"{text} (bron: {framework_source(source)})"


def choice_lists(form: Form) -> dict[str, tuple[str, list[str]]]:
    """Per choice list used by the form: the column on the hidden sheet and its entries."""
    enums: dict[str, type[LabelledEnum]] = {}
    for fld in _all_fields(form):
        if fld.leaf.choices is not None:
            enums.setdefault(fld.leaf.choices.__name__, fld.leaf.choices)
    lists: dict[str, tuple[str, list[str]]] = {}
    for i, (name, enum) in enumerate(sorted(enums.items())):
        lists[name] = (get_column_letter(4 + i), [member.label for member in enum])
    return lists


def _all_fields(form: Form) -> list[FormField]:
    found: list[FormField] = []
    for section in form.sections:
        found.extend(section.fields)
        if section.table:
            found.extend(section.table.columns)
    return found


def _fields_sheet(section: Section) -> SheetLayout:
    sheet = SheetLayout(section.sheet, section)
    sheet.static["A1"] = section.title
    if section.intro:
        sheet.static["A2"] = section.intro
    for col, header in enumerate(FIELD_HEADERS, start=1):
        sheet.static[f"{get_column_letter(col)}{HEADER_ROW}"] = header
    for i, fld in enumerate(section.fields):
        row = FIELD_ROW + i
        sheet.static[f"A{row}"] = fld.text.label
        if needs := required_text(fld):
            sheet.static[f"C{row}"] = needs
        sheet.static[f"D{row}"] = help_text(fld.text.help, fld.text.source)
        sheet.inputs[f"B{row}"] = Input(fld, fld.keys)
    return sheet


def _table_sheet(section: Section, table: FormTable) -> SheetLayout:
    sheet = SheetLayout(section.sheet, section)
    sheet.static["A1"] = section.title
    sheet.static["A2"] = help_text(table.text.help, table.text.source)
    if table.text.required:
        sheet.static["A3"] = f"Minstens één regel verplicht voor: {STEP_LABELS[table.text.required]}."
    last = TABLE_ROW + table.rows - 1
    letters = {column.path: get_column_letter(c) for c, column in enumerate(table.columns, start=1)}
    for column in table.columns:
        letter = letters[column.path]
        sheet.static[f"{letter}{HEADER_ROW}"] = column.text.label
        if needs := required_text(column):
            sheet.static[f"{letter}{TABLE_NEEDS_ROW}"] = needs
        for row in range(table.rows):
            coordinate = f"{letter}{TABLE_ROW + row}"
            sheet.inputs[coordinate] = Input(column, column.keys, table, row)
            sheet.table_cells[column.path, row] = coordinate
    if table.totals:
        sheet.total_row = last + 1
        sheet.static[f"A{last + 1}"] = "Totaal"
        for path in table.totals:
            letter = letters[path]
            sheet.formulas[f"{letter}{last + 1}"] = f"=SUM({letter}{TABLE_ROW}:{letter}{last})"
    summed = letters[table.totals[0]] if table.totals else None
    start = len(table.columns) + 2
    for path in table.group_totals:
        column = table.column(path)
        key, value = get_column_letter(start), get_column_letter(start + 1)
        sheet.static[f"{key}{HEADER_ROW}"] = f"Totaal per {column.text.label.lower()}"
        sheet.static[f"{value}{HEADER_ROW}"] = table.column(table.totals[0]).text.label
        for i, entry in enumerate(_group_values(column.leaf)):
            row = TABLE_NEEDS_ROW + i
            sheet.static[f"{key}{row}"] = entry
            crit = f"${letters[path]}${TABLE_ROW}:${letters[path]}${last}"
            sheet.formulas[f"{value}{row}"] = f"=SUMIF({crit},{key}{row},${summed}${TABLE_ROW}:${summed}${last})"
        start += 3
    return sheet


def _group_values(leaf: Leaf) -> list[str]:
    if leaf.choices is not None:
        return [member.label for member in leaf.choices]
    if leaf.minimum is None or leaf.maximum is None:
        return []  # the form check refuses such a column
    return [str(year) for year in range(leaf.minimum, leaf.maximum + 1)]


def _instruction_sheet(form: Form) -> SheetLayout:
    sheet = SheetLayout(INSTRUCTION_SHEET)
    sheet.static["A1"] = form.title
    sheet.static["A2"] = f"Formulier {form.id}, versie {form.version} (kenmerk {form.stamp})"
    sheet.static["A3"] = f"Bron: {framework_source(form.source_text)}"
    row = 5
    for paragraph in form.instructions.splitlines():
        if paragraph.strip():
            sheet.static[f"A{row}"] = paragraph.strip()
            row += 1
    row += 1
    sheet.static[f"A{row}"] = "Bladen in dit werkboek:"
    for section in form.sections:
        row += 1
        sheet.static[f"A{row}"] = f"{section.sheet}: {section.title}"
    row += 2
    sheet.static[f"A{row}"] = "Gele cellen vult u in; de andere cellen zijn beveiligd."
    return sheet


def _meta_sheet(form: Form) -> SheetLayout:
    sheet = SheetLayout(META_SHEET)
    sheet.static |= {"A1": "formulier", META_FORM: form.id, "A2": "versie", "A3": "kenmerk", META_STAMP: form.stamp}
    sheet.static["A4"] = "gemaakt met"
    for name, (letter, entries) in choice_lists(form).items():
        sheet.static[f"{letter}1"] = name
        for i, entry in enumerate(entries, start=2):
            sheet.static[f"{letter}{i}"] = entry
    return sheet


@cache
def layout(form: Form) -> tuple[SheetLayout, ...]:
    """Every sheet of the form's workbook, in order: instructions, sections, the hidden form sheet."""
    sheets = [_instruction_sheet(form)]
    for section in form.sections:
        sheets.append(_table_sheet(section, section.table) if section.table else _fields_sheet(section))
    sheets.append(_meta_sheet(form))
    return tuple(sheets)
