"""The milestones of the funded plans: what each pays, when it is due, and where its payment stands.

A milestone carries an amount, a due date and a kind (an effort or a result obligation). Found
met, it makes a payment due within the policy's ``payment-weeks``; the paying insurer records it
paid (``beoordeling pay``), which moves the amount from the plan's commitment to *paid*. Found
missed, it pays nothing, and on the insurer route nothing paid earlier is reclaimed (Beoordelingskader,
step 4); what it would have paid is given back when the plan is completed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .._time import local_date
from ..model import Obligation, Plan, PlanState
from ..model._types import LabelledEnum
from ..store import Event, events_as_of
from ..workflow import PlanRecord, Trigger
from ..workflow.policy import Policy

__all__ = ["MilestoneLine", "MilestoneStatus", "milestone_lines"]

_FUNDED = frozenset({PlanState.FUNDED, PlanState.IMPLEMENTATION, PlanState.MILESTONE_REVIEW, PlanState.COMPLETED})


class MilestoneStatus(LabelledEnum):
    OPEN = "open", "Nog open", "Open"
    REPORTED = "reported", "Gemeld, wacht op besluit", "Reported, awaiting a decision"
    DUE = "due", "Behaald, te betalen", "Met, payment due"
    PAID = "paid", "Betaald", "Paid"
    MISSED = "missed", "Niet behaald", "Missed"


@dataclass(frozen=True)
class MilestoneLine:
    """One milestone of a funded plan as it stands on a day."""

    plan_id: str
    title: str
    milestone: str
    description: str
    obligation: Obligation
    amount: Decimal
    """What the milestone pays: its amount in the plan, less what it was found to need less."""
    due: date
    status: MilestoneStatus
    payment_due: date | None = None
    """For a milestone found met: the day the payment is due by."""
    paid_on: date | None = None
    payer: str | None = None
    """Who pays: the plan's coordinating insurer."""

    def late(self, on: date) -> bool:
        """Whether on ``on`` the milestone is still open past its due date, or found met and still
        unpaid past the day its payment was due."""
        if self.status is MilestoneStatus.OPEN:
            return self.due < on
        return self.status is MilestoneStatus.DUE and self.payment_due is not None and self.payment_due < on


def milestone_lines(
    events: Iterable[Event], plans: Callable[[str, int | None], Plan], policy: Policy, on: date
) -> list[MilestoneLine]:
    """Every milestone of every funded plan in ``events`` as of ``on``, by due date; ``plans`` gives a
    plan's version (the one its decisions were taken on)."""
    records: dict[str, PlanRecord] = {}
    met_on: dict[tuple[str, str], date] = {}
    paid_on: dict[tuple[str, str], date] = {}
    for event in events_as_of(events, on):
        if event.plan_id is None:
            continue
        record = records.setdefault(event.plan_id, PlanRecord(event.plan_id))
        record.apply(event)
        milestone = event.payload.get("milestone")
        if event.type == Trigger.MILESTONE_MET.event_type and milestone:
            met_on[event.plan_id, milestone] = local_date(event.occurred_at)
        elif event.type == Trigger.PAY.event_type and milestone:
            paid_on[event.plan_id, milestone] = local_date(event.occurred_at)
    lines = []
    for plan_id, record in records.items():
        if record.state not in _FUNDED:
            continue
        plan = plans(plan_id, record.submitted_version or record.latest_version)
        if plan.funding is None:
            continue
        payer = plan.insurers.coordinating
        for m in plan.funding.milestones:
            met = record.milestones.get(m.id)
            key = (plan_id, m.id)
            payment_due = None
            if key in paid_on:
                status = MilestoneStatus.PAID
            elif met:
                status = MilestoneStatus.DUE
            elif met is False:
                status = MilestoneStatus.MISSED
            elif record.milestone == m.id:
                status = MilestoneStatus.REPORTED
            else:
                status = MilestoneStatus.OPEN
            if met and key in met_on:
                payment_due = policy.due(met_on[key] + timedelta(weeks=policy.clocks.payment_weeks))
            lines.append(
                MilestoneLine(
                    plan_id, plan.title, m.id, m.description, m.obligation,
                    m.amount - Decimal(record.reduced.get(m.id, 0)) / 100, m.due, status,
                    payment_due, paid_on.get(key), payer,
                )
            )  # fmt: skip
    return sorted(lines, key=lambda line: (line.due, line.plan_id, line.milestone))
