"""Apply the criteria in force to a plan: per criterion an outcome, per step a verdict a person
understands at once.

Each criterion runs as generated Python (``_codegen``: one function per criterion, plain and
traced, made once per rules version), and two entry points use them:

- :func:`evaluate` gives the full, traced result: explanations in Dutch naming the values that
  caused them, the values read, the citation and the rules stamp. This is what the self-check,
  decisions and letters use. It decides every status and step outcome at once and keeps the raw
  trace; result objects, explanations and read summaries are written out when first read.
- :func:`statuses` gives only the outcome per criterion, for statistics over many plans.

Assessors' judgements are input. A judgement criterion passes or fails only when every deciding
insurer has recorded the same verdict; until then, or while they disagree, it needs judgement and
never counts as a pass or a fail. A failed *computed* check can be overridden by the assessors with
a reason; a *gate* cannot.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .._dutch import enumeration
from .._i18n import _
from ..errors import Problem, RulesError
from ..model import Milestone, Plan
from ._codegen import CriterionCode, criterion_code
from ._values import fill, in_dutch, json_safe
from .book import Criterion, Edition, RuleBook, default_rules
from .results import (
    Assessment,
    Citation,
    CriterionResult,
    EvidenceResult,
    Judgement,
    Outcome,
    Read,
    Status,
    StepResult,
    Verdict,
    first_sentence,
    missing_titles,
    standing,
)
from .spec import Kind, Step

__all__ = [
    "check_judgements",
    "deciding_insurers",
    "default_steps",
    "edition_for",
    "evaluate",
    "statuses",
    "step_outcomes",
]


def deciding_insurers(plan: Plan) -> list[str]:
    """The insurers whose overlays apply: the two market leaders decide and the coordinating insurer
    takes the intake (domain.md §3.2, §3.3); other insurers only comment and add no criteria."""
    insurers = plan.insurers
    return [*insurers.market_leaders, *([insurers.coordinating] if insurers.coordinating else [])]


def edition_for(plan: Plan, on: date, rules: RuleBook | None = None) -> Edition:
    """The criteria that apply to ``plan`` on ``on`` (its submission date, for a decision)."""
    return (rules or default_rules()).edition(on, deciding_insurers(plan))


def _required_judges(plan: Plan, judges: Sequence[str] | None) -> list[str] | None:
    """Whose verdicts a judgement needs: those named, else the plan's market leaders (who decide
    jointly, domain.md §3.2), else any assessor's."""
    return list(judges) if judges is not None else (plan.insurers.market_leaders or None)


def default_steps(plan: Plan) -> tuple[Step, ...]:
    """The steps a plan goes through: the funding step only when it asks for funds."""
    return (Step.QUICK_TEST, Step.PLAN, Step.FUNDING) if plan.requests_funds else (Step.QUICK_TEST, Step.PLAN)


# --- one decision procedure -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Decision:
    status: Status
    missing: list[int]
    """Indexes of evidence items asked but not present."""
    asked: Sequence[bool | None]
    """Per evidence item: present (True/False) or not asked (None)."""
    undecided: str | None = None
    """The expression that was empty, when the check could not be decided."""
    judgements: tuple[Judgement, ...] = ()
    waiting: tuple[str, ...] = ()
    disagree: bool = False
    override: bool = False


def _with_verdicts(
    criterion: Criterion, status: Status, asked: tuple[bool | None, ...], verdicts: Sequence[Judgement],
    judges: Sequence[str] | None,
) -> _Decision | None:  # fmt: skip
    """What the assessors' verdicts make of a criterion the plan alone leaves at ``status``: a
    judgement criterion is decided by them, a failed computed check can be overridden by them."""
    kind = criterion.spec.kind
    if kind is Kind.JUDGEMENT and status is Status.NEEDS_JUDGEMENT:
        return _judged(criterion, verdicts, judges, asked)
    if kind is Kind.COMPUTED and status is Status.FAIL and verdicts:
        combined = _judged(criterion, verdicts, judges, asked)
        if combined.status is Status.PASS:
            combined.override = True
            return combined
    return None


