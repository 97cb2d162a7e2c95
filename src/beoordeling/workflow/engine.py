"""Deciding one action: given a plan's record, who acts, what and when, the events it becomes.

This is pure: it reads a record, a plan version, the policy and the rules, and returns the events to
append (or raises :class:`~beoordeling.errors.Refused` with every reason). The store appends them in
one transaction together with the plan's new state. Joint decisions are votes until both market
leaders record the same; a move into a state that opens the consultation is followed at once by
the workflow's own move, and so is the close of a window that has run out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .._dutch import said_day
from .._i18n import _, term
from ..criteria import Judgement, RuleBook
from ..errors import Refused
from ..model import FundingRequest, Plan, PlanState, Role
from .definition import DECISIONS, ClockName, Transition, Trigger
from .guards import Assessments, Context
from .machine import fire
from .policy import Policy
from .record import VOTE_EVENT, ActorLike, PlanRecord, RunningClock

__all__ = ["Draft", "SystemActor", "act", "stated_date_refusals"]


@dataclass(frozen=True)
class SystemActor:
    """The workflow itself, for the moves it makes on its own (opening and closing a window)."""

    name: str = "workflow"
    organisation: str = "beoordeling"
    role: Role = Role.SYSTEM


@dataclass(frozen=True)
class Draft:
    """An event to append: the store gives it its number, time and hashes."""

    type: str
    actor: ActorLike
    plan_version: int | None
    reason: str | None
    payload: Mapping[str, Any]
    rules_version: str | None
    state: PlanState
    """The plan's state after this event."""
    transition: Transition | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)


def act(
    record: PlanRecord,
    plan: Plan,
    trigger: Trigger,
    actor: ActorLike,
    on: date,
    *,
    policy: Policy,
    rules: RuleBook | None = None,
    reason: str | None = None,
    judgement: Judgement | None = None,
    milestone: str | None = None,
    recorded_on: date | None = None,
    earlier: Callable[[int], Plan] | None = None,
    ruling: Trigger | None = None,
    assessments: Assessments | None = None,
) -> list[Draft]:
    """The events ``actor`` causes by ``trigger`` on ``on`` (the date the action takes effect),
    recorded on ``recorded_on`` (the store's clock; default ``on``); :class:`Refused` with every
    reason when the dates, the state, the role, a guard or a policy do not allow it.
    ``assessments`` keeps criteria results between actions (a desk's)."""
    state = PlanState(record.state)
    dating = stated_date_refusals(on, recorded_on or on, record.dated_on, policy)
    if dating:
        raise Refused(plan.id, term(state), trigger.value, dating)
    drafts: list[Draft] = []
    work = record

    def by_system(base: PlanRecord, move: Trigger) -> list[Draft]:
        """A move the system records by itself on the way (the consultation window closing or opening)."""
        return _attempt(base, plan, move, SystemActor(), on=on, policy=policy, rules=rules, assessments=assessments)

    if state is PlanState.CONSULTATION and trigger in DECISIONS[PlanState.FINAL_DECISION].values():
        # The window closes by itself; the first final decision after it records that first.
        closing = by_system(work, Trigger.CLOSE_CONSULTATION)
        drafts.extend(closing)
        work = _advanced(work, closing)
    drafts.extend(
        _attempt(
            work,
            plan,
            trigger,
            actor,
            on=on,
            policy=policy,
            rules=rules,
            assessments=assessments,
            reason=reason,
            judgement=judgement,
            milestone=milestone,
            earlier=earlier,
            ruling=ruling,
        )
    )
    if trigger is Trigger.UPHOLD and ruling is not None:
        # The BO IZA's ruling makes the decision it upholds, in the same transaction.
        drafts.extend(
            _attempt(
                work, plan, ruling, actor, on=on, policy=policy, rules=rules, assessments=assessments, reason=reason,
                earlier=earlier, by_ruling=True,
            )
        )  # fmt: skip
    last = drafts[-1]
    if last.transition is not None and last.state is PlanState.PROPOSED_DECISION:
        drafts.extend(by_system(_advanced(work, drafts), Trigger.OPEN_CONSULTATION))
    return drafts


