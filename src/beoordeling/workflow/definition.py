"""The lifecycle of a plan as data: every transition, who may fire it, and what it guards.

One table (:data:`TRANSITIONS`) is the whole workflow (domain.md §4, §9). The shared state machine,
the state diagram, the permission table and the replay all read it; nothing else decides which
moves exist. A transition without a destination is an *internal* one: it records something (a
judgement, a vote, a comment) in a state without leaving it.

Guards are named here and implemented in :mod:`.guards`; the clock effects name the clocks of the
policy file (:mod:`.policy`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from .._i18n import N_
from ..model import PlanState, Role
from ..model._types import LabelledEnum

__all__ = [
    "DECISIONS",
    "TRANSITIONS",
    "ClockName",
    "Transition",
    "Trigger",
    "transition_for",
    "transitions_of",
]

S = PlanState
R = Role


class Trigger(LabelledEnum):
    """What can happen to a plan; the value is the event type after ``workflow.``."""

    SUBMIT_QUICK_TEST = "submit-quick-test", "Snelle toets ingediend", "Quick test submitted"
    REQUEST_INFO = "request-info", "Nadere informatie gevraagd", "More information requested"
    ANSWER = "answer", "Nadere informatie geleverd", "More information supplied"
    PASS_QUICK_TEST = "pass-quick-test", "Snelle toets positief", "Quick test positive"
    FAIL_QUICK_TEST = "fail-quick-test", "Snelle toets negatief", "Quick test negative"
    PREPARE = "prepare", "Start uitwerking plan", "Working out the plan started"
    SUBMIT_PLAN = "submit-plan", "Transformatieplan ingediend", "Transformation plan submitted"
    PROPOSE_APPROVAL = "propose-approval", "Voorgenomen besluit: goedkeuren", "Proposed decision: approve"
    PROPOSE_REJECTION = "propose-rejection", "Voorgenomen besluit: afwijzen", "Proposed decision: reject"
    PROPOSE_REWORK = "propose-rework", "Voorgenomen besluit: aanpassen", "Proposed decision: rework"
    OPEN_CONSULTATION = (
        "open-consultation",
        "Consultatie overige verzekeraars geopend",
        "Consultation of other insurers opened",
    )
    CLOSE_CONSULTATION = (
        "close-consultation",
        "Consultatie overige verzekeraars gesloten",
        "Consultation of other insurers closed",
    )
    APPROVE = "approve", "Definitief besluit: goedgekeurd", "Final decision: approved"
    REJECT = "reject", "Definitief besluit: afgewezen", "Final decision: not approved"
    REQUEST_REWORK = (
        "request-rework",
        "Definitief besluit: aanpassen en opnieuw indienen",
        "Final decision: rework and resubmit",
    )
    FUND = "fund", "Gefinancierd", "Funded"
    WAITLIST = "waitlist", "Op de wachtrij geplaatst", "Put on the waiting list"
    START = "start", "Implementatie gestart", "Implementation started"
    REPORT_MILESTONE = "report-milestone", "Mijlpaal gemeld", "Milestone reported"
    MILESTONE_MET = "milestone-met", "Mijlpaal behaald", "Milestone met"
    MILESTONE_MISSED = "milestone-missed", "Mijlpaal niet behaald", "Milestone missed"
    PAY = "pay", "Mijlpaal betaald", "Milestone paid"
    RECLAIM = "reclaim", "Voorschot gemeente teruggevorderd", "Municipal advance reclaimed"
    REDUCE = "reduce-funding", "Toegezegd bedrag verlaagd", "Commitment reduced"
    COMPLETE = "complete", "Afgerond", "Completed"
    WITHDRAW = "withdraw", "Ingetrokken", "Withdrawn"
    JUDGE = "judge", "Oordeel vastgelegd", "Judgement recorded"
    COMMENT = "comment", "Reactie overige verzekeraar", "Other insurer's comment"
    ESCALATE = "escalate", "Voorgelegd aan het BO IZA", "Put before the BO IZA"
    UPHOLD = "uphold", "Uitspraak BO IZA: besluit bevestigd", "BO IZA ruling: decision upheld"
    SEND_BACK = "send-back", "Uitspraak BO IZA: terug naar de marktleiders", "BO IZA ruling: back to the market leaders"

    @property
    def event_type(self) -> str:
        return f"workflow.{self.value}"


class ClockName(LabelledEnum):
    """The framework's clocks (domain.md §4.1, §4.3); their lengths are in the policy file."""

    QUICK_TEST = "quick-test", "Uitslag snelle toets", "Quick-test result"
    PROPOSED_DECISION = "proposed-decision", "Voorgenomen besluit", "Proposed decision"
    CONSULTATION = "consultation", "Consultatie overige verzekeraars", "Consultation of other insurers"
    FINAL_DECISION = "final-decision", "Definitief besluit", "Final decision"
    ESCALATION = "escalation", "Uitspraak BO IZA na escalatie", "BO IZA ruling after escalation"


