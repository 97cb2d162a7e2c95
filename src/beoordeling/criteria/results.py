"""What an evaluation says: per criterion, per step, and for the whole assessment.

Results carry everything a later reader needs without the rules at hand: the outcome, the Dutch
explanation, the values read (field path and value), the citation, the judgements combined and the
rules stamp. They serialise to plain JSON (``as_dict``) and back (``Assessment.from_dict``), so that
the workflow can store them with a decision event and letters can show them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .._i18n import _
from ..model._types import LabelledEnum
from .spec import Kind, Step

__all__ = [
    "Assessment",
    "Citation",
    "CriterionResult",
    "EvidenceResult",
    "Judgement",
    "Outcome",
    "Read",
    "Status",
    "StepResult",
    "Verdict",
]


class Status(LabelledEnum):
    """The outcome of one criterion."""

    PASS = "pass", "voldoet", "meets"
    FAIL = "fail", "voldoet niet", "does not meet"
    INCOMPLETE = "incomplete", "onvolledig", "incomplete"
    """Evidence the criterion needs is missing; it cannot be decided yet."""
    NEEDS_JUDGEMENT = "needs-judgement", "oordeel nodig", "judgement needed"
    """The evidence is there; the assessors have not (all, or not alike) recorded a verdict."""
    NOT_APPLICABLE = "not-applicable", "niet van toepassing", "not applicable"


class Outcome(LabelledEnum):
    """The outcome of a step, from worst to best, with its Dutch label."""

    FAILS = "fails", "voldoet niet", "does not meet"
    INCOMPLETE = "incomplete", "onvolledig", "incomplete"
    AWAITS_JUDGEMENT = "awaits-judgement", "wacht op oordeel", "awaits judgement"
    PASSES = "passes", "voldoet", "meets"

    @property
    def blocks(self) -> bool:
        """True when the step cannot pass as the plan stands (a self-check exits 1)."""
        return self in (Outcome.FAILS, Outcome.INCOMPLETE)


class Verdict(LabelledEnum):
    PASS = "pass", "voldoet", "meets"
    FAIL = "fail", "voldoet niet", "does not meet"


class Judgement(BaseModel):
    """An assessor's verdict on one criterion, recorded for an organisation (an insurer).

    A negative verdict needs a reason; so does a positive verdict on a computed check that failed
    (an override). Unanswered judgements never count as a pass or a fail."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    criterion: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9]{0,9}$")]
    verdict: Verdict
    assessor: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    organisation: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=4000)] | None = None
    recorded_on: date | None = None
    plan_version: Annotated[int, Field(ge=1)] | None = None
    """The plan version judged."""
    carried_over: bool = False
    """Judged on an earlier version whose fields this criterion reads did not change since."""

    @model_validator(mode="after")
    def _reason_for_no(self) -> Self:
        if self.verdict is Verdict.FAIL and self.reason is None:
            raise ValueError(_("a negative verdict on {criterion} needs a reason").format(criterion=self.criterion))
        return self


@dataclass(frozen=True, slots=True)
class Read:
    """A value the criterion read from the plan: its field path and a JSON-safe summary of it."""

    path: str
    value: Any


@dataclass(frozen=True, slots=True)
class Citation:
    section: str
    reference: str
    link: str

    def __str__(self) -> str:
        return f"{self.reference} {self.link}"  # the framework's words; the section is for the code


@dataclass(frozen=True, slots=True)
class EvidenceResult:
    id: str
    title: str
    present: bool | None
    """None when the item is not asked of this plan."""
    missing: str | None = None
    """The guidance shown when it is missing."""


@dataclass(frozen=True, slots=True, eq=False)
class CriterionResult:
    """The outcome of one criterion for one plan.

    The Dutch explanation and the values read are written out when first asked for, not during
    evaluation: a batch of thousands of plans (statistics, a re-check after a rules change) pays
    only for what a reader opens. The values an explanation names are taken at evaluation; the
    values read are summarised on first access, so store or show a result (``as_dict``) before
    changing the plan object it came from. Equality compares the written-out result."""

    id: str
    title: str
    title_en: str
    step: Step
    kind: Kind
    status: Status
    citation: Citation
    evidence: tuple[EvidenceResult, ...] = ()
    judgements: tuple[Judgement, ...] = ()
    override: bool = False
    """A failed computed check passed by the assessors' judgement (with their reasons)."""
    confirmed: bool = True
    note: str | None = None
    explained: str | Callable[[], str] = ""
    """The explanation, or how to write it (see ``explanation``)."""
    traced: tuple[Read, ...] | Callable[[], tuple[Read, ...]] = ()
    """The values read, or how to summarise them (see ``reads``)."""

    @property
    def explanation(self) -> str:
        """The Dutch explanation, naming the values that caused the outcome."""
        value = self.explained
        if callable(value):
            value = value()
            object.__setattr__(self, "explained", value)  # written once, then kept
        return value

    @property
    def reads(self) -> tuple[Read, ...]:
        """The plan values the criterion read: field path and a JSON-safe value."""
        value = self.traced
        if callable(value):
            value = value()
            object.__setattr__(self, "traced", value)
        return value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CriterionResult) and self.as_dict() == other.as_dict()

    __hash__ = None  # type: ignore[assignment]

    @property
    def blocking(self) -> bool:
        """Whether this result keeps the step from passing (advice never does)."""
        return self.kind is not Kind.ADVICE and self.status in (Status.FAIL, Status.INCOMPLETE)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "title_en": self.title_en,
            "step": self.step.value,
            "kind": self.kind.value,
            "status": self.status.value,
            "blocking": self.blocking,
            "explanation": self.explanation,
            "citation": {"section": self.citation.section, "reference": self.citation.reference,
                         "link": self.citation.link},
            "reads": [{"path": r.path, "value": r.value} for r in self.reads],
            "evidence": [{"id": e.id, "title": e.title, "present": e.present, "missing": e.missing}
                         for e in self.evidence],
            "judgements": [j.model_dump(mode="json", exclude_none=True) for j in self.judgements],
            "override": self.override,
            "confirmed": self.confirmed,
            "note": self.note,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CriterionResult:
        return cls(
            id=data["id"], title=data["title"], title_en=data["title_en"], step=Step(data["step"]),
            kind=Kind(data["kind"]), status=Status(data["status"]), explained=data["explanation"],
            citation=Citation(**data["citation"]),
            traced=tuple(Read(r["path"], r["value"]) for r in data["reads"]),
            evidence=tuple(EvidenceResult(**e) for e in data["evidence"]),
            judgements=tuple(Judgement.model_validate(j) for j in data["judgements"]),
            override=data["override"], confirmed=data["confirmed"], note=data["note"],
        )  # fmt: skip