def _judged(
    criterion: Criterion, verdicts: Sequence[Judgement], judges: Sequence[str] | None, asked: Sequence[bool | None]
) -> _Decision:
    latest: dict[str, Judgement] = {}
    for judgement in verdicts:
        if judgement.criterion == criterion.id:
            latest[judgement.organisation.casefold()] = judgement
    used = tuple(latest.values())
    waiting: tuple[str, ...] = ()
    if judges:
        waiting = tuple(j for j in judges if j.casefold() not in latest)
        used = tuple(latest[j.casefold()] for j in judges if j.casefold() in latest)
    if not used:
        return _Decision(Status.NEEDS_JUDGEMENT, [], asked, waiting=waiting)
    found = {j.verdict for j in used}
    if len(found) > 1:
        return _Decision(Status.NEEDS_JUDGEMENT, [], asked, judgements=used, waiting=waiting, disagree=True)
    if waiting:
        return _Decision(Status.NEEDS_JUDGEMENT, [], asked, judgements=used, waiting=waiting)
    status = Status.PASS if found == {Verdict.PASS} else Status.FAIL
    return _Decision(status, [], asked, judgements=used)


# --- checking the judgements against the rules --------------------------------------------------------


def check_judgements(
    plan: Plan, on: date, judgements: Sequence[Judgement], *, rules: RuleBook | None = None
) -> Edition:
    """Refuse (:class:`RulesError`) judgements that name no criterion in force for ``plan`` on
    ``on``, or a criterion that cannot be judged; return the edition they were checked against."""
    edition = edition_for(plan, on, rules)
    _check_judgements(edition, judgements)
    return edition


def _check_judgements(edition: Edition, judgements: Sequence[Judgement]) -> None:
    problems = []
    for i, judgement in enumerate(judgements):
        criterion = edition.criterion(judgement.criterion)
        loc = ("judgements", i, "criterion")
        if criterion is None:
            problems.append(
                Problem(
                    _("{criterion} is not a criterion in the rules in force on {value} ({stamp})").format(
                        criterion=judgement.criterion, value=edition.on.isoformat(), stamp=edition.stamp
                    ),
                    loc=loc,
                )
            )
            continue
        kind = criterion.spec.kind
        if kind in (Kind.GATE, Kind.ADVICE):
            message = (
                _("{id} is a gate, decided from the plan; it cannot be judged or overridden")
                if kind is Kind.GATE
                else _("{id} is advice, which never blocks; it cannot be judged or overridden")
            )
            problems.append(Problem(message.format(id=criterion.id), loc=loc))
        elif kind is Kind.COMPUTED and (judgement.verdict is Verdict.FAIL or judgement.reason is None):
            problems.append(
                Problem(
                    _(
                        "{id} is decided from the plan; assessors can only override a failure, with a verdict "
                        "'pass' and a reason"
                    ).format(id=criterion.id),
                    loc=loc,
                )
            )
    if problems:
        raise RulesError(problems)


# --- the generated program of an edition ------------------------------------------------------------------


