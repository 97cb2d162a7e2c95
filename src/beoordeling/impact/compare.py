"""What a change of criteria would do to the plans in the store (*effect van een regelwijziging*).

Every plan in the store (its latest version, or with ``Basis.DECIDED`` the version its latest
decision was based on) is evaluated twice: under the criteria in force now and under the other
criteria (a proposed rules folder, the edition in force on another date, or both). Per step it
compares the outcome and every criterion's status, and counts per step, per criterion and per group
(region, theme, sector, pair of market leaders) the plans that would no longer pass, that would
newly pass, and that would change in another way.

A step *passes* here when nothing in it blocks (its outcome is "meets" or "awaits judgement"):
judgement criteria wait for the assessors in either edition, so what a change of criteria can do is
make a plan blocked where it was not, or free where it was blocked. The criteria a plan's change is
put down to are those that block under one edition and not under the other.

Nothing is written to the store: the plans are read a batch at a time and evaluated with the
status-only path of the criteria engine (:func:`beoordeling.criteria.step_outcomes`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from .._gc import collector_paused
from ..criteria import Criterion, Edition, Kind, Outcome, RuleBook, Status, Step, deciding_insurers, step_outcomes
from ..model import Plan, PlanState
from ..stats.words import UNKNOWN
from ..store import Store
from ..workflow import DECISIONS

__all__ = [
    "SPLITS",
    "Basis",
    "CriterionChange",
    "CriterionImpact",
    "Direction",
    "GroupImpact",
    "Impact",
    "PlanChange",
    "Side",
    "StepImpact",
    "impact",
]

SPLITS = ("region", "theme", "sector", "insurers")
"""The groups the changes are counted per: the plan's region, its theme, each sector of its parties,
and its pair of market leaders."""


class Basis(StrEnum):
    """Which version of each plan is evaluated."""

    LATEST = "latest"
    """The plan's latest version, decided or not."""
    DECIDED = "decided"
    """The version the plan's latest decision was based on, for the steps that decision assessed."""


class Direction(StrEnum):
    NO_LONGER_PASSES = "no-longer-passes"
    """Nothing blocked the step; under the other criteria something would."""
    NEWLY_PASSES = "newly-passes"
    """Something blocked the step; under the other criteria nothing would."""
    OTHER = "other"
    """The outcome or a criterion's status changes, but the step is blocked (or free) either way."""


@dataclass(frozen=True, slots=True)
class Side:
    """One of the two sets of criteria compared: a rule book and the date whose edition applies."""

    rules: RuleBook
    on: date
    source: str
    """Where the rules come from, as the reader should see it (``rules/`` for the shipped ones)."""

    @property
    def stamp(self) -> str:
        """The base edition's stamp (without insurers' overlays, which differ per plan)."""
        return self.rules.edition(self.on).stamp

    def as_dict(self) -> dict[str, Any]:
        return {"rules": self.source, "on": self.on.isoformat(), "edition": self.stamp}


class CriterionChange(NamedTuple):
    """A criterion whose status differs between the two sets of criteria, for a plan's step."""

    criterion: str
    title: str
    before: Status | None
    """Its status under the current criteria (None: not in force then)."""
    after: Status | None
    cause: bool
    """It blocks under one edition and not under the other: the change is put down to it."""


class PlanChange(NamedTuple):
    """One step of one plan that the other criteria would judge differently (a named tuple: an
    impact over the whole store makes one per changed plan and step)."""

    plan_id: str
    version: int | None
    title: str
    state: PlanState
    """Where the plan stands in the workflow now."""
    step: Step
    before: Outcome
    after: Outcome
    direction: Direction
    criteria: tuple[CriterionChange, ...]
    groups: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id, "version": self.version, "title": self.title, "state": self.state.value,
            "step": self.step.value,
            "before": self.before.value, "after": self.after.value, "direction": self.direction.value,
            "criteria": [
                {"criterion": c.criterion, "title": c.title, "before": c.before.value if c.before else None,
                 "after": c.after.value if c.after else None, "cause": c.cause}
                for c in self.criteria
            ],
            "groups": {split: [name for s, name in self.groups if s == split] for split in SPLITS},
        }  # fmt: skip


