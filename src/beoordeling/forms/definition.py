"""Form definitions: the declarative files in ``forms/``, checked against the plan model on load.

``forms/fields.yaml`` says once, per plan-model path, what a field is called in Dutch, what the
framework asks there (with the section it comes from), which step requires it and what type it holds.
Each other file in ``forms/`` is a form (the quick-test proposal, the full plan): its sheets, the
fields on each, and its tables with their rows and totals. A path the model does not have, a
declared type that is not the model's, or a complete form that leaves a field out is an error
naming the file, the line and the key.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from .. import _yaml
from .._canonical import canonical_json, sha256_hex
from .._i18n import N_, _
from .._validation import problems_from
from ..errors import FormError, Loc, Problem
from ..resources import bundled_dir
from ._model import PRESENT, Kind, Leaf, PathError, Table, leaf_paths, resolve

__all__ = ["STEP_LABELS", "STEP_NAMES", "Form", "FormField", "FormTable", "Forms", "Section", "Step", "load_forms"]

Step = Literal["quick-test", "plan", "funding"]
"""The submission that first needs a field: the quick test (§4.1), the plan (§5.4) or the funds request (§5.6)."""

STEP_LABELS: dict[str, str] = {"quick-test": "snelle toets", "plan": "plan", "funding": "financieringsaanvraag"}
"""What a workbook's 'Verplicht voor' column says."""
STEP_NAMES: dict[str, str] = {
    "quick-test": "quick test (snelle toets)",
    "plan": "full plan (transformatieplan)",
    "funding": "funds request (financieringsaanvraag)",
}
"""How messages name the steps."""

CATALOGUE = "fields.yaml"
RESERVED_SHEETS = ("Toelichting", "_formulier")
_HINT = N_("see forms/README.md for the format")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
SheetName = Annotated[str, StringConstraints(min_length=1, max_length=31, pattern=r"^[^\[\]:*?/\\']+$")]
FormId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,30}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class FieldText(_Strict):
    """What the catalogue says about one plan-model path."""

    label: Label
    type: Kind | Literal["table"]
    required: Step | None = None
    """The step that requires it: a value, or for a table at least one row."""
    help: Text
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class CatalogueFile(_Strict):
    format: Literal[1]
    fields: dict[str, FieldText]


class SectionSpec(_Strict):
    sheet: SheetName
    title: Label
    intro: Text | None = None
    fields: list[str] = Field(default_factory=list)
    table: str | None = None
    rows: Annotated[int, Field(ge=1, le=2000)] | None = None
    columns: list[str] = Field(default_factory=list)
    totals: list[str] = Field(default_factory=list)
    """Columns summed under the table (amounts)."""
    group_totals: list[str] = Field(default_factory=list)
    """Columns by whose values the first of ``totals`` is also summed beside the table."""

    @model_validator(mode="after")
    def _fields_or_table(self) -> Self:
        if self.table is None:
            if not self.fields:
                raise ValueError(_("a section lists `fields`, or names a `table` with `rows` and `columns`"))
            if self.columns or self.rows or self.totals or self.group_totals:
                raise ValueError(_("`rows`, `columns`, `totals` and `group_totals` belong to a table section"))
        else:
            if self.fields:
                raise ValueError(_("a table section has `columns`, not `fields`"))
            if not self.columns or self.rows is None:
                raise ValueError(_("a table section needs `rows` and `columns`"))
            if self.group_totals and not self.totals:
                raise ValueError(_("`group_totals` needs a column under `totals` to add up"))
        return self


class FormFile(_Strict):
    format: Literal[1]
    form: FormId
    version: Annotated[int, Field(ge=1)]
    title: Label
    source: Text
    instructions: Text
    enforces: list[Step] = Field(default_factory=list)
    """The steps whose required fields must be filled before a workbook of this form is stored."""
    complete: bool = False
    """True when the form binds every field of the plan model, so a plan goes through it unchanged."""
    sections: list[SectionSpec] = Field(min_length=1)


# --- the loaded form ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormField:
    """A field bound to a model path; in a table, ``path`` is relative to a row."""

    path: str
    text: FieldText
    leaf: Leaf

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.path.split("."))


@dataclass(frozen=True)
class FormTable:
    """A table bound to a list in the model: one row per entry."""

    path: str
    text: FieldText
    rows: int
    columns: tuple[FormField, ...]
    totals: tuple[str, ...]
    group_totals: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.path.split("."))

    def column(self, path: str) -> FormField:
        return next(column for column in self.columns if column.path == path)


@dataclass(frozen=True)
class Section:
    """One sheet of the workbook: a list of fields, or one table."""

    sheet: str
    title: str
    intro: str | None
    fields: tuple[FormField, ...] = ()
    table: FormTable | None = None


