"""The overview's rows: the register, decisions, deadlines, milestones, payments and the quarter's
counts so far, from one pass over the event log as it stood on a date.

This is the pure step of the overview (the writer only lays the rows out). Everything is computed
from events, so the overview of a date is the same whenever it is made; values keep their types
(dates, ``Decimal`` amounts, whole numbers) for the writer to format.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .._i18n import speaking
from ..desk import Desk
from ..letters.fingerprint import document_number
from ..letters.kinds import letter_for
from ..model import Obligation, PlanState, Sector, Theme
from ..money import AccountKind, euros
from ..money.books import Books
from ..money.budget import budget
from ..stats import OUTCOMES, Outcomes, Period, period_of
from ..stats.words import outcome, step
from ..store import Event, Reading, Store, events_as_of
from ..store.asof import event_day
from ..workflow import PlanRecord, Trigger, local_date
from ..workflow.definition import TRANSITIONS

__all__ = ["Column", "Sheet", "overview_sheets"]


@dataclass(frozen=True)
class Column:
    header: str
    kind: str
    """text, wrapped, date, euro or integer: how the writer formats the cell."""
    width: int


@dataclass
class Sheet:
    name: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


S = PlanState
_STEPS = {
    S.DRAFT: "Concept",
    **dict.fromkeys((S.QUICK_TEST_SUBMITTED, S.MORE_INFO_REQUESTED, S.QUICK_TEST_POSITIVE, S.QUICK_TEST_NEGATIVE),
                    "1 Snelle toets"),
    S.PLAN_IN_PREPARATION: "2 Uitwerken plan",
    **dict.fromkeys((S.PLAN_SUBMITTED, S.PROPOSED_DECISION, S.CONSULTATION, S.FINAL_DECISION, S.APPROVED,
                     S.NOT_APPROVED, S.REWORK), "3 Beoordeling"),
    **dict.fromkeys((S.WAITLISTED, S.FUNDED), "Financiering"),
    **dict.fromkeys((S.IMPLEMENTATION, S.MILESTONE_REVIEW, S.COMPLETED), "4 Implementatie"),
    S.WITHDRAWN: "Ingetrokken",
}  # fmt: skip
"""The framework step (domain.md §4) a state belongs to."""

_OUTCOMES = {"passes": "voldoet", "fails": "voldoet niet", "incomplete": "onvolledig",
             "awaits-judgement": "wacht op oordeel"}  # fmt: skip

REGISTER = (  # narrow, wrapping columns: the register prints on one A4 landscape page width
    Column("Plan", "text", 16), Column("Titel", "wrapped", 30), Column("Versie", "integer", 8),
    Column("Status", "wrapped", 18), Column("Stap", "wrapped", 14), Column("Regio", "wrapped", 16),
    Column("Thema", "wrapped", 14), Column("Sectoren", "wrapped", 16), Column("Marktleiders", "wrapped", 20),
    Column("Coördinerend", "wrapped", 14), Column("Gevraagd bedrag", "euro", 16),
    Column("Eerste indiening", "date", 12), Column("Laatste gebeurtenis", "date", 12),
    Column("Lopende termijn", "wrapped", 16), Column("Uiterste datum", "date", 12),
    Column("Dagen resterend", "integer", 10),
)  # fmt: skip
DECISIONS = (
    Column("Plan", "text", 16), Column("Titel", "wrapped", 40), Column("Datum", "date", 12),
    Column("Besluit", "text", 38), Column("Toetsing", "text", 16), Column("Besloten door", "text", 36),
    Column("Reden", "wrapped", 50), Column("Criteria", "text", 30), Column("Kenmerk brief", "text", 22),
    Column("Brief verzonden", "date", 14), Column("Gebeurtenis", "integer", 11),
)  # fmt: skip
DEADLINES = (
    Column("Plan", "text", 16), Column("Titel", "wrapped", 40), Column("Status", "text", 26),
    Column("Termijn", "text", 40), Column("Uiterste datum", "date", 14), Column("Dagen resterend", "integer", 10),
    Column("Te laat", "text", 8), Column("Verantwoordelijk", "text", 36), Column("Opmerking", "wrapped", 40),
)  # fmt: skip
MILESTONES = (
    Column("Plan", "text", 16), Column("Mijlpaal", "text", 10), Column("Omschrijving", "wrapped", 50),
    Column("Verplichting", "text", 14), Column("Bedrag", "euro", 16), Column("Gepland", "date", 12),
    Column("Status", "text", 14), Column("Gemeld op", "date", 12), Column("Besloten op", "date", 12),
)  # fmt: skip
PAYMENTS = (
    Column("Plan", "text", 16), Column("Mijlpaal", "text", 10), Column("Bedrag", "euro", 16),
    Column("Verschuldigd sinds", "date", 16), Column("Besluit (gebeurtenis)", "integer", 12),
    Column("Kenmerk brief", "text", 22), Column("Brief verzonden", "date", 14), Column("Betaald op", "date", 12),
)  # fmt: skip
FUNDS = (
    Column("Rekening", "text", 14), Column("Onderdeel", "wrapped", 60), Column("Tot en met", "date", 12),
    Column("Bedrag", "euro", 18),
)  # fmt: skip
QUEUE = (
    Column("Plaats", "integer", 8), Column("Plan", "text", 16), Column("Titel", "wrapped", 40),
    Column("Op de wachtrij sinds", "date", 14), Column("Gevraagd", "euro", 16), Column("Ervoor in de rij", "euro", 16),
    Column("Nu beschikbaar", "euro", 16),
)  # fmt: skip
_KINDS = {
    AccountKind.AVAILABLE: "Beschikbaar", AccountKind.RESERVED: "Gereserveerd", AccountKind.COMMITTED: "Toegezegd",
    AccountKind.ADVANCED: "Voorschot", AccountKind.REPAID: "Teruggevorderd",
    AccountKind.PAID: "Betaald", AccountKind.LAPSED: "Vervallen", AccountKind.TRANSFERRED: "Overgeheveld",
}  # fmt: skip


FIGURES = (
    Column("Stap", "text", 18), Column("Uitkomst", "wrapped", 40), Column("Dit kwartaal", "integer", 14),
    Column("Totaal", "integer", 12),
)  # fmt: skip
"""The counts of plans per step and outcome (``beoordeling stats``): in the quarter up to the
overview's date, and in all up to that date."""

