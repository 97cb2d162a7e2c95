"""Values between workbook cells and the plan model, in both directions.

People type into Excel what they would write on paper: a date as 1-2-2025, an amount as 1.234,56, a
choice by its Dutch label. Excel stores numbers as binary floats. Reading turns each of these into the
exact model value or a message that says what was expected and what was found; writing gives the
cell the value a person would have typed, and never a formula.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from .._i18n import _
from .._numbers import MAX_CHARS, MAX_MAGNITUDE, MAX_WHOLE_DIGITS, excerpt
from ..errors import BeoordelingError
from ..model._types import LabelledEnum
from ._model import Leaf

__all__ = ["CellError", "from_cell", "number_format", "split_list", "to_cell"]

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DUTCH_AMOUNT = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_WHOLE = re.compile(r"^-?\d+$")
_CENT = Decimal("0.01")
_YES = {"ja", "yes", "waar", "true"}
_NO = {"nee", "no", "onwaar", "false"}

DATE_FORMAT = "d-m-yyyy"
AMOUNT_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"


class CellError(BeoordelingError, ValueError):
    """A cell whose value cannot become the model's value; the message says expected and found."""


def _found(raw: Any) -> str:
    if isinstance(raw, datetime):
        return f"the date {raw.date().isoformat()}" if raw.time() == time() else f"the moment {raw.isoformat(' ')}"
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, int | float):
        digits = _plain_number(raw)
        return f"the number {digits if len(digits) <= 40 else digits[:39] + f'… ({len(digits)} digits)'}"
    return excerpt(str(raw), 60)


def _plain_number(raw: float | int) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return format(Decimal(repr(raw)), "f") if isinstance(raw, float) else str(raw)


def split_list(text: str) -> list[str]:
    """A list cell: one entry per line, or entries separated by semicolons."""
    return [part.strip() for part in re.split(r"[;\n\r]+", text) if part.strip()]


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        if raw.time() != time():
            raise CellError(_("expected a date without a time of day; found {raw}").format(raw=_found(raw)))
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        iso, dutch = _ISO_DATE.match(text), _DUTCH_DATE.match(text)
        if iso or dutch:
            year, month, day = (
                (int(iso[1]), int(iso[2]), int(iso[3])) if iso else (int(dutch[3]), int(dutch[2]), int(dutch[1]))  # type: ignore[index]
            )
            try:
                return date(year, month, day)
            except ValueError:
                raise CellError(_("the date {text} does not exist").format(text=text)) from None
    raise CellError(_("expected a date such as 1-2-2025 or 2025-02-01; found {raw}").format(raw=_found(raw)))


def _amount(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(_("expected an amount in euros; found {raw}").format(raw=_found(raw)))
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = raw.replace("€", "").replace("\u00a0", "").replace(" ", "")
        if len(text) > MAX_CHARS or not _DUTCH_AMOUNT.match(text):
            raise CellError(
                _("expected an amount as a number, or in Dutch notation such as 1.234,56; found {raw}").format(
                    raw=_found(raw)
                )
            )
        value = Decimal(text.replace(".", "").replace(",", "."))
    else:
        raise CellError(_("expected an amount in euros; found {raw}").format(raw=_found(raw)))
    if not value.is_finite():
        raise CellError(_("expected an amount in euros; found {raw}").format(raw=_found(raw)))
    if value and value.adjusted() >= MAX_MAGNITUDE:
        raise CellError(
            _("an amount has at most {max_magnitude} digits before the decimal point; found {raw}").format(
                max_magnitude=MAX_MAGNITUDE, raw=_found(raw)
            )
        )
    return value.quantize(_CENT) if value == value.quantize(_CENT) else value


def _whole(raw: Any) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < 10**MAX_WHOLE_DIGITS:
        return raw
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 10**MAX_WHOLE_DIGITS:
        return int(raw)
    if isinstance(raw, str) and len(raw.strip()) <= MAX_WHOLE_DIGITS and _WHOLE.match(raw.strip()):
        return int(raw.strip())
    raise CellError(
        _("expected a whole number of at most {max_whole_digits} digits; found {raw}").format(
            max_whole_digits=MAX_WHOLE_DIGITS, raw=_found(raw)
        )
    )


def _yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().casefold() in _YES | _NO:
        return raw.strip().casefold() in _YES
    raise CellError(_("expected ja or nee; found {raw}").format(raw=_found(raw)))


def _choice(raw: Any, choices: type[LabelledEnum]) -> str:
    if isinstance(raw, str):
        wanted = raw.strip().casefold()
        for member in choices:
            if wanted in (member.label.casefold(), member.value.casefold()):
                return member.value
    labels = "; ".join(member.label for member in choices)
    raise CellError(_("expected one of: {labels}; found {raw}").format(labels=labels, raw=_found(raw)))


def _text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _plain_number(raw)
    raise CellError(_("expected text; found {raw}").format(raw=_found(raw)))


def from_cell(leaf: Leaf, raw: Any) -> Any:
    """The model value of a cell, or None for an empty cell; raise :class:`CellError` otherwise."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if leaf.kind == "date":
        return _date(raw)
    if leaf.kind == "amount":
        return _amount(raw)
    if leaf.kind == "whole-number":
        return _whole(raw)
    if leaf.kind in ("yes-no", "present"):
        return _yes_no(raw)
    if leaf.choices is not None:
        return _choice(raw, leaf.choices)
    if leaf.kind == "list":
        return split_list(_text(raw)) or None
    return _text(raw)


def to_cell(leaf: Leaf, value: Any) -> Any:
    """What a person would type for ``value``: a label for a choice, ja/nee, one entry per line."""
    if value is None:
        return None
    if leaf.choices is not None:
        return leaf.choices(value).label
    if leaf.kind == "yes-no":
        return "ja" if value else "nee"
    if leaf.kind == "present":
        return "ja"  # the part is there (``value`` is its content); an absent part leaves the cell empty
    if leaf.kind == "list":
        return "\n".join(value) or None
    return value


def number_format(leaf: Leaf) -> str:
    """The cell format that makes Excel keep what is typed: text stays text, dates are dates."""
    if leaf.kind == "date":
        return DATE_FORMAT
    if leaf.kind == "amount":
        return AMOUNT_FORMAT
    if leaf.kind == "whole-number":
        return "0"
    return TEXT_FORMAT
