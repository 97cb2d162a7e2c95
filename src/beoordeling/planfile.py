"""Plan files: read and write plans as YAML, JSON or a form workbook (.xlsx), exactly, and publish
their JSON Schema.

A file that cannot be used raises :class:`PlanFileError` listing every problem with file, line
(for YAML), sheet and cell (for a workbook) and field path. Writing is deterministic (for YAML and
JSON) and atomic, and reading what was written gives an equal plan.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from . import _yaml
from ._citations import in_framework_terms
from ._files import atomic_write
from ._i18n import N_, _, os_reason
from ._numbers import NumberRefused, decimal_from_text, whole_from_text
from ._validation import problems_from
from .errors import InputError, PlanFileError, Problem
from .forms import default_forms, read_workbook, save_workbook
from .model import Plan
from .reference import RegionList

__all__ = [
    "Format",
    "PlanReading",
    "dump_plan",
    "format_of",
    "load_plan",
    "load_plans",
    "parse_plan",
    "plan_content",
    "plan_json_schema",
    "plan_json_schema_text",
    "read_plan",
    "save_plan",
]

Format = Literal["yaml", "json"]
"""The text formats; a workbook (.xlsx) is read and written through a form (``beoordeling.forms``)."""

SCHEMA_ID = "https://beoordeling.invalid/schema/plan-1.json"
"""A stable identifier for the schema (not a URL anything is fetched from)."""

_SUFFIXES: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
WORKBOOK = ".xlsx"
_OTHER_SPREADSHEETS = {
    ".xlsm": N_("a macro-enabled workbook (.xlsm) is refused; save it as .xlsx"),
    ".xls": N_("an old Excel file (.xls) is not read; save it as .xlsx"),
    ".xlsb": N_("a binary Excel file (.xlsb) is not read; save it as .xlsx"),
    ".ods": N_("an OpenDocument spreadsheet (.ods) is not read; save it as .xlsx"),
}


@dataclass(frozen=True)
class PlanReading:
    """A plan read from a file; for a workbook also the fields its form requires that are empty."""

    plan: Plan
    source: str
    missing: tuple[Problem, ...] = ()


def format_of(path: Path | str) -> Format:
    """The file format a path's suffix names."""
    suffix = Path(path).suffix.lower()
    try:
        return _SUFFIXES[suffix]
    except KeyError:
        if suffix in _OTHER_SPREADSHEETS:
            message = _(_OTHER_SPREADSHEETS[suffix])
        elif suffix:
            message = _("unknown file type {suffix!r}; use .yaml, .yml, .json or .xlsx").format(suffix=suffix)
        else:
            message = _("the file name has no type; use .yaml, .yml, .json or .xlsx")
        raise PlanFileError(path, [Problem(message, str(path))]) from None


def _parse_json(text: str, source: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ValueError(_("duplicate key {key!r}; give each key once").format(key=key))
            out[key] = value
        return out

    def no_constants(name: str) -> Any:
        raise ValueError(_("{name} is not a number a plan can hold").format(name=name))

    try:
        return json.loads(
            text,
            parse_float=decimal_from_text,
            parse_int=whole_from_text,
            object_pairs_hook=no_duplicates,
            parse_constant=no_constants,
        )
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            source, [Problem(_("not valid JSON: {msg}").format(msg=exc.msg), source, line=exc.lineno)]
        ) from exc
    except NumberRefused as exc:
        # json hands the hook only the number's text: its first occurrence gives the line
        line = text.count("\n", 0, max(text.find(exc.text), 0)) + 1
        raise PlanFileError(source, [Problem(str(exc), source, line=line)]) from None
    except RecursionError:
        message = _("not usable JSON: it is nested too deeply for a plan")
        raise PlanFileError(source, [Problem(message, source)]) from None
    except ValueError as exc:
        raise PlanFileError(source, [Problem(_("not usable JSON: {exc}").format(exc=exc), source)]) from exc


def parse_plan(text: str, source: str, fmt: Format) -> Plan:
    """Validate a plan from its text; ``source`` names it in messages."""
    line_of = None
    if fmt == "yaml":
        try:
            document = _yaml.parse(text, source)
        except _yaml.YamlProblem as exc:
            raise PlanFileError(source, [exc.problem]) from None
        data, line_of = document.data, document.line_of
    else:
        if len(text.encode("utf-8")) > _yaml.MAX_BYTES:
            raise PlanFileError(source, [Problem(_yaml.too_large(), source)])
        data = _parse_json(text, source)
    if not isinstance(data, dict):
        found = _("nothing") if data is None else _("a list") if isinstance(data, list) else type(data).__name__
        raise PlanFileError(
            source, [Problem(_("a plan file holds one mapping of fields; found {found}").format(found=found), source)]
        )
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanFileError(source, problems_from(exc, source, line_of)) from None