PRACTICE = (Column("Let op", "wrapped", 100),)
PRACTICE_NOTE = (
    "VOORBEELD: dit overzicht komt uit een oefenomgeving (een opslag met een gesimuleerde klok, voor de demo of "
    "een training). De plannen, besluiten en datums zijn geen echte."
)


@dataclass
class _Plan:
    record: PlanRecord
    title: str = ""
    first_submitted: date | None = None
    reported: dict[str, date] = field(default_factory=dict)
    decided: dict[str, tuple[date, int]] = field(default_factory=dict)
    paid: dict[str, date] = field(default_factory=dict)


_SUBMISSIONS = (Trigger.SUBMIT_QUICK_TEST.event_type, Trigger.SUBMIT_PLAN.event_type)
_MILESTONE_DECISIONS = (Trigger.MILESTONE_MET.event_type, Trigger.MILESTONE_MISSED.event_type)
_AUTOMATIC = frozenset(t.trigger.event_type for t in TRANSITIONS if t.automatic)
"""Steps the workflow takes by itself (opening and closing the consultation): not decisions."""


def overview_sheets(store: Store, *, on: date, reading: Reading = Reading.HAPPENED) -> list[Sheet]:
    """The overview's five sheets as the store stood at the end of ``on`` (Dutch time), as it
    happened or as it was known then (:mod:`beoordeling.store.asof`)."""
    plans: dict[str, _Plan] = {}
    decisions: list[Event] = []
    letters: dict[str, date] = {}
    quarter = _quarter_to(on)
    outcomes = Outcomes(quarter.start)
    for event in events_as_of(store.events(), on, reading):
        when = local_date(event.occurred_at)
        if event.plan_id is None:
            continue
        outcomes.add(event, event_day(event, reading))
        plan = plans.get(event.plan_id)
        if plan is None:
            plan = plans[event.plan_id] = _Plan(PlanRecord(event.plan_id))
        plan.record.apply(event)
        _note(plan, event, when, decisions, letters)
    desk = Desk(store)
    records = {plan_id: p.record for plan_id, p in plans.items()}
    titles = {plan_id: p.title for plan_id, p in plans.items()}
    milestones, payments = _milestone_rows(store, plans, letters)
    practice = [Sheet("Voorbeeld", PRACTICE, [(PRACTICE_NOTE,)])] if store.practice else []
    with speaking("nl"):  # the deadlines' notes, in the overview's Dutch whatever the terminal speaks
        deadlines = desk.deadlines_of(records, titles, on)
    return [
        *practice,
        Sheet("Plannen", REGISTER, _register_rows(store, plans, on)),
        Sheet("Besluiten", DECISIONS, [_decision_row(e, titles, letters) for e in decisions]),
        Sheet("Termijnen", DEADLINES, [
            (d.plan_id, d.title, d.state.label, d.what, d.due_on, d.days_left, "ja" if d.overdue else "nee",
             ", ".join(d.responsible), d.note)
            for d in deadlines
        ]),
        Sheet("Mijlpalen", MILESTONES, milestones),
        Sheet("Betalingen", PAYMENTS, payments),
        *_money_sheets(store, titles, on, reading),
        Sheet("Cijfers", FIGURES, _figure_rows(outcomes, quarter.label, reading)),
    ]  # fmt: skip