@dataclass(frozen=True)
class Transition:
    """One move: from any of ``sources`` to ``dest`` (None: stays), by one of ``roles``."""

    trigger: Trigger
    sources: tuple[PlanState, ...]
    dest: PlanState | None
    roles: tuple[Role, ...]
    section: str
    """Where the move comes from (domain.md), or 'beleid' for our own reading of the sources."""
    guards: tuple[str, ...] = ()
    joint: bool = False
    """Both market leaders must record the same decision; each records a vote until they agree."""
    needs_reason: bool = False
    starts: ClockName | None = None
    clock: str = "stop"
    """What happens to the running clock: start (``starts``), stop, suspend, resume or keep."""
    automatic: bool = False
    """Fired by the workflow itself right after another move, never by a person."""
    why: str = field(default="", compare=False)
    """Why the roles are what they are: shown when someone else tries (a catalog message, in English)."""


_ASSESSING = (S.QUICK_TEST_SUBMITTED, S.MORE_INFO_REQUESTED)
_PLAN_OPEN = (S.PLAN_SUBMITTED, S.PROPOSED_DECISION, S.CONSULTATION, S.FINAL_DECISION)
_ENDED = (S.QUICK_TEST_NEGATIVE, S.NOT_APPROVED, S.COMPLETED, S.WITHDRAWN)
_MILESTONES = N_("the market leaders decide whether milestones were achieved (§3.2)")
_LEADERS = N_("the two market leaders decide for all insurers (§3.2)")
_JOINT = (S.QUICK_TEST_SUBMITTED, S.PLAN_SUBMITTED, S.FINAL_DECISION, S.MILESTONE_REVIEW)
"""The states in which the market leaders take a joint decision, and so can disagree."""
_BO_IZA = N_("the BO IZA is the escalation body of the IZA parties (§3.8)")
_INTAKE = N_("plans are submitted to the coordinating insurer by the submitters (§3.1, §3.3)")

