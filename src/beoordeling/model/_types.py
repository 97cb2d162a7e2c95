"""Field types shared by the plan model: bounded text, euros as Decimal, identifiers."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from .._i18n import _
from .._numbers import MAX_MAGNITUDE, NumberRefused, decimal_from_text

# Control characters never belong in plan text; newline and tab do (paragraphs, pasted tables).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 20_000
"""A long text holds about eight pages; the framework asks for proportionate plans (domain.md §4.3)."""


_C1_OR_BIDI = re.compile("[\x80-\x9f\u202a-\u202e\u2066-\u2069]")
"""C1 controls, and the bidirectional embeddings, overrides and isolates that reorder what a reader
sees (the "Trojan Source" characters); no plan text needs them."""
_INVISIBLE = re.compile("[\\s\u00ad\u061c\u180e\u200b-\u200f\u2060-\u2064\ufeff]*")
"""Whitespace and characters that show nothing (zero-width spaces and joiners, marks, BOM)."""


_SUSPECT = re.compile(f"{_CONTROL.pattern}|{_C1_OR_BIDI.pattern}")
"""Either of the two: one pass over a text that has neither, as nearly every text has (a stored plan
is validated again each time it is read)."""


def _no_control_characters(value: str) -> str:
    found = _SUSPECT.search(value)
    if found is not None and _CONTROL.search(value):
        raise ValueError(_("text contains control characters; remove them (only newlines and tabs are allowed)"))
    if found is not None:
        raise ValueError(
            _("text contains an invisible control or direction character (U+{value:04X}); remove it").format(
                value=ord(found.group())
            )
        )
    if _INVISIBLE.fullmatch(value):
        raise ValueError(_("text shows nothing (only spaces or invisible characters); write something or leave it out"))
    return value


def _no_newlines(value: str) -> str:
    if "\n" in value or "\r" in value or "\u2028" in value or "\u2029" in value:
        raise ValueError(_("a short text must be a single line"))
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

Postcode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[1-9][0-9]{3} ?[A-Z]{2}$")]
"""A Dutch postcode, four digits and two letters (``1234 AB``; a space between them is optional)."""

ShortId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$")]
"""A short identifier inside a plan, such as a milestone's ``M1``."""

Year = Annotated[int, Field(ge=2022, le=2035)]
"""A year in a funds request; the range only catches typing errors."""


def _bounded_amount(value: Any) -> Any:
    """Refuse a float, and bound an amount's size before pydantic counts its digits (a Decimal such
    as ``1e999999999`` would be expanded to a billion digits)."""
    if isinstance(value, float):
        raise ValueError(_("an amount must be exact: write it as a decimal number or text, not a float"))
    if isinstance(value, str):
        try:
            return decimal_from_text(value.strip())
        except NumberRefused as exc:
            raise ValueError(str(exc)) from None
    if isinstance(value, Decimal) and value.is_finite() and value and abs(value.adjusted()) >= MAX_MAGNITUDE:
        raise ValueError(
            _("an amount has at most {max_magnitude} digits before the decimal point").format(
                max_magnitude=MAX_MAGNITUDE
            )
        )
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**MAX_MAGNITUDE:
        raise ValueError(
            _("an amount has at most {max_magnitude} digits before the decimal point").format(
                max_magnitude=MAX_MAGNITUDE
            )
        )
    return value


def _in_cents(value: Decimal) -> Decimal:
    """One written form per amount, whole cents: ``1.5e+3``, ``1500`` and ``1500.00`` are the same
    amount and must not make a new version when a plan is exported and imported unchanged."""
    cents = value.quantize(_CENT)
    return cents.copy_abs() if cents.is_zero() else cents  # -0 is 0.00


_CENT = Decimal("0.01")

Euro = Annotated[
    Decimal,
    BeforeValidator(_bounded_amount),
    Field(ge=0, max_digits=15, decimal_places=2, allow_inf_nan=False),
    AfterValidator(_in_cents),
]
"""An amount in euros: a non-negative Decimal in whole cents, never a float, below 10^13."""

DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2099, 12, 31)
"""The dates a plan may hold. The IZA runs from 2022; the range only catches typing errors (9999-01-01)
and keeps date arithmetic (a term of years after a start) within the calendar."""


def _sane_date(value: date) -> date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueError(
            _("a date in a plan lies between {first} and {last}; found {found}").format(
                first=DATE_MIN.isoformat(), last=DATE_MAX.isoformat(), found=value.isoformat()
            )
        )
    return value


PlanDate = Annotated[date, AfterValidator(_sane_date)]
"""A date in a plan, within :data:`DATE_MIN` and :data:`DATE_MAX`."""

VERSION_MAX = 1_000_000
"""The highest version number a plan can have: far beyond any real plan, well inside 64 bits."""

Version = Annotated[int, Field(ge=1, le=VERSION_MAX)]


class LabelledEnum(StrEnum):
    """A string enum whose members carry the Dutch label shown to users beside the stored code, and
    the English one a terminal under an English locale shows (``_i18n.term``). Documents (letters,
    the overview) always show the Dutch label."""

    label: str
    label_en: str

    def __new__(cls, value: str, label: str = "", label_en: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        member.label_en = label_en or member.label
        return member


class Part(BaseModel):
    """Base of every part of a plan: unknown keys are errors, whitespace is trimmed."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        validate_assignment=True,
        use_enum_values=False,
    )
