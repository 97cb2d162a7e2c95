"""Working days for the framework's clocks, per the Dutch rules for legal terms.

A term that ends on a Saturday, a Sunday or a generally recognised holiday is extended to the next
day that is none of these (Algemene termijnenwet, art. 1). The holidays are those of art. 3: New
Year's Day, Good Friday, Easter Monday, Ascension Day, Whit Monday, Christmas and Boxing Day, King's
Day, and Liberation Day (5 May) **every** year. The `holidays` package differs on exactly the last
two points that matter here (5 May only every fifth year, no Good Friday), so the days are computed
here. Easter Sunday and Whit Sunday are Sundays anyway.

Whether the framework's clocks follow this law is not stated in the sources (domain.md §10): the
policy file chooses (``working_days: algemene-termijnenwet`` or ``calendar``).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

__all__ = ["easter_sunday", "is_working_day", "legal_holidays", "next_working_day"]


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous 'Meeus/Jones/Butcher' algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _kings_day(year: int) -> date:
    """27 April (30 April, Queen's Day, before 2014); a day earlier when it falls on a Sunday."""
    day = date(year, 4, 27) if year >= 2014 else date(year, 4, 30)
    return day - timedelta(days=1) if day.weekday() == 6 else day


@cache
def legal_holidays(year: int) -> dict[date, str]:
    """The generally recognised holidays of art. 3 Algemene termijnenwet in ``year``, with names."""
    easter = easter_sunday(year)
    return {
        date(year, 1, 1): "Nieuwjaarsdag",
        easter - timedelta(days=2): "Goede Vrijdag",
        easter: "Eerste Paasdag",
        easter + timedelta(days=1): "Tweede Paasdag",
        _kings_day(year): "Koningsdag",
        date(year, 5, 5): "Bevrijdingsdag",
        easter + timedelta(days=39): "Hemelvaartsdag",
        easter + timedelta(days=49): "Eerste Pinksterdag",
        easter + timedelta(days=50): "Tweede Pinksterdag",
        date(year, 12, 25): "Eerste Kerstdag",
        date(year, 12, 26): "Tweede Kerstdag",
    }


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in legal_holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