def _quarter_to(on: date) -> Period:
    """The quarter ``on`` falls in, up to and including ``on``."""
    quarter = period_of(f"{on.year}Q{(on.month - 1) // 3 + 1}")
    return Period(quarter.start, on, quarter.label)


def _figure_rows(outcomes: Outcomes, label: str, reading: Reading) -> list[tuple[Any, ...]]:
    """The counts of the quarter ``label`` so far and up to the overview's date, and the command
    that gives the quarter's full figures in the same reading."""
    in_period, to_date = outcomes.counts()
    with speaking("nl"):
        rows: list[tuple[Any, ...]] = [
            (step(code), outcome(result), in_period.get((code, result), 0), to_date.get((code, result), 0))
            for code, result in OUTCOMES.values()
        ]
        rows.append((
            "Volledige cijfers",
            f"beoordeling stats --quarter {label} --reading {reading.value}: per regio, thema, sector en "
            f"marktleiders, de termijnen, de criteria, de administratieve last en het geld; als rapport met "
            f"-o cijfers-{label}.pdf (of .xlsx, .json)",
            None, None,
        ))  # fmt: skip
    return rows


def _money_sheets(store: Store, titles: dict[str, str], on: date, reading: Reading) -> list[Sheet]:
    """Where the programme's money is on ``on``, account by account, and the waiting list."""
    books = Books.of(store, on, reading)
    with speaking("nl"):  # the overview is Dutch whatever the terminal speaks
        found = budget(books, lambda plan_id: titles.get(plan_id, plan_id))
    funds = [(_KINDS[line.kind], line.label, line.until, euros(line.amount)) for line in found.lines]
    queue = []
    ahead = 0
    for place, queued in enumerate(books.queue, start=1):
        could = books.available_for(store.plan(queued.plan_id, queued.version).plan)
        queue.append((place, queued.plan_id, titles.get(queued.plan_id, ""), local_date(queued.since),
                      euros(queued.requested), euros(ahead), euros(could)))  # fmt: skip
        ahead += queued.requested
    return [Sheet("Middelen", FUNDS, funds), Sheet("Wachtrij", QUEUE, queue)]