class _Program:
    """An edition's criteria with their generated functions (see ``_codegen``), made once per
    edition; each criterion's functions are made once, whichever editions share it."""

    __slots__ = ("_plain", "advice", "deciders", "entries", "steps")

    def __init__(self, edition: Edition) -> None:
        new = [c for c in edition.criteria if "functions" not in c.code]
        if new:
            for criterion, code in zip(new, criterion_code(new), strict=True):
                criterion.code["functions"] = code
        self.entries: tuple[tuple[Criterion, CriterionCode], ...] = tuple(
            (c, c.code["functions"]) for c in edition.criteria
        )
        self.steps = {step: tuple(e for e in self.entries if e[0].spec.step is step) for step in Step}
        self.deciders = {
            step: tuple((c.id, code.decide) for c, code in entries) for step, entries in self.steps.items()
        }
        self.advice = {
            step: tuple(c.spec.kind is Kind.ADVICE for c, _code in entries) for step, entries in self.steps.items()
        }
        self._plain: dict[frozenset[Step], tuple[tuple[str, Callable[..., Status]], ...]] = {}

    def outcome(self, step: Step, found: Collection[Status]) -> Outcome:
        """The step's outcome from its criteria's statuses, in the step's order (advice never
        blocks; which criteria are advice is looked at only when something fails or is incomplete)."""
        present = set(found)
        if Status.FAIL in present or Status.INCOMPLETE in present:
            advice = self.advice[step]
            blocking = {s for s, a in zip(found, advice, strict=True) if not a} if True in advice else present
            if Status.FAIL in blocking:
                return Outcome.FAILS
            if Status.INCOMPLETE in blocking:
                return Outcome.INCOMPLETE
        if Status.NEEDS_JUDGEMENT in present:
            return Outcome.AWAITS_JUDGEMENT
        return Outcome.PASSES

    def plain(self, steps: frozenset[Step]) -> tuple[tuple[str, Callable[..., Status]], ...]:
        found = self._plain.get(steps)
        if found is None:
            found = self._plain[steps] = tuple((c.id, code.decide) for c, code in self.entries if c.spec.step in steps)
        return found


_BUILDING = threading.Lock()
"""One edition's program is built once, by one thread: the web interface evaluates in many."""


def _program(edition: Edition) -> _Program:
    found: _Program | None = edition.derived.get("program")
    if found is None:
        with _BUILDING:
            found = edition.derived.get("program")
            if found is None:
                found = edition.derived["program"] = _Program(edition)
    return found


def statuses(
    plan: Plan,
    on: date,
    steps: Iterable[Step] | None = None,
    judgements: Sequence[Judgement] = (),
    *,
    rules: RuleBook | None = None,
    milestone: Milestone | None = None,
    judges: Sequence[str] | None = None,
) -> dict[str, Status]:
    """The outcome of each criterion in force, without explanations or traces (the same
    arguments and decisions as :func:`evaluate`)."""
    edition = edition_for(plan, on, rules)
    program = _program(edition)
    wanted = frozenset(steps) if steps is not None else frozenset(default_steps(plan))
    if not judgements:
        return {criterion_id: decide(plan, on, milestone) for criterion_id, decide in program.plain(wanted)}
    _check_judgements(edition, judgements)
    required = _required_judges(plan, judges)
    found = {}
    for criterion, code in program.entries:
        if criterion.spec.step in wanted:
            status, asked = code.trace(plan, on, milestone)[:2]
            judged = _with_verdicts(criterion, status, asked, judgements, required)
            found[criterion.id] = status if judged is None else judged.status
    return found


def step_outcomes(
    plan: Plan,
    on: date,
    steps: Iterable[Step] | None = None,
    *,
    rules: RuleBook | None = None,
    milestone: Milestone | None = None,
) -> dict[Step, tuple[Outcome, dict[str, Status]]]:
    """Per step (default: the plan's steps) its outcome and each criterion's status, without
    verdicts or traces: a re-check of many plans under other criteria (``rules impact``)."""
    program = _program(edition_for(plan, on, rules))
    found = {}
    for step in tuple(steps) if steps is not None else default_steps(plan):
        statuses = {criterion_id: decide(plan, on, milestone) for criterion_id, decide in program.deciders[step]}
        found[step] = (program.outcome(step, statuses.values()), statuses)
    return found


# --- the full, traced evaluation ------------------------------------------------------------------------