def stated_date_refusals(on: date, recorded_on: date, last_on: date | None, policy: Policy) -> list[str]:
    """Why an action may not take effect on ``on`` when the store records it on ``recorded_on``
    after a plan event of ``last_on``: the bounds on a stated date (``--on``). Empty when it may.

    An action never takes effect after it is recorded, never before the plan's last event, and at
    most ``clocks.backdating-days`` of the policy in force before it is recorded (the sources are
    silent on recording decisions after the fact; the number is the policy's)."""
    reasons = []
    if on > recorded_on:
        reasons.append(
            _(
                "the action is dated {day}, after the day the store records it ({recorded}, by its own clock): "
                "an action cannot take effect in the future"
            ).format(day=said_day(on), recorded=said_day(recorded_on))
        )
    else:
        allowed = policy.clocks.backdating_days
        if (recorded_on - on).days > allowed:
            earliest = recorded_on - timedelta(days=allowed)
            reasons.append(
                _(
                    "the action is dated {day}, {days} days before the store records it ({recorded}); policy {stamp} "
                    "allows an action to be dated at most {allowed} days back (clocks.backdating-days), so not "
                    "before {earliest}"
                ).format(
                    day=said_day(on), days=(recorded_on - on).days, recorded=said_day(recorded_on),
                    stamp=policy.stamp, allowed=allowed, earliest=said_day(earliest),
                )
            )  # fmt: skip
    if last_on is not None and on < last_on:
        reasons.append(
            _("the plan's last event is dated {day}; an action cannot be dated before it").format(day=said_day(last_on))
        )
    return reasons


def _advanced(record: PlanRecord, drafts: list[Draft]) -> PlanRecord:
    """The record after ``drafts``, as far as the next attempt reads it (state, clock, votes)."""
    if not drafts or drafts[-1].transition is None:
        return record
    last = drafts[-1]
    clock = last.payload.get("clock", "keep")
    return PlanRecord(
        plan_id=record.plan_id,
        state=last.state,
        latest_version=record.latest_version,
        submitted_version=record.submitted_version,
        submitted_on=record.submitted_on,
        last_seq=record.last_seq,
        basis_seq=record.basis_seq,
        last_on=record.last_on,
        entered_on=record.last_on,
        clock=record.clock if clock == "keep" else (RunningClock.from_dict(clock) if clock else None),
        votes={},
        judgements=record.judgements,
        comments=record.comments,
        milestone=record.milestone,
        milestones=record.milestones,
        paid=record.paid,
    )


def _attempt(
    record: PlanRecord,
    plan: Plan,
    trigger: Trigger,
    actor: ActorLike,
    *,
    on: date,
    policy: Policy,
    rules: RuleBook | None,
    reason: str | None = None,
    judgement: Judgement | None = None,
    milestone: str | None = None,
    earlier: Callable[[int], Plan] | None = None,
    ruling: Trigger | None = None,
    by_ruling: bool = False,
    assessments: Assessments | None = None,
) -> list[Draft]:
    context = Context(
        record.state.value, plan, record, actor, on, reason, policy, rules, judgement=judgement, milestone=milestone,
        earlier=earlier, ruling=ruling, by_ruling=by_ruling, assessments=assessments,
    )  # fmt: skip
    moved = fire(context, trigger)
    if context.refusals:
        raise Refused(plan.id, term(record.state), trigger.value, context.refusals)
    if context.vote_only:
        return [_vote(context, trigger)]
    if not moved or context.fired is None:
        raise RuntimeError(f"the state machine neither moved nor refused {trigger.value}")  # a broken table
    return [_event(context, context.fired)]


def _rules_version(context: Context) -> str:
    return context.edition().stamp


def _vote(context: Context, trigger: Trigger) -> Draft:
    payload: dict[str, Any] = {"trigger": trigger.value, "state": context.state, "policy": context.policy.stamp}
    assessment = context.assessment(trigger)
    payload["outcome"] = assessment.outcome.value
    others = [v for key, v in context.record.votes.items() if key != context.actor.organisation.casefold()]
    notes = tuple(
        _(
            "{organisation} recorded “{decision}” on {day}: the decision is blocked until the market leaders agree"
        ).format(organisation=v.organisation, decision=term(v.trigger), day=said_day(v.on))
        for v in others
        if v.trigger is not trigger
    ) or (_("waiting for the other market leader to record the same decision"),)
    if context.milestone_under_review():
        payload["milestone"] = context.record.milestone
    return Draft(
        VOTE_EVENT, context.actor, context.record.submitted_version, context.reason, payload,
        assessment.rules_stamp, PlanState(context.record.state), None, notes,
    )  # fmt: skip


