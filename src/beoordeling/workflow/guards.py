"""The checks a transition must pass, each giving a reason a person can act on when it fails.

A guard never answers only "no": it adds a sentence to the context's refusals that says what is
required and why. The shared state machine (:mod:`.machine`) calls :func:`check` as the condition of
every transition; the context carries what the guards read: the plan, its record, the actor, the
date, the policy and, computed once when first needed, the criteria result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .._dutch import said_day
from .._i18n import N_, _, ngettext, term
from ..criteria import (
    Assessment,
    Edition,
    Judgement,
    Outcome,
    RuleBook,
    Step,
    carry_over,
    default_steps,
    edition_for,
    evaluate,
)
from ..model import Milestone, Plan, PlanState, Role
from .definition import Transition, Trigger
from .policy import Policy
from .record import ActorLike, PlanRecord

__all__ = ["Context", "check", "organisations_for"]

_ROLE_NAMES = {
    Role.SUBMITTER: N_("{organisation} is not a submitting party of plan {plan} (the plan names: {listed})"),
    Role.COORDINATING_INSURER: N_(
        "{organisation} is not the coordinating insurer of plan {plan} (the plan names: {listed})"
    ),
    Role.MARKET_LEADER: N_("{organisation} is not a market leader of plan {plan} (the plan names: {listed})"),
    Role.OTHER_INSURER: N_("{organisation} is not an other insurer of plan {plan} (the plan names: {listed})"),
}


def organisations_for(role: Role, plan: Plan) -> list[str] | None:
    """The organisations the plan names for ``role``; None when the role is not tied to the plan
    (NZa, BO IZA, the system) or the plan names no parties yet."""
    insurers = plan.insurers
    if role is Role.MARKET_LEADER:
        return list(insurers.market_leaders)
    if role is Role.COORDINATING_INSURER:
        return [insurers.coordinating] if insurers.coordinating else []
    if role is Role.OTHER_INSURER:
        return list(insurers.others)
    if role is Role.SUBMITTER:
        return [party.name for party in plan.parties] or None
    return None


def assessed_steps(trigger: Trigger, plan: Plan) -> tuple[Step, ...]:
    """The framework steps a decision rests on (§4.1, §4.3, §4.4, §4.5)."""
    if trigger in (Trigger.PASS_QUICK_TEST, Trigger.FAIL_QUICK_TEST, Trigger.REQUEST_INFO):
        return (Step.QUICK_TEST,)
    if trigger in (Trigger.MILESTONE_MET, Trigger.MILESTONE_MISSED):
        return (Step.MILESTONE,)
    return tuple(step for step in default_steps(plan) if step is not Step.QUICK_TEST)


def judged_steps(state: PlanState) -> tuple[Step, ...]:
    """The steps whose criteria are being judged in ``state``."""
    if state in (PlanState.QUICK_TEST_SUBMITTED, PlanState.MORE_INFO_REQUESTED):
        return (Step.QUICK_TEST,)
    if state is PlanState.MILESTONE_REVIEW:
        return (Step.MILESTONE,)
    return (Step.PLAN, Step.FUNDING)


class Assessments:
    """The criteria result computed last for each plan, with what it was computed from.

    The second vote of a joint decision, the close of the consultation and the funding after the
    approval rest on the same version, judgements and criteria as the first vote, so a desk that
    keeps one computes each result once and writes its explanations out once (``evaluate`` is a
    function of what the key holds). One result per plan is kept, the last."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[tuple[object, ...], Assessment]] = {}

    def get(self, plan_id: str, key: tuple[object, ...]) -> Assessment | None:
        kept = self._last.get(plan_id)
        return kept[1] if kept is not None and kept[0] == key else None

    def put(self, plan_id: str, key: tuple[object, ...], assessment: Assessment) -> None:
        if len(self._last) >= _ASSESSMENTS_KEPT and plan_id not in self._last:
            self._last.clear()
        self._last[plan_id] = (key, assessment)


_ASSESSMENTS_KEPT = 100_000
"""How many plans' last results a desk keeps."""