TRANSITIONS: tuple[Transition, ...] = (
    # Step 1: the quick test (domain.md §4.1), 4 weeks.
    Transition(Trigger.SUBMIT_QUICK_TEST, (S.DRAFT,), S.QUICK_TEST_SUBMITTED, (R.SUBMITTER, R.COORDINATING_INSURER),
               "§4.1", ("policy",), starts=ClockName.QUICK_TEST, clock="start", why=_INTAKE),
    Transition(Trigger.REQUEST_INFO, (S.QUICK_TEST_SUBMITTED,), S.MORE_INFO_REQUESTED,
               (R.MARKET_LEADER, R.COORDINATING_INSURER), "§4.1", ("policy",), needs_reason=True, clock="suspend",
               why=N_("the assessing insurers ask; 'more information requested' is an outcome seen in practice "
                      "(§4.1)")),
    Transition(Trigger.ANSWER, (S.MORE_INFO_REQUESTED,), S.QUICK_TEST_SUBMITTED,
               (R.SUBMITTER, R.COORDINATING_INSURER), "§4.1", ("policy",), clock="resume", why=_INTAKE),
    Transition(Trigger.PASS_QUICK_TEST, (S.QUICK_TEST_SUBMITTED,), S.QUICK_TEST_POSITIVE, (R.MARKET_LEADER,),
               "§4.1", ("policy", "criteria"), joint=True, why=_LEADERS),
    Transition(Trigger.FAIL_QUICK_TEST, (S.QUICK_TEST_SUBMITTED,), S.QUICK_TEST_NEGATIVE, (R.MARKET_LEADER,),
               "§4.1", ("policy",), joint=True, needs_reason=True, why=_LEADERS),
    # Step 2: working out the plan together (§4.2); no clock.
    Transition(Trigger.PREPARE, (S.QUICK_TEST_POSITIVE, S.REWORK), S.PLAN_IN_PREPARATION,
               (R.SUBMITTER, R.COORDINATING_INSURER, R.MARKET_LEADER), "§4.2", (),
               why=N_("submitters work the plan out, preferably with the insurers (§4.2)")),
    Transition(Trigger.SUBMIT_PLAN, (S.QUICK_TEST_POSITIVE, S.PLAN_IN_PREPARATION, S.REWORK), S.PLAN_SUBMITTED,
               (R.SUBMITTER, R.COORDINATING_INSURER), "§4.3", ("policy",), starts=ClockName.PROPOSED_DECISION,
               clock="start", why=_INTAKE),
    # Step 3: proposed decision in 4 weeks, 2 weeks for the other insurers, final decision in 2 (§4.3).
    *(
        Transition(trigger, (S.PLAN_SUBMITTED,), S.PROPOSED_DECISION, (R.MARKET_LEADER,), "§4.3", guards,
                   joint=True, needs_reason=reason, why=_LEADERS)
        for trigger, guards, reason in (
            (Trigger.PROPOSE_APPROVAL, ("policy", "criteria"), False),
            (Trigger.PROPOSE_REJECTION, ("policy",), True),
            (Trigger.PROPOSE_REWORK, ("policy",), True),
        )
    ),
    Transition(Trigger.OPEN_CONSULTATION, (S.PROPOSED_DECISION,), S.CONSULTATION, (R.SYSTEM,), "§4.3", (),
               starts=ClockName.CONSULTATION, clock="start", automatic=True,
               why=N_("the other insurers are told of the proposed decision at once (§3.4)")),
    Transition(Trigger.CLOSE_CONSULTATION, (S.CONSULTATION,), S.FINAL_DECISION, (R.SYSTEM,), "§4.3",
               ("window_closed",), starts=ClockName.FINAL_DECISION, clock="start", automatic=True,
               why=N_("the window closes by itself after two weeks (§3.4)")),
    *(
        Transition(trigger, (S.FINAL_DECISION,), dest, (R.MARKET_LEADER,), "§4.3", guards, joint=True,
                   needs_reason=reason, why=_LEADERS)
        for trigger, dest, guards, reason in (
            (Trigger.APPROVE, S.APPROVED, ("policy", "criteria"), False),
            (Trigger.REJECT, S.NOT_APPROVED, ("policy",), True),
            (Trigger.REQUEST_REWORK, S.REWORK, ("policy",), True),
        )
    ),
    # Funding (§4.4): the NZa's budget-fit check decides between funds and the waiting list.
    # The system funds the head of the waiting list on the NZa's behalf when money comes back.
    Transition(Trigger.FUND, (S.APPROVED,), S.FUNDED, (R.NZA,), "§4.4", ("requests_funds",),
               why=N_("the NZa checks the request fits the available funds (§3.6)")),
    Transition(Trigger.FUND, (S.WAITLISTED,), S.FUNDED, (R.NZA, R.SYSTEM), "§4.4", ("requests_funds",),
               why=N_("the NZa checks the request fits the available funds (§3.6)")),
    Transition(Trigger.WAITLIST, (S.APPROVED,), S.WAITLISTED, (R.NZA,), "§4.4", ("requests_funds",),
               why=N_("the NZa checks the request fits the available funds (§3.6)")),
    # Step 4: implementation and milestones (§4.5).
    Transition(Trigger.START, (S.FUNDED,), S.IMPLEMENTATION,
               (R.SUBMITTER, R.COORDINATING_INSURER, R.MARKET_LEADER), "§4.5", (),
               why=N_("providers and insurers carry the plan out together (§4.5)")),
    Transition(Trigger.START, (S.APPROVED,), S.IMPLEMENTATION,
               (R.SUBMITTER, R.COORDINATING_INSURER, R.MARKET_LEADER), "§9", ("no_funds",),
               why=N_("a plan without a funds request skips the funding states (§9)")),
    Transition(Trigger.REPORT_MILESTONE, (S.IMPLEMENTATION,), S.MILESTONE_REVIEW, (R.SUBMITTER,), "§4.5",
               ("milestone_open",), why=N_("participants report that a milestone was achieved (§4.5)")),
    Transition(Trigger.MILESTONE_MET, (S.MILESTONE_REVIEW,), S.IMPLEMENTATION, (R.MARKET_LEADER,), "§4.5",
               ("criteria",), joint=True, why=_MILESTONES),
    Transition(Trigger.MILESTONE_MISSED, (S.MILESTONE_REVIEW,), S.IMPLEMENTATION, (R.MARKET_LEADER,), "§4.5", (),
               joint=True, needs_reason=True, why=_MILESTONES),
    Transition(Trigger.PAY, (S.IMPLEMENTATION, S.MILESTONE_REVIEW, S.COMPLETED), None,
               (R.COORDINATING_INSURER, R.MARKET_LEADER), "§4.5", ("milestone_payable",), clock="keep",
               why=N_("the paying insurer records the payment of a milestone found met (§4.5)")),
    # A plan that needs less than approved: the paying insurer records the lower amount of a milestone
    # still open, and the difference goes back to the funds, moving the waiting list (§4.4).
    Transition(Trigger.REDUCE, (S.FUNDED, S.IMPLEMENTATION, S.MILESTONE_REVIEW), None,
               (R.COORDINATING_INSURER, R.MARKET_LEADER), "§4.4", ("milestone_reducible",), needs_reason=True,
               clock="keep",
               why=N_("the paying insurer records a milestone that needs less; the rest goes back (§4.4)")),
    # The municipal route (§4.7): what the municipalities were advanced for a milestone not achieved,
    # or not settled when the plan ends, is reclaimed in the same transaction, by the system.
    Transition(Trigger.RECLAIM, (S.IMPLEMENTATION, S.COMPLETED, S.WITHDRAWN), None, (R.SYSTEM,), "§4.7", (),
               clock="keep", automatic=True,
               why=N_("municipalities repay the advance for milestones not achieved (SPUK regulation, art. 10)")),
    Transition(Trigger.COMPLETE, (S.IMPLEMENTATION,), S.COMPLETED, (R.COORDINATING_INSURER, R.MARKET_LEADER),
               "§4.5", ("milestones_decided",), why=N_("the insurers monitor the plan to its end (§4.5)")),
    # Withdrawal: the submitters may stop at any time before an end state.
    Transition(Trigger.WITHDRAW, tuple(s for s in S if s not in _ENDED), S.WITHDRAWN,
               (R.SUBMITTER, R.COORDINATING_INSURER), "beleid", (), needs_reason=True,
               why=N_("a plan is the submitters' own; the coordinating insurer may record it for them")),
    # Internal moves: recorded in a state without leaving it.
    Transition(Trigger.JUDGE, (*_ASSESSING, *_PLAN_OPEN, S.MILESTONE_REVIEW), None, (R.MARKET_LEADER,), "§5.11",
               ("policy", "judge_step"), clock="keep", why=N_("judgements are the market leaders' (§3.2)")),
    Transition(Trigger.COMMENT, (S.CONSULTATION,), None, (R.OTHER_INSURER,), "§3.4", ("window_open",),
               needs_reason=True, clock="keep",
               why=N_("other insurers may only comment, within two weeks of the proposed decision (§3.4)")),
    # Escalation (§3.8): a disagreement of the market leaders goes to the BO IZA, which upholds one of
    # the outcomes (the decision then takes effect) or sends it back to the leaders to decide again.
    Transition(Trigger.ESCALATE, _JOINT, None, (R.MARKET_LEADER,), "§3.8", ("disagreement",), needs_reason=True,
               clock="keep", why=N_("either market leader may put a disagreement before the BO IZA (§3.8)")),
    Transition(Trigger.UPHOLD, _JOINT, None, (R.BO_IZA,), "§3.8", ("escalated",), needs_reason=True,
               clock="keep", why=_BO_IZA),
    Transition(Trigger.SEND_BACK, _JOINT, None, (R.BO_IZA,), "§3.8", ("escalated",), needs_reason=True,
               clock="keep", why=_BO_IZA),
)  # fmt: skip

