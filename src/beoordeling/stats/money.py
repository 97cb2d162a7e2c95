"""Where the money stands at the period's end: what the plans asked and were approved, from the
events, and what the ledger holds, from the books; per earmark, theme, sector and year.

The requests are counted from the events that carry them (a plan submitted or approved records
the funds it asks, in total, per year and per sector): a plan counts with the request of its
latest submission, and with the request it was approved on. What is committed, paid, waiting,
left and lapsed is the budget of the books as of the same moment (:func:`..money.budget.budget`);
nothing here computes money itself. Committed and paid are split by the theme of each plan;
paid also by the year it was paid in, and lapsed by the year it lapsed in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .._i18n import _, speaking, term
from ..money import OPEN, AccountKind, cents, euros
from ..money.books import Books
from ..money.budget import KINDS, budget
from ..store import Event
from .words import UNKNOWN

__all__ = ["DIMENSIONS", "Money", "MoneyRow", "RequestTally"]

DIMENSIONS = ("earmark", "theme", "sector", "year")
"""What the money is split by, in the order the report shows them."""

_SUBMIT, _APPROVE, _PAY = "workflow.submit-plan", "workflow.approve", "workflow.pay"


@dataclass(frozen=True)
class MoneyRow:
    """The money of one earmark, theme, sector or year, in cents; None where the figure does not
    split that way (the ledger holds an earmark's funds, not a year's)."""

    dimension: str
    name: str
    label: str
    label_en: str
    """The part in words, Dutch and English (an earmark as the budget names it; else its name)."""
    requested: int | None = None
    approved: int | None = None
    committed: int | None = None
    paid: int | None = None
    available: int | None = None
    lapsed: int | None = None

    def as_dict(self) -> dict[str, Any]:
        def amount(value: int | None) -> str | None:
            return None if value is None else str(euros(value))

        return {
            "dimension": self.dimension, "name": self.name, "label": self.label, "label_en": self.label_en,
            "requested": amount(self.requested),
            "approved": amount(self.approved), "committed": amount(self.committed), "paid": amount(self.paid),
            "available": amount(self.available), "lapsed": amount(self.lapsed),
        }  # fmt: skip


@dataclass(frozen=True)
class Money:
    """The money at the period's end."""

    on: date
    total: int
    """The programme's total, in cents."""
    kinds: Mapping[AccountKind, int]
    """What the ledger holds per kind: available (left), reserved, committed, advanced, paid,
    repaid, lapsed, transferred."""
    requested: int
    approved: int
    """What the plans submitted by then ask, and what the approved ones were approved on."""
    waiting: int
    waiting_amount: int
    """The plans on the waiting list, and what they ask together."""
    rows: tuple[MoneyRow, ...]
    unrecorded: int
    """Plans submitted without their request recorded (by an earlier release): not in ``requested``."""
    problems: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(), "total": str(euros(self.total)),
            "kinds": {kind.value: str(euros(amount)) for kind, amount in self.kinds.items()},
            "requested": str(euros(self.requested)), "approved": str(euros(self.approved)),
            "waiting_list": {"plans": self.waiting, "amount": str(euros(self.waiting_amount))},
            "rows": [row.as_dict() for row in self.rows], "unrecorded": self.unrecorded,
            "problems": list(self.problems),
        }  # fmt: skip


class RequestTally:
    """The requests, approvals and payments the events record, followed through a replay."""

    def __init__(self) -> None:
        self._requested: dict[str, Mapping[str, Any]] = {}
        self._approved: dict[str, Mapping[str, Any]] = {}
        self._unrecorded: set[str] = set()
        self._paid_in: dict[str, int] = defaultdict(int)

    def add(self, event: Event, on: date) -> None:
        plan_id = event.plan_id
        if plan_id is None:
            return
        funds = event.payload.get("funds")
        if event.type == _SUBMIT:
            if isinstance(funds, Mapping):
                self._requested[plan_id] = funds
                self._unrecorded.discard(plan_id)
            elif event.groups.get("requests_funds"):
                self._unrecorded.add(plan_id)
        elif event.type == _APPROVE and isinstance(funds, Mapping):
            self._approved[plan_id] = funds
        elif event.type == _PAY:
            self._paid_in[str(on.year)] += _cents(event.payload.get("amount"))

    def money(self, books: Books, themes: Mapping[str, str]) -> Money:
        """The money as of the books' day; ``themes`` names each plan's theme."""
        found, unknown = budget(books), UNKNOWN
        rows: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for plan_id, funds in self._requested.items():
            self._spread(rows, "requested", funds, themes.get(plan_id) or unknown)
        for plan_id, funds in self._approved.items():
            self._spread(rows, "approved", funds, themes.get(plan_id) or unknown)
        for line in found.lines:
            if line.kind in (AccountKind.COMMITTED, AccountKind.PAID):
                theme = themes.get(line.part.split("/")[0]) or unknown
                rows["theme", theme][line.kind.value] += line.amount
            elif line.kind is AccountKind.AVAILABLE:
                rows["earmark", line.part]["available"] += line.amount
        for year, amount in self._paid_in.items():
            rows["year", year]["paid"] += amount
        for lapse in books.programme.spec.lapses:
            if lapse.on <= books.on:
                rows["year", str(lapse.on.year)]["lapsed"] += cents(lapse.amount)
        ordered = sorted(rows.items(), key=lambda item: (DIMENSIONS.index(item[0][0]), item[0][1]))
        return Money(
            books.on, found.total, {kind: found.of(kind) for kind in KINDS},
            sum(_cents(f.get("total")) for f in self._requested.values()),
            sum(_cents(f.get("total")) for f in self._approved.values()),
            found.waiting, found.waiting_amount,
            tuple(_row(key, _labels(books, key), figures) for key, figures in ordered),
            len(self._unrecorded), found.problems,
        )  # fmt: skip

    @staticmethod
    def _spread(rows: dict[tuple[str, str], dict[str, int]], what: str, funds: Mapping[str, Any], theme: str) -> None:
        rows["theme", theme][what] += _cents(funds.get("total"))
        for dimension, key in (("sector", "sectors"), ("year", "years")):
            parts = funds.get(key)
            if isinstance(parts, Mapping):
                for name, amount in parts.items():
                    rows[dimension, str(name)][what] += _cents(amount)


def _labels(books: Books, key: tuple[str, str]) -> tuple[str, str]:
    """A part of the funds in Dutch and English words; anything else by its name."""
    dimension, name = key
    if dimension != "earmark":
        return name, name
    earmarks = {earmark.id: earmark for earmark in books.programme.spec.earmarks}
    said = []
    for language in ("nl", "en"):
        with speaking(language):
            if name in earmarks:
                sectors = ", ".join(term(s) for s in earmarks[name].sectors)
                said.append(_("earmarked for {sectors}").format(sectors=sectors))
            else:
                said.append(_("open to every sector") if name == OPEN else name)
    return said[0], said[1]


def _row(key: tuple[str, str], labels: tuple[str, str], figures: Mapping[str, int]) -> MoneyRow:
    dimension, name = key
    shown = {
        "earmark": ("available",),
        "theme": ("requested", "approved", "committed", "paid"),
        "sector": ("requested", "approved"),
        "year": ("requested", "approved", "paid", "lapsed"),
    }[dimension]
    amounts: dict[str, Any] = {what: figures.get(what, 0) for what in shown}
    return MoneyRow(dimension, name, labels[0], labels[1], **amounts)


def _cents(value: Any) -> int:
    """Cents of an amount an event records (a decimal string); 0 for anything else."""
    try:
        return cents(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return 0