@dataclass
class Context:
    """What one attempted action knows; the shared machine moves its ``state``."""

    state: str
    plan: Plan
    record: PlanRecord
    actor: ActorLike
    on: date
    reason: str | None
    policy: Policy
    rules: RuleBook | None
    judgement: Judgement | None = None
    milestone: str | None = None
    earlier: Callable[[int], Plan] | None = None
    """Reads an earlier version of the plan, to carry judgements over to a new one."""
    ruling: Trigger | None = None
    """For the BO IZA's uphold: the decision it upholds."""
    by_ruling: bool = False
    """The decision is made by the BO IZA's ruling, not by the votes of the market leaders."""
    refusals: list[str] = field(default_factory=list)
    vote_only: bool = False
    fired: Transition | None = None
    assessments: Assessments | None = None
    """The results computed for earlier actions, to reuse when nothing they rest on changed."""
    _assessment: Assessment | None = None
    _assessed_for: tuple[Step, ...] = ()
    _edition: Edition | None = None

    def assessment(self, trigger: Trigger) -> Assessment:
        """The criteria result for this decision: the submitted version, the criteria in force on
        its submission date, every judgement recorded since; computed once."""
        steps = assessed_steps(trigger, self.plan)
        if self._assessment is None or self._assessed_for != steps:
            on = self.record.submitted_on or self.on
            judgements = self.judgements()
            milestone = self.milestone_under_review()
            # A stored version never changes: its number stands for the plan (and its market leaders).
            key = (self.plan.version, on, steps, tuple(judgements), milestone, id(self.rules))
            memo = self.assessments if self.plan.version is not None else None
            found = memo.get(self.plan.id, key) if memo is not None else None
            if found is None:
                found = evaluate(
                    self.plan, on, steps, judgements, rules=self.rules, milestone=milestone,
                    judges=self.plan.insurers.market_leaders,
                )  # fmt: skip
                if memo is not None:
                    memo.put(self.plan.id, key, found)
            self._assessment = found
            self._assessed_for = steps
        return self._assessment

    def judgements(self) -> list[Judgement]:
        """The judgements that hold for the version under assessment: its own, and those of an
        earlier version whose criterion reads nothing that changed since (carried over)."""
        if self.earlier is None:
            return list(self.record.judgements)
        return carry_over(self.record.judgements, self.plan, self.plan.version, self.earlier, self.edition())

    def edition(self) -> Edition:
        """The criteria in force for this plan on its submission date (looked up once)."""
        if self._edition is None:
            self._edition = edition_for(self.plan, self.record.submitted_on or self.on, self.rules)
        return self._edition

    def milestone_under_review(self) -> Milestone | None:
        wanted = self.milestone or self.record.milestone
        return next((m for m in _milestones(self.plan) if m.id == wanted), None)

    @property
    def has_assessment(self) -> bool:
        return self._assessment is not None


def _listed(items: list[str]) -> str:
    return ", ".join(items)


def _milestones(plan: Plan) -> list[Milestone]:
    return plan.funding.milestones if plan.funding else []


def check(transition: Transition, ctx: Context) -> bool:
    """Run every check of ``transition``; record why each failing one fails. For a joint decision
    whose checks pass but whose other market leader has not (yet) decided the same, record a vote."""
    before = len(ctx.refusals)
    if not ctx.by_ruling:  # the BO IZA's ruling was checked as the uphold before it
        _role(transition, ctx)
    if len(ctx.refusals) > before:
        return False  # the other checks mean nothing to someone who may not act
    if transition.needs_reason and not (ctx.reason and ctx.reason.strip()):
        ctx.refusals.append(
            _("{action} needs a reason (--reason), recorded with the event").format(action=transition.trigger.value)
        )
    for name in transition.guards:
        GUARDS[name](transition, ctx)
    if len(ctx.refusals) > before:
        return False
    if transition.joint and not ctx.by_ruling and not _other_leader_agrees(transition, ctx):
        ctx.vote_only = True
        return False
    ctx.fired = transition
    return True


