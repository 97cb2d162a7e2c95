"""Dates and amounts the way Dutch readers expect them (Babel), shared by every output."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

LOCALE = "nl_NL"
TIMEZONE = ZoneInfo("Europe/Amsterdam")
CENT = Decimal("0.01")


def euro(amount: Decimal) -> str:
    """€ 1.234.567,89 — rounded to whole cents first, half up, as Dutch payments are."""
    return format_currency(amount.quantize(CENT, rounding=ROUND_HALF_UP), "EUR", locale=LOCALE)


def day(value: date) -> str:
    """23 november 2026."""
    return format_date(value, format="long", locale=LOCALE)


def moment(value: datetime) -> str:
    """23-11-2026 14:05 in Dutch time."""
    return format_datetime(value, "dd-MM-yyyy HH:mm", tzinfo=TIMEZONE, locale=LOCALE)


def number(value: int | Decimal) -> str:
    """12.500 — thousands grouped with a dot, as Dutch readers write them."""
    return format_decimal(value, locale=LOCALE)


def enumeration(items: list[str]) -> str:
    """'a, b en c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]
