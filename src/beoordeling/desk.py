"""The assessment desk: the workflow's actions recorded in a store.

Each action reads the plan's record (a replay of its events, kept per plan and checked against the
store's register on append), asks the workflow what the action becomes, and appends those events
together with the plan's new state in one transaction. The date of an action is the store's clock
(``--on`` on the command line, a fixture in tests), so every clock and policy check is
reproducible.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import ValidationError

from ._validation import problems_from
from .criteria import Judgement, RuleBook, Status, Verdict, check_judgements, evaluate
from .errors import InputError, Problem, Refused, StoreError
from .model import Plan, PlanState
from .store import Actor, Event, NewEvent, Store
from .store.events import plan_groups
from .workflow import (
    DECISIONS,
    ClockName,
    Draft,
    PlanRecord,
    Policy,
    PolicyRule,
    Trigger,
    act,
    default_policy,
    local_date,
)
from .workflow.guards import judged_steps

__all__ = ["ActionResult", "Deadline", "Desk"]

_OPEN_ENDED = (PlanState.QUICK_TEST_NEGATIVE, PlanState.NOT_APPROVED, PlanState.COMPLETED, PlanState.WITHDRAWN)
_PLAN_CACHE = 256


@dataclass(frozen=True)
class ActionResult:
    """What an action stored, the plan's state after it, and anything the actor should know."""

    plan_id: str
    events: list[Event]
    state: PlanState
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Deadline:
    """An open clock or dated deadline of one plan, as it stands on a date."""

    plan_id: str
    title: str
    state: PlanState
    what: str
    due_on: date | None
    days_left: int | None
    """Negative when overdue; None while the clock is suspended."""
    responsible: tuple[str, ...]
    note: str | None = None
    halted: bool = False
    """A policy stopped the decision this clock waits for: it cannot run late."""

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0 and not self.halted