@dataclass(slots=True)
class StepImpact:
    step: Step
    evaluated: int = 0
    unchanged: int = 0
    no_longer: int = 0
    newly: int = 0
    other: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"step": self.step.value, "evaluated": self.evaluated, "unchanged": self.unchanged,
                "no_longer_passes": self.no_longer, "newly_passes": self.newly, "other": self.other}  # fmt: skip


@dataclass(slots=True)
class CriterionImpact:
    step: Step
    criterion: str
    title: str
    no_longer: int = 0
    """Plans whose step it would newly block."""
    newly: int = 0
    """Plans whose step it would no longer block."""
    changed: int = 0
    """Plans whose status on it changes at all."""

    def as_dict(self) -> dict[str, Any]:
        return {"step": self.step.value, "criterion": self.criterion, "title": self.title,
                "no_longer_passes": self.no_longer, "newly_passes": self.newly, "changed": self.changed}  # fmt: skip


@dataclass(slots=True)
class GroupImpact:
    split: str
    group: str
    step: Step
    evaluated: int = 0
    no_longer: int = 0
    newly: int = 0
    other: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"split": self.split, "group": self.group, "step": self.step.value, "evaluated": self.evaluated,
                "no_longer_passes": self.no_longer, "newly_passes": self.newly, "other": self.other}  # fmt: skip


@dataclass(frozen=True)
class Impact:
    """The effect of the other criteria on the store's plans."""

    current: Side
    other: Side
    basis: Basis
    states: tuple[PlanState, ...] | None
    """Only plans in these states were evaluated (None: every plan)."""
    plans: int
    """Plans evaluated (each for its own steps)."""
    as_of: datetime
    """The store's moment: the plans as the store held them then."""
    head: int
    """Events in the store at that moment."""
    practice: bool
    steps: tuple[StepImpact, ...]
    criteria: tuple[CriterionImpact, ...]
    groups: tuple[GroupImpact, ...]
    changes: tuple[PlanChange, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "current": self.current.as_dict(),
            "other": self.other.as_dict(),
            "basis": self.basis.value,
            "states": None if self.states is None else [state.value for state in self.states],
            "plans": self.plans,
            "as_of": self.as_of.isoformat(),
            "events": self.head,
            "practice": self.practice,
            "steps": [s.as_dict() for s in self.steps],
            "criteria": [c.as_dict() for c in self.criteria],
            "groups": [g.as_dict() for g in self.groups],
            "changes": [c.as_dict() for c in self.changes],
        }


def impact(
    store: Store, current: Side, other: Side, *, basis: Basis = Basis.LATEST,
    states: Collection[PlanState] | None = None,
) -> Impact:  # fmt: skip
    """Evaluate every plan of ``store`` (or those now in ``states``, such as the pipeline's) under
    ``current`` and ``other`` and count what changes."""
    as_of, head = store.now(), store.head().count
    tally = _Tally()
    chosen = None if states is None else tuple(sorted(set(states), key=list(PlanState).index))
    with collector_paused():  # many small results, no cycles: see .._gc
        for plan, state, steps in _cases(store, basis, chosen):
            tally.add(plan, state, steps, current, other)
    return Impact(
        current, other, basis, chosen, tally.plans, as_of, head, store.practice, tally.steps(), tally.criteria(),
        tally.groups(), tuple(tally.changes),
    )  # fmt: skip


_STEPS = {step: i for i, step in enumerate(Step)}


