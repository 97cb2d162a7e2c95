"""Dates and amounts the way Dutch readers expect them (Babel), shared by every output.

Documents are always Dutch; a message (a refusal, a problem, the terminal) passes ``reader()`` to
show them the English way under an English locale."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from ._i18n import english

LOCALE = "nl_NL"
TIMEZONE = ZoneInfo("Europe/Amsterdam")
CENT = Decimal("0.01")


def reader() -> str:
    """The locale of whoever reads a message now: British English under an English locale, else Dutch."""
    return "en_GB" if english() else LOCALE


@cache
def _locale(name: str) -> Locale:
    """Babel's locale, parsed once: parsing it again on every call cost about 0.15 ms each time."""
    return Locale.parse(name)


# Babel formats a value in about 0.05 ms; an assessment names the same amounts and dates again and
# again (bench/workflow_walk.py), so the last few thousand are kept.


@lru_cache(maxsize=4096, typed=True)
def euro(amount: Decimal, locale: str = LOCALE) -> str:
    """€ 1.234.567,89 — rounded to whole cents first, half up, as Dutch payments are."""
    return format_currency(amount.quantize(CENT, rounding=ROUND_HALF_UP), "EUR", locale=_locale(locale))


@lru_cache(maxsize=4096, typed=True)
def day(value: date, locale: str = LOCALE) -> str:
    """23 november 2026."""
    return format_date(value, format="long", locale=_locale(locale))


def said_day(value: date) -> str:
    """A date inside a message, as its reader writes dates (6 januari 2025; 6 January 2025)."""
    return day(value, reader())


def moment(value: datetime, locale: str = LOCALE) -> str:
    """23-11-2026 14:05 in Dutch time (23/11/2026 14:05 the British way)."""
    pattern = "dd-MM-yyyy HH:mm" if locale == LOCALE else "dd/MM/yyyy HH:mm"
    return format_datetime(value, pattern, tzinfo=TIMEZONE, locale=_locale(locale))


@lru_cache(maxsize=4096, typed=True)
def number(value: int | Decimal, locale: str = LOCALE) -> str:
    """12.500 — thousands grouped with a dot, as Dutch readers write them."""
    return format_decimal(value, locale=_locale(locale))


def enumeration(items: list[str], conjunction: str = "en") -> str:
    """'a, b en c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]
