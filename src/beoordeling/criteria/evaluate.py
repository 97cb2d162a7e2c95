"""Apply the criteria in force to a plan: per criterion an outcome, per step a verdict a person
understands at once.

Two entry points share one decision procedure (:func:`_decide`):

- :func:`evaluate` gives the full, traced result: explanations in Dutch naming the values that
  caused them, the values read, the citation and the rules stamp. This is what the self-check,
  decisions and letters use.
- :func:`statuses` gives only the outcome per criterion, for statistics over many plans.

Assessors' judgements are input. A judgement criterion passes or fails only when every deciding
insurer has recorded the same verdict; until then, or while they disagree, it needs judgement and
never counts as a pass or a fail. A failed *computed* check can be overridden by the assessors with
a reason; a *gate* cannot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .._dutch import enumeration
from .._i18n import _
from ..errors import Problem, RulesError
from ..model import Milestone, Plan
from ._compile import Compiled
from ._runtime import Env, Undecided
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

__all__ = ["check_judgements", "deciding_insurers", "default_steps", "edition_for", "evaluate", "statuses"]


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
    asked: list[bool | None]
    """Per evidence item: present (True/False) or not asked (None)."""
    undecided: str | None = None
    """The expression that was empty, when the check could not be decided."""
    judgements: tuple[Judgement, ...] = ()
    waiting: tuple[str, ...] = ()
    disagree: bool = False
    override: bool = False


def _run(compiled: Compiled, env: Env, traced: bool) -> Any:
    return compiled.traced(env) if traced else compiled.plain(env)


def _decide(
    criterion: Criterion, env: Env, traced: bool, verdicts: Sequence[Judgement], judges: Sequence[str] | None
) -> _Decision:
    if criterion.applies is not None:
        try:
            applies = _run(criterion.applies, env, traced)
        except Undecided:
            applies = True  # when in doubt, ask
        if not applies:
            return _Decision(Status.NOT_APPLICABLE, [], [])
    asked: list[bool | None] = []
    missing: list[int] = []
    for i, evidence in enumerate(criterion.evidence):
        if evidence.when is not None:
            try:
                wanted = _run(evidence.when, env, traced)
            except Undecided:
                wanted = True
            if not wanted:
                asked.append(None)
                continue
        try:
            present = bool(_run(evidence.check, env, traced))
        except Undecided:
            present = False
        asked.append(present)
        if not present:
            missing.append(i)
    if missing:
        return _Decision(Status.INCOMPLETE, missing, asked)
    kind = criterion.spec.kind
    if kind is Kind.JUDGEMENT:
        return _judged(criterion, verdicts, judges, asked)
    if criterion.check is None:  # a gate decided by its evidence alone
        return _Decision(Status.PASS, missing, asked)
    try:
        met = _run(criterion.check, env, traced)
    except Undecided as exc:
        return _Decision(Status.INCOMPLETE, missing, asked, undecided=exc.what)
    if met:
        return _Decision(Status.PASS, missing, asked)
    if kind is Kind.COMPUTED and verdicts:
        combined = _judged(criterion, verdicts, judges, asked)
        if combined.status is Status.PASS:
            combined.override = True
            return combined
    return _Decision(Status.FAIL, missing, asked)


def _judged(
    criterion: Criterion, verdicts: Sequence[Judgement], judges: Sequence[str] | None, asked: list[bool | None]
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


# --- the fast path ----------------------------------------------------------------------------------------

Decider = Callable[[Env], Status]


def _fast_decider(criterion: Criterion) -> Decider:
    """The same procedure as :func:`_decide` for the case without verdicts, as one closure over the
    plain (untraced) expressions: statistics evaluate thousands of plans through it."""
    applies = criterion.applies.plain if criterion.applies else None
    evidence = tuple((e.when.plain if e.when else None, e.check.plain) for e in criterion.evidence)
    check = criterion.check.plain if criterion.check else None
    kind = criterion.spec.kind
    settled = Status.NEEDS_JUDGEMENT if kind is Kind.JUDGEMENT else Status.PASS if check is None else None

    def decide(env: Env) -> Status:
        if applies is not None:
            try:
                if not applies(env):
                    return Status.NOT_APPLICABLE
            except Undecided:
                pass
        for when, test in evidence:
            if when is not None:
                try:
                    if not when(env):
                        continue
                except Undecided:
                    pass
            try:
                if not test(env):
                    return Status.INCOMPLETE
            except Undecided:
                return Status.INCOMPLETE
        if settled is not None or check is None:
            return settled or Status.PASS
        try:
            return Status.PASS if check(env) else Status.FAIL
        except Undecided:
            return Status.INCOMPLETE

    return decide


def _deciders(edition: Edition) -> tuple[tuple[str, Step, Decider], ...]:
    found: tuple[tuple[str, Step, Decider], ...] | None = edition.derived.get("deciders")
    if found is None:
        found = edition.derived["deciders"] = tuple((c.id, c.spec.step, _fast_decider(c)) for c in edition.criteria)
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
    env = Env(plan, on, milestone)
    wanted = set(steps) if steps is not None else set(default_steps(plan))
    if judgements:
        _check_judgements(edition, judgements)
        required = _required_judges(plan, judges)
        return {
            c.id: _decide(c, env, False, judgements, required).status for c in edition.criteria if c.spec.step in wanted
        }
    return {criterion_id: decide(env) for criterion_id, step, decide in _deciders(edition) if step in wanted}


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
    leaders; any assessor when the plan names none)."""
    edition = edition_for(plan, on, rules)
    if judgements:
        _check_judgements(edition, judgements)
    required = _required_judges(plan, judges)
    chosen = tuple(steps) if steps is not None else default_steps(plan)
    results = []
    for step in chosen:
        criteria = tuple(
            _traced_result(c, Env(plan, on, milestone, trace=True), judgements, required)
            for c in edition.for_step(step)
        )
        outcome, summary = _summarise(criteria)
        results.append(StepResult(step, outcome, summary, criteria))
    return Assessment(
        plan.id, plan.version, on, edition.version, edition.content_hash,
        tuple(o.insurer for o in edition.overlays), edition.unconfirmed, tuple(results),
    )  # fmt: skip