def read_plan(path: Path | str) -> PlanReading:
    """Read and validate one plan file: YAML, JSON, or a filled-in form workbook (.xlsx)."""
    path = Path(path)
    if path.suffix.lower() == WORKBOOK:
        reading = read_workbook(path)
        return PlanReading(reading.plan, str(path), reading.missing)
    return PlanReading(load_plan(path), str(path))


def load_plan(path: Path | str) -> Plan:
    """Read and validate one plan file (.yaml, .yml or .json; a workbook through :func:`read_plan`)."""
    path = Path(path)
    if path.suffix.lower() == WORKBOOK:
        return read_plan(path).plan
    fmt = format_of(path)
    try:
        size = path.stat().st_size
        if size > _yaml.MAX_BYTES:
            raise PlanFileError(path, [Problem(_yaml.too_large(), str(path))])
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanFileError(
            path, [Problem(_("cannot read the file: {strerror}").format(strerror=os_reason(exc)), str(path))]
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = _("not UTF-8 text (byte {byte}); save the file as UTF-8").format(byte=exc.start)
        raise PlanFileError(path, [Problem(message, str(path))]) from exc
    return parse_plan(text, str(path), fmt)


def _plain(plan: Plan) -> dict[str, Any]:
    return plan.model_dump(mode="python", exclude_defaults=True)


def dump_plan(plan: Plan, fmt: Format) -> str:
    """The plan's file text: only the fields that differ from their defaults, in model order."""
    if fmt == "yaml":
        return _yaml.dump(_plain(plan))
    return plan.model_dump_json(indent=2, exclude_defaults=True) + "\n"


def save_plan(plan: Plan, path: Path | str, form: str = "plan") -> Path:
    """Write the plan atomically: a reader sees the old file or the new one, never half of one.
    A .xlsx path gets the plan filled into ``form``'s workbook, to go on editing in Excel."""
    path = Path(path)
    if path.suffix.lower() == WORKBOOK:
        try:
            return save_workbook(default_forms()[form], path, plan)
        except OSError as exc:
            raise PlanFileError(
                path, [Problem(_("cannot write the file: {strerror}").format(strerror=os_reason(exc)), str(path))]
            ) from exc
    text = dump_plan(plan, format_of(path))
    try:
        return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"))
    except OSError as exc:
        raise PlanFileError(
            path, [Problem(_("cannot write the file: {strerror}").format(strerror=os_reason(exc)), str(path))]
        ) from exc


def plan_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a plan file, for editors that complete and check YAML or JSON."""
    schema = _cited_for_users(Plan.model_json_schema(mode="validation"))
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def _cited_for_users(node: Any) -> Any:
    """The schema with every description citing the framework by its own name: the model's
    docstrings cite the maintainers' brief (``domain.md §5.4``), which an editor's user never sees."""
    if isinstance(node, dict):
        return {
            key: in_framework_terms(value).replace("(domain.md)", "").strip()
            if key == "description" and isinstance(value, str) else _cited_for_users(value)
            for key, value in node.items()
        }  # fmt: skip
    if isinstance(node, list):
        return [_cited_for_users(item) for item in node]
    return node


def plan_json_schema_text() -> str:
    """The JSON Schema as the file editors read (``beoordeling schema``, the demo's output)."""
    return json.dumps(plan_json_schema(), indent=2, ensure_ascii=False) + "\n"


def plan_content(plan: Plan) -> dict[str, Any]:
    """The plan's content as JSON data, without the version it was based on (:meth:`Plan.content`)."""
    return plan.content()


def load_plans(
    paths: Sequence[Path | str], regions: RegionList | None = None, *, complete_forms: bool = False
) -> list[Plan]:
    """Read several plan files, checking region links; report every problem of every file at once.
    With ``complete_forms``, a workbook whose form requires a field that is empty is refused too."""
    plans: list[Plan] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            reading = read_plan(path)
        except PlanFileError as exc:
            problems.extend(exc.problems)
            continue
        if complete_forms:
            problems.extend(reading.missing)
        if regions is not None:
            problems.extend(regions.check(reading.plan, str(path)))
        plans.append(reading.plan)
    if problems:
        raise InputError(problems)
    return plans