def first_sentence(text: str) -> str:
    """The first sentence of an explanation, without its full stop."""
    head, _, _ = text.partition(". ")
    return head.rstrip(".")


def missing_titles(result: CriterionResult) -> str:
    """What a criterion lacks: the titles of its missing evidence, or its explanation's first sentence."""
    titles = [e.title[:1].lower() + e.title[1:] for e in result.evidence if e.present is False]
    return ", ".join(titles) if titles else first_sentence(result.explanation)


def standing(results: Sequence[CriterionResult]) -> tuple[list[CriterionResult], ...]:
    """A step's criteria as its summary tells them: the blocking failures, the blocking gaps, those
    awaiting judgement, and the advice not followed."""
    return (
        [r for r in results if r.blocking and r.status is Status.FAIL],
        [r for r in results if r.blocking and r.status is Status.INCOMPLETE],
        [r for r in results if r.status is Status.NEEDS_JUDGEMENT],
        [r for r in results if r.kind is Kind.ADVICE and r.status is Status.FAIL],
    )


class StepResult:
    """The outcome of one step, its summary and its criteria.

    The summary and the criteria's results can be given as functions that make them: an evaluation
    decides the step's outcome at once and writes out the results only when someone reads them."""

    __slots__ = ("_criteria", "_summary", "outcome", "step")

    def __init__(
        self,
        step: Step,
        outcome: Outcome,
        summary: str | Callable[[], str],
        criteria: tuple[CriterionResult, ...] | Callable[[], tuple[CriterionResult, ...]],
    ) -> None:
        self.step = step
        self.outcome = outcome
        self._summary = summary
        self._criteria = criteria

    @property
    def summary(self) -> str:
        """One Dutch sentence a person understands at once."""
        if callable(self._summary):
            self._summary = self._summary()
        return self._summary

    @property
    def criteria(self) -> tuple[CriterionResult, ...]:
        if callable(self._criteria):
            self._criteria = self._criteria()
        return self._criteria

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StepResult):
            return NotImplemented
        return (self.step, self.outcome, self.summary, self.criteria) == (
            other.step, other.outcome, other.summary, other.criteria,
        )  # fmt: skip

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StepResult(step={self.step!r}, outcome={self.outcome!r}, summary={self.summary!r})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step.value,
            "outcome": self.outcome.value,
            "summary": self.summary,
            "criteria": [c.as_dict() for c in self.criteria],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StepResult:
        return cls(
            Step(data["step"]),
            Outcome(data["outcome"]),
            data["summary"],
            tuple(CriterionResult.from_dict(c) for c in data["criteria"]),
        )


@dataclass(frozen=True, slots=True)
class Assessment:
    """The criteria applied to one plan version on one date, per step."""

    plan_id: str
    plan_version: int | None
    on: date
    rules_version: str
    rules_hash: str
    overlays: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    steps: tuple[StepResult, ...]

    @property
    def rules_stamp(self) -> str:
        return f"{self.rules_version}@{self.rules_hash[:12]}"

    @property
    def outcome(self) -> Outcome:
        """The worst outcome over the steps evaluated."""
        return min((s.outcome for s in self.steps), key=list(Outcome).index, default=Outcome.PASSES)

    def step(self, step: Step) -> StepResult:
        return next(s for s in self.steps if s.step is step)

    def criterion(self, criterion_id: str) -> CriterionResult | None:
        return next((c for s in self.steps for c in s.criteria if c.id == criterion_id), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": {"id": self.plan_id, "version": self.plan_version},
            "on": self.on.isoformat(),
            "rules": {"version": self.rules_version, "content_hash": self.rules_hash,
                      "overlays": list(self.overlays), "unconfirmed": list(self.unconfirmed)},
            "outcome": self.outcome.value,
            "steps": [s.as_dict() for s in self.steps],
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Assessment:
        rules = data["rules"]
        return cls(
            data["plan"]["id"], data["plan"]["version"], date.fromisoformat(data["on"]), rules["version"],
            rules["content_hash"], tuple(rules["overlays"]), tuple(rules["unconfirmed"]),
            tuple(StepResult.from_dict(s) for s in data["steps"]),
        )  # fmt: skip