def _traced_result(
    criterion: Criterion, env: Env, verdicts: Sequence[Judgement], judges: Sequence[str] | None
) -> CriterionResult:
    decision = _decide(criterion, env, True, verdicts, judges)
    spec = criterion.spec
    evidence = tuple(
        EvidenceResult(item.spec.id, item.spec.title, present, None if present is not False else item.spec.missing)
        for item, present in zip(criterion.evidence, decision.asked, strict=False)
    )
    raw_reads = env.reads
    # The values an explanation names are read now (the plan may change later); only writing them
    # out in Dutch waits until someone reads the explanation.
    shown = _shown(criterion, env) if decision.status not in (Status.NOT_APPLICABLE, Status.INCOMPLETE) else {}
    return CriterionResult(
        id=spec.id, title=spec.title, title_en=spec.title_en, step=spec.step, kind=spec.kind,
        status=decision.status, citation=Citation(spec.section, spec.reference, spec.link), evidence=evidence,
        judgements=decision.judgements, override=decision.override, confirmed=spec.confirmed, note=spec.note,
        explained=lambda: _explain(criterion, decision, shown), traced=lambda: _reads(raw_reads),
    )  # fmt: skip


def _reads(raw: list[tuple[str, Any]]) -> tuple[Read, ...]:
    seen: dict[str, Read] = {}
    for path, value in raw:
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


def _shown(criterion: Criterion, env: Env) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, compiled in criterion.show:
        try:
            values[name] = compiled.plain(env)
        except Undecided:
            values[name] = None  # written as "niet ingevuld"
    return values


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


def _summarise(results: tuple[CriterionResult, ...]) -> tuple[Outcome, str]:
    failed, missing, pending, advice = standing(results)
    if failed:
        text = "Kan niet door: " + "; ".join(f"{r.id} ({first_sentence(r.explanation)})" for r in failed) + "."
        if missing:
            text += " Ook onvolledig: " + ", ".join(r.id for r in missing) + "."
        return Outcome.FAILS, text
    if missing:
        parts = "; ".join(f"{r.id} ({missing_titles(r)})" for r in missing)
        return Outcome.INCOMPLETE, f"Kan niet door zolang dit ontbreekt: {parts}."
    tail = f" Let op het advies bij {', '.join(r.id for r in advice)}." if advice else ""
    if pending:
        listed = enumeration([r.id for r in pending])
        return Outcome.AWAITS_JUDGEMENT, f"Kan door zodra de beoordelaars {listed} hebben beoordeeld.{tail}"
    return Outcome.PASSES, f"Voldoet aan alle criteria van deze stap.{tail}"