def _role(transition: Transition, ctx: Context) -> None:
    actor, state = ctx.actor, PlanState(ctx.state)
    if actor.role not in transition.roles:
        needed = _(" or ").join(role.value for role in transition.roles)
        ctx.refusals.append(
            _("{action} needs the role {needed} in state '{state}', because {why}; {who} acts as {role}").format(
                action=transition.trigger.value, needed=needed, state=term(state), why=_(transition.why),
                who=f"{actor.organisation}/{actor.name}", role=actor.role.value,
            )
        )  # fmt: skip
        return
    names = organisations_for(actor.role, ctx.plan)
    if names is not None and actor.organisation.casefold() not in {n.casefold() for n in names}:
        listed = _listed(names) if names else _("none")
        ctx.refusals.append(
            _(_ROLE_NAMES[actor.role]).format(organisation=actor.organisation, plan=ctx.plan.id, listed=listed)
        )
        return
    if transition.joint and len(ctx.plan.insurers.market_leaders) != 2:
        ctx.refusals.append(
            _("{action} is decided jointly by the two market leaders (§3.2); plan {plan} names {count}").format(
                action=transition.trigger.value, plan=ctx.plan.id, count=len(ctx.plan.insurers.market_leaders)
            )
        )


def _other_leader_agrees(transition: Transition, ctx: Context) -> bool:
    mine = ctx.actor.organisation.casefold()
    others = [v for key, v in ctx.record.votes.items() if key != mine]
    return any(v.trigger is transition.trigger for v in others)


# --- the named guards ----------------------------------------------------------------------------------


def _policy(transition: Transition, ctx: Context) -> None:
    refusal = ctx.policy.refusal(transition.trigger, ctx.on, ctx.plan, PlanState(ctx.state))
    if refusal:
        ctx.refusals.append(refusal)


def _criteria(transition: Transition, ctx: Context) -> None:
    assessment = ctx.assessment(transition.trigger)
    if assessment.outcome is Outcome.PASSES:
        return
    for step in assessment.steps:
        if step.outcome is not Outcome.PASSES:
            ctx.refusals.append(
                _(
                    "{action} needs every criterion of '{step}' met: {summary} (rules {rules}; the self-check "
                    "shows each criterion)"
                ).format(
                    action=transition.trigger.value,
                    step=term(step.step),
                    summary=step.summary,
                    rules=assessment.rules_stamp,
                )
            )


def _requests_funds(transition: Transition, ctx: Context) -> None:
    if not ctx.plan.requests_funds:
        ctx.refusals.append(
            _("plan {plan} asks for no transformation funds, so it skips funding (§9); use start").format(
                plan=ctx.plan.id
            )
        )


def _no_funds(transition: Transition, ctx: Context) -> None:
    if ctx.plan.requests_funds:
        ctx.refusals.append(
            _(
                "plan {plan} asks for transformation funds: the NZa's budget-fit check (fund or waitlist) comes "
                "before implementation (§4.4)"
            ).format(plan=ctx.plan.id)
        )


def _named_milestone(ctx: Context, asked: str) -> str | None:
    """The milestone the action names, when it is one of the plan's; otherwise None, and the
    refusal says which there are (``asked``: what to name, with ``{known}`` for them)."""
    known = [m.id for m in _milestones(ctx.plan)]
    if ctx.milestone is None:
        ctx.refusals.append(asked.format(known=_listed(known) or _("none")))
        return None
    if ctx.milestone not in known:
        ctx.refusals.append(
            _("plan {plan} has no milestone {milestone!r} (its milestones: {known})").format(
                plan=ctx.plan.id, milestone=ctx.milestone, known=_listed(known) or _("none")
            )
        )
        return None
    return ctx.milestone


def _milestone_open(transition: Transition, ctx: Context) -> None:
    milestone = _named_milestone(ctx, _("name the milestone that was achieved (one of: {known})"))
    if milestone is None:
        return
    if ctx.record.milestones.get(milestone):
        ctx.refusals.append(_("milestone {milestone} was already decided as achieved").format(milestone=milestone))


def _milestone_payable(transition: Transition, ctx: Context) -> None:
    milestone = _named_milestone(ctx, _("name the milestone that was paid (one of: {known})"))
    if milestone is None:
        return
    if milestone in ctx.record.paid:
        ctx.refusals.append(
            _("milestone {milestone} was already paid (event {seq})").format(
                milestone=milestone, seq=ctx.record.paid[milestone]
            )
        )
    elif ctx.record.milestones.get(milestone) is not True:
        missed = ctx.record.milestones.get(milestone) is False
        ctx.refusals.append(
            (
                _("milestone {milestone} was found missed: a missed milestone is not paid (§4.5)")
                if missed
                else _("milestone {milestone} has not been found met: the market leaders decide that first (§4.5)")
            ).format(milestone=milestone)
        )


