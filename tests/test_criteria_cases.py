"""The framework's domain cases, kept as data in tests/cases/*.yaml and run by one test.

A case starts from an example plan, changes some fields, evaluates on a date (optionally with the
assessors' verdicts) and states the expected outcome per criterion. A policy advisor can read and
add one without reading Python. See tests/cases/README.md for the keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from beoordeling import _yaml
from beoordeling.criteria import Judgement, Status, Step, default_rules, evaluate
from beoordeling.errors import RulesError
from beoordeling.model import Plan

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))
ABSENT = "absent"
"""Expected status of a criterion that is not in force for the plan on that date."""


@dataclass
class Case:
    file: str
    name: str
    data: dict[str, Any]


def _cases() -> list[Case]:
    found: list[Case] = []
    for path in CASES:
        document = _yaml.parse(path.read_text(encoding="utf-8"), path.name).data
        found.extend(Case(path.name, case["name"], case) for case in document["cases"])
    return found


ALL = _cases()


def _set(data: Any, path: str, value: Any) -> None:
    """Set ``a.b.0.c`` in nested plain data (a number is a list index)."""
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = data
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value


def _plan(case: dict[str, Any]) -> Plan:
    source = ROOT / "examples" / f"{case['plan']}.yaml"
    data = _yaml.parse(source.read_text(encoding="utf-8"), source.name).data
    for path, value in (case.get("change") or {}).items():
        _set(data, path, value)
    return Plan.model_validate(data)


def _judgements(case: dict[str, Any], plan: Plan) -> list[Judgement]:
    """``judged: {C1: pass, C4: [fail, reden]}`` — the same verdict from each market leader, or only
    from the organisations named under ``judged_by``."""
    judgements = []
    judges = case.get("judged_by") or plan.insurers.market_leaders
    for criterion, verdict in (case.get("judged") or {}).items():
        outcomes = verdict if isinstance(verdict, list) and isinstance(verdict[0], list) else [verdict] * len(judges)
        for organisation, outcome in zip(judges, outcomes, strict=True):
            value, reason = (
                (outcome[0], outcome[1] if len(outcome) > 1 else None) if isinstance(outcome, list) else (outcome, None)
            )
            judgements.append(
                Judgement(
                    criterion=criterion,
                    verdict=value,
                    reason=reason or ("Zie het beoordelingsverslag." if value == "fail" else None),
                    assessor=f"Beoordelaar {organisation}",
                    organisation=organisation,
                )
            )
    return judgements


def _readable(text: str) -> str:
    """Amounts carry a no-break space after the euro sign; case authors type a plain one."""
    return text.replace("\xa0", " ")


@pytest.mark.parametrize("case", ALL, ids=[f"{c.file}::{c.name}" for c in ALL])
def test_case(case: Case) -> None:
    """The criteria give exactly the outcomes the case expects."""
    data = case.data
    plan = _plan(data)
    on = date.fromisoformat(data["on"])
    steps = [Step(s) for s in data["steps"]] if "steps" in data else None
    milestone = None
    if "milestone" in data:
        assert plan.funding is not None
        milestone = next(m for m in plan.funding.milestones if m.id == data["milestone"])
    if "error" in data:
        with pytest.raises(RulesError) as caught:
            evaluate(plan, on, steps, _judgements(data, plan), milestone=milestone)
        assert data["error"] in str(caught.value)
        return
    assessment = evaluate(plan, on, steps, _judgements(data, plan), milestone=milestone)
    for criterion_id, expected in data.get("expect", {}).items():
        result = assessment.criterion(criterion_id)
        actual = ABSENT if result is None else result.status.value
        assert expected == actual, f"{criterion_id}: {result.explanation if result else 'not in force'}"
    for criterion_id, fragment in data.get("explanation", {}).items():
        result = assessment.criterion(criterion_id)
        assert result is not None
        assert fragment in _readable(result.explanation)
    for step, outcome in data.get("outcome", {}).items():
        assert outcome == assessment.step(Step(step)).outcome.value
    for step, fragment in data.get("summary", {}).items():
        assert fragment in _readable(assessment.step(Step(step)).summary)
    if "rules" in data:
        assert assessment.rules_stamp.startswith(data["rules"])


def test_every_criterion_has_a_passing_and_a_failing_case() -> None:
    """Each criterion in the shipped rules is shown to pass somewhere and to fail (or be incomplete)
    somewhere, so no rule goes untested."""
    passing: set[str] = set()
    failing: set[str] = set()
    for case in ALL:
        for criterion_id, expected in case.data.get("expect", {}).items():
            if expected == Status.PASS.value:
                passing.add(criterion_id)
            elif expected in (Status.FAIL.value, Status.INCOMPLETE.value):
                failing.add(criterion_id)
    ids = {c.id for c in default_rules().criteria}
    assert set() == ids - passing, "criteria without a passing case"
    assert set() == ids - failing, "criteria without a failing case"


def test_every_rules_date_boundary_is_a_case() -> None:
    """For each date on which the rules change, a case evaluates the day before and the day itself."""
    dates = {date.fromisoformat(c.data["on"]) for c in ALL}
    for change in default_rules().change_dates():
        assert change in dates, f"no case on {change}"
        assert date.fromordinal(change.toordinal() - 1) in dates, f"no case on the day before {change}"
