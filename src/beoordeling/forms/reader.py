"""Reads a filled-in workbook back into a plan, or says exactly what is wrong and where.

The package is checked before parsing (``safety``); the XML is parsed by openpyxl with defusedxml in
read-only mode, so memory stays bounded. The workbook must be the form and version this tool knows.
Then every cell is looked at once: input cells become model values, the form's own texts must be
unchanged, and anything typed elsewhere is reported rather than silently dropped. Totals in the file
are never read; the plan's totals are computed from its rows. All problems come back together, each
with its sheet, cell and field.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser
from pydantic import ValidationError

from .. import _yaml
from .._i18n import N_, _, os_reason
from .._numbers import excerpt
from .._validation import problems_from
from ..errors import ConfigurationError, Loc, PlanFileError, Problem
from ..model import Plan
from .cells import CellError, from_cell
from .definition import STEP_NAMES, Form, Forms, FormTable, default_forms
from .layout import META_FORM, META_SHEET, META_STAMP, META_VERSION, TABLE_ROW, Input, SheetLayout, layout
from .safety import DEFAULT_LIMITS, Limits, PackageRefused, check_package

__all__ = ["WorkbookReading", "read_workbook"]

_HINT = N_("start from a template made by `beoordeling form template`")
_CELL = re.compile(r"^([A-Z]+)(\d+)$")
Place = tuple[str, str]
"""A sheet and a cell coordinate."""


@dataclass(frozen=True)
class _Unreadable:
    """A cell whose XML value openpyxl cannot convert (a number of 5,000 digits): reported at its cell."""

    why: str


class _SheetParser(WorkSheetParser):
    """openpyxl's sheet parser, with a cell it cannot convert kept as :class:`_Unreadable` instead of
    an exception that would end the whole sheet without a place."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        try:
            return super().parse_cell(element)
        except (ValueError, OverflowError, IndexError, KeyError, TypeError) as exc:
            try:  # the parent set col_counter before converting the value; a bad 'r' is reported here too
                row, column = coordinate_to_tuple(element.get("r") or "")
            except (ValueError, TypeError):
                row, column = self.row_counter, max(self.col_counter, 1)
            raw = element.findtext(VALUE_TAG) or ""
            why = (
                f"the value {excerpt(raw)} cannot be read as a number or text"
                if not isinstance(exc, IndexError | KeyError)
                else "the cell points at a text the workbook does not hold"
            )
            return {"row": row, "column": column, "value": _Unreadable(why), "data_type": "e", "style_id": 0}


@dataclass(frozen=True)
class _Formula:
    """An input cell that holds a formula: refused, whatever it would compute."""

    text: Any


@dataclass(frozen=True)
class WorkbookReading:
    """A plan read from a workbook, the form it was, and what that form requires but is still empty."""

    plan: Plan
    form: Form
    missing: tuple[Problem, ...]


def _sort_key(problem: Problem, order: dict[str, int]) -> tuple[int, int, str]:
    match = _CELL.match(problem.cell or "")
    row = int(match[2]) if match else 0
    column = match[1].rjust(3) if match else ""
    return order.get(problem.sheet or "", -1), row, column