@dataclass(frozen=True)
class Form:
    """A checked form definition."""

    id: str
    version: int
    title: str
    source_text: str
    instructions: str
    enforces: tuple[str, ...]
    sections: tuple[Section, ...]
    file: str
    content_hash: str

    @property
    def stamp(self) -> str:
        """Form, version and a fingerprint of the definition: a workbook records it."""
        return f"{self.id}@{self.version}#{self.content_hash[:12]}"


@dataclass(frozen=True)
class Forms:
    """The forms of a ``forms/`` folder, by id."""

    by_id: dict[str, Form]
    folder: Path

    def __getitem__(self, form_id: str) -> Form:
        try:
            return self.by_id[form_id]
        except KeyError:
            known = ", ".join(sorted(self.by_id)) or "none"
            raise FormError(
                [
                    Problem(
                        _("there is no form {form_id!r} (forms: {known})").format(form_id=form_id, known=known),
                        str(self.folder),
                    )
                ]
            ) from None

    @property
    def ids(self) -> list[str]:
        return sorted(self.by_id)


class _Loader:
    """Reads the catalogue and the forms of one folder, collecting every problem."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[Problem] = []
        self.catalogue: dict[str, FieldText] = {}

    def _read(self, path: Path, model: type[BaseModel]) -> tuple[typing.Any, _yaml.Document] | None:
        source = _yaml.display_path(path)
        try:
            document = _yaml.read(path, source)
        except _yaml.YamlProblem as exc:
            self.problems.append(exc.problem)
            return None
        try:
            return model.model_validate(document.data), document
        except ValidationError as exc:
            self.problems.extend(problems_from(exc, source, document.line_of, _HINT))
            return None

    def load_catalogue(self) -> None:
        path = self.folder / CATALOGUE
        read = self._read(path, CatalogueFile)
        if read is None:
            return
        spec, document = read
        source = _yaml.display_path(path)
        for key, text in spec.fields.items():
            loc: Loc = ("fields", key)
            try:
                shape = resolve(key, through_tables=True)
            except PathError as exc:
                self.problems.append(Problem(str(exc), source, loc, document.line_of(loc)))
                continue
            found = "table" if isinstance(shape, Table) else shape.kind if isinstance(shape, Leaf) else None
            if found is None and text.type == "present":
                self.catalogue[key] = text
            elif found is None:
                message = f"{key} is a part of the plan, not a value; describe its fields (or use type 'present')"
                self.problems.append(Problem(message, source, loc, document.line_of(loc)))
            elif found != text.type:
                type_loc = (*loc, "type")
                message = f"the plan model holds {_article(found)} at {key}; found type {text.type!r}"
                self.problems.append(Problem(message, source, type_loc, document.line_of(type_loc)))
            else:
                self.catalogue[key] = text

    def load_form(self, path: Path) -> Form | None:
        read = self._read(path, FormFile)
        if read is None:
            return None
        spec, document = read
        source = _yaml.display_path(path)
        before = len(self.problems)

        def problem(message: str, loc: Loc) -> None:
            self.problems.append(Problem(message, source, loc, document.line_of(loc)))

        bound: dict[str, Loc] = {}
        sheets: set[str] = set()
        sections = []
        for i, item in enumerate(spec.sections):
            loc: Loc = ("sections", i)
            if item.sheet in RESERVED_SHEETS or item.sheet.casefold() in sheets:
                problem(f"the sheet name {item.sheet!r} is taken; give each section its own", (*loc, "sheet"))
            sheets.add(item.sheet.casefold())
            section = self._section(item, loc, problem, bound)
            if section is not None:
                sections.append(section)
        if spec.complete:
            for path_ in leaf_paths():
                if path_ not in bound:
                    problem(f"the form is marked complete but has no place for {path_}", ("complete",))
        if len(self.problems) > before:
            return None
        digest = sha256_hex(canonical_json(spec.model_dump(mode="json") | {"fields": _used(self.catalogue, bound)}))
        return Form(
            spec.form, spec.version, spec.title, spec.source, spec.instructions, tuple(spec.enforces),
            tuple(sections), source, digest,
        )  # fmt: skip

    def _section(
        self,
        item: SectionSpec,
        loc: Loc,
        problem: typing.Callable[[str, Loc], None],
        bound: dict[str, Loc],
    ) -> Section | None:
        def bind(path: str, where: Loc) -> FieldText | None:
            if path in bound:
                problem(f"{path} is already on the form; bind each field once", where)
                return None
            bound[path] = where
            text = self.catalogue.get(path)
            if text is None:
                problem(f"{path} is not described in {CATALOGUE}; add its label, help and type there", where)
            return text

        if item.table is None:
            return _fields_section(item, loc, problem, bind)
        where = (*loc, "table")
        shape = _resolve_or_none(item.table, problem, where)
        if shape is None:
            return None
        if not isinstance(shape, Table):
            problem(f"{item.table} is not a table in the plan model", where)
            return None
        table_text = self.catalogue.get(item.table)
        if table_text is None:
            problem(f"{item.table} is not described in {CATALOGUE}; add its label, help and type there", where)
        if item.rows is not None and shape.max_rows is not None and item.rows > shape.max_rows:
            problem(f"the plan model allows at most {shape.max_rows} rows here", (*loc, "rows"))
        columns = []
        for j, column in enumerate(item.columns):
            where = (*loc, "columns", j)
            leaf = _resolve_or_none(column, problem, where, shape.model)
            if leaf is None:
                continue
            if not isinstance(leaf, Leaf):
                problem(f"{column} is not a single value; bind its fields as columns", where)
                continue
            text = bind(f"{item.table}.{column}", where)
            if text is not None:
                columns.append(FormField(column, text, leaf))
        _check_totals(item, {c.path: c for c in columns}, loc, problem)
        if table_text is None or item.rows is None:
            return None
        table = FormTable(
            item.table, table_text, item.rows, tuple(columns), tuple(item.totals), tuple(item.group_totals)
        )
        return Section(item.sheet, item.title, item.intro, table=table)


def _fields_section(
    item: SectionSpec,
    loc: Loc,
    problem: typing.Callable[[str, Loc], None],
    bind: typing.Callable[[str, Loc], FieldText | None],
) -> Section:
    fields = []
    for j, path in enumerate(item.fields):
        where = (*loc, "fields", j)
        shape = _resolve_or_none(path, problem, where)
        if shape is None:
            continue
        if isinstance(shape, Table):
            problem(f"{path} is a table; give it a section of its own with `table:`", where)
            continue
        text = bind(path, where)
        if text is not None and isinstance(shape, Leaf):
            fields.append(FormField(path, text, shape))
        elif text is not None:
            fields.append(FormField(path, text, PRESENT))
    return Section(item.sheet, item.title, item.intro, fields=tuple(fields))


def _check_totals(
    item: SectionSpec, columns: dict[str, FormField], loc: Loc, problem: typing.Callable[[str, Loc], None]
) -> None:
    """Totals add up amounts; subtotals group them by a choice or a bounded whole number."""
    for key in ("totals", "group_totals"):
        for j, column in enumerate(getattr(item, key)):
            found = columns.get(column)
            wanted = ("amount",) if key == "totals" else ("choice", "whole-number")
            if column not in item.columns:
                problem(f"{column} is not one of the table's columns", (*loc, key, j))
            elif found is not None and found.leaf.kind not in wanted:
                problem(
                    f"{column} holds {_article(found.leaf.kind)}; {key} takes {' or '.join(wanted)}", (*loc, key, j)
                )
            elif found is not None and found.leaf.kind == "whole-number" and found.leaf.maximum is None:
                problem(f"{column} has no upper bound in the plan model, so it cannot be listed", (*loc, key, j))


def _resolve_or_none(
    path: str,
    problem: typing.Callable[[str, Loc], None],
    where: Loc,
    model: type[BaseModel] | None = None,
) -> Leaf | Table | type[BaseModel] | None:
    try:
        return resolve(path, model) if model is not None else resolve(path)
    except PathError as exc:
        problem(str(exc), where)
        return None


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _used(catalogue: dict[str, FieldText], bound: dict[str, Loc]) -> dict[str, typing.Any]:
    return {path: catalogue[path].model_dump(mode="json") for path in sorted(bound) if path in catalogue}


def load_forms(folder: Path | str | None = None) -> Forms:
    """Read and check the catalogue and every form in ``folder`` (default: the shipped ``forms/``);
    raise :class:`FormError` listing every problem of every file."""
    root = Path(folder) if folder is not None else bundled_dir("forms")
    loader = _Loader(root)
    loader.load_catalogue()
    if loader.problems:
        raise FormError(loader.problems)
    forms: dict[str, Form] = {}
    paths = sorted(p for p in root.glob("*.yaml") if p.name != CATALOGUE)
    if not paths and not loader.problems:
        loader.problems.append(Problem(_("no form definitions (*.yaml besides fields.yaml) found"), str(root)))
    for path in paths:
        form = loader.load_form(path)
        if form is None:
            continue
        if form.id in forms:
            loader.problems.append(
                Problem(
                    _("form {id!r} is also defined in {file}").format(id=form.id, file=forms[form.id].file), form.file
                )
            )
        forms[form.id] = form
    if loader.problems:
        raise FormError(loader.problems)
    return Forms(forms, root)


@cache
def default_forms() -> Forms:
    """The shipped forms, loaded once per process."""
    return load_forms()
