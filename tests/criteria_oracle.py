"""A plain tree-walking reading of the criteria language: the oracle the generated code is checked
against (tests/test_criteria_codegen.py).

It follows the language as rules/README.md and ``criteria._compile`` describe it, node by node,
with no specialisation at all: slow, short and obviously right, so that every trick the generator
plays (fused criteria, paths read once per block, constants hoisted, guards only where a value may
be empty) has something to be wrong against.
"""

from __future__ import annotations

import operator
from datetime import date
from decimal import Decimal
from typing import Any

from beoordeling.criteria._compile import FUNCTIONS, Compiled
from beoordeling.criteria._expr import Binary, Call, Compare, ListLiteral, Literal, Node, Not, Path, Quantifier
from beoordeling.criteria._runtime import Undecided
from beoordeling.criteria.book import Criterion
from beoordeling.criteria.results import Status
from beoordeling.criteria.spec import Kind

ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def value(code: Compiled, plan: Any, on: date, milestone: Any = None) -> Any:
    """The value of a compiled expression; raises Undecided as the generated code must."""
    return _Reader(code, plan, on, milestone).read(code.tree, {})


def decide(criterion: Criterion, plan: Any, on: date, milestone: Any = None) -> Status:
    """A criterion's status without verdicts, step by step as evaluate's docstring tells it."""

    def run(code: Compiled) -> Any:
        return value(code, plan, on, milestone)

    if criterion.applies is not None:
        try:
            if not run(criterion.applies):
                return Status.NOT_APPLICABLE
        except Undecided:
            pass
    for evidence in criterion.evidence:
        try:
            wanted = True if evidence.when is None else run(evidence.when)
        except Undecided:
            wanted = True
        if not wanted:
            continue
        try:
            if not run(evidence.check):
                return Status.INCOMPLETE
        except Undecided:
            return Status.INCOMPLETE
    if criterion.spec.kind is Kind.JUDGEMENT:
        return Status.NEEDS_JUDGEMENT
    if criterion.check is None:
        return Status.PASS
    try:
        return Status.PASS if run(criterion.check) else Status.FAIL
    except Undecided:
        return Status.INCOMPLETE


class _Reader:
    def __init__(self, code: Compiled, plan: Any, on: date, milestone: Any) -> None:
        self.code, self.plan, self.on, self.milestone = code, plan, on, milestone

    def read(self, node: Node, names: dict[str, Any]) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, ListLiteral):
            return [self.read(item, names) for item in node.items]
        if isinstance(node, Path):
            head = node.names[0]
            if head in names:
                found = names[head]
            elif head == "on":
                found = self.on
            elif head == "milestone":
                found = self.milestone
            else:
                found = getattr(self.plan, head)
            for name in node.names[1:]:
                found = None if found is None else getattr(found, name)
            return found
        if isinstance(node, Not):
            return not self.needed(node.operand, names)
        if isinstance(node, Binary):
            if node.op == "and":
                return self.needed(node.left, names) and self.needed(node.right, names)
            if node.op == "or":
                return self.needed(node.left, names) or self.needed(node.right, names)
            left, right = self.read(node.left, names), self.read(node.right, names)
            left, right = self.filled(left, node.left), self.filled(right, node.right)
            return left + right if node.op == "+" else left - right
        if isinstance(node, Compare):
            left, right = self.read(node.left, names), self.read(node.right, names)
            if node.op == "in":
                return left in (right or ())
            if node.op == "not in":
                return left not in (right or ())
            if node.op == "==":
                return left == right
            if node.op == "!=":
                return left != right
            return ORDER[node.op](self.filled(left, node.left), self.filled(right, node.right))
        if isinstance(node, Call):
            return self.call(node, names)
        if isinstance(node, Quantifier):
            return self.quantify(node, names)
        raise AssertionError(node)

    def needed(self, node: Node, names: dict[str, Any]) -> Any:
        return self.filled(self.read(node, names), node)

    @staticmethod
    def filled(found: Any, node: Node) -> Any:
        if found is None:
            raise Undecided(node.text)
        return found

    def call(self, node: Call, names: dict[str, Any]) -> Any:
        args = [self.read(arg, names) for arg in node.args]
        if node.name == "present":
            (found,) = args
            if found is None:
                return False
            if type(found) is str:
                return bool(found.strip())
            if type(found) is list:
                return bool(found)
            return True
        _kinds, _result, implementation, accepts_null = FUNCTIONS[node.name]
        if not accepts_null:
            args = [self.filled(found, arg) for found, arg in zip(args, node.args, strict=True)]
        return implementation(*args)

    def quantify(self, node: Quantifier, names: dict[str, Any]) -> Any:
        wanted = node.name == "any"
        found = []
        for item in self.read(node.collection, names) or ():
            inner = {**names, node.var: item}
            if node.where is not None and not self.read(node.where, inner):
                continue
            body = self.read(node.body, inner)
            if node.name in ("any", "all") and bool(body) is wanted:
                return wanted
            found.append(body)
        if node.name in ("any", "all"):
            return not wanted
        kind = self.code.type_of(node.body).kind
        if node.name == "count":
            return sum(1 for v in found if v) if kind == "bool" else len(found)
        if node.name == "list":
            return found
        if node.name == "sum":
            if None in found:
                raise Undecided(node.body.text)
            return sum(found, Decimal("0.00") if kind == "money" else 0)
        kept = [v for v in found if v is not None]
        return (min if node.name == "min" else max)(kept) if kept else None
