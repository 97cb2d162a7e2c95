"""The calendar the record counts in: Dutch days, whatever zone a moment is stored in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["AMSTERDAM", "local_date"]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local_date(moment: datetime) -> date:
    """The Dutch calendar day of a moment: the clocks count days as the people involved do."""
    return moment.astimezone(AMSTERDAM).date()
