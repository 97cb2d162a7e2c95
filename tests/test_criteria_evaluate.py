"""Evaluation: expressions are safe and exact, traces name the values that decided, the fast and
the traced paths agree, results survive JSON, and judgements are checked against the rules."""

from __future__ import annotations

import json
import random
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from beoordeling.criteria import Assessment, Judgement, Status, Step, evaluate, statuses
from beoordeling.criteria._compile import compile_expression
from beoordeling.criteria._expr import SyntaxProblem
from beoordeling.criteria._runtime import Env, Undecided
from beoordeling.criteria._types import BOOL
from beoordeling.errors import RulesError
from beoordeling.model import Plan

from .plan_variants import example_data, variant

EXAMPLES = example_data()
ON = date(2025, 7, 1)


def _home_monitoring() -> Plan:
    return Plan.model_validate(next(d for d in EXAMPLES if d["id"] == "TP-2023-0014"))


def test_traced_and_plain_closures_agree_and_trace_names_the_deciding_item() -> None:
    """`any` keeps only the reads of the item that matched, under its own index."""
    plan = _home_monitoring()
    compiled = compile_expression('any(l.nature == "structureel" for l in funding.lines)', BOOL)
    plan.funding.lines[3].nature = "structureel"  # type: ignore[union-attr]
    env = Env(plan, ON, trace=True)
    assert compiled.plain(Env(plan, ON)) is compiled.traced(env) is True
    assert ("funding.lines[3].nature", "structureel") in [(p, str(v)) for p, v in env.reads]
    assert not any(p.startswith("funding.lines[0]") for p, _ in env.reads)
    assert {"funding.lines", "funding.lines[].nature"} == compiled.fields


def test_an_empty_value_is_undecided_not_false() -> None:
    """A comparison that needs an empty field raises Undecided naming it; `== null` is allowed."""
    plan = _home_monitoring()
    plan.full_plan.start = None
    compiled = compile_expression("full_plan.end <= add_years(full_plan.start, 5)", BOOL)
    with pytest.raises(Undecided) as caught:
        compiled.plain(Env(plan, ON))
    assert "full_plan.start" == caught.value.what
    assert compile_expression("full_plan.start == null", BOOL).plain(Env(plan, ON)) is True


def test_money_sums_stay_decimal() -> None:
    """Sums of amounts are exact Decimals, also for an empty list."""
    plan = _home_monitoring()
    total = compile_expression("sum(l.amount for l in funding.lines)").plain(Env(plan, ON))
    none = compile_expression("sum(l.amount for l in funding.lines if l.year == 1999)").plain(Env(plan, ON))
    assert Decimal("24600000.00") == total
    assert Decimal("0.00") == none
    assert isinstance(none, Decimal)


@pytest.mark.parametrize(
    "text",
    [
        '__import__("os").system("true")',
        "().__class__",
        "full_plan.__class__",
        "title.upper()",
        "lambda: 1",
        "[x for x in funding.lines]",
        "open('/etc/passwd')",
    ],
)
def test_expressions_cannot_reach_python(text: str) -> None:
    """Nothing but plan fields and the listed functions can be named; the text is never eval'd."""
    with pytest.raises(SyntaxProblem):
        compile_expression(text)


@settings(max_examples=150, deadline=None)
@given(base=st.sampled_from(EXAMPLES), rng=st.randoms(use_true_random=False),
       on=st.dates(date(2023, 1, 19), date(2026, 12, 31)))  # fmt: skip
def test_fast_and_traced_evaluation_agree(base: dict[str, object], rng: random.Random, on: date) -> None:
    """The status-only path used for statistics gives the same outcome as the traced evaluation."""
    plan = variant(base, rng)
    traced = evaluate(plan, on)
    assert {c.id: c.status for s in traced.steps for c in s.criteria} == statuses(plan, on)


@settings(max_examples=60, deadline=None)
@given(base=st.sampled_from(EXAMPLES), rng=st.randoms(use_true_random=False))
def test_results_survive_json(base: dict[str, object], rng: random.Random) -> None:
    """An assessment written as JSON and read back is the same assessment."""
    plan = variant(base, rng)
    judgements = [
        Judgement(criterion="C1", verdict="fail", reason="Niet substantieel.", assessor="A", organisation="X")
    ]
    assessment = evaluate(plan, ON, judgements=judgements)
    text = json.dumps(assessment.as_dict(), ensure_ascii=False)
    assert assessment == Assessment.from_dict(json.loads(text))


def test_evaluation_is_deterministic_and_leaves_the_plan_alone() -> None:
    """Evaluating twice gives equal results and does not change the plan."""
    plan = _home_monitoring()
    before = plan.model_dump()
    assert evaluate(plan, ON) == evaluate(plan, ON)
    assert before == plan.model_dump()


def test_a_negative_verdict_needs_a_reason() -> None:
    """'Voldoet niet' without a reason is refused when the judgement is made."""
    with pytest.raises(ValidationError, match="a negative verdict on C1 needs a reason"):
        Judgement(criterion="C1", verdict="fail", assessor="A", organisation="VGZ")


def test_judgements_must_fit_the_rules_in_force() -> None:
    """A verdict on a criterion not in force, or a 'fail' on a computed check, is refused."""
    plan = _home_monitoring()
    unknown = Judgement(criterion="T1", verdict="pass", assessor="A", organisation="VGZ")
    computed = Judgement(criterion="F7", verdict="fail", reason="Nee.", assessor="A", organisation="VGZ")
    with pytest.raises(RulesError) as caught:
        evaluate(plan, date(2024, 1, 10), judgements=[unknown, computed])
    assert [
        "judgements[0].criterion: T1 is not a criterion in the rules in force on 2024-01-10 "
        f"({evaluate(plan, date(2024, 1, 10)).rules_stamp})",
        "judgements[1].criterion: F7 is decided from the plan; assessors can only override a failure, with a "
        "verdict 'pass' and a reason",
    ] == [str(p) for p in caught.value.problems]


def test_the_latest_verdict_of_an_organisation_counts() -> None:
    """An organisation that changes its mind is counted once, with its latest verdict."""
    plan = _home_monitoring()
    judgements = [
        Judgement(criterion="C4", verdict="fail", reason="Onvoldoende.", assessor="A", organisation="Zilveren Kruis"),
        Judgement(criterion="C4", verdict="pass", assessor="A", organisation="Zilveren Kruis"),
        Judgement(criterion="C4", verdict="pass", assessor="B", organisation="Coöperatie VGZ"),
    ]
    result = evaluate(plan, date(2024, 1, 10), [Step.QUICK_TEST], judgements).criterion("C4")
    assert result is not None
    assert Status.PASS == result.status
    assert 2 == len(result.judgements)