class Desk:
    """Workflow actions on the plans of one store."""

    def __init__(self, store: Store, *, rules: RuleBook | None = None, policy: Policy | None = None) -> None:
        self.store = store
        self.rules = rules
        self.policy = policy or default_policy()
        self._records: dict[str, PlanRecord] = {}
        self._plans: OrderedDict[tuple[str, int | None], Plan] = OrderedDict()

    # --- reading ----------------------------------------------------------------------------------

    def record(self, plan_id: str) -> PlanRecord:
        """The plan's record, replayed from its events."""
        record = PlanRecord.replay(plan_id, self.store.events(plan_id))
        if record.last_seq == 0:
            self.store.plan(plan_id)  # raises PlanNotFound with its hint
        self._records[plan_id] = record
        return record

    def current(self, plan_id: str) -> PlanRecord:
        """The record this desk keeps up to date as it acts (replayed on first use)."""
        return self._records.get(plan_id) or self.record(plan_id)

    def _plan(self, plan_id: str, version: int | None) -> Plan:
        key = (plan_id, version)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self.store.plan(plan_id, version).plan
            if len(self._plans) > _PLAN_CACHE:
                self._plans.popitem(last=False)
        return plan

    def today(self) -> date:
        return local_date(self.store.now())

    # --- acting -----------------------------------------------------------------------------------

    def act(
        self,
        plan_id: str,
        trigger: Trigger,
        actor: Actor,
        *,
        reason: str | None = None,
        judgement: Judgement | None = None,
        milestone: str | None = None,
    ) -> ActionResult:
        """Fire ``trigger`` for ``actor``; refused with every reason, or stored in one transaction."""
        record = self.current(plan_id)
        submitting = trigger in (Trigger.SUBMIT_QUICK_TEST, Trigger.SUBMIT_PLAN, Trigger.ANSWER)
        version = record.latest_version if submitting else (record.submitted_version or record.latest_version)
        plan = self._plan(plan_id, version)
        drafts = act(
            record, plan, trigger, actor, self.today(), policy=self.policy, rules=self.rules, reason=reason,
            judgement=judgement, milestone=milestone,
        )  # fmt: skip
        try:
            events = self.store.append_to_plan(
                plan_id,
                [_new_event(plan, d) for d in drafts],
                expected_last_seq=record.basis_seq,
                state=drafts[-1].state,
            )
        except StoreError:
            self._records.pop(plan_id, None)  # the record may be stale; read it afresh next time
            raise
        for event in events:
            record.apply(event)
        notes = tuple(note for d in drafts for note in d.notes)
        return ActionResult(plan_id, events, record.state, notes)

    def submit(self, plan_id: str, actor: Actor, *, reason: str | None = None) -> ActionResult:
        """Submit the quick test (a draft) or the worked-out plan (after a positive quick test)."""
        state = self._state(plan_id)
        trigger = Trigger.SUBMIT_QUICK_TEST if state is PlanState.DRAFT else Trigger.SUBMIT_PLAN
        return self.act(plan_id, trigger, actor, reason=reason)

    def decide(self, plan_id: str, outcome: str, actor: Actor, *, reason: str | None = None) -> ActionResult:
        """Record a market leader's decision in the plan's current step (a vote until both agree)."""
        state = self._state(plan_id)
        step = PlanState.FINAL_DECISION if state is PlanState.CONSULTATION else state
        return self.act(plan_id, self._decision(plan_id, step, outcome), actor, reason=reason)

    def propose(self, plan_id: str, outcome: str, actor: Actor, *, reason: str | None = None) -> ActionResult:
        """Record a market leader's proposed decision on a submitted plan (domain.md §4.3)."""
        return self.act(plan_id, self._decision(plan_id, PlanState.PLAN_SUBMITTED, outcome), actor, reason=reason)

    def judge(
        self, plan_id: str, criterion: str, verdict: str, actor: Actor, *, reason: str | None = None
    ) -> ActionResult:
        """Record an assessor's verdict on one criterion, for the actor's organisation."""
        try:
            judgement = Judgement(
                criterion=criterion,
                verdict=Verdict(verdict),
                assessor=actor.name,
                organisation=actor.organisation,
                reason=reason,
                recorded_on=self.today(),
            )
        except (ValidationError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                raise InputError(problems_from(exc, None)) from None
            raise InputError([Problem(f"unknown verdict {verdict!r}; expected pass or fail")]) from None
        record = self.current(plan_id)
        plan = self._plan(plan_id, record.submitted_version or record.latest_version)
        check_judgements(plan, record.submitted_on or self.today(), [judgement], rules=self.rules)
        return self.act(plan_id, Trigger.JUDGE, actor, reason=reason, judgement=judgement)

    def open_judgements(self, plan_id: str) -> list[str]:
        """The criteria of the step under assessment that still wait for the market leaders'
        (agreeing) judgements: an assessor's to-do list."""
        record = self.current(plan_id)
        plan = self._plan(plan_id, record.submitted_version or record.latest_version)
        milestones = plan.funding.milestones if plan.funding else []
        assessment = evaluate(
            plan,
            record.submitted_on or self.today(),
            judged_steps(record.state),
            record.judgements,
            rules=self.rules,
            milestone=next((m for m in milestones if m.id == record.milestone), None),
            judges=plan.insurers.market_leaders,
        )
        return [c.id for step in assessment.steps for c in step.criteria if c.status is Status.NEEDS_JUDGEMENT]

    def _state(self, plan_id: str) -> PlanState:
        return (self.current(plan_id)).state

    def _decision(self, plan_id: str, state: PlanState, outcome: str) -> Trigger:
        current = self._state(plan_id)
        choices = DECISIONS.get(state)
        if choices is None:
            steps = ", ".join(f"'{s.label}'" for s in DECISIONS)
            raise Refused(plan_id, current.label, "decide", [f"a decision is taken only in state {steps}"])
        trigger = choices.get(outcome)
        if trigger is None:
            raise InputError(
                [Problem(f"unknown outcome {outcome!r} in state '{state.label}'; expected one of {', '.join(choices)}")]
            )
        return trigger

    # --- reporting ----------------------------------------------------------------------------------

    def history(self, plan_id: str) -> list[Event]:
        events = list(self.store.events(plan_id))
        if not events:
            self.store.plan(plan_id)
        return events

    def deadlines(self, on: date | None = None) -> list[Deadline]:
        """Every open clock and dated deadline on ``on`` (default: today), overdue first."""
        on = on or self.today()
        records: dict[str, PlanRecord] = {}
        titles: dict[str, str] = {}
        for event in self.store.events():
            if event.plan_id is None or local_date(event.occurred_at) > on:
                continue
            record = records.get(event.plan_id)
            if record is None:
                record = records[event.plan_id] = PlanRecord(event.plan_id)
            record.apply(event)
            if "title" in event.payload and event.type.startswith("plan."):
                titles[event.plan_id] = str(event.payload["title"])
        return self.deadlines_of(records, titles, on)

    def deadlines_of(self, records: Mapping[str, PlanRecord], titles: Mapping[str, str], on: date) -> list[Deadline]:
        """The open clocks and dated deadlines of plans already replayed to ``on``, overdue first."""
        found: list[Deadline] = []
        for plan_id, record in records.items():
            found.extend(self._deadlines_of(record, titles.get(plan_id, ""), on))
        return sorted(found, key=_urgency)

    def _deadlines_of(self, record: PlanRecord, title: str, on: date) -> Iterable[Deadline]:
        groups = record.groups
        leaders = tuple(groups.get("market_leaders") or ())
        coordinating = groups.get("coordinating")
        others = tuple(name for name in groups.get("insurers") or () if name not in leaders and name != coordinating)
        clock = record.clock
        if clock is not None and record.state not in _OPEN_ENDED:
            name, due = clock.name, clock.due_on
            responsible = leaders
            if name is ClockName.CONSULTATION:
                if on > due:
                    # The window has closed; the final decision is due two weeks after it.
                    name = ClockName.FINAL_DECISION
                    ends = due + timedelta(weeks=self.policy.clock(name).weeks)
                    due = self.policy.due(ends)
                else:
                    responsible = others
            if clock.suspended_on is not None:
                yield Deadline(
                    record.plan_id, title, record.state, name.label, None, None, ("indieners",),
                    f"opgeschort sinds {clock.suspended_on.isoformat()}: wacht op nadere informatie",
                )  # fmt: skip
            else:
                halted = self._halted_by(record, name, on)
                note = f"stilgelegd door beleid {halted.id} (sinds {halted.starts})" if halted else self._note(record)
                yield Deadline(
                    record.plan_id, title, record.state, name.label, due, (due - on).days, responsible, note,
                    halted is not None,
                )  # fmt: skip
        if record.state in _DECIDED:
            return
        for rule in self.policy.deadlines(groups.get("theme"), on):
            if rule.deadline is None:
                continue
            yield Deadline(
                record.plan_id, title, record.state, rule.title, rule.deadline, (rule.deadline - on).days, leaders,
                None,
            )  # fmt: skip

    def _note(self, record: PlanRecord) -> str | None:
        disagreement = record.disagreement
        if disagreement is None:
            return None
        a, b = disagreement
        return f"oneens: {a.organisation} {a.trigger.label.lower()}, {b.organisation} {b.trigger.label.lower()}"

    def _halted_by(self, record: PlanRecord, clock: ClockName, on: date) -> PolicyRule | None:
        """The policy that refuses the decision ``clock`` waits for, if one does on ``on``."""
        return self.policy.refusing(_CLOSED_BY[clock], on, record.groups.get("theme"), None, record.state)


# A theme reservation concerns plans still to be approved.
_DECIDED = (
    *_OPEN_ENDED,
    PlanState.APPROVED,
    PlanState.WAITLISTED,
    PlanState.FUNDED,
    PlanState.IMPLEMENTATION,
    PlanState.MILESTONE_REVIEW,
)
_CLOSED_BY = {
    ClockName.QUICK_TEST: Trigger.PASS_QUICK_TEST,
    ClockName.PROPOSED_DECISION: Trigger.PROPOSE_APPROVAL,
    ClockName.CONSULTATION: Trigger.APPROVE,
    ClockName.FINAL_DECISION: Trigger.APPROVE,
}


def _urgency(deadline: Deadline) -> tuple[int, int, str]:
    if deadline.days_left is None:
        return (2, 0, deadline.plan_id)
    if deadline.halted:
        return (1, deadline.days_left, deadline.plan_id)
    return (0, deadline.days_left, deadline.plan_id)


def _new_event(plan: Plan, draft: Draft) -> NewEvent:
    actor = (
        draft.actor
        if isinstance(draft.actor, Actor)
        else Actor(draft.actor.name, draft.actor.organisation, draft.actor.role)
    )
    return NewEvent(
        draft.type, actor, plan.id, draft.plan_version, draft.reason, dict(draft.payload), plan_groups(plan),
        draft.rules_version,
    )  # fmt: skip
