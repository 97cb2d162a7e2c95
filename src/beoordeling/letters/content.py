"""What a letter says, as data: the record it is composed from (:class:`LetterSource`) and what it
shows (:class:`Letter`), in the order a reader looks for it. :mod:`.compose` writes it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..model import Plan
from ..store import Event
from .kinds import Audience, LetterKind, LetterSpec

__all__ = [
    "Addressee",
    "AmountLine",
    "ClockLine",
    "CriterionLine",
    "Decider",
    "Letter",
    "LetterSource",
    "NextStep",
    "Sender",
    "Signature",
]


@dataclass(frozen=True)
class Addressee:
    name: str
    contact: str | None = None
    email: str | None = None
    address: tuple[str, ...] = ()
    """The postal address, a line each (from the plan for a party, from its profile for an insurer)."""


@dataclass(frozen=True)
class Sender:
    """An organisation the letter comes from, as its profile gives it."""

    name: str
    department: str | None = None
    visiting_address: tuple[str, ...] = ()
    postal_address: tuple[str, ...] = ()
    contact: str | None = None
    phone: str | None = None
    email: str | None = None
    logo: str | None = None
    """The asset name of the organisation's logo (registered with the renderer), if it has one."""


@dataclass(frozen=True)
class Signature:
    """Who signs for an organisation: its signatory's name and function from its profile."""

    organisation: str
    name: str | None = None
    function: str | None = None


@dataclass(frozen=True)
class Decider:
    """A deciding market leader, and who recorded its decision when."""

    organisation: str
    person: str | None = None
    on: date | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ClockLine:
    """The clock the decision answers: when it started, its last day, and whether it was kept."""

    label: str
    section: str
    started_on: date
    due_on: date
    decided_on: date | None
    suspended_on: date | None = None

    @property
    def days_late(self) -> int:
        if self.decided_on is None or self.decided_on <= self.due_on:
            return 0
        return (self.decided_on - self.due_on).days


@dataclass(frozen=True)
class CriterionLine:
    id: str
    title: str
    step: str
    outcome: str
    passed: bool | None
    """True for a pass, False for a fail or missing evidence, None otherwise (judgement pending, n/a)."""
    explanation: str
    citation: str
    link: str
    override_reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    """What to supply: the guidance of each piece of evidence the plan lacks."""


@dataclass(frozen=True)
class NextStep:
    text: str
    by: date | None = None


@dataclass(frozen=True)
class AmountLine:
    label: str
    amount: Decimal
    due: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class Letter:
    """Everything a letter shows, in the order a reader looks for it."""

    kind: LetterKind
    audience: Audience
    document: str
    fingerprint: str
    dated: date
    plan_id: str
    plan_title: str
    plan_version: int | None
    rules_version: str | None
    policy: str | None
    addressees: tuple[Addressee, ...]
    copies: tuple[str, ...]
    decision: str
    """The decision in one sentence."""
    body: tuple[str, ...]
    reason: str | None
    dates: tuple[tuple[str, date], ...]
    clock: ClockLine | None
    criteria: tuple[CriterionLine, ...]
    criteria_note: str
    deciders: tuple[Decider, ...]
    overrides: tuple[CriterionLine, ...]
    must_change: tuple[str, ...]
    must_change_title: str
    amounts: tuple[AmountLine, ...]
    next_steps: tuple[NextStep, ...]
    framework: str
    """The step of the framework the letter belongs to (stap 1 (snelle toets), ...)."""
    senders: tuple[Sender, ...] = ()
    senders_are_examples: bool = False
    """The profiles are the shipped examples: the letter says its sender details are made up."""
    signatures: tuple[Signature, ...] = ()
    signed_by_market_leaders: bool = False
    """The two market leaders decided what the letter announces (the 'Besluit genomen door' block)."""
    grounds: tuple[str, ...] = ()
    """For a refusal: each criterion that failed, with the market leaders' reasons."""
    questions: str = ""
    """What to do with questions or disagreement (from the profiles file)."""
    check: str = ""
    """How an addressee can check that the letter is genuine."""
    practice: bool = False
    """From a practice store (demo, training): the letter says on every page it is an example."""

    @property
    def subject(self) -> str:
        return self.kind.label


@dataclass(frozen=True)
class LetterSource:
    """The record a letter is composed from (gathered from the store by :mod:`.issue`)."""

    spec: LetterSpec
    event: Event
    history: Sequence[Event]
    """The plan's events up to the letter's event, and those stored with it in one transaction."""
    plan: Plan
    plan_hash: str
    queue_position: int | None = None

    @property
    def earlier(self) -> list[Event]:
        return [e for e in self.history if e.seq < self.event.seq]

    @property
    def same_action(self) -> list[Event]:
        return [e for e in self.history if e.seq > self.event.seq and e.occurred_at == self.event.occurred_at]