def evaluate(
    plan: Plan,
    on: date,
    steps: Iterable[Step] | None = None,
    judgements: Sequence[Judgement] = (),
    *,
    rules: RuleBook | None = None,
    milestone: Milestone | None = None,
    judges: Sequence[str] | None = None,
) -> Assessment:
    """Evaluate the criteria in force on ``on`` for each step (default: the plan's steps).

    ``judges`` are the organisations whose verdicts are required (default: the plan's market
    leaders; any assessor when the plan names none).

    Each step's outcome is decided here; its criteria's results (explanations, the values read)
    are written out when first read. The values an explanation names are taken now; the values
    read are summarised on first access, so store or show a result (``as_dict``) before changing
    the plan object it came from."""
    edition = edition_for(plan, on, rules)
    if judgements:
        _check_judgements(edition, judgements)
    required = _required_judges(plan, judges)
    program = _program(edition)
    chosen = tuple(steps) if steps is not None else default_steps(plan)
    results = []
    for step in chosen:
        entries = program.steps[step]
        traces = [code.trace(plan, on, milestone) for _criterion, code in entries]
        decided: list[_Decision | None] | None = None
        found = [trace[0] for trace in traces]
        if judgements:
            decided = [
                _with_verdicts(criterion, trace[0], trace[1], judgements, required)
                if trace[0] in _VERDICTS_DECIDE else None
                for (criterion, _code), trace in zip(entries, traces, strict=True)
            ]  # fmt: skip
            found = [status if d is None else d.status for status, d in zip(found, decided, strict=True)]
        outcome = program.outcome(step, found)
        results.append(_step_result(step, outcome, entries, traces, decided=decided, judges=required))
    return Assessment(
        plan.id, plan.version, on, edition.version, edition.content_hash,
        tuple(o.insurer for o in edition.overlays), edition.unconfirmed, tuple(results),
    )  # fmt: skip


_VERDICTS_DECIDE = frozenset({Status.NEEDS_JUDGEMENT, Status.FAIL})

_Trace = tuple[Status, tuple[bool | None, ...], str | None, list[Any], tuple[Any, ...]]
"""What a criterion's traced function gives (see ``_codegen.CriterionCode``)."""


def _step_result(
    step: Step, outcome: Outcome, entries: Sequence[tuple[Criterion, CriterionCode]], traces: list[_Trace], *,
    decided: list[_Decision | None] | None, judges: Sequence[str] | None,
) -> StepResult:  # fmt: skip
    made: list[tuple[CriterionResult, ...]] = []

    def criteria() -> tuple[CriterionResult, ...]:
        if not made:
            verdicts = decided or [None] * len(traces)
            made.append(
                tuple(
                    _result(criterion, trace, judged, judges)
                    for (criterion, _code), trace, judged in zip(entries, traces, verdicts, strict=True)
                )
            )
        return made[0]

    return StepResult(step, outcome, lambda: _summary(outcome, criteria()), criteria)