def _cases(
    store: Store, basis: Basis, states: tuple[PlanState, ...] | None
) -> Iterator[tuple[Plan, PlanState, tuple[Step, ...] | None]]:
    """The plan versions to evaluate, each with its state now and its steps (None: its own)."""
    if basis is Basis.LATEST:
        for plan, state in store.latest_plans(states=states):
            yield plan, state, None
        return
    now = {summary.plan_id: summary.state for summary in store.plans()}
    decided: dict[str, tuple[int, tuple[Step, ...]]] = {}
    for event in store.events(types=_DECISION_TYPES):
        assessment = event.payload.get("assessment")
        if event.plan_id is None or not assessment or assessment["plan"]["version"] is None:
            continue
        steps = tuple(Step(s["step"]) for s in assessment["steps"] if s["step"] != Step.MILESTONE.value)
        if steps:
            decided[event.plan_id] = (assessment["plan"]["version"], steps)
    for plan_id in sorted(decided):
        if states is not None and now[plan_id] not in states:
            continue
        version, steps = decided[plan_id]
        yield store.plan(plan_id, version).plan, now[plan_id], steps


_DECISION_TYPES = tuple(
    trigger.event_type for state, triggers in DECISIONS.items() if state is not PlanState.MILESTONE_REVIEW
    for trigger in triggers.values()
)  # fmt: skip
"""The decisions on a quick test or a plan (a milestone's review reads the milestone, not the criteria)."""


def _groups(plan: Plan) -> tuple[tuple[str, str], ...]:
    """The groups a plan counts in, named as the statistics name them (``stats.counts._groups_of``, from
    the groups its events carry); a plan that does not say counts in the group ``UNKNOWN``."""
    found = [
        ("region", plan.region.name if plan.region else UNKNOWN),
        ("theme", plan.theme.value if plan.theme else UNKNOWN),
    ]
    found += [("sector", sector.value) for sector in plan.sectors] or [("sector", UNKNOWN)]
    found.append(("insurers", " / ".join(sorted(plan.insurers.market_leaders)) or UNKNOWN))
    return tuple(found)


