"""What ``verify`` checks of the books: every event's postings read and balance, no account ever
went below zero, the holdings add up to the programme's total, and a plan that holds money may.

The hash chain (``Store.verify``) says the events are the ones written; this says the money they
record is right: a posting that does not balance could only come from a faulty release or a
store written around the desk.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .._dutch import euro, reader
from .._i18n import _, term
from ..model import PlanState
from ..store import Event
from .books import MONEY_EVENTS, POSTINGS, Books, decoded
from .ledger import AccountKind, euros

__all__ = ["books_problems"]

_HOLDING = frozenset({PlanState.FUNDED, PlanState.IMPLEMENTATION, PlanState.MILESTONE_REVIEW, PlanState.COMPLETED})
"""The states in which a plan may hold committed money."""


def books_problems(events: Iterable[Event], on: date) -> list[str]:
    """Everything wrong with the books of ``events`` up to ``on``; empty when they are right."""
    events = list(events)
    problems, unreadable = [], []
    for event in events:
        if event.payload.get(POSTINGS) and event.type not in MONEY_EVENTS:
            said = _(
                "event {seq} ({type}) carries postings, but only a funding, a payment, a reduction, a withdrawal, "
                "a completion, a reclaim or a milestone missed moves money; they are not counted"
            )
            problems.append(said.format(seq=event.seq, type=event.type))
            continue
        try:
            decoded(event)
        except (ValueError, TypeError) as exc:  # LedgerError is a ValueError; a malformed row a TypeError
            said = _("event {seq}: its postings do not read: {reason}")
            unreadable.append(said.format(seq=event.seq, reason=exc))
    if unreadable:
        return [*problems, *unreadable]  # the ledger cannot be read past them
    books = Books.of_events(events, on, lambda plan_id, version: 0)
    problems.extend(books.ledger.conservation_problems())
    states: dict[str, PlanState] = {}
    for event in events:
        to = event.payload.get("to")
        if event.plan_id is not None and event.type.startswith("workflow.") and to:
            states[event.plan_id] = PlanState(to)
    held = [*books.ledger.accounts(AccountKind.COMMITTED), *books.ledger.accounts(AccountKind.ADVANCED)]
    for account, amount in held:
        state = states.get(account.part)
        if amount and state not in _HOLDING:
            said = (
                _("plan {plan} holds {amount} committed but is {state}")
                if account.kind is AccountKind.COMMITTED
                else _("plan {plan} holds an advance of {amount} to its municipalities but is {state}")
            )
            problems.append(
                said.format(
                    plan=account.part, amount=euro(euros(amount), reader()), state=term(state) if state else "-"
                )
            )
    return problems
