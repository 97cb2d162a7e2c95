"""The budget as of a day: where the programme's money is, account by account, with what each is.

:func:`budget` reads a :class:`~.books.Books` into lines a reader can follow: the money available
per part (the open part, each sector earmark while it runs), reserved per theme reservation,
committed and paid per plan, lapsed and transferred per entry of the programme file, with a total
per kind and the programme's total. The terminal (``beoordeling budget``), the overview and the
statistics show these lines; none of them computes money itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from .._dutch import day, reader
from .._gc import collector_paused
from .._i18n import _, term
from .books import Books
from .ledger import AccountKind, cents, euros
from .programme import OPEN, Programme

__all__ = ["KINDS", "Budget", "BudgetLine", "budget"]

KINDS = (
    AccountKind.AVAILABLE,
    AccountKind.RESERVED,
    AccountKind.COMMITTED,
    AccountKind.ADVANCED,
    AccountKind.PAID,
    AccountKind.REPAID,
    AccountKind.LAPSED,
    AccountKind.TRANSFERRED,
)
"""The kinds in the order a budget shows them: what is free first, what left the programme last."""


class BudgetLine(NamedTuple):
    """One account's balance: its kind, its part (an earmark, a theme reservation, a plan), what it
    is in words, the amount in cents, and until when it runs (an earmark or reservation). A tuple:
    a budget over many plans has a line per plan and milestone."""

    kind: AccountKind
    part: str
    label: str
    amount: int
    until: date | None = None


@dataclass(frozen=True)
class Budget:
    """The budget of a programme as of a day."""

    programme: Programme
    on: date
    lines: tuple[BudgetLine, ...]
    waiting: int
    """How many plans are on the waiting list."""
    waiting_amount: int
    """What they ask together, in cents."""
    problems: tuple[str, ...]

    @property
    def total(self) -> int:
        """The programme's total in cents."""
        return cents(self.programme.spec.total.amount)

    def of(self, kind: AccountKind) -> int:
        return sum(line.amount for line in self.lines if line.kind is kind)

    def as_dict(self, reading: str) -> dict[str, Any]:
        """The budget as JSON data (``budget --format json``, the demo's ``budget.json``); amounts as
        decimal strings in euros."""
        return {
            "programme": self.programme.stamp,
            "on": self.on.isoformat(),
            "reading": reading,
            "total": str(euros(self.total)),
            "kinds": {kind.value: str(euros(self.of(kind))) for kind in KINDS},
            "lines": [
                {
                    "kind": line.kind.value, "part": line.part, "label": line.label,
                    "amount": str(euros(line.amount)), "until": line.until.isoformat() if line.until else None,
                }
                for line in self.lines
            ],
            "waiting_list": {"plans": self.waiting, "amount": str(euros(self.waiting_amount))},
            "problems": list(self.problems),
        }  # fmt: skip


_PLANS = (AccountKind.COMMITTED, AccountKind.ADVANCED, AccountKind.PAID, AccountKind.REPAID)
"""The kinds held per plan."""


def budget(books: Books, title: Callable[[str], str] | None = None) -> Budget:
    """The budget of ``books``; ``title`` names a plan by its id (the id itself when not given)."""
    with collector_paused():  # a line per plan and milestone, and no cycles among them
        lines = _lines(books, title)
    queue = books.queue
    return Budget(
        books.programme,
        books.on,
        tuple(lines),
        len(queue),
        sum(q.requested for q in queue),
        tuple(books.ledger.conservation_problems()),
    )


def _lines(books: Books, title: Callable[[str], str] | None) -> list[BudgetLine]:
    spec = books.programme.spec
    earmarks = {e.id: e for e in spec.earmarks}
    reservations = {r.id: r for r in spec.reservations}
    named = {e.id: e.title for e in spec.transfers}
    named |= {x.id: _("unused, returned on {day}").format(day=day(x.on, reader())) for x in spec.lapses}
    lines: list[BudgetLine] = []
    grouped = books.ledger.by_kind()
    for kind in KINDS:
        if kind in _PLANS:  # a line per plan (and milestone): many, so made in one go
            held = [(account.part, amount) for account, amount in grouped.get(kind, ()) if amount]
            if title is None:
                lines.extend(BudgetLine(kind, part, part, amount) for part, amount in held)
            else:
                lines.extend(
                    BudgetLine(kind, part, f"{part}: {title(part.split('/')[0])}", amount) for part, amount in held
                )
            continue
        for account, amount in grouped.get(kind, ()):
            if not amount and kind is not AccountKind.AVAILABLE:
                continue
            until = None
            if kind is AccountKind.AVAILABLE and account.part in earmarks:
                earmark = earmarks[account.part]
                if not amount and books.on > earmark.until:
                    continue  # an ended earmark holds nothing: it is no longer a part of the funds
                label = _("earmarked for {sectors}").format(sectors=", ".join(term(s) for s in earmark.sectors))
                until = earmark.until
            elif kind is AccountKind.AVAILABLE:
                label = _("open to every sector") if account.part == OPEN else account.part
            elif kind is AccountKind.RESERVED and account.part in reservations:
                reservation = reservations[account.part]
                label = _("reserved for {themes}").format(themes=", ".join(term(t) for t in reservation.themes))
                until = reservation.until
            else:
                label = named.get(account.part, account.part)
            lines.append(BudgetLine(kind, account.part, label, amount, until))
    return lines