class _Reader:
    def __init__(self, source: str, form: Form) -> None:
        self.source = source
        self.form = form
        self.problems: list[Problem] = []
        self.data: dict[str, Any] = {}
        self.place: dict[Loc, Place] = {}
        self.failed: set[Loc] = set()
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self.presence: dict[Loc, tuple[bool, str, str]] = {}
        """Answers to 'is this part there?' questions: the answer and its sheet and cell."""

    def problem(self, message: str, sheet: str | None, cell: str | None = None, loc: Loc = ()) -> None:
        self.problems.append(Problem(message, self.source, loc, sheet=sheet, cell=cell))

    def read_sheet(self, sheet: SheetLayout, cells: dict[str, tuple[Any, str]]) -> None:
        raw: dict[str, Any] = {}
        for coordinate, (value, data_type) in cells.items():
            if coordinate in sheet.inputs:
                raw[coordinate] = _Formula(value) if data_type == "f" else value
            elif coordinate in sheet.formulas:
                continue  # the form's own totals: recomputed from the rows, never read
            elif coordinate in sheet.static:
                expected = sheet.static[coordinate]
                if str(value) != expected:
                    self.problem(
                        f"the form's own text was changed (expected {expected[:60]!r}); answers go in the yellow "
                        "input cells",
                        sheet.name, coordinate,
                    )  # fmt: skip
            else:
                self.problem(
                    "a value outside the form's input cells would be lost; move it into a yellow input cell or "
                    "delete it",
                    sheet.name, coordinate,
                )  # fmt: skip
        table = sheet.section.table if sheet.section else None
        if table is not None:
            self._table(sheet, table, raw)
        else:
            for coordinate, value in raw.items():
                spot = sheet.inputs[coordinate]
                self._value(sheet, coordinate, spot, value, into=self.data, loc=spot.loc)

    def _table(self, sheet: SheetLayout, table: FormTable, raw: dict[str, Any]) -> None:
        by_row: dict[int, list[tuple[str, Input, Any]]] = defaultdict(list)
        for coordinate, value in raw.items():
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            spot = sheet.inputs[coordinate]
            by_row[spot.row or 0].append((coordinate, spot, value))
        rows: list[dict[str, Any]] = []
        self.place[table.keys] = (sheet.name, f"A{TABLE_ROW}")
        for index, row in enumerate(sorted(by_row)):
            entry: dict[str, Any] = {}
            loc: Loc = (*table.keys, index)
            self.place[loc] = (sheet.name, f"A{TABLE_ROW + row}")
            for column in table.columns:
                self.place[(*loc, *column.keys)] = (sheet.name, sheet.table_cells[column.path, row])
            for coordinate, spot, value in by_row[row]:
                self._value(sheet, coordinate, spot, value, into=entry, loc=(*loc, *spot.loc))
            rows.append(entry)
        if rows:
            _set(self.data, table.keys, rows)
        self.tables[table.path] = rows

    def _value(
        self, sheet: SheetLayout, coordinate: str, spot: Input, value: Any, *, into: dict[str, Any], loc: Loc
    ) -> None:
        self.place[loc] = (sheet.name, coordinate)
        if isinstance(value, _Unreadable):
            self.failed.add(loc)
            self.problem(value.why, sheet.name, coordinate, loc)
            return
        if isinstance(value, _Formula):
            self.failed.add(loc)
            self.problem(
                "a formula is not accepted in an input cell; type the value itself", sheet.name, coordinate, loc
            )
            return
        try:
            converted = from_cell(spot.field.leaf, value)
        except CellError as exc:
            self.failed.add(loc)
            self.problem(str(exc), sheet.name, coordinate, loc)
            return
        if spot.field.leaf.kind == "present" and converted is not None:
            self.presence[loc] = (converted, sheet.name, coordinate)
        elif converted is not None:
            _set(into, spot.loc, converted)

    def place_of(self, loc: Loc) -> Place | None:
        for end in range(len(loc), 0, -1):
            found = self.place.get(tuple(loc[:end]))
            if found:
                return found
        return None

    def apply_presence(self) -> None:
        """A 'ja' makes the part exist even when nothing in it is filled in yet; a 'nee' with content
        under it is a contradiction the submitter must resolve."""
        for loc, (present, sheet, cell) in self.presence.items():
            keys = tuple(str(key) for key in loc)
            if present and _get(self.data, keys) is None:
                _set(self.data, keys, {})
            elif not present and _get(self.data, keys) is not None:
                self.problem(
                    "the answer is nee, but the part it asks about is filled in; answer ja or empty it",
                    sheet,
                    cell,
                    loc,
                )

    def validate(self) -> Plan | None:
        try:
            return Plan.model_validate(self.data)
        except ValidationError as exc:
            for found in problems_from(exc, self.source, None, _HINT):
                if any(found.loc[: len(failed)] == failed for failed in self.failed):
                    continue  # already reported at its cell: the value could not be read
                sheet, cell = self.place_of(found.loc) or (None, None)
                if sheet is None and found.loc:
                    sheet, cell = _sheet_of(self.form, found.loc)
                self.problem(found.message, sheet, cell, found.loc)
            return None

    def missing(self, plan: Plan) -> list[Problem]:
        """What the form's steps require but the workbook leaves empty (a funds request's fields only
        when the plan asks for funds)."""
        steps = set(self.form.enforces)
        if plan.funding is None:
            steps.discard("funding")
        found: list[Problem] = []
        for sheet in layout(self.form):
            section = sheet.section
            if section is None:
                continue
            if section.table is None:
                for coordinate, spot in sheet.inputs.items():
                    step = spot.field.text.required if spot.field.leaf.kind != "present" else None
                    if step in steps and _get(self.data, spot.loc) in (None, []):
                        message = f"{spot.field.text.label!r} is empty; the {STEP_NAMES[step]} requires it"
                        found.append(Problem(message, self.source, spot.loc, sheet=sheet.name, cell=coordinate))
                continue
            table = section.table
            rows = self.tables.get(table.path, [])
            step = table.text.required
            if step in steps and not rows:
                message = f"{table.text.label!r} has no rows; the {STEP_NAMES[step]} requires at least one"
                found.append(Problem(message, self.source, table.keys, sheet=sheet.name, cell=f"A{TABLE_ROW}"))
            for column in table.columns:
                step = column.text.required
                if step not in steps:
                    continue
                for index, row in enumerate(rows):
                    if _get(row, column.keys) in (None, []):
                        loc: Loc = (*table.keys, index, *column.keys)
                        sheet_name, cell = self.place[loc]
                        message = f"{column.text.label!r} is empty; the {STEP_NAMES[step]} requires it"
                        found.append(Problem(message, self.source, loc, sheet=sheet_name, cell=cell))
        return found