def _event(context: Context, transition: Transition) -> Draft:
    record, plan, trigger = context.record, context.plan, transition.trigger
    dest = transition.dest or record.state
    payload: dict[str, Any] = {"trigger": trigger.value, "from": record.state.value, "to": dest.value}
    payload["policy"] = context.policy.stamp
    version = record.submitted_version
    if trigger in (Trigger.SUBMIT_QUICK_TEST, Trigger.SUBMIT_PLAN, Trigger.ANSWER):
        version = plan.version
    clock = _clock(transition, context)
    if clock != "keep":
        payload["clock"] = clock
    if transition.joint:
        payload["votes"] = _votes(context)
    if transition.joint or "criteria" in transition.guards or trigger in _EXPLAINED:
        payload["assessment"] = context.assessment(trigger).as_dict()
    if trigger is Trigger.JUDGE and context.judgement is not None:
        payload["criterion"] = context.judgement.criterion
        payload["verdict"] = context.judgement.verdict.value
    if trigger in (Trigger.REPORT_MILESTONE, Trigger.PAY, Trigger.REDUCE):
        payload["milestone"] = context.milestone
    if trigger in (Trigger.MILESTONE_MET, Trigger.MILESTONE_MISSED):
        payload["milestone"] = record.milestone
    if trigger is Trigger.ESCALATE:
        setting = context.policy.clock(ClockName.ESCALATION)
        due = context.policy.due(context.on + timedelta(weeks=setting.weeks))
        payload["escalation"] = {
            "due_on": due.isoformat(),
            "votes": [
                {"organisation": v.organisation, "person": v.person, "trigger": v.trigger.value, "reason": v.reason}
                for v in record.votes.values()
            ],
        }
    if trigger is Trigger.UPHOLD and context.ruling is not None:
        payload["outcome"] = context.ruling.value
    if context.by_ruling:
        escalation = record.escalation
        payload["ruling"] = {
            "organisation": context.actor.organisation,
            "person": context.actor.name,
            "on": context.on.isoformat(),
            "reason": context.reason,
            "escalated_by": escalation.organisation if escalation else None,
        }
    if trigger is Trigger.APPROVE:
        payload["deadlines"] = context.policy.within(plan, context.on)
    if trigger in (Trigger.SUBMIT_PLAN, Trigger.APPROVE) and plan.funding is not None:
        payload["funds"] = _funds(plan.funding)
    rules_version = context.assessment(trigger).rules_stamp if context.has_assessment else _rules_version(context)
    return Draft(trigger.event_type, context.actor, version, context.reason, payload, rules_version, dest, transition)


def _funds(funding: FundingRequest) -> dict[str, Any]:
    """The funds a plan asks as it is submitted or approved, in total, per year and per sector
    (decimal strings in euros): what the programme's figures count as requested and approved."""
    return {
        "total": str(funding.total),
        "years": {str(year): str(amount) for year, amount in funding.by_year().items()},
        "sectors": {sector.value: str(amount) for sector, amount in funding.by_sector().items()},
    }


_EXPLAINED = (Trigger.REQUEST_INFO, Trigger.FUND, Trigger.WAITLIST)
"""Moves that are not decisions of the market leaders but that a letter explains with the criteria."""


def _votes(context: Context) -> list[dict[str, Any]]:
    if context.by_ruling:
        # The market leaders' own votes, both of them, as they stood when the BO IZA ruled.
        return [
            {"organisation": v.organisation, "person": v.person, "on": v.on.isoformat(), "reason": v.reason,
             "decision": v.trigger.value}
            for v in context.record.votes.values()
        ]  # fmt: skip
    mine = context.actor.organisation.casefold()
    votes = [
        {"organisation": v.organisation, "person": v.person, "on": v.on.isoformat(), "reason": v.reason}
        for key, v in context.record.votes.items()
        if key != mine and context.fired and v.trigger is context.fired.trigger
    ]
    votes.append(
        {
            "organisation": context.actor.organisation,
            "person": context.actor.name,
            "on": context.on.isoformat(),
            "reason": context.reason,
        }
    )
    return votes


def _clock(transition: Transition, context: Context) -> dict[str, Any] | str | None:
    """What the transition does to the running clock, as stored on its event."""
    policy, on, running = context.policy, context.on, context.record.clock
    effect = transition.clock
    if effect == "start" and transition.starts is not None:
        start = on
        if transition.starts is ClockName.FINAL_DECISION and running is not None:
            start = running.due_on  # two weeks from the end of the consultation window
        return _started(policy, transition.starts, start).as_dict()
    if effect == "suspend":
        if running is None or policy.clocks.on_information_request == "continue":
            return "keep"
        return RunningClock(running.name, running.started_on, running.ends_on, running.due_on, on).as_dict()
    if effect == "resume":
        if running is None or running.suspended_on is None:
            return "keep"
        if policy.clocks.on_information_request == "restart":
            return _started(policy, running.name, on).as_dict()
        ends = running.ends_on + (on - running.suspended_on)
        return RunningClock(running.name, running.started_on, ends, policy.due(ends)).as_dict()
    if effect == "keep":
        return "keep"
    return None


def _started(policy: Policy, name: ClockName, start: date) -> RunningClock:
    ends = start + timedelta(weeks=policy.clock(name).weeks)
    return RunningClock(name, start, ends, policy.due(ends))
