"""The policy file: dated policy switches and the clock settings, read strictly from YAML.

Policies change what may happen on a date without changing the framework: submissions opened on
1 February 2023, the quick-test intake closed on 1 July 2025 (with a grace rule), themes were
reserved in 2025, assessment stopped in February 2026 (domain.md §1, §6.5). Each is a dated entry in
``policy/*.yaml`` that names its source, so that a refused action can say which policy refused it
and from when. The clock settings the sources leave open (domain.md §10) live here as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from .. import _yaml
from .._canonical import canonical_json, sha256_hex
from .._dutch import euro, said_day
from .._i18n import N_, _
from .._validation import problems_from
from ..criteria import Step
from ..errors import Loc, PolicyError
from ..model import Plan, PlanState, Theme
from ..resources import bundled_dir
from .calendar import next_working_day
from .definition import ClockName, Trigger

__all__ = [
    "ClockSetting",
    "Policy",
    "PolicyRule",
    "default_policy",
    "load_policy",
    "policy_from_document",
    "submission_refusals",
]

_HINT = N_("see policy/README.md for the format")
Text = Annotated[str, StringConstraints(min_length=1, max_length=400, strip_whitespace=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ClockSetting(_Strict):
    weeks: Annotated[int, Field(ge=1, le=52)]
    section: Text
    reference: Text


class Clocks(_Strict):
    working_days: Literal["algemene-termijnenwet", "calendar"]
    on_information_request: Literal["suspend", "restart", "continue"]
    backdating_days: Annotated[int, Field(ge=0, le=92, alias="backdating-days")] = 14
    """How many days before the store records it an actor may date an action (``--on``). The
    sources are silent; the default of 14 days is ours (see policy/iza.yaml)."""
    answer_weeks: Annotated[int, Field(ge=1, le=26, alias="answer-weeks")] = 4
    """How long submitters are given to supply requested information; the letter names the date. The
    sources are silent; four weeks, as long as the quick test itself, is our default."""
    payment_weeks: Annotated[int, Field(ge=1, le=26, alias="payment-weeks")] = 4
    """By when a milestone found met is paid; the letter names the date. The sources are silent;
    four weeks is our default."""
    quick_test: ClockSetting = Field(alias="quick-test")
    proposed_decision: ClockSetting = Field(alias="proposed-decision")
    consultation: ClockSetting
    final_decision: ClockSetting = Field(alias="final-decision")
    escalation: ClockSetting = ClockSetting(
        weeks=4,
        section="§3.8",
        reference="Eigen instelling: het Beoordelingskader noemt geen termijn voor een uitspraak van het BO IZA",
    )
    """How long the BO IZA has to rule on an escalated disagreement. The sources are silent; four
    weeks (as long as the framework's assessment steps) is our default, set in policy/iza.yaml."""


class Limits(_Strict):
    """Bounds on what a plan may ask for. The framework names no maximum for a funds request; the
    default is the programme's whole budget, €2.8 bn for 2023–2027 (Integraal Zorgakkoord, 2022),
    so that only a typing error or a hostile number is refused. A deployment may set a lower one."""

    max_amount: Annotated[Decimal, Field(gt=0, le=Decimal("1e13"), decimal_places=2, alias="max-amount")] = Decimal(
        "2800000000.00"
    )
    """The largest amount a cost line, a milestone payment or a plan's whole request may be."""


class Grace(_Strict):
    announced_before: date
    submitted_by: date


class PolicyRule(_Strict):
    """One dated policy: it refuses ``refuses`` from ``from`` (or before ``before``), or sets a
    ``deadline`` for plans of some themes."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
    title: Text
    section: Text
    source: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]
    refuses: list[Trigger] = Field(default_factory=list)
    starts: date | None = Field(default=None, alias="from")
    before: date | None = None
    grace: Grace | None = None
    themes: list[Theme] = Field(default_factory=list)
    states: list[PlanState] = Field(default_factory=list)
    """Only while a plan is in one of these states (empty: in any state)."""
    deadline: date | None = None

    @model_validator(mode="after")
    def _one_effect(self) -> Self:
        if self.deadline is not None:
            if self.refuses or self.before or self.grace:
                raise ValueError(_("a deadline refuses nothing: leave out refuses, before and grace"))
            if not self.themes:
                raise ValueError(_("a deadline needs the themes it applies to"))
        elif not self.refuses:
            raise ValueError(_("a policy needs either refuses (with from and/or before) or a deadline"))
        elif self.starts is None and self.before is None:
            raise ValueError(_("a policy that refuses needs from and/or before"))
        if self.grace is not None and self.starts is None:
            raise ValueError(_("grace applies to a policy with a from date"))
        return self

    def applies_to(self, theme: str | None) -> bool:
        return not self.themes or theme in self.themes

    def refuses_on(
        self, trigger: Trigger, on: date, theme: str | None, announced: date | None, state: PlanState | None = None
    ) -> bool:
        if trigger not in self.refuses or not self.applies_to(theme):
            return False
        if self.states and state is not None and state not in self.states:
            return False
        if self.before is not None and on < self.before:
            return True
        if self.starts is None or on < self.starts:
            return False
        grace = self.grace
        return not (grace and announced and announced < grace.announced_before and on <= grace.submitted_by)

    def refusal(self, trigger: Trigger, on: date) -> str:
        """Why ``trigger`` is refused on ``on``, naming the policy and its date."""
        if self.before is not None and on < self.before:
            said = _("{action} is refused until {day} by policy {id} ({title}; {source})")
            day = self.before - timedelta(days=1)
        else:
            said = _("{action} is refused since {day} by policy {id} ({title}; {source})")
            day = self.starts or on
        text = said.format(action=trigger.value, day=said_day(day), id=self.id, title=self.title, source=self.source)
        if self.grace:
            text += "; " + _(
                "only plans announced to the coordinating insurer before {announced} (intake_announced_on) could "
                "still be submitted up to and including {day}"
            ).format(announced=said_day(self.grace.announced_before), day=said_day(self.grace.submitted_by))
        return text


class PolicyFile(_Strict):
    format: Literal[1]
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
    title: Text
    clocks: Clocks
    limits: Limits = Limits()
    policies: list[PolicyRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        seen: set[str] = set()
        for rule in self.policies:
            if rule.id in seen:
                raise ValueError(_("policy {id} is listed twice").format(id=rule.id))
            seen.add(rule.id)
        return self


@dataclass(frozen=True)
class Policy:
    """A loaded policy file, with the clock arithmetic it implies."""

    spec: PolicyFile
    source: str
    content_hash: str

    @property
    def stamp(self) -> str:
        return f"{self.spec.id}@{self.content_hash[:12]}"

    @property
    def document(self) -> dict[str, object]:
        """The policy as data, the way a store keeps an adopted one (its hash is ``content_hash``)."""
        return self.spec.model_dump(mode="json", by_alias=True)

    @property
    def clocks(self) -> Clocks:
        return self.spec.clocks

    def clock(self, name: ClockName) -> ClockSetting:
        return getattr(self.spec.clocks, name.value.replace("-", "_"))  # type: ignore[no-any-return]

    def due(self, ends: date) -> date:
        """The due date of a clock that runs out on ``ends``: moved to a working day if set so."""
        return next_working_day(ends) if self.spec.clocks.working_days == "algemene-termijnenwet" else ends

    def refusal(self, trigger: Trigger, on: date, plan: Plan, state: PlanState | None = None) -> str | None:
        """The first policy that refuses ``trigger`` on ``on`` for ``plan`` in ``state``, as a message."""
        rule = self.refusing(trigger, on, plan.theme, plan.intake_announced_on, state)
        return rule.refusal(trigger, on) if rule else None

    def refusing(
        self, trigger: Trigger, on: date, theme: str | None, announced: date | None, state: PlanState | None = None
    ) -> PolicyRule | None:
        """The first policy that refuses ``trigger`` on ``on`` for a plan of ``theme`` in ``state``."""
        return next((r for r in self.spec.policies if r.refuses_on(trigger, on, theme, announced, state)), None)

    def amount_refusals(self, plan: Plan) -> list[tuple[Loc, str]]:
        """Each amount of ``plan`` above ``limits.max-amount`` (a cost line, a milestone, the whole
        request), with its field path and the reason."""
        limit = self.spec.limits.max_amount
        funding = plan.funding
        if funding is None:
            return []
        amounts: list[tuple[Loc, Decimal]] = [
            *((("funding", "lines", i, "amount"), line.amount) for i, line in enumerate(funding.lines)),
            *((("funding", "milestones", i, "amount"), m.amount) for i, m in enumerate(funding.milestones)),
            (("funding",), funding.total),
        ]
        return [
            (loc, f"{euro(amount)} is more than the policy allows for an amount ({euro(limit)}, limits.max-amount)")
            for loc, amount in amounts
            if amount > limit
        ]

    def deadlines(self, theme: str | None, on: date) -> list[PolicyRule]:
        """The dated deadlines that concern a plan of ``theme`` on ``on`` (theme reservations)."""
        return [
            rule
            for rule in self.spec.policies
            if rule.deadline is not None and rule.applies_to(theme) and (rule.starts is None or rule.starts <= on)
        ]

    def within(self, plan: Plan, on: date) -> dict[str, bool]:
        """Per deadline that concerns ``plan``: whether ``on`` falls within it (recorded on approval)."""
        return {rule.id: on <= rule.deadline for rule in self.deadlines(plan.theme, on) if rule.deadline}


def policy_from_document(document: object, source: str) -> Policy:
    """A policy as adopted in a store (its document as data); raise :class:`PolicyError` naming
    ``source`` when it does not validate."""
    try:
        spec = PolicyFile.model_validate(document)
    except ValidationError as exc:
        raise PolicyError(problems_from(exc, source, None, _HINT)) from None
    # the hash of the document as adopted, not of its re-dump: a setting added to the format later
    # (with its default) must not change the stamp of a policy adopted before it existed
    return Policy(spec, source, sha256_hex(canonical_json(document)))


def _content_hash(spec: PolicyFile) -> str:
    return sha256_hex(canonical_json(spec.model_dump(mode="json", by_alias=True)))


def load_policy(path: Path | str | None = None) -> Policy:
    """Read and check a policy file (default: the shipped ``policy/iza.yaml``); raise
    :class:`PolicyError` naming the file, line and key of every problem."""
    file = Path(path) if path is not None else bundled_dir("policy") / "iza.yaml"
    source = _yaml.display_path(file)
    try:
        document = _yaml.read(file, source)
    except _yaml.YamlProblem as exc:
        raise PolicyError([exc.problem]) from exc
    try:
        spec = PolicyFile.model_validate(document.data)
    except ValidationError as exc:
        raise PolicyError(problems_from(exc, source, document.line_of, _HINT)) from None
    return Policy(spec, source, _content_hash(spec))


@cache
def default_policy() -> Policy:
    """The shipped policy file, loaded once per process."""
    return load_policy()


def submission_refusals(
    policy: Policy, plan: Plan, steps: tuple[Step, ...], day: date
) -> list[tuple[Trigger, PolicyRule]]:
    """The dated policies that refuse submitting ``plan`` for ``steps`` on ``day``: the quick test
    from a draft, the worked-out plan after a positive quick test."""
    wanted = []
    if Step.QUICK_TEST in steps:
        wanted.append((Trigger.SUBMIT_QUICK_TEST, PlanState.DRAFT))
    if any(s is not Step.QUICK_TEST for s in steps):
        wanted.append((Trigger.SUBMIT_PLAN, PlanState.QUICK_TEST_POSITIVE))
    found = []
    for trigger, state in wanted:
        rule = policy.refusing(trigger, day, plan.theme, plan.intake_announced_on, state)
        if rule is not None:
            found.append((trigger, rule))
    return found