def _full_loc(spot: Input) -> Loc:
    return (*spot.table.keys, spot.row or 0, *spot.loc) if spot.table else spot.loc


def _sheet_of(form: Form, loc: Loc) -> Place:
    """The sheet that holds a path, for a problem about a whole part (such as two equal insurers)."""
    for sheet in layout(form):
        for coordinate, spot in sheet.inputs.items():
            if _full_loc(spot)[: len(loc)] == loc or loc[: len(spot.loc)] == spot.loc:
                return sheet.name, coordinate
    return form.sections[0].sheet, ""


def _set(data: dict[str, Any], keys: tuple[str | int, ...], value: Any) -> None:
    for key in keys[:-1]:
        data = data.setdefault(str(key), {})
    data[str(keys[-1])] = value


def _get(data: Any, keys: tuple[str | int, ...]) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(str(key))
    return data


def _cells(worksheet: Any) -> dict[str, tuple[Any, str]]:
    """Every cell the sheet's XML holds a value for, by coordinate, with its data type.

    The cells are taken as the XML lists them, not as the sheet's ``<dimension>`` declares them:
    ``iter_rows`` pads every row to the declared width and adds the declared empty rows (a sheet that
    claims ``A1:XFD1048576`` costs minutes), and it drops cells outside a declared range that is too
    small. openpyxl's own sheet parser (what ``iter_rows`` uses underneath) yields exactly the cells
    present; the package check has already bounded how many there can be.
    """
    workbook = worksheet.parent
    found: dict[str, tuple[Any, str]] = {}
    with workbook._archive.open(worksheet._worksheet_path) as source:
        parser = _SheetParser(
            source,
            worksheet._shared_strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for _, row in parser.parse():
            for cell in row:
                value = cell["value"]
                if value is None or (isinstance(value, str) and value == ""):
                    continue
                coordinate = f"{get_column_letter(cell['column'])}{cell['row']}"
                found[coordinate] = (value, cell["data_type"])
    return found


def _meta(workbook: Any, forms: Forms, source: str) -> Form:
    def refuse(message: str, cell: str | None = None) -> PlanFileError:
        return PlanFileError(source, [Problem(message, source, sheet=META_SHEET if cell else None, cell=cell)])

    if META_SHEET not in workbook.sheetnames:
        raise refuse(
            _("this workbook is not one of the tool's forms (it has no sheet {meta_sheet!r}); {hint}").format(
                meta_sheet=META_SHEET, hint=_(_HINT)
            )
        )
    cells = _cells(workbook[META_SHEET])
    form_id = cells.get(META_FORM, (None, ""))[0]
    if form_id not in forms.by_id:
        known = ", ".join(forms.ids)
        raise refuse(
            _("the workbook names form {form_id!r}, which this tool does not know (forms: {known})").format(
                form_id=form_id, known=known
            ),
            META_FORM,
        )
    form = forms[str(form_id)]
    version = cells.get(META_VERSION, (None, ""))[0]
    if version != form.version:
        raise refuse(
            _(
                "the workbook is version {version} of form {id!r}; this tool reads version {version2}. "
                "Copy the answers into a new template (`beoordeling form template {id} -o FILE.xlsx`)"
            ).format(version=version, id=form.id, version2=form.version),
            META_VERSION,
        )
    stamp = cells.get(META_STAMP, (None, ""))[0]
    if stamp != form.stamp:
        raise refuse(
            _(
                "the workbook was made from another edition of form {id!r} version {version} (kenmerk "
                "{stamp}; this tool has {stamp2}); copy the answers into a new template"
            ).format(id=form.id, version=form.version, stamp=stamp, stamp2=form.stamp),
            META_STAMP,
        )
    return form


def read_workbook(path: Path | str, forms: Forms | None = None, limits: Limits = DEFAULT_LIMITS) -> WorkbookReading:
    """Read a filled-in form workbook; raise :class:`PlanFileError` listing every problem with its
    sheet, cell and field. Fields the form requires but that are empty come back in ``missing``."""
    path = Path(path)
    source = _yaml.display_path(path)
    if not openpyxl.DEFUSEDXML:
        raise ConfigurationError(
            _("openpyxl is not using defusedxml (OPENPYXL_DEFUSEDXML is off); workbooks are not read")
        )
    try:
        check_package(path, limits)
    except PackageRefused as exc:
        raise PlanFileError(path, [Problem(str(exc), source)]) from None
    except OSError as exc:
        raise PlanFileError(
            path, [Problem(_("cannot read the file: {strerror}").format(strerror=os_reason(exc)), source)]
        ) from exc
    forms = forms or default_forms()
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged package; all mean the same here
        raise PlanFileError(
            path,
            [
                Problem(
                    _("the workbook cannot be read ({kind}: {value})").format(
                        kind=type(exc).__name__, value=str(exc)[:200]
                    ),
                    source,
                )
            ],
        ) from exc
    try:
        form = _meta(workbook, forms, source)
        reader = _Reader(source, form)
        sheets = layout(form)
        expected = {sheet.name for sheet in sheets}
        for name in workbook.sheetnames:
            if name not in expected:
                reader.problem(
                    "the form has no such sheet; its contents would not be read — move them into the form's sheets "
                    "and delete this one",
                    name,
                )  # fmt: skip
        for sheet in sheets:
            if sheet.name == META_SHEET:
                continue
            if sheet.name not in workbook.sheetnames:
                reader.problem("this sheet of the form is missing; start again from a new template", sheet.name)
                continue
            reader.read_sheet(sheet, _cells(workbook[sheet.name]))
    except Exception as exc:
        if isinstance(exc, PlanFileError):
            raise
        raise PlanFileError(
            path,
            [
                Problem(
                    _("the workbook cannot be read ({kind}: {value})").format(
                        kind=type(exc).__name__, value=str(exc)[:200]
                    ),
                    source,
                )
            ],
        ) from exc
    finally:
        workbook.close()
    reader.apply_presence()
    plan = reader.validate()
    order = {sheet.name: i for i, sheet in enumerate(sheets)}
    if plan is None or reader.problems:
        problems = sorted(reader.problems, key=lambda p: _sort_key(p, order))
        raise PlanFileError(path, problems)
    missing = sorted(reader.missing(plan), key=lambda p: _sort_key(p, order))
    return WorkbookReading(plan, form, tuple(missing))