def _note(plan: _Plan, event: Event, when: date, decisions: list[Event], letters: dict[str, date]) -> None:
    """What one event adds to the overview beyond the plan's record."""
    kind, payload = event.type, event.payload
    if kind.startswith("plan.") and "title" in payload:
        plan.title = str(payload["title"])
    elif kind in _SUBMISSIONS and plan.first_submitted is None:
        plan.first_submitted = when
    elif kind == "letter.issued":
        letters.setdefault(str(payload.get("document")), when)
    elif kind == Trigger.REPORT_MILESTONE.event_type:
        plan.reported[str(payload.get("milestone"))] = when
    elif kind == Trigger.PAY.event_type:
        plan.paid[str(payload.get("milestone"))] = when
    if kind in _MILESTONE_DECISIONS:
        plan.decided[str(payload.get("milestone"))] = (when, event.seq)
    if letter_for(kind) is not None and kind not in _AUTOMATIC:
        decisions.append(event)


def _register_rows(store: Store, plans: dict[str, _Plan], on: date) -> list[tuple[Any, ...]]:
    rows = []
    for summary in store.plans():
        plan = plans.get(summary.plan_id)
        if plan is None:
            continue  # created after ``on``
        record, groups = plan.record, plan.record.groups
        clock = record.clock
        open_clock = clock is not None and clock.suspended_on is None
        rows.append((
            summary.plan_id, plan.title or summary.title, record.latest_version, record.state.label,
            _STEPS[record.state], summary.region, Theme(summary.theme).label if summary.theme else None,
            ", ".join(Sector(code).label for code in summary.sectors),
            ", ".join(groups.get("market_leaders") or ()), groups.get("coordinating"),
            Decimal(summary.amount_requested) if summary.amount_requested else None, plan.first_submitted,
            record.last_on, clock.name.label + (" (stilgezet)" if clock.suspended_on else "") if clock else None,
            clock.due_on if open_clock and clock else None,
            (clock.due_on - on).days if open_clock and clock else None,
        ))  # fmt: skip
    return rows


def _decision_row(event: Event, titles: dict[str, str], letters: dict[str, date]) -> tuple[Any, ...]:
    payload = event.payload
    trigger = Trigger(event.type.removeprefix("workflow."))
    votes = payload.get("votes") or []
    deciders = ", ".join(v["organisation"] for v in votes) or event.actor.organisation
    reasons = "; ".join(f"{v['organisation']}: {v['reason']}" for v in votes if v.get("reason"))
    assessment = payload.get("assessment") or {}
    document = document_number(str(event.plan_id), event.seq)
    return (
        event.plan_id, titles.get(str(event.plan_id), ""), local_date(event.occurred_at), trigger.label,
        _OUTCOMES.get(assessment.get("outcome", "")), deciders, event.reason or reasons or None,
        event.rules_version, document, letters.get(document), event.seq,
    )  # fmt: skip


def _milestone_rows(
    store: Store, plans: dict[str, _Plan], letters: dict[str, date]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The milestones of every plan that asks for funds, and a payment due for each one met (§4.5)."""
    funded = [plan_id for plan_id, p in plans.items() if p.record.groups.get("requests_funds")]
    milestones: list[tuple[Any, ...]] = []
    payments: list[tuple[Any, ...]] = []
    for plan_id, schedule in sorted(store.latest_contents(funded, ("funding", "milestones"))):
        plan = plans[plan_id]
        for m in _sorted_milestones(schedule or []):
            ident, amount = m["id"], Decimal(str(m["amount"]))
            met = plan.record.milestones.get(ident)
            status = "open" if met is None else ("behaald" if met else "niet behaald")
            if met is None and plan.record.milestone == ident:
                status = "gemeld"
            decided = plan.decided.get(ident)
            milestones.append((
                plan_id, ident, m["description"], Obligation(m["obligation"]).label, amount,
                date.fromisoformat(m["due"]), status, plan.reported.get(ident), decided[0] if decided else None,
            ))  # fmt: skip
            if met and decided:
                document = document_number(plan_id, decided[1])
                payments.append((plan_id, ident, amount, decided[0], decided[1], document, letters.get(document),
                                 plan.paid.get(ident)))  # fmt: skip
    return milestones, payments


def _sorted_milestones(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda m: (m["due"], m["id"]))
