"""What the plan model holds at a path: the kind of value, its limits, and whether it is a table.

Form definitions bind cells to plan-model paths. This module reads the model's type hints once, so
that a form can be checked against the model (a path that does not exist, a declared type that is
not the model's), and so that templates and the importer know the limits without repeating them.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Literal, Union

from annotated_types import Ge, Le, MaxLen
from pydantic import BaseModel, StringConstraints
from pydantic.fields import FieldInfo

from .._i18n import _
from ..errors import BeoordelingError
from ..model import Plan
from ..model import _types as t

Kind = Literal[
    "text", "long-text", "identifier", "email", "url", "phone", "date", "amount", "whole-number", "yes-no", "choice",
    "list", "present",
]  # fmt: skip
"""The kinds of value a form field holds; ``list`` is a list of short texts, one per line; ``present``
is a yes/no question bound to an optional part: whether the plan has it at all (a funds request)."""

KINDS: tuple[Kind, ...] = typing.get_args(Kind)

_STRING_KINDS: list[tuple[Any, Kind]] = [
    (t.ShortText, "text"),
    (t.LongText, "long-text"),
    (t.PlanId, "identifier"),
    (t.ShortId, "identifier"),
    (t.Email, "email"),
    (t.Url, "url"),
    (t.Phone, "phone"),
    (t.Postcode, "text"),
]


@dataclass(frozen=True)
class Leaf:
    """One value of the model: a cell in a workbook."""

    kind: Kind
    required: bool
    """Whether the model itself requires it where its parent is present."""
    max_length: int | None = None
    """Characters for text; entries for a list."""
    minimum: int | None = None
    maximum: int | None = None
    choices: type[t.LabelledEnum] | None = None
    pattern: str | None = None
    """The regular expression a text must match (identifiers, e-mail, web addresses, phone numbers)."""


@dataclass(frozen=True)
class Table:
    """A list of parts: rows in a workbook."""

    model: type[BaseModel]
    max_rows: int | None


PRESENT = Leaf("present", required=False)
"""The leaf of a yes/no question about an optional part."""

Shape = Leaf | Table | type[BaseModel]
"""A path leads to a value, a table, or a nested part (which a form cannot bind to a cell)."""


class PathError(BeoordelingError, ValueError):
    """A path the model does not have, with a message that says which part is wrong."""


def _unwrap(hint: Any) -> tuple[Any, list[Any]]:
    """The type without Optional and Annotated, and the metadata collected on the way."""
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            metadata.extend(hint.__metadata__)
            hint = typing.get_args(hint)[0]
        elif origin in (Union, types.UnionType):
            options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
            if len(options) != 1:
                raise TypeError(f"a form cannot bind a union of {options}")
            hint = options[0]
        else:
            return hint, metadata


def _limits(metadata: list[Any]) -> dict[str, Any]:
    limits: dict[str, Any] = {}
    for item in metadata:
        inner = item.metadata if isinstance(item, FieldInfo) else [item]
        for constraint in inner:
            if isinstance(constraint, StringConstraints) and constraint.pattern is not None:
                limits["pattern"] = str(constraint.pattern)
            if isinstance(constraint, StringConstraints | MaxLen) and constraint.max_length is not None:
                limits["max_length"] = constraint.max_length
            elif isinstance(constraint, Ge):
                limits["minimum"] = int(constraint.ge)  # type: ignore[call-overload]
            elif isinstance(constraint, Le):
                limits["maximum"] = int(constraint.le)  # type: ignore[call-overload]
    return limits


def _string_kind(hint: Any) -> Kind:
    for alias, kind in _STRING_KINDS:
        if hint == alias:
            return kind
    return "text"


def _shape(hint: Any, info: FieldInfo) -> Shape:
    inner, metadata = _unwrap(hint)
    required = info.is_required()
    if typing.get_origin(inner) is list:
        (item,) = typing.get_args(inner)
        item_type, _ = _unwrap(item)
        max_rows = _limits([*metadata, *info.metadata]).get("max_length")
        if isinstance(item_type, type) and issubclass(item_type, BaseModel):
            return Table(item_type, max_rows)
        return Leaf("list", required, max_rows)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner
    limits = _limits([*metadata, *info.metadata])
    if isinstance(inner, type) and issubclass(inner, t.LabelledEnum):
        return Leaf("choice", required, choices=inner)
    if inner is bool:
        return Leaf("yes-no", required)
    if inner is date:
        return Leaf("date", required)
    if inner is Decimal:
        return Leaf("amount", required)
    if inner is int:
        return Leaf("whole-number", required, minimum=limits.get("minimum"), maximum=limits.get("maximum"))
    if inner is str:
        kind = _string_kind(hint if typing.get_origin(hint) is typing.Annotated else _first_annotated(hint))
        return Leaf(kind, required, max_length=limits.get("max_length"), pattern=limits.get("pattern"))
    raise TypeError(f"a form cannot bind a value of type {inner!r}")


def _first_annotated(hint: Any) -> Any:
    for arg in typing.get_args(hint):
        if typing.get_origin(arg) is typing.Annotated:
            return arg
    return hint


@cache
def _fields(model: type[BaseModel]) -> dict[str, Shape]:
    hints = typing.get_type_hints(model, include_extras=True)
    return {name: _shape(hints[name], info) for name, info in model.model_fields.items()}


def resolve(path: str, model: type[BaseModel] = Plan, *, through_tables: bool = False) -> Shape:
    """The shape at a dotted path such as ``full_plan.business_case.summary``; with
    ``through_tables`` a path may go on into a table's rows (``parties.contact.name``)."""
    current: Shape = model
    walked: list[str] = []
    for name in path.split("."):
        if isinstance(current, Table) and through_tables:
            current = current.model
        if not isinstance(current, type):
            what = "a table" if isinstance(current, Table) else "a single value"
            raise PathError(
                _("{value} holds {what}; it has no field {name!r}").format(value=".".join(walked), what=what, name=name)
            )
        fields = _fields(current)
        if name not in fields:
            where = f"{'.'.join(walked)} has" if walked else f"the {current.__name__} model has"
            known = ", ".join(fields)
            raise PathError(
                _("{where} no field {name!r} (its fields: {known})").format(where=where, name=name, known=known)
            )
        current = fields[name]
        walked.append(name)
    return current


def leaf_paths(model: type[BaseModel] = Plan, prefix: str = "") -> list[str]:
    """Every path a complete form must bind: values, and the columns of tables as ``table.column``."""
    paths: list[str] = []
    for name, shape in _fields(model).items():
        path = f"{prefix}{name}"
        if isinstance(shape, Leaf):
            paths.append(path)
        elif isinstance(shape, Table):
            paths.extend(leaf_paths(shape.model, f"{path}."))
        else:
            paths.extend(leaf_paths(shape, f"{path}."))
    return paths