def _result(
    criterion: Criterion, trace: _Trace, judged: _Decision | None, judges: Sequence[str] | None
) -> CriterionResult:
    status, asked, undecided, raw_reads, shown = trace
    decision = judged
    if decision is None:
        if status is Status.NEEDS_JUDGEMENT and criterion.spec.kind is Kind.JUDGEMENT:
            decision = _judged(criterion, (), judges, asked)  # whose verdict it waits for
        else:
            decision = _Decision(status, [i for i, a in enumerate(asked) if a is False], asked, undecided)
    spec = criterion.spec
    parts = _parts(criterion)
    evidence = tuple(parts.evidence[i][present] for i, present in enumerate(asked))
    values = dict(zip((name for name, _code in criterion.show), shown, strict=False))
    return CriterionResult(
        id=spec.id, title=spec.title, title_en=spec.title_en, step=spec.step, kind=spec.kind,
        status=decision.status, citation=parts.citation, evidence=evidence,
        judgements=decision.judgements, override=decision.override, confirmed=spec.confirmed, note=spec.note,
        explained=lambda: _explain(criterion, decision, values), traced=lambda: _reads(raw_reads),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Parts:
    """What every result of a criterion shares (its citation; per evidence item, present, missing
    or not asked), made once per criterion: results are immutable, so they can share them."""

    citation: Citation
    evidence: tuple[dict[bool | None, EvidenceResult], ...]


def _parts(criterion: Criterion) -> _Parts:
    found: _Parts | None = criterion.code.get("parts")
    if found is None:
        spec = criterion.spec
        evidence = tuple(
            {present: EvidenceResult(item.spec.id, item.spec.title, present, item.spec.missing if present is False
                                     else None) for present in (True, False, None)}
            for item in criterion.evidence
        )  # fmt: skip
        found = criterion.code["parts"] = _Parts(Citation(spec.section, spec.reference, spec.link), evidence)
    return found


def _reads(raw: list[tuple[str, Any, tuple[int, ...]]]) -> tuple[Read, ...]:
    seen: dict[str, Read] = {}
    for template, value, at in raw:
        path = template.format(*at)
        if path not in seen:
            seen[path] = Read(path, json_safe(value))
    return tuple(seen.values())


def _explain(criterion: Criterion, decision: _Decision, shown: dict[str, Any]) -> str:
    spec = criterion.spec
    status = decision.status
    if status is Status.NOT_APPLICABLE:
        return spec.applies.otherwise if spec.applies else "Niet van toepassing."
    if status is Status.INCOMPLETE:
        if decision.undecided:
            return f"Dit kan nog niet worden vastgesteld: {decision.undecided} is niet ingevuld."
        return " ".join(criterion.evidence[i].spec.missing for i in decision.missing)
    values = {name: in_dutch(value) for name, value in shown.items()}
    if spec.kind is Kind.JUDGEMENT or decision.override:
        return _judgement_text(criterion, decision, values)
    template = spec.explain.passed if status is Status.PASS else spec.explain.failed or spec.explain.passed
    return fill(template, values)


def _judgement_text(criterion: Criterion, decision: _Decision, values: dict[str, str]) -> str:
    spec = criterion.spec
    given = "; ".join(
        f"{j.organisation} ({j.assessor}): {Status(j.verdict.value).label}" + (f" — {j.reason}" if j.reason else "")
        for j in decision.judgements
    )
    if decision.override:
        return f"{fill(spec.explain.failed or '', values)} Overruled door de beoordelaars: {given}."
    if decision.status is Status.PASS:
        return f"{fill(spec.explain.passed, values)} Oordeel: {given}."
    if decision.status is Status.FAIL:
        return f"Voldoet niet volgens de beoordelaars: {given}."
    text = fill(spec.explain.judge or "", values)
    if decision.disagree:
        text += f" De beoordelaars zijn het niet eens: {given}."
    if decision.waiting:
        text += f" Nog geen oordeel van {', '.join(decision.waiting)}."
    return text


def _summary(outcome: Outcome, results: tuple[CriterionResult, ...]) -> str:
    failed, missing, pending, advice = standing(results)
    if outcome is Outcome.FAILS:
        text = "Kan niet door: " + "; ".join(f"{r.id} ({first_sentence(r.explanation)})" for r in failed) + "."
        if missing:
            text += " Ook onvolledig: " + ", ".join(r.id for r in missing) + "."
        return text
    if outcome is Outcome.INCOMPLETE:
        parts = "; ".join(f"{r.id} ({missing_titles(r)})" for r in missing)
        return f"Kan niet door zolang dit ontbreekt: {parts}."
    tail = f" Let op het advies bij {', '.join(r.id for r in advice)}." if advice else ""
    if outcome is Outcome.AWAITS_JUDGEMENT:
        listed = enumeration([r.id for r in pending])
        return f"Kan door zodra de beoordelaars {listed} hebben beoordeeld.{tail}"
    return f"Voldoet aan alle criteria van deze stap.{tail}"