class _Tally:
    """Counts per step and direction, per group combination: plans share their few combinations of
    region, theme, sectors and market leaders, so each plan costs one count per step; the groups
    are added up once at the end."""

    def __init__(self) -> None:
        self.plans = 0
        self.counts: Counter[tuple[tuple[tuple[str, str], ...], Step, Direction | None]] = Counter()
        self.criterion_counts: Counter[tuple[Step, CriterionChange, Direction]] = Counter()
        self.changes: list[PlanChange] = []
        self._known: dict[tuple[int, int], tuple[tuple[Edition, Edition], dict[str, Criterion]]] = {}
        self._seen: dict[tuple[tuple[int, int], str, Status | None, Status | None], CriterionChange] = {}
        self._combinations: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
        """Each combination of groups once: the plans share a few, and every changed step keeps its plan's."""
        self._changesets: dict[tuple[CriterionChange, ...], tuple[CriterionChange, ...]] = {}
        """Each set of criterion changes once: many plans' steps change in the same criteria the same way."""

    def add(self, plan: Plan, state: PlanState, steps: tuple[Step, ...] | None, current: Side, other: Side) -> None:
        self.plans += 1
        before = step_outcomes(plan, current.on, steps, rules=current.rules)
        after = step_outcomes(plan, other.on, steps, rules=other.rules)
        found = _groups(plan)
        groups = self._combinations.setdefault(found, found)
        counts = self.counts
        for step, was in before.items():
            now = after[step]
            direction = None
            if was[0] is not now[0] or was[1] != now[1]:
                direction = (
                    Direction.NO_LONGER_PASSES if now[0].blocks and not was[0].blocks
                    else Direction.NEWLY_PASSES if was[0].blocks and not now[0].blocks
                    else Direction.OTHER
                )  # fmt: skip
                self._change(plan, state, step, was, now, direction=direction, groups=groups, sides=(current, other))
            counts[groups, step, direction] += 1

    def steps(self) -> tuple[StepImpact, ...]:
        found: dict[Step, StepImpact] = {}
        for (_groups, step, direction), count in self.counts.items():
            counted = found.get(step) or found.setdefault(step, StepImpact(step))
            counted.evaluated += count
            _count(counted, direction, count)
        return tuple(found[step] for step in Step if step in found)

    def groups(self) -> tuple[GroupImpact, ...]:
        found: dict[tuple[str, str, Step], GroupImpact] = {}
        for (groups, step, direction), count in self.counts.items():
            for split, name in dict.fromkeys(groups):
                key = (split, name, step)
                group = found.get(key) or found.setdefault(key, GroupImpact(split, name, step))
                group.evaluated += count
                _count(group, direction, count)
        return tuple(sorted(found.values(), key=lambda g: (SPLITS.index(g.split), g.group, _STEPS[g.step])))

    def _editions(self, sides: tuple[Side, Side], plan: Plan) -> tuple[int, int]:
        """The two editions that apply to ``plan`` (by identity), their criteria remembered."""
        insurers = deciding_insurers(plan)
        editions = (sides[0].rules.edition(sides[0].on, insurers), sides[1].rules.edition(sides[1].on, insurers))
        key = (id(editions[0]), id(editions[1]))
        if key not in self._known:  # the editions are kept with it, so that their ids stay theirs
            self._known[key] = (editions, {c.id: c for edition in editions for c in edition.criteria})
        return key

    def _change(
        self, plan: Plan, state: PlanState, step: Step, before: tuple[Outcome, dict[str, Status]],
        after: tuple[Outcome, dict[str, Status]], *, direction: Direction, groups: tuple[tuple[str, str], ...],
        sides: tuple[Side, Side],
    ) -> None:  # fmt: skip
        pair = self._editions(sides, plan)
        was_all, now_all = before[1], after[1]
        changed = []
        seen, counts = self._seen, self.criterion_counts
        for criterion_id in [*was_all, *(c for c in now_all if c not in was_all)]:
            was, now = was_all.get(criterion_id), now_all.get(criterion_id)
            if was is now:
                continue
            key = (pair, criterion_id, was, now)
            change = seen.get(key)
            if change is None:  # the same change recurs in many plans: one (immutable) record for all
                criterion = self._known[pair][1][criterion_id]  # the other edition's version first
                cause = criterion.spec.kind is not Kind.ADVICE and _blocks(was) != _blocks(now)
                change = seen[key] = CriterionChange(criterion_id, criterion.spec.title, was, now, cause)
            changed.append(change)
            counts[step, change, direction] += 1
        criteria = tuple(changed)
        criteria = self._changesets.setdefault(criteria, criteria)
        self.changes.append(
            PlanChange(plan.id, plan.version, plan.title, state, step, before[0], after[0], direction, criteria, groups)
        )

    def criteria(self) -> tuple[CriterionImpact, ...]:
        found: dict[tuple[Step, str], CriterionImpact] = {}
        for (step, change, direction), count in self.criterion_counts.items():
            key = (step, change.criterion)
            counted = found.get(key) or found.setdefault(key, CriterionImpact(step, change.criterion, change.title))
            counted.changed += count
            if change.cause and direction is Direction.NO_LONGER_PASSES and _blocks(change.after):
                counted.no_longer += count
            elif change.cause and direction is Direction.NEWLY_PASSES and _blocks(change.before):
                counted.newly += count
        return tuple(sorted(found.values(), key=lambda c: (_STEPS[c.step], -c.no_longer - c.newly, c.criterion)))


def _count(counted: StepImpact | GroupImpact, direction: Direction | None, count: int) -> None:
    if direction is None:
        if isinstance(counted, StepImpact):
            counted.unchanged += count
    elif direction is Direction.NO_LONGER_PASSES:
        counted.no_longer += count
    elif direction is Direction.NEWLY_PASSES:
        counted.newly += count
    else:
        counted.other += count


def _blocks(status: Status | None) -> bool:
    return status in (Status.FAIL, Status.INCOMPLETE)
