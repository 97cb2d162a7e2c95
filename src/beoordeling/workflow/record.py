"""A plan's workflow record: what its events say now, rebuilt by replaying them in order.

The state, the running clock, the votes of the market leaders, the judgements, the comments and the
milestone decisions are all a fold over the plan's events; nothing else holds them. Replaying
checks every transition against the definition, so a log with an impossible move is refused, not
silently followed. The live state in the store's register is checked against this replay.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from .._i18n import _
from .._time import AMSTERDAM, local_date
from ..criteria import Judgement
from ..errors import ReplayError
from ..model import NOTE_EVENT_PREFIXES, PlanState, Role
from .definition import ClockName, Trigger, transition_for

__all__ = [
    "AMSTERDAM",
    "VOTE_EVENT",
    "Comment",
    "EventLike",
    "PlanRecord",
    "ReplayError",
    "RunningClock",
    "Vote",
    "local_date",
]

VOTE_EVENT = "workflow.vote"
_PLAN_EVENTS = ("plan.created", "plan.revised")


class ActorLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def organisation(self) -> str: ...
    @property
    def role(self) -> Role: ...


class EventLike(Protocol):
    """What a replay reads of a stored event (the store's ``Event`` has all of it)."""

    @property
    def seq(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def actor(self) -> ActorLike: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def plan_version(self) -> int | None: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def payload(self) -> Mapping[str, Any]: ...
    @property
    def groups(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class RunningClock:
    """A clock as stored on the transition that started it: dates, never timers."""

    name: ClockName
    started_on: date
    ends_on: date
    """The last day of the term as counted, before moving it to a working day."""
    due_on: date
    suspended_on: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name.value,
            "started_on": self.started_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "suspended_on": self.suspended_on.isoformat() if self.suspended_on else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunningClock:
        suspended = data.get("suspended_on")
        return cls(
            ClockName(data["name"]),
            date.fromisoformat(data["started_on"]),
            date.fromisoformat(data["ends_on"]),
            date.fromisoformat(data["due_on"]),
            date.fromisoformat(suspended) if suspended else None,
        )


_TRIGGERS = {trigger.event_type: trigger for trigger in Trigger}
"""Each workflow event's trigger by the event's type (a replay looks one up for every event)."""


@dataclass(frozen=True)
class Vote:
    """One market leader's decision, waiting for the other's."""

    organisation: str
    person: str
    trigger: Trigger
    seq: int
    on: date
    reason: str | None


@dataclass(frozen=True)
class Escalation:
    """A disagreement of the market leaders put before the BO IZA, waiting for its ruling."""

    organisation: str
    person: str
    on: date
    due_on: date
    reason: str | None
    seq: int


@dataclass(frozen=True)
class Comment:
    organisation: str
    person: str
    on: date
    text: str
    seq: int


@dataclass
class PlanRecord:
    """Where a plan stands in the workflow, as its events say."""

    plan_id: str
    state: PlanState = PlanState.DRAFT
    latest_version: int | None = None
    submitted_version: int | None = None
    submitted_on: date | None = None
    """When the current step's submission came in: the criteria in force that day apply."""
    last_seq: int = 0
    basis_seq: int = 0
    """The last event that moved the plan (notes such as an issued letter left out): what an action
    is decided on, and what the store holds it against (optimistic concurrency)."""
    last_on: date | None = None
    dated_on: date | None = None
    """The day the plan's last event of any kind took effect (a letter issued included): no action
    on the plan can be dated before it."""
    entered_on: date | None = None
    clock: RunningClock | None = None
    votes: dict[str, Vote] = field(default_factory=dict)
    judgements: list[Judgement] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    milestone: str | None = None
    """The milestone under review."""
    milestones: dict[str, bool] = field(default_factory=dict)
    """Decided milestones: met (True) or missed (False)."""
    paid: dict[str, int] = field(default_factory=dict)
    """Milestones paid, with the number of the event that recorded the payment."""
    reduced: dict[str, int] = field(default_factory=dict)
    """By how many cents a milestone was found to need less than approved (``reduce-funding``)."""
    advance: int = 0
    """What the funding advanced to the plan's municipalities (the municipal route), in cents."""
    escalation: Escalation | None = None
    """The disagreement before the BO IZA, if one is."""
    groups: Mapping[str, Any] = field(default_factory=dict)
    """The plan's groups as its latest event gave them: insurers, theme, region (for deadlines)."""

    def copy(self) -> PlanRecord:
        """A record that goes on from here without changing this one: its lists and dicts copied
        (what :meth:`apply` changes in place), the rest shared, which nothing changes."""
        found = copy.copy(self)
        for name in _CONTAINERS:
            value = getattr(self, name)
            if isinstance(value, (list, dict)):
                setattr(found, name, value.copy())
        return found

    @classmethod
    def replay(cls, plan_id: str, events: Iterable[EventLike]) -> PlanRecord:
        record = cls(plan_id)
        for event in events:
            record.apply(event)
        return record

    def apply(self, event: EventLike) -> None:
        """Take one event of this plan into account (events must come in order)."""
        if event.seq <= self.last_seq:
            raise ReplayError(
                _("event {seq} of plan {plan_id} comes after event {last_seq}").format(
                    seq=event.seq, plan_id=self.plan_id, last_seq=self.last_seq
                )
            )
        self.last_seq = event.seq
        self.dated_on = on = local_date(event.occurred_at)
        kind = event.type
        if kind.startswith(NOTE_EVENT_PREFIXES):
            return  # a note about the plan (a letter issued), not a move: no date, no new basis
        self.basis_seq = event.seq
        self.last_on = on
        if event.groups:
            self.groups = event.groups
        if kind in _PLAN_EVENTS:
            self.latest_version = event.plan_version
            return
        if kind == VOTE_EVENT:
            self._vote(event, on)
            return
        if not kind.startswith("workflow."):
            return
        trigger = _TRIGGERS.get(kind)
        if trigger is None:
            raise ReplayError(_("event {seq} has an unknown type {kind!r}").format(seq=event.seq, kind=kind))
        transition = transition_for(trigger, self.state)
        payload = event.payload
        if transition is None or (transition.dest and transition.dest.value != payload.get("to")):
            raise ReplayError(
                _(
                    "event {seq} ({kind}) moves plan {plan_id} from {state} to {target}, which the workflow "
                    "does not allow"
                ).format(
                    seq=event.seq, kind=kind, plan_id=self.plan_id, state=self.state.value, target=payload.get("to")
                )
            )
        if transition.dest is None:
            self._internal(trigger, event, on)
            return
        self._move(trigger, transition.dest, transition.clock, event, on)
        if trigger is Trigger.FUND and "advance" in payload:
            self.advance = int(Decimal(payload["advance"]) * 100)

    # --- the pieces of a replay ---------------------------------------------------------------------

    def _vote(self, event: EventLike, on: date) -> None:
        payload = event.payload
        self.votes[event.actor.organisation.casefold()] = Vote(
            event.actor.organisation, event.actor.name, Trigger(payload["trigger"]), event.seq, on, event.reason
        )

    def _internal(self, trigger: Trigger, event: EventLike, on: date) -> None:
        payload = event.payload
        if trigger is Trigger.JUDGE:
            self.judgements.append(
                Judgement(
                    criterion=payload["criterion"],
                    verdict=payload["verdict"],
                    assessor=event.actor.name,
                    organisation=event.actor.organisation,
                    reason=event.reason,
                    recorded_on=on,
                    plan_version=event.plan_version,
                )
            )
        elif trigger is Trigger.COMMENT:
            text = event.reason or ""
            self.comments.append(Comment(event.actor.organisation, event.actor.name, on, text, event.seq))
        elif trigger is Trigger.ESCALATE:
            due = date.fromisoformat(payload["escalation"]["due_on"])
            self.escalation = Escalation(event.actor.organisation, event.actor.name, on, due, event.reason, event.seq)
        elif trigger is Trigger.PAY:
            self.paid[payload["milestone"]] = event.seq
        elif trigger is Trigger.REDUCE:
            milestone = payload["milestone"]
            self.reduced[milestone] = self.reduced.get(milestone, 0) + int(Decimal(payload["reduction"]) * 100)
        elif trigger is Trigger.SEND_BACK:
            # The leaders decide again: their earlier votes no longer count.
            self.escalation = None
            self.votes = {}

    def _move(self, trigger: Trigger, dest: PlanState, clock: str, event: EventLike, on: date) -> None:
        payload = event.payload
        self.state = dest
        self.entered_on = on
        self.votes = {}
        self.escalation = None
        stored_clock = payload.get("clock")
        if clock == "stop":
            self.clock = None
        elif stored_clock is not None:
            self.clock = RunningClock.from_dict(stored_clock)
        if trigger in (Trigger.SUBMIT_QUICK_TEST, Trigger.SUBMIT_PLAN, Trigger.ANSWER):
            self.submitted_version = event.plan_version
            if trigger is not Trigger.ANSWER:
                # A new submission is judged afresh; an answer adds to the one being judged.
                self.submitted_on = on
                self.judgements = []
                self.comments = []
        if trigger is Trigger.REPORT_MILESTONE:
            # Each milestone is judged on its own.
            self.milestone = payload["milestone"]
            self.judgements = []
        elif trigger in (Trigger.MILESTONE_MET, Trigger.MILESTONE_MISSED):
            self.milestones[payload["milestone"]] = trigger is Trigger.MILESTONE_MET
            self.milestone = None

    # --- questions ------------------------------------------------------------------------------------

    @property
    def disagreement(self) -> tuple[Vote, Vote] | None:
        """Two market leaders who recorded different decisions, if they did."""
        votes = list(self.votes.values())
        if len(votes) >= 2 and votes[0].trigger is not votes[1].trigger:
            return votes[0], votes[1]
        return None


_CONTAINERS = tuple(f.name for f in fields(PlanRecord))
"""The record's fields :meth:`PlanRecord.copy` looks at (it copies those that hold a list or a dict)."""