# The decisions a market leader can vote for, per state: what `propose` and `decide` map to.
DECISIONS: dict[PlanState, dict[str, Trigger]] = {
    S.QUICK_TEST_SUBMITTED: {"positive": Trigger.PASS_QUICK_TEST, "negative": Trigger.FAIL_QUICK_TEST},
    S.PLAN_SUBMITTED: {
        "approve": Trigger.PROPOSE_APPROVAL,
        "reject": Trigger.PROPOSE_REJECTION,
        "rework": Trigger.PROPOSE_REWORK,
    },
    S.FINAL_DECISION: {"approve": Trigger.APPROVE, "reject": Trigger.REJECT, "rework": Trigger.REQUEST_REWORK},
    S.MILESTONE_REVIEW: {"met": Trigger.MILESTONE_MET, "missed": Trigger.MILESTONE_MISSED},
}


@cache
def _index() -> dict[tuple[Trigger, PlanState], Transition]:
    table: dict[tuple[Trigger, PlanState], Transition] = {}
    for transition in TRANSITIONS:
        for source in transition.sources:
            key = (transition.trigger, source)
            if key in table:
                raise AssertionError(f"two transitions for {key}")  # a broken table, caught by the tests
            table[key] = transition
    return table


def transition_for(trigger: Trigger, state: PlanState) -> Transition | None:
    """The transition ``trigger`` fires in ``state``, if it exists there."""
    return _index().get((trigger, state))


def transitions_of(trigger: Trigger) -> list[Transition]:
    return [t for t in TRANSITIONS if t.trigger is trigger]


def states_where(trigger: Trigger) -> Iterable[PlanState]:
    """The states in which ``trigger`` can fire, in lifecycle order."""
    sources = {s for t in transitions_of(trigger) for s in t.sources}
    return [s for s in PlanState if s in sources]
