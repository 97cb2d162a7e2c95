"""The NZa's waiting list and the IZA parties' quarterly figures, read from the library for the
pages: the books' queue (:class:`..money.books.Books`), the statistics of a quarter
(:func:`..stats.evaluate`) laid out as the quarterly report lays them out (:func:`..report.report_of`).
"""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..charts import plot_forecast
from ..money import euros
from ..money.books import Books
from ..money.budget import Budget, budget
from ..money.forecast import Forecast, forecast, requests_in
from ..report import Report, report_of
from ..stats import Evaluation, evaluate, period_of
from ..store import Reading, Store

__all__ = ["Figures", "Money", "QueueRow", "forecast_svg", "last_quarter", "queue"]


@dataclass(frozen=True)
class QueueRow:
    place: int
    plan_id: str
    title: str
    since: datetime
    requested: object
    ahead: object
    available: object
    """What the books have for this plan now (the head is funded once it covers the request)."""


def queue(store: Store, on: date) -> list[QueueRow]:
    """The waiting list on ``on``: first come, first served, with what is ahead of each plan."""
    books = Books.of(store, on, Reading.HAPPENED)
    titles = {p.plan_id: p.title for p in store.plans()}
    rows = []
    ahead = 0
    for place, queued in enumerate(books.queue, start=1):
        plan = store.plan(queued.plan_id, queued.version).plan
        rows.append(QueueRow(place, queued.plan_id, titles.get(queued.plan_id, ""), queued.since,
                             euros(queued.requested), euros(ahead), euros(books.available_for(plan))))  # fmt: skip
        ahead += queued.requested
    return rows


def last_quarter(today: date) -> str:
    """The last quarter that has ended by ``today`` (2025Q3 on 1 November 2025)."""
    number = (today.month - 1) // 3  # the quarters before this one in this year
    return f"{today.year - 1}Q4" if number == 0 else f"{today.year}Q{number}"


class Figures:
    """A quarter's evaluation and report, made once per quarter and state of the store (the
    figures of a past quarter change only when events are entered later), a few kept."""

    def __init__(self, keep: int = 8) -> None:
        self.keep = keep
        self._made: OrderedDict[tuple[str, int, str], tuple[Evaluation, Report]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, store: Store, quarter: str, reading: Reading = Reading.KNOWN) -> tuple[Evaluation, Report]:
        period = period_of(quarter)  # ValueError with the reason for a bad quarter
        key = (period.label, store.head().count, reading.value)
        with self._lock:
            found = self._made.get(key)
            if found is None:
                evaluation = evaluate(store, period, reading)
                found = self._made[key] = (evaluation, report_of(evaluation))
                while len(self._made) > self.keep:
                    self._made.popitem(last=False)
        return found


class Money:
    """The budget and the forecast of one day, made once per state of the store (a few kept)."""

    def __init__(self, keep: int = 4) -> None:
        self.keep = keep
        self._made: OrderedDict[tuple[date, int], tuple[Budget, Forecast]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, store: Store, on: date) -> tuple[Budget, Forecast]:
        key = (on, store.head().count)
        with self._lock:
            found = self._made.get(key)
            if found is None:
                titles = {p.plan_id: p.title for p in store.plans()}
                books = Books.balances_of(store, on, Reading.HAPPENED)
                found = (budget(books, lambda plan_id: titles.get(plan_id, plan_id)),
                         forecast(store.events(), on, requests_in(store), Reading.HAPPENED))  # fmt: skip
                self._made[key] = found
                while len(self._made) > self.keep:
                    self._made.popitem(last=False)
        return found


def forecast_svg(found: Forecast) -> str:
    """The forecast's plot (the one ``forecast -o FILE.svg`` draws), as SVG text."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prognose.svg"
        plot_forecast(found, path)
        return path.read_text(encoding="utf-8")
