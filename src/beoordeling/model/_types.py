"""Field types shared by the plan model: bounded text, euros as Decimal, identifiers."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

# Control characters never belong in plan text; newline and tab do (paragraphs, pasted tables).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 20_000
"""A long text holds about eight pages; the framework asks for proportionate plans (domain.md §4.3)."""


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("text contains control characters; remove them (only newlines and tabs are allowed)")
    return value


def _no_newlines(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("a short text must be a single line")
    return value


ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_TEXT_MAX),
    AfterValidator(_no_control_characters),
    AfterValidator(_no_newlines),
]
"""A name, title or label: one line of at most 300 characters."""

LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=LONG_TEXT_MAX),
    AfterValidator(_no_control_characters),
]
"""Free text written by a submitter; it stays text everywhere it goes."""

PlanId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
]
"""A plan's identifier: letters, digits, '.', '_' and '-', at most 64 characters (e.g. ``TP-2025-0287``)."""

Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=2_000, pattern=r"^https?://[^\s]+$"),
]
"""A web address kept as written (no normalisation, so files round-trip exactly)."""

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]

Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^[0-9+() -]+$")]
"""A phone number as written: digits, spaces, '+', '-' and parentheses."""

ShortId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$")]
"""A short identifier inside a plan, such as a milestone's ``M1``."""

Year = Annotated[int, Field(ge=2022, le=2035)]
"""A year in a funds request; the range only catches typing errors."""


def _refuse_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("an amount must be exact: write it as a decimal number or text, not a float")
    return value


Euro = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    Field(ge=0, max_digits=15, decimal_places=2, allow_inf_nan=False),
]
"""An amount in euros: a non-negative Decimal with at most two decimals, never a float."""


class LabelledEnum(StrEnum):
    """A string enum whose members carry the Dutch label shown to users beside the stored code."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member


class Part(BaseModel):
    """Base of every part of a plan: unknown keys are errors, whitespace is trimmed."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        validate_assignment=True,
        use_enum_values=False,
    )
