"""The generated criteria code: it means what the tree means, and rule text cannot make it do
anything else.

Every expression of every shipped rules file (all editions, all overlays) is run on generated plan
variants both as generated code and through the tree-walking oracle of tests/criteria_oracle.py;
values, undecided expressions and criterion statuses must agree. Hostile rule text is refused by
the checker or ends up as an inert string literal.
"""

from __future__ import annotations

import random
import sys
import threading
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beoordeling import load_plan
from beoordeling.criteria import default_rules, evaluate, load_rules
from beoordeling.criteria._codegen import CriterionCode, GeneratedCodeRefused, _verify, criterion_code
from beoordeling.criteria._compile import Compiled, compile_expression
from beoordeling.criteria._expr import SyntaxProblem
from beoordeling.criteria._runtime import Env, Undecided
from beoordeling.criteria._types import BOOL
from beoordeling.criteria.book import Criterion
from beoordeling.criteria.spec import Step
from beoordeling.model import Plan

from . import criteria_oracle
from .conftest import ROOT
from .plan_variants import example_data, variant

EXAMPLES = example_data()


@cache
def _every_criterion() -> tuple[tuple[Criterion, CriterionCode], ...]:
    criteria = default_rules().criteria
    return tuple(zip(criteria, criterion_code(criteria), strict=True))


def _expressions(criterion: Criterion) -> list[Compiled]:
    found = [criterion.applies, criterion.check, *(e.when for e in criterion.evidence)]
    found += [e.check for e in criterion.evidence] + [code for _name, code in criterion.show]
    return [code for code in found if code is not None]


def _outcome(run: Any) -> tuple[str, Any]:
    try:
        return ("value", run())
    except Undecided as exc:
        return ("undecided", exc.what)


@settings(max_examples=120, deadline=None)
@given(base=st.sampled_from(EXAMPLES), rng=st.randoms(use_true_random=False),
       on=st.dates(date(2023, 1, 19), date(2027, 12, 31)))  # fmt: skip
def test_generated_code_means_what_the_tree_means(base: dict[str, Any], rng: random.Random, on: date) -> None:
    """Plain and traced code give the oracle's value (or leave the same expression undecided), and
    each criterion's fused function gives the oracle's status, for every shipped criterion."""
    plan = variant(base, rng)
    milestone = plan.funding.milestones[0] if plan.funding and plan.funding.milestones else None
    for criterion, code in _every_criterion():
        mine = milestone if criterion.spec.step is Step.MILESTONE else None
        for compiled in _expressions(criterion):
            expected = _outcome(lambda c=compiled, m=mine: criteria_oracle.value(c, plan, on, m))
            assert expected == _outcome(lambda c=compiled, m=mine: c.plain(Env(plan, on, m))), compiled.text
            traced = _outcome(lambda c=compiled, m=mine: c.traced(Env(plan, on, m, trace=True)))
            assert expected == traced, compiled.text
        expected_status = criteria_oracle.decide(criterion, plan, on, mine)
        assert expected_status is code.decide(plan, on, mine), criterion.id
        assert expected_status is code.trace(plan, on, mine)[0], criterion.id


def test_a_path_read_twice_is_traced_once_and_only_the_deciding_item_is_kept() -> None:
    """Reading a path again in the same block reuses the first read; in an `all` only the item
    that failed keeps its reads, under its own position."""
    plan = Plan.model_validate(next(d for d in EXAMPLES if d["id"] == "TP-2025-0311"))
    plan.full_plan.start = date(2025, 1, 1)
    plan.full_plan.end = date(2026, 12, 31)
    text = "full_plan.start <= full_plan.end and all(a.due >= full_plan.start for a in full_plan.smart_agreements)"
    compiled = compile_expression(text, BOOL)
    agreements = plan.full_plan.smart_agreements
    assert len(agreements) >= 2
    for agreement in agreements:
        agreement.due = date(2025, 6, 1)
    agreements[1].due = date(2024, 6, 1)
    env = Env(plan, date(2025, 7, 1), trace=True)
    assert compiled.traced(env) is False
    paths = [path for path, _value in env.reads]
    assert paths.count("full_plan.start") == 1
    assert "full_plan.smart_agreements[1].due" in paths
    assert "full_plan.smart_agreements[0].due" not in paths


HOSTILE_INERT = [
    "title == \"\\\"); __import__('os').system('touch {marker}') #\"",
    'title == \'"""; import os; os.system("touch {marker}") #\'',
    'mentions(title, ["{{}}", "{{0}}", "\\\\n", "{marker}"])',
    "count(__import__ for __import__ in parties) >= 0",
    'any(__builtins__.role == "zorgaanbieder" for __builtins__ in parties) or true',
]
HOSTILE_REFUSED = [
    '__import__("os").system("touch {marker}")',
    "title.__class__ == null",
    "parties.__len__ == 1",
    "full_plan.__dict__ == null",
    'title == "a\nb"',
    "eval(title)",
    "getattr(plan, title)",
    "title; import os",
    "exec",
    "{marker}",
    "title == '''; import os; os.system(\"touch {marker}\")'''",
]


