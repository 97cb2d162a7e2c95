"""The types an expression can have, read from the plan model itself.

A rules file may only name fields that exist, and compare values that can be compared; both are
checked when the rules are loaded, against the same pydantic model that validates plans. Public
properties of the model (``funding.total``, ``insurers.all``) can be read like fields.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Union

from pydantic import BaseModel

from .._i18n import N_, _
from ..model import Milestone, Plan
from ..model._types import LabelledEnum, Part

__all__ = ["BOOL", "DATE", "MONEY", "NULL", "NUMBER", "TEXT", "Type", "context_fields", "fields_of"]

KIND_WORDS = {
    "bool": N_("true/false"),
    "number": N_("a number"),
    "money": N_("an amount"),
    "text": N_("a text"),
    "date": N_("a date"),
    "list": N_("a list"),
    "object": N_("an object"),
    "enum": N_("a code"),
    "null": "null",
}


@dataclass(frozen=True, slots=True)
class Type:
    """What an expression yields: a kind, whether it may be empty (null), and for lists and objects
    what they hold."""

    kind: str
    """One of bool, number, money, text, date, enum, list, object, null."""
    nullable: bool = False
    item: Type | None = None
    enum: type[LabelledEnum] | None = None
    model: type[BaseModel] | None = None

    def describe(self) -> str:
        if self.kind == "list" and self.item is not None:
            return _("a list of {item}").format(item=self.item.describe())
        if self.kind == "enum" and self.enum is not None:
            return _("a {enum} code").format(enum=self.enum.__name__)
        if self.kind == "object" and self.model is not None:
            return _("a {model}").format(model=self.model.__name__)
        return _(KIND_WORDS.get(self.kind, self.kind))

    def required(self) -> Type:
        return Type(self.kind, False, self.item, self.enum, self.model)

    def optional(self) -> Type:
        return Type(self.kind, True, self.item, self.enum, self.model)

    @property
    def numeric(self) -> bool:
        return self.kind in ("number", "money")


BOOL = Type("bool")
NUMBER = Type("number")
MONEY = Type("money")
TEXT = Type("text")
DATE = Type("date")
NULL = Type("null", nullable=True)


def from_annotation(annotation: Any) -> Type:
    """The expression type of a field annotation such as ``list[CostLine]`` or ``ShortText | None``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return from_annotation(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(members) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        return from_annotation(members[0]).optional()
    if origin is list:
        return Type("list", item=from_annotation(typing.get_args(annotation)[0]))
    if annotation is bool:
        return BOOL
    if annotation is int:
        return NUMBER
    if annotation is Decimal:
        return MONEY
    if annotation is str:
        return TEXT
    if annotation is date:
        return DATE
    if isinstance(annotation, type) and issubclass(annotation, LabelledEnum):
        return Type("enum", enum=annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Type("object", model=annotation)
    raise TypeError(f"unsupported field type {annotation!r}")


@cache
def fields_of(model: type[BaseModel]) -> dict[str, Type]:
    """The fields, and the public properties, an expression may read from ``model``."""
    found = {name: from_annotation(info.annotation) for name, info in model.model_fields.items()}
    for cls in model.__mro__:
        if not (isinstance(cls, type) and issubclass(cls, Part)) or cls is Part:
            continue
        for name, member in vars(cls).items():
            if isinstance(member, property) and not name.startswith("_") and member.fget is not None:
                hints = typing.get_type_hints(member.fget)
                found.setdefault(name, from_annotation(hints["return"]))
    return found


@cache
def context_fields() -> dict[str, Type]:
    """The names an expression starts from: the plan's fields, the evaluation date (``on``) and, in
    the milestone step, the milestone under review (``milestone``)."""
    roots = dict(fields_of(Plan))
    roots["on"] = DATE
    roots["milestone"] = Type("object", nullable=True, model=Milestone)
    return roots
