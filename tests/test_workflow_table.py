"""The whole table of state x trigger x role: exactly these moves are allowed, and nothing else.

The expected table is written out here by hand from domain.md §3, §4 and §9, not derived from the
definition, so that a change to the definition that opens or closes a move fails this test.
"""

from __future__ import annotations

from datetime import date

import pytest

from beoordeling import Actor, Plan, PlanState, Role
from beoordeling.workflow import PlanRecord, Trigger, default_policy
from beoordeling.workflow.guards import Context
from beoordeling.workflow.machine import fire

S = PlanState
OPEN = set(S) - {S.QUICK_TEST_NEGATIVE, S.NOT_APPROVED, S.COMPLETED, S.WITHDRAWN}
LEADER = {Role.MARKET_LEADER}
SUBMITTERS = {Role.SUBMITTER, Role.COORDINATING_INSURER}
JUDGING = {
    S.QUICK_TEST_SUBMITTED, S.MORE_INFO_REQUESTED, S.PLAN_SUBMITTED, S.PROPOSED_DECISION, S.CONSULTATION,
    S.FINAL_DECISION, S.MILESTONE_REVIEW,
}  # fmt: skip
JOINT = {S.QUICK_TEST_SUBMITTED, S.PLAN_SUBMITTED, S.FINAL_DECISION, S.MILESTONE_REVIEW}

EXPECTED: dict[Trigger, tuple[set[PlanState], set[Role]]] = {
    Trigger.SUBMIT_QUICK_TEST: ({S.DRAFT}, SUBMITTERS),
    Trigger.REQUEST_INFO: ({S.QUICK_TEST_SUBMITTED}, {Role.MARKET_LEADER, Role.COORDINATING_INSURER}),
    Trigger.ANSWER: ({S.MORE_INFO_REQUESTED}, SUBMITTERS),
    Trigger.PASS_QUICK_TEST: ({S.QUICK_TEST_SUBMITTED}, LEADER),
    Trigger.FAIL_QUICK_TEST: ({S.QUICK_TEST_SUBMITTED}, LEADER),
    Trigger.PREPARE: ({S.QUICK_TEST_POSITIVE, S.REWORK}, SUBMITTERS | LEADER),
    Trigger.SUBMIT_PLAN: ({S.QUICK_TEST_POSITIVE, S.PLAN_IN_PREPARATION, S.REWORK}, SUBMITTERS),
    Trigger.PROPOSE_APPROVAL: ({S.PLAN_SUBMITTED}, LEADER),
    Trigger.PROPOSE_REJECTION: ({S.PLAN_SUBMITTED}, LEADER),
    Trigger.PROPOSE_REWORK: ({S.PLAN_SUBMITTED}, LEADER),
    Trigger.OPEN_CONSULTATION: ({S.PROPOSED_DECISION}, {Role.SYSTEM}),
    Trigger.CLOSE_CONSULTATION: ({S.CONSULTATION}, {Role.SYSTEM}),
    Trigger.APPROVE: ({S.FINAL_DECISION}, LEADER),
    Trigger.REJECT: ({S.FINAL_DECISION}, LEADER),
    Trigger.REQUEST_REWORK: ({S.FINAL_DECISION}, LEADER),
    Trigger.FUND: ({S.APPROVED, S.WAITLISTED}, {Role.NZA}),  # and the system from the waiting list: EXTRA
    Trigger.WAITLIST: ({S.APPROVED}, {Role.NZA}),
    Trigger.START: ({S.APPROVED, S.FUNDED}, SUBMITTERS | LEADER),
    Trigger.REPORT_MILESTONE: ({S.IMPLEMENTATION}, {Role.SUBMITTER}),
    Trigger.MILESTONE_MET: ({S.MILESTONE_REVIEW}, LEADER),
    Trigger.MILESTONE_MISSED: ({S.MILESTONE_REVIEW}, LEADER),
    Trigger.PAY: ({S.IMPLEMENTATION, S.MILESTONE_REVIEW, S.COMPLETED}, {Role.COORDINATING_INSURER, Role.MARKET_LEADER}),
    # A plan cheaper than approved gives money back (domain.md §6.5: releases move the waiting list).
    Trigger.REDUCE: ({S.FUNDED, S.IMPLEMENTATION, S.MILESTONE_REVIEW}, {Role.COORDINATING_INSURER, Role.MARKET_LEADER}),
    # On the municipal route the advance for a milestone not achieved is reclaimed (domain.md §4.7).
    Trigger.RECLAIM: ({S.IMPLEMENTATION, S.COMPLETED, S.WITHDRAWN}, {Role.SYSTEM}),
    Trigger.COMPLETE: ({S.IMPLEMENTATION}, {Role.COORDINATING_INSURER, Role.MARKET_LEADER}),
    Trigger.WITHDRAW: (OPEN, SUBMITTERS),
    Trigger.JUDGE: (JUDGING, LEADER),
    Trigger.COMMENT: ({S.CONSULTATION}, {Role.OTHER_INSURER}),
    # A disagreement of the leaders in a joint decision goes to the BO IZA (domain.md §3.8).
    Trigger.ESCALATE: (JOINT, LEADER),
    Trigger.UPHOLD: (JOINT, {Role.BO_IZA}),
    Trigger.SEND_BACK: (JOINT, {Role.BO_IZA}),
}
# The head of the waiting list is funded by the system when money comes back (domain.md §6.5).
EXTRA: dict[Trigger, set[tuple[PlanState, Role]]] = {Trigger.FUND: {(S.WAITLISTED, Role.SYSTEM)}}