@pytest.mark.parametrize("text", HOSTILE_INERT)
def test_hostile_rule_text_that_type_checks_is_inert(text: str, tmp_path: Path) -> None:
    """Quotes, braces, backslashes and dunder variable names reach the generated code only as
    string literals and renamed variables: evaluating runs nothing, and the source shows it."""
    marker = tmp_path / "ran"
    compiled = compile_expression(text.format(marker=marker), BOOL)
    plan = variant(EXAMPLES[0], random.Random(1))  # noqa: S311 - a fixed variant, not a secret
    compiled.plain(Env(plan, date(2025, 7, 1)))
    compiled.traced(Env(plan, date(2025, 7, 1), trace=True))
    assert not marker.exists()
    namespace = compiled._function("plain").__globals__
    assert {"len", "enumerate", "sum", "min", "max"} == set(namespace["__builtins__"])


@pytest.mark.parametrize("text", HOSTILE_REFUSED)
def test_hostile_rule_text_that_does_not_type_check_is_refused(text: str, tmp_path: Path) -> None:
    """Dunder fields, unknown functions, statements and raw newlines never get past the checker."""
    with pytest.raises(SyntaxProblem):
        compile_expression(text.format(marker=tmp_path / "ran"), BOOL)
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize(
    "source",
    [
        "def d1(plan, on, milestone):\n    return __import__('os')\n",
        "def d1(plan, on, milestone):\n    return plan.__class__\n",
        "def d1(plan, on, milestone):\n    return open\n",
        "def d1(plan, on, milestone):\n    return plan.secret_field\n",
        "def d1(plan, on, milestone):\n    return [x for x in plan.parties]\n",
        "def d1(plan, on, milestone):\n    import os\n",
        "def d1(plan, on, milestone):\n    return lambda: 1\n",
        "def evil(plan, on, milestone):\n    return 1\n",
        "def d1(plan, on, milestone):\n    return 1.5\n",
        "def d1(plan, on, milestone):\n    return plan.title.format(plan)\n",
        "def d1(plan, on, milestone):\n    return plan.funding(1)\n",
    ],
)
def test_the_generator_verifies_its_own_source(source: str) -> None:
    """What the generator writes is parsed back and refused unless it uses only its own names,
    model fields, the few methods it calls and plain literals."""
    with pytest.raises(GeneratedCodeRefused):
        _verify(source)


def test_equal_amounts_written_apart_stay_apart() -> None:
    """A constant is shared only with one of the same text: an empty sum of amounts stays 0.00
    even when the rule also writes 0.0."""
    compiled = compile_expression("0.0 + sum(l.amount for l in funding.lines if l.year == 1999)")
    plan = Plan.model_validate(next(d for d in EXAMPLES if d["id"] == "TP-2023-0014"))
    assert "0.00" == str(compiled.plain(Env(plan, date(2025, 7, 1))))


def test_every_shipped_criterion_compiles_and_verifies() -> None:
    """The whole rule book generates, verifies and names each criterion's functions."""
    found = _every_criterion()
    assert len(found) == len(default_rules().criteria)
    source = found[0][1].source
    _verify(source)
    assert "__" not in source


def test_items_of_a_computed_list_are_named_by_their_own_position() -> None:
    """Inside an outer quantifier, an `any` over a computed list names the item by its position in
    that list, not by the outer item's."""
    plan = Plan.model_validate(next(d for d in EXAMPLES if d["id"] == "TP-2023-0014"))
    wanted = len(plan.parties) - 1
    role = plan.parties[wanted].role.value
    assert all(p.role.value != role for p in plan.parties[:wanted])
    text = f'any(any(r == "{role}" for r in list(q.role for q in parties)) for p in parties)'
    env = Env(plan, date(2025, 7, 1), trace=True)
    assert compile_expression(text, BOOL).traced(env) is True
    assert ["parties", f"list(q.role for q in parties)[{wanted}]"] == [path for path, _value in env.reads]


def test_editions_are_built_and_evaluated_from_many_threads_at_once() -> None:
    """The web interface evaluates in a thread per request: the first evaluations of a fresh rules
    folder all want its program at once. One thread builds it (under load the server once failed
    with CPython's 'AST constructor recursion depth mismatch' when two threads parsed generated
    code together; that did not reproduce here), and every thread gets the same results."""
    book = load_rules(ROOT / "rules")
    plans = [load_plan(path) for path in sorted((ROOT / "examples").glob("*.yaml"))]
    on = date(2025, 7, 1)
    expected = [evaluate(plan, on, rules=load_rules(ROOT / "rules")).as_dict() for plan in plans]
    results: list[object] = [None] * 16
    start = threading.Barrier(16)

    def work(i: int) -> None:
        start.wait()
        try:
            results[i] = evaluate(plans[i % len(plans)], on, rules=book).as_dict()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the threads take turns as often as they can
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        sys.setswitchinterval(interval)
    assert results == [expected[i % len(plans)] for i in range(16)]