def _milestone_reducible(transition: Transition, ctx: Context) -> None:
    milestone = _named_milestone(ctx, _("name the milestone that needs less (one of: {known})"))
    if milestone is None:
        return
    if milestone in ctx.record.paid:
        ctx.refusals.append(
            _("milestone {milestone} was already paid (event {seq}): what was paid stays paid (§4.5)").format(
                milestone=milestone, seq=ctx.record.paid[milestone]
            )
        )
    elif ctx.record.milestones.get(milestone) is False:
        ctx.refusals.append(
            _("milestone {milestone} was found missed: what it would have paid goes back at completion (§4.5)").format(
                milestone=milestone
            )
        )


def _milestones_decided(transition: Transition, ctx: Context) -> None:
    open_ = [m.id for m in _milestones(ctx.plan) if m.id not in ctx.record.milestones]
    if open_:
        ctx.refusals.append(
            ngettext(
                "milestone {milestones} still needs a decision before the plan is completed",
                "milestones {milestones} still need a decision before the plan is completed",
                len(open_),
            ).format(milestones=_listed(open_))
        )


def _window_open(transition: Transition, ctx: Context) -> None:
    clock = ctx.record.clock
    if clock is not None and ctx.on > clock.due_on:
        ctx.refusals.append(
            _(
                "the consultation window closed on {day}: other insurers may comment within two weeks of the "
                "proposed decision (§3.4)"
            ).format(day=said_day(clock.due_on))
        )


def _window_closed(transition: Transition, ctx: Context) -> None:
    clock = ctx.record.clock
    if clock is not None and ctx.on <= clock.due_on:
        ctx.refusals.append(
            _(
                "the consultation window is open up to and including {day}; the other insurers may still "
                "comment, and the final decision follows after it (§4.3)"
            ).format(day=said_day(clock.due_on))
        )


def _judge_step(transition: Transition, ctx: Context) -> None:
    judgement = ctx.judgement
    if judgement is None:
        ctx.refusals.append(_("name the criterion and the verdict"))
        return
    state = PlanState(ctx.state)
    steps = judged_steps(state)
    edition = ctx.edition()
    judged = {c.id for step in steps for c in edition.for_step(step)}
    if judgement.criterion not in judged and edition.criterion(judgement.criterion) is not None:
        names = _listed([repr(term(s)) for s in steps])
        ctx.refusals.append(
            _("{criterion} belongs to another step; in state '{state}' the criteria of {steps} are judged").format(
                criterion=judgement.criterion, state=term(state), steps=names
            )
        )


def _disagreement(transition: Transition, ctx: Context) -> None:
    escalation = ctx.record.escalation
    if escalation is not None:
        ctx.refusals.append(
            _("{organisation} put this disagreement before the BO IZA on {day}; its ruling is due by {due}").format(
                organisation=escalation.organisation, day=said_day(escalation.on), due=said_day(escalation.due_on)
            )
        )
    elif ctx.record.disagreement is None:
        ctx.refusals.append(
            _(
                "escalate is for a disagreement: the two market leaders must have recorded different decisions "
                "in this step first (§3.8)"
            )
        )


def _escalated(transition: Transition, ctx: Context) -> None:
    if ctx.record.escalation is None:
        ctx.refusals.append(
            _(
                "no disagreement about plan {plan} is before the BO IZA; a market leader puts one there with escalate"
            ).format(plan=ctx.plan.id)
        )
        return
    if transition.trigger is Trigger.UPHOLD:
        recorded = {vote.trigger for vote in ctx.record.votes.values()}
        if ctx.ruling not in recorded:
            names = _(" or ").join(sorted(t.value for t in recorded))
            ctx.refusals.append(
                _("the BO IZA upholds one of the decisions the market leaders recorded: {names}").format(names=names)
            )


GUARDS: dict[str, Callable[[Transition, Context], None]] = {
    "policy": _policy,
    "criteria": _criteria,
    "requests_funds": _requests_funds,
    "no_funds": _no_funds,
    "milestone_open": _milestone_open,
    "milestones_decided": _milestones_decided,
    "milestone_payable": _milestone_payable,
    "milestone_reducible": _milestone_reducible,
    "window_open": _window_open,
    "window_closed": _window_closed,
    "judge_step": _judge_step,
    "disagreement": _disagreement,
    "escalated": _escalated,
}
