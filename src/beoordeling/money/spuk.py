"""The municipal route (*specifieke uitkering transformatiemiddelen*, SPUK): what a plan's
municipalities receive in advance, what each milestone settles of it, and what they repay.

A municipality taking part in a plan is paid through a specific grant, not by the insurers: its
share of the plan (the cost lines of the parties whose role is *gemeente*) is paid in advance,
within the grant's ceiling (Regeling specifieke uitkering transformatiemiddelen IZA, art. 5 and
7(3)); a milestone achieved settles its part of the advance, and for a milestone not achieved the
municipalities repay their part "so that they are treated the same as Zvw providers" (DUS-I;
art. 10(3)). The regulation gives no rule for splitting a milestone between the insurers' and the
municipalities' share: :func:`milestone_shares` splits each in proportion to the plan's request,
to the cent, so that the shares add up to the whole advance when the milestones cover the request.

:func:`accountability` gives the yearly figures a municipality reports through SiSa by 15 July
after each year (DUS-I): per plan, whether the year's milestones were achieved according to the
insurers, the advance for the year, what was repaid for milestones not achieved, cumulatively, and
whether the plan has ended.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .._time import local_date
from ..model import Plan, PlanState
from ..model.enums import PartyRole
from ..store import Event, events_as_of
from ..workflow import PlanRecord, Trigger
from .ledger import cents, euros

__all__ = ["SpukYear", "accountability", "advance_kept", "milestone_shares", "municipal_share", "municipalities"]


def municipalities(plan: Plan) -> list[str]:
    """The plan's parties whose role is *gemeente*, by name, as the plan lists them."""
    return [party.name for party in plan.parties if party.role is PartyRole.MUNICIPALITY]


def municipal_share(plan: Plan) -> int:
    """What the plan asks for its municipalities, in cents: their cost lines together."""
    if plan.funding is None:
        return 0
    names = {name.casefold() for name in municipalities(plan)}
    return sum(cents(line.amount) for line in plan.funding.lines if line.party.casefold() in names)


def milestone_shares(plan: Plan, advanced: int) -> dict[str, int]:
    """The part of ``advanced`` cents each milestone settles: its amount times the advance's share
    of the request, rounded to the cent by the largest remainders (ties to the earlier milestone),
    so that the parts add up exactly."""
    funding = plan.funding
    if funding is None or not funding.milestones or advanced <= 0:
        return {}
    requested = cents(funding.total)
    amounts = [(m.id, cents(m.amount)) for m in funding.milestones]
    whole = min(advanced, advanced * sum(a for _, a in amounts) // requested) if requested else 0
    exact = [(mid, amount * advanced) for mid, amount in amounts]
    shares = {mid: value // requested for mid, value in exact} if requested else {mid: 0 for mid, _ in exact}
    left = whole - sum(shares.values())
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] % requested), i)) if requested else []
    for i in by_remainder[: max(left, 0)]:
        shares[exact[i][0]] += 1
    return {mid: min(share, amount) for (mid, amount), share in zip(amounts, shares.values(), strict=True)}


def advance_kept(plan: Plan, advanced: int, record: PlanRecord) -> int:
    """What the milestones found met and not yet paid still settle of the advance, in cents: kept
    when the plan is completed (the rest of the advance is repaid)."""
    shares = milestone_shares(plan, advanced)
    return sum(share for mid, share in shares.items() if record.milestones.get(mid) and mid not in record.paid)


@dataclass(frozen=True)
class SpukYear:
    """One plan's figures for one year of the municipal route (SiSa accountability)."""

    plan_id: str
    title: str
    municipalities: tuple[str, ...]
    year: int
    granted: int
    """The advance granted for the whole plan, in cents."""
    advance_for_year: int
    """The municipalities' cost lines of the year: the yearly instalment of the advance (art. 7(3))."""
    milestones_due: tuple[tuple[str, bool | None], ...]
    """The milestones due in the year with the insurers' finding: achieved, not achieved, or not yet decided."""
    repaid_in_year: int
    repaid_to_date: int
    """What was repaid for milestones not achieved, in the year and up to its end."""
    final: bool
    """Whether the plan ended (completed or withdrawn) by the year's end: the last report."""

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON data (``spuk --format json``, the demo's ``spuk-YEAR.json``); amounts
        as decimal strings in euros."""
        return {
            "plan": self.plan_id, "title": self.title, "municipalities": list(self.municipalities), "year": self.year,
            "granted": str(euros(self.granted)), "advance_for_year": str(euros(self.advance_for_year)),
            "milestones": dict(self.milestones_due),
            "repaid_in_year": str(euros(self.repaid_in_year)), "repaid_to_date": str(euros(self.repaid_to_date)),
            "final": self.final,
        }  # fmt: skip


def accountability(events: Iterable[Event], plans: Callable[[str, int | None], Plan], year: int) -> list[SpukYear]:
    """The SPUK figures of every plan that received an advance, for ``year`` as the store recorded
    it by the end of that year; ``plans`` gives a plan's version (the one its decisions were taken on)."""
    end = date(year, 12, 31)
    records: dict[str, PlanRecord] = {}
    granted: dict[str, int] = {}
    repaid: dict[str, list[tuple[int, int]]] = {}
    for event in events_as_of(events, end):
        if event.plan_id is None:
            continue
        records.setdefault(event.plan_id, PlanRecord(event.plan_id)).apply(event)
        moves = event.payload.get("postings", ()) if event.type.startswith("workflow.") else ()
        for kind, _year, _part, amount in moves:
            if kind == "advanced" and amount > 0:
                granted[event.plan_id] = granted.get(event.plan_id, 0) + amount
        if event.type == Trigger.RECLAIM.event_type:
            back = sum(amount for *_account, amount in moves if amount > 0)
            repaid.setdefault(event.plan_id, []).append((local_date(event.occurred_at).year, back))
    found = []
    for plan_id, advance in sorted(granted.items()):
        record = records[plan_id]
        plan = plans(plan_id, record.submitted_version or record.latest_version)
        names = {name.casefold() for name in municipalities(plan)}
        lines = plan.funding.lines if plan.funding else []
        for_year = sum(cents(line.amount) for line in lines if line.year == year and line.party.casefold() in names)
        due = tuple(
            (m.id, record.milestones.get(m.id))
            for m in sorted(plan.funding.milestones if plan.funding else [], key=lambda m: m.due)
            if m.due.year == year
        )
        paid_back = repaid.get(plan_id, [])
        found.append(
            SpukYear(
                plan_id, plan.title, tuple(municipalities(plan)), year, advance, for_year, due,
                sum(amount for y, amount in paid_back if y == year), sum(amount for _y, amount in paid_back),
                record.state in (PlanState.COMPLETED, PlanState.WITHDRAWN),
            )
        )  # fmt: skip
    return found
