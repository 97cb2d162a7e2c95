"""The calendar the record counts in: Dutch days, whatever zone a moment is stored in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = ["AMSTERDAM", "local_date"]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_DAYS: dict[tuple[int, int], date] = {}
"""The Dutch day of each UTC hour met so far: Amsterdam's offset from UTC is whole hours and
changes on the hour, so a UTC moment's day and hour decide its Dutch day. The statistics ask this
for every event of a million (bench/stats_quarter.py); a few years of hours are some 30,000 keys."""
_MAX_DAYS = 200_000


def local_date(moment: datetime) -> date:
    """The Dutch calendar day of a moment: the clocks count days as the people involved do."""
    if moment.tzinfo is not UTC:
        return moment.astimezone(AMSTERDAM).date()
    key = (moment.toordinal(), moment.hour)
    found = _DAYS.get(key)
    if found is None:
        if len(_DAYS) >= _MAX_DAYS:
            _DAYS.clear()
        found = _DAYS[key] = moment.astimezone(AMSTERDAM).date()
    return found
