"""What a rules file may contain: the strict models every file in ``rules/`` is read into.

A rules file is a criteria set (the framework, or a dated addition to it) or an insurer's overlay.
Each criterion carries its source, the step it belongs to, its kind, the dates it applies between
and the Dutch texts a reader sees. Unknown keys are errors; expressions are checked separately
against the plan model (``book.py``), so that a problem can name the file, line and key.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .._i18n import _
from .._validation import Issue, refuse
from ..model._types import LabelledEnum

__all__ = [
    "Applicability",
    "CriterionSpec",
    "EvidenceSpec",
    "Explanations",
    "Kind",
    "OverlaySpec",
    "RulesFileSpec",
    "SetSpec",
    "Step",
]

FORMAT = 1
"""The version of the rules-file format this code reads."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CriterionId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9]{0,9}$")]
EvidenceId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9]{0,9}(\.[a-z0-9]{1,4})?$")]
Expression = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ValueName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Url = Annotated[str, StringConstraints(pattern=r"^https://[^\s]+$", max_length=500)]

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
"""``{name}`` in an explanation: replaced by the value ``show`` names, written in Dutch."""


class Step(LabelledEnum):
    """The framework's steps a criterion belongs to (domain.md §4)."""

    QUICK_TEST = "quick-test", "Snelle toets", "Quick test"
    PLAN = "plan", "Beoordeling transformatieplan", "Assessment of the transformation plan"
    FUNDING = "funding", "Aanvraag transformatiemiddelen", "Request for transformation funds"
    MILESTONE = "milestone", "Mijlpaalbeoordeling", "Milestone review"


class Kind(LabelledEnum):
    """How a criterion decides (domain.md §5.11; the split into kinds is our reading of the text).

    gate: a formal precondition decided from the plan; failing it fails the step, no override.
    judgement: the assessors weigh it and record a verdict; the engine checks the evidence is there.
    computed: decided from the plan, but the assessors may override a failure with a reason.
    advice: reported to help the submitter; it never blocks.
    """

    GATE = "gate", "Harde voorwaarde", "Hard condition"
    JUDGEMENT = "judgement", "Oordeel beoordelaars", "Assessors' judgement"
    COMPUTED = "computed", "Berekende toets", "Computed check"
    ADVICE = "advice", "Advies", "Advice"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class EvidenceSpec(_Strict):
    """One piece of evidence a criterion needs before it can be decided (a sub-item of the framework)."""

    id: EvidenceId
    title: Title
    check: Expression
    """True when the evidence is there."""
    when: Expression | None = None
    """Only asked when this holds (for example the MSB agreement only for hospitals)."""
    missing: Text
    """Dutch guidance when the evidence is missing: what to add."""


class Explanations(_Strict):
    """The Dutch explanation for each outcome; ``{name}`` inserts a value from ``show``."""

    passed: Text = Field(alias="pass")
    failed: Text | None = Field(default=None, alias="fail")
    judge: Text | None = None
    """For a judgement: what the assessors weigh."""
    not_applicable: Text | None = None


class Applicability(_Strict):
    """When a criterion applies at all; otherwise it is 'not applicable' with this reason."""

    when: Expression
    otherwise: Text


class CriterionSpec(_Strict):
    """One criterion of the framework, in force between two dates."""

    id: CriterionId
    title: Title
    title_en: Title
    section: Annotated[str, StringConstraints(pattern=r"^§\d+(\.\d+)*( .{1,80})?$")]
    """Section of the team's domain brief, which cites the framework (e.g. ``§5.4 item 5``)."""
    reference: Title
    """The citation in the framework's own terms, shown in letters."""
    link: Url
    step: Step
    kind: Kind
    valid_from: date
    valid_until: date | None = None
    """Last day in force (inclusive); none while it still applies."""
    confirmed: bool = True
    """False where the sources do not confirm the rule (domain.md §10); shown wherever it is used."""
    note: Text | None = None
    applies: Applicability | None = None
    evidence: list[EvidenceSpec] = Field(default_factory=list, max_length=20)
    check: Expression | None = None
    """For gate, computed and advice: true when the criterion is met."""
    show: dict[ValueName, Expression] = Field(default_factory=dict, max_length=20)
    explain: Explanations
    guidance: Text
    """What the framework asks, in Dutch, for the submitter's self-check."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = [*self._kind_problems(), *self._evidence_problems()]
        if self.valid_until is not None and self.valid_until < self.valid_from:
            problems.append(
                (
                    ("valid_until",),
                    _("ends before it starts ({valid_from})").format(valid_from=self.valid_from),
                    str(self.valid_until),
                )
            )
        if problems:
            raise refuse("CriterionSpec", problems)
        return self

    def _kind_problems(self) -> list[Issue]:
        kind = self.kind.value
        problems: list[Issue] = []
        if self.kind is Kind.JUDGEMENT and self.check is not None:
            problems.append(
                (
                    ("check",),
                    _("a judgement has no check: the assessors decide; list what must be present under evidence"),
                    self.check,
                )
            )
        if self.kind in (Kind.COMPUTED, Kind.ADVICE) and self.check is None:
            problems.append((("kind",), _("a {kind} criterion needs a check").format(kind=kind), None))
        if self.kind is Kind.GATE and self.check is None and not self.evidence:
            problems.append((("kind",), _("a gate needs a check or evidence to decide it"), None))
        if self.kind is Kind.JUDGEMENT and self.explain.judge is None:
            problems.append((("explain",), _("a judgement needs explain.judge: what the assessors weigh"), None))
        if self.check is not None and self.explain.failed is None:
            problems.append((("explain",), _("a criterion with a check needs explain.fail"), None))
        if self.applies is not None and self.explain.not_applicable is not None:
            problems.append((("explain", "not_applicable"), _("give this text once, in applies.otherwise"), None))
        return problems

    def _evidence_problems(self) -> list[Issue]:
        problems: list[Issue] = []
        seen: set[str] = set()
        for i, item in enumerate(self.evidence):
            if item.id.split(".")[0] != self.id:
                problems.append(
                    (
                        ("evidence", i, "id"),
                        _("an evidence id starts with its criterion's id ({id})").format(id=self.id),
                        item.id,
                    )
                )
            if item.id in seen:
                problems.append((("evidence", i, "id"), _("two evidence items have this id"), item.id))
            seen.add(item.id)
        return problems


class SetSpec(_Strict):
    """The criteria set a file belongs to, and its source."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
    title: Title
    source: Title
    link: Url


class OverlaySpec(_Strict):
    """An insurer's additions: they apply when that insurer decides on the plan (domain.md §5.7)."""

    insurer: Title
    names: list[Title] = Field(min_length=1, max_length=10)
    """The names under which plans list this insurer (compared without regard to case)."""


class RulesFileSpec(_Strict):
    """One file in ``rules/``."""

    format: int
    set: SetSpec
    overlay: OverlaySpec | None = None
    unconfirmed: list[Text] = Field(default_factory=list, max_length=50)
    """Policy changes the sources mention but whose content is not confirmed (domain.md §10)."""
    criteria: list[CriterionSpec] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _known_format(self) -> Self:
        if self.format != FORMAT:
            raise refuse(
                "RulesFileSpec",
                [
                    (
                        ("format",),
                        _("this version of beoordeling reads rules format {format}").format(format=FORMAT),
                        self.format,
                    )
                ],
            )
        return self
