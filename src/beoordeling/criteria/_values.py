"""Plan values as a result shows them: in Dutch inside explanations, JSON-safe inside traces."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from .._dutch import day, enumeration, euro, number
from ..model._types import LabelledEnum
from .spec import PLACEHOLDER

__all__ = ["fill", "in_dutch", "json_safe"]

GROUPED_FROM = 10_000
"""Whole numbers from here on get a thousands dot (12.500); smaller ones, such as years, do not."""

TEXT_SHOWN = 160
"""Long submitter texts are cut in explanations and traces; the plan itself keeps them whole."""


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1].rstrip() + "…"


def in_dutch(value: Any) -> str:
    """A value as a Dutch sentence shows it: labels for codes, € 1.234,56, 1 februari 2025."""
    if value is None:
        return "niet ingevuld"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, Decimal):
        return euro(value)
    if isinstance(value, int):
        return number(value) if abs(value) >= GROUPED_FROM else str(value)  # years stay 2025
    if isinstance(value, date):
        return day(value)
    if isinstance(value, str):
        return _cut(value)
    if isinstance(value, list | tuple):
        return enumeration([in_dutch(item) for item in value]) if value else "geen"
    if isinstance(value, BaseModel):
        return "ingevuld"
    return _cut(str(value))


def json_safe(value: Any) -> Any:
    """A value as a trace records it: codes, exact amounts as text, ISO dates, list sizes."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, LabelledEnum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _cut(value)
    if isinstance(value, list | tuple):
        if all(v is None or isinstance(v, str | int | Decimal | date) for v in value):
            return [json_safe(v) for v in value]
        return f"{len(value)} items"
    if isinstance(value, BaseModel):
        return "ingevuld"
    return _cut(str(value))


def fill(template: str, values: dict[str, str]) -> str:
    """Replace each ``{name}`` with its value (names are checked when the rules load)."""
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