ORGANISATION = {
    Role.SUBMITTER: "Ziekenhuis Noordwest",
    Role.COORDINATING_INSURER: "Coöperatie VGZ",
    Role.MARKET_LEADER: "Zilveren Kruis",
    Role.OTHER_INSURER: "CZ",
    Role.NZA: "NZa",
    Role.BO_IZA: "BO IZA",
    Role.SYSTEM: "beoordeling",
}
NOT_HERE = ("is possible only in state", "needs the role")


def test_the_expected_table_names_every_trigger() -> None:
    """Every trigger of the workflow has a row in the expected table."""
    assert set(Trigger) == set(EXPECTED)


@pytest.mark.parametrize("trigger", list(Trigger), ids=lambda t: t.value)
def test_state_trigger_role_table(trigger: Trigger, example_plans: dict[str, Plan]) -> None:
    """Per trigger: exactly the expected (state, role) pairs get past the state and role checks."""
    plan = example_plans["thuismonitoring-ziekenhuizen"]
    states, roles = EXPECTED[trigger]
    allowed: set[tuple[PlanState, Role]] = set()
    for state in PlanState:
        for role in Role:
            record = PlanRecord(plan.id, state=state, submitted_on=date(2024, 3, 4))
            actor = Actor("Tester", ORGANISATION[role], role)
            context = Context(state.value, plan, record, actor, date(2024, 3, 4), "reden", default_policy(), None)
            fire(context, trigger)
            if not any(marker in r for r in context.refusals for marker in NOT_HERE):
                allowed.add((state, role))
    assert {(s, r) for s in states for r in roles} | EXTRA.get(trigger, set()) == allowed


def test_an_organisation_not_named_in_the_plan_is_refused(example_plans: dict[str, Plan]) -> None:
    """Acting in a role the plan gives to another organisation is refused, naming who it is."""
    plan = example_plans["thuismonitoring-ziekenhuizen"]
    record = PlanRecord(plan.id, state=S.QUICK_TEST_SUBMITTED)
    actor = Actor("Tester", "Menzis", Role.MARKET_LEADER)
    context = Context(record.state.value, plan, record, actor, date(2024, 3, 4), None, default_policy(), None)
    assert fire(context, Trigger.PASS_QUICK_TEST) is False
    assert [
        "Menzis is not a market leader of plan TP-2023-0014 (the plan names: Coöperatie VGZ, Zilveren Kruis)"
    ] == context.refusals
