"""Numbers read from files and cells, bounded before they are built.

A number arrives as text: in JSON, in YAML, in a workbook's XML. Converted naively, ``1e999999999``
becomes a Decimal whose digits take gigabytes to print or to check against a model's ``max_digits``,
a 4,301-digit integer makes Python raise ``ValueError``, and a 20-digit version overflows SQLite. So
the text is looked at first: at most :data:`MAX_CHARS` characters, a plain decimal shape, an exponent
of at most three digits, and a value within :data:`MAX_MAGNITUDE` digits before the point. What
passes is converted; what does not is refused with a message that quotes at most a short prefix of
it (:func:`excerpt`). The model then applies the meaning of each field (an amount's maximum, a
year's range).
"""

from __future__ import annotations

import re
from decimal import Decimal

from ._i18n import _
from .errors import BeoordelingError

__all__ = [
    "MAX_CHARS",
    "MAX_MAGNITUDE",
    "MAX_WHOLE_DIGITS",
    "NumberRefused",
    "decimal_from_text",
    "excerpt",
    "whole_from_text",
]

MAX_CHARS = 40
"""Characters in a written number; an amount in cents needs about 16."""
MAX_MAGNITUDE = 15
"""Digits before the decimal point (10^15 euros is far beyond any programme's funds)."""
MAX_WHOLE_DIGITS = 18
"""Digits of a whole number: every such number fits the store's 64-bit integers."""
EXCERPT = 40
"""Characters of a refused value quoted in a message."""

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?([0-9]+))?")


class NumberRefused(BeoordelingError, ValueError):
    """Number text that is not read: too long, the wrong shape, or out of range."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(message)
        self.text = text


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """``value`` quoted for a message, cut to ``limit`` characters (the whole of a hostile value is
    never repeated back)."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        return repr(text[: limit - 1] + "…") + " " + _("({count} characters)").format(count=len(text))
    return repr(text)


def _refuse(text: str, why: str) -> NumberRefused:
    return NumberRefused(text, _("{text} is not read as a number: {why}").format(text=excerpt(text), why=why))


def decimal_from_text(text: str) -> Decimal:
    """A decimal number from its text (``125000.50``, ``1.5e+3``), bounded before conversion."""
    if len(text) > MAX_CHARS:
        raise _refuse(text, _("it is longer than {max_chars} characters").format(max_chars=MAX_CHARS))
    shape = _DECIMAL.fullmatch(text)
    if not shape:
        raise _refuse(text, _("write digits with an optional decimal point (and exponent)"))
    if shape[1] and len(shape[1].lstrip("0")) > 3:
        raise _refuse(
            text,
            _("it has more than {max_magnitude} digits before the decimal point").format(max_magnitude=MAX_MAGNITUDE),
        )
    value = Decimal(text)
    if value and value.adjusted() >= MAX_MAGNITUDE:
        raise _refuse(
            text,
            _("it has more than {max_magnitude} digits before the decimal point").format(max_magnitude=MAX_MAGNITUDE),
        )
    if value and value.adjusted() < -MAX_MAGNITUDE:
        raise _refuse(text, _("it is too small to mean anything"))
    return value


def whole_from_text(text: str) -> int:
    """A whole number from its text, at most :data:`MAX_WHOLE_DIGITS` digits."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not (digits.isascii() and digits.isdigit()):
        raise _refuse(text, _("expected a whole number written in digits"))
    if len(digits) > MAX_WHOLE_DIGITS:
        raise _refuse(text, _("it has more than {max_whole_digits} digits").format(max_whole_digits=MAX_WHOLE_DIGITS))
    return int(text)
