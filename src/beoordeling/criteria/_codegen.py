"""Checked expression trees written out as Python: one function per criterion, fused.

The way ``dataclasses`` and ``attrs`` build their methods: source text is generated, compiled once
and run as ordinary Python. For rules that is safe only if nothing in the source comes from rule
text, so:

- every name in the generated code is the generator's own (``plan``, ``t3``, ``v2``...) or a model
  field name the checker found in the plan model; a quantifier's variable is renamed (``v2``), never
  written as the rule spells it;
- every literal is written with ``repr`` (strings, whole numbers, true/false, null) or passed in as
  a constant (amounts, dates); rule text appears only inside such literals (the expression shown
  when a value is missing);
- the source is parsed back with :mod:`ast` before it is compiled and refused unless it is made
  only of the statements, names and attributes listed here, and it runs with a namespace that holds
  the few helpers it needs and no other builtins (no ``__import__``, ``open`` or ``getattr``).

Each criterion gets two functions: a plain one (its status, for statistics and re-checks over
many plans) and a traced one (its status, which evidence is there, and the plan values read, each as
a field path template, the value and the item positions; only the reads of the item that decided an
``any`` or ``all`` are kept). Paths are written out (``funding.lines[3].nature``) only when a reader
asks; see :mod:`.evaluate`.
"""

from __future__ import annotations

import ast
import keyword
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from ..errors import BeoordelingError
from ._compile import FUNCTIONS, Compiled
from ._expr import Binary, Call, Compare, ListLiteral, Literal, Node, Not, Path, Quantifier
from ._runtime import Undecided, mentions_folded
from ._types import Type, context_fields, fields_of
from .results import Status
from .spec import Kind

__all__ = ["CriterionCode", "criterion_code", "expression_functions"]

Plain = Callable[[Any, date, Any], Any]
Traced = Callable[[Any, date, Any, list[tuple[str, Any, tuple[int, ...]]]], Any]
"""A single expression, traced: it appends each read to the list it is given."""


@dataclass(frozen=True, slots=True)
class CriterionCode:
    """A criterion's generated functions.

    ``decide(plan, on, milestone)`` gives its :class:`Status` when no verdicts are recorded (a
    judgement criterion with its evidence complete gives *needs judgement*).
    ``trace(plan, on, milestone)`` gives ``(status, asked, undecided, reads, shown)``: per
    evidence item present (True/False) or not asked (None); the expression that was empty when the
    check could not be decided; each plan value read as (path template, value, item positions);
    and, unless the criterion is not applicable or incomplete, the values its explanation names
    (None where empty)."""

    decide: Plain
    trace: Plain
    source: str


# --- what the generated code may use -------------------------------------------------------------

_HELPERS: dict[str, str] = {"add_years": "f_add_years", "add_days": "f_add_days", "mentions": "f_mentions",
                            "years_between": "f_years_between"}  # fmt: skip
"""Functions called by name; the others (``present``, ``len``, ``lower``, ``label``, ``year``) are
written out inline."""

_BUILTINS: dict[str, Any] = {"len": len, "enumerate": enumerate, "sum": sum, "min": min, "max": max}
_STATUSES = {"S_PASS": Status.PASS, "S_FAIL": Status.FAIL, "S_INC": Status.INCOMPLETE,
             "S_NJ": Status.NEEDS_JUDGEMENT, "S_NA": Status.NOT_APPLICABLE}  # fmt: skip
_FIXED_NAMES = frozenset(
    {"plan", "on", "milestone", "R", "U", "f_mentions_folded", *_STATUSES, *_HELPERS.values(), *_BUILTINS}
)
_OWN_NAME = re.compile(r"[a-z]{1,2}\d+")
_COMPILING = threading.Lock()
"""Generated code is parsed, checked and compiled by one thread at a time."""
"""Temporaries, loop variables and constants: t3, v2, i2, m2, f4, k0, a1, w5, e7, d1..."""
_METHODS = frozenset({"strip", "casefold", "label", "year", "append", "what"})
_CALLED_METHODS = frozenset({"strip", "casefold", "append"})

_NODES = (
    ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Return, ast.Assign, ast.AugAssign, ast.If, ast.For,
    ast.Break, ast.Expr, ast.Try, ast.ExceptHandler, ast.Raise, ast.Delete, ast.Pass, ast.Name, ast.Load, ast.Store,
    ast.Del, ast.Attribute, ast.Call, ast.Constant, ast.Tuple, ast.List, ast.Compare, ast.BoolOp, ast.UnaryOp,
    ast.BinOp, ast.IfExp, ast.Subscript, ast.Slice, ast.And, ast.Or, ast.Not, ast.USub, ast.Add, ast.Sub, ast.Eq,
    ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
)  # fmt: skip


class GeneratedCodeRefused(BeoordelingError):
    """The generator wrote something outside its own whitelist: a bug, never a rules problem."""


@cache
def _model_names() -> frozenset[str]:
    """Every field and property name of every part of the plan model (what attributes may be)."""
    names: set[str] = set()
    seen: set[type] = set()

    def walk(found: Type) -> None:
        if found.item is not None:
            walk(found.item)
        if found.model is not None and found.model not in seen:
            seen.add(found.model)
            for name, inner in fields_of(found.model).items():
                names.add(name)
                walk(inner)

    for name, found in context_fields().items():
        names.add(name)
        walk(found)
    return frozenset(names)


def _field(name: str) -> str:
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_") or name not in _model_names():
        raise GeneratedCodeRefused(f"not a plan field: {name!r}")
    return name


def _escape(text: str) -> str:
    """Rule text inside a path template (formatted with the item positions later)."""
    return text.replace("{", "{{").replace("}", "}}")


def _verify(source: str) -> None:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, _NODES):
            raise GeneratedCodeRefused(f"{type(node).__name__} in generated code")
        if isinstance(node, ast.Name) and node.id not in _FIXED_NAMES and not _OWN_NAME.fullmatch(node.id):
            raise GeneratedCodeRefused(f"name {node.id!r} in generated code")
        if isinstance(node, ast.FunctionDef) and not _OWN_NAME.fullmatch(node.name):
            raise GeneratedCodeRefused(f"function {node.name!r} in generated code")
        if isinstance(node, ast.Attribute) and (
            node.attr.startswith("_") or (node.attr not in _METHODS and node.attr not in _model_names())
        ):
            raise GeneratedCodeRefused(f"attribute {node.attr!r} in generated code")
        if isinstance(node, ast.Constant) and not (node.value is None or type(node.value) in (str, int, bool)):
            raise GeneratedCodeRefused(f"constant {node.value!r} in generated code")
        if isinstance(node, ast.Call) and not (
            (isinstance(node.func, ast.Name) and (node.func.id in _FIXED_NAMES or _OWN_NAME.fullmatch(node.func.id)))
            or (isinstance(node.func, ast.Attribute) and node.func.attr in _CALLED_METHODS)
        ):
            raise GeneratedCodeRefused(f"a call of {ast.unparse(node.func)!r} in generated code")


# --- one compilation unit: several functions, one namespace ----------------------------------------------------


class _Unit:
    def __init__(self) -> None:
        self.sources: list[str] = []
        self.constants: dict[str, Any] = {}
        self.functions = 0

    def constant(self, value: Any) -> str:
        for name, known in self.constants.items():
            # the same text, not only an equal value: 0.0 and 0.00 are equal amounts but print apart
            if type(known) is type(value) and repr(known) == repr(value):
                return name
        name = f"k{len(self.constants)}"
        self.constants[name] = value
        return name

    def function_name(self, prefix: str) -> str:
        self.functions += 1
        return f"{prefix}{self.functions}"

    def build(self) -> tuple[dict[str, Any], str]:
        source = "\n\n".join(self.sources) + "\n"
        _verify(source)
        namespace: dict[str, Any] = {"__builtins__": dict(_BUILTINS), "U": Undecided, **_STATUSES, **self.constants,
                                     "f_mentions_folded": mentions_folded}  # fmt: skip
        namespace.update({helper: FUNCTIONS[name][2] for name, helper in _HELPERS.items()})
        exec(compile(source, "<rules>", "exec"), namespace)  # noqa: S102 - generated from a checked tree, verified above
        return namespace, source


@dataclass(frozen=True, slots=True)
class _Var:
    name: str
    """The generated loop variable (v2)."""
    template: str
    """Its field path with a {} per enclosing item position (funding.lines[{}])."""
    at: tuple[str, ...]
    """The generated position variables, outermost first (i2, ...)."""


Scope = dict[str, _Var]


class _Function:
    """The body of one generated function; ``value`` writes a node's statements and gives an
    expression for its value that can be evaluated again without effect."""

    def __init__(self, unit: _Unit, traced: bool) -> None:
        self.unit = unit
        self.traced = traced
        self.lines: list[str] = []
        self.depth = 1
        self.count = 0
        self.known: list[dict[tuple[Any, ...], str]] = [{}]
        """Paths already read into a local, per block: a block sees its enclosing blocks' reads and
        its own, never those of a branch that may not have run."""

    def temp(self, prefix: str = "t") -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        self.emit(header)
        with self.indented():
            yield

    @contextmanager
    def indented(self) -> Iterator[None]:
        self.depth += 1
        self.known.append(dict(self.known[-1]))
        try:
            yield
        finally:
            self.known.pop()
            self.depth -= 1

    @contextmanager
    def plain(self) -> Iterator[None]:
        traced, self.traced = self.traced, False
        try:
            yield
        finally:
            self.traced = traced

    def bind(self, expression: str) -> str:
        """A local name holding the value (the expression itself when it is a name or a literal)."""
        if _OWN_NAME.fullmatch(expression) or expression in ("plan", "on", "milestone", "None", "True", "False"):
            return expression
        try:
            ast.literal_eval(expression)
        except (ValueError, SyntaxError):
            name = self.temp()
            self.emit(f"{name} = {expression}")
            return name
        return expression

    def need(self, expression: str, found: Type, node: Node) -> str:
        """The value, raising Undecided (naming ``node``'s text) when it may be and is empty."""
        if not found.nullable:
            return expression
        name = self.bind(expression)
        self.emit(f"if {name} is None: raise U({node.text!r})")
        return name

    def value(self, code: Compiled, node: Node, scope: Scope) -> str:
        method: Callable[[Compiled, Any, Scope], str] = getattr(self, f"_{type(node).__name__.lower()}")
        return method(code, node, scope)

    # leaves

    def _literal(self, code: Compiled, node: Literal, scope: Scope) -> str:
        value = node.value
        if value is None or type(value) in (str, int, bool):
            return repr(value)
        if type(value) in (Decimal, date):
            return self.unit.constant(value)
        raise GeneratedCodeRefused(f"literal {value!r}")

    def _listliteral(self, code: Compiled, node: ListLiteral, scope: Scope) -> str:
        items = [self.value(code, item, scope) for item in node.items]
        return f"[{', '.join(items)}]"

    def _template(self, node: Path, scope: Scope) -> tuple[str, tuple[str, ...]]:
        var = scope.get(node.names[0])
        if var is None:
            return _escape(node.text), ()
        return var.template + _escape("".join(f".{name}" for name in node.names[1:])), var.at

    def _path(self, code: Compiled, node: Path, scope: Scope) -> str:
        """A field read; a path read before in this block (or an enclosing one) is not read again:
        plan values do not change during an evaluation, and a trace keeps a path's first read."""
        shape = code.shape_of(node)
        head, rest = node.names[0], node.names[1:]
        known = self.known[-1]
        if shape.root == "var":
            start = scope[head].name
        elif shape.root in ("on", "milestone"):
            start = shape.root
        else:
            start = f"plan.{_field(head)}"
        key: tuple[Any, ...] = (self.traced, start, *rest)
        if key in known:
            return known[key]
        expression = start
        for depth, (name, guarded) in enumerate(zip(rest, shape.guarded, strict=True)):
            if guarded:
                prefix = (self.traced, start, *rest[:depth])
                obj = known.get(prefix) or self.bind(expression)
                known[prefix] = obj
                expression = f"(None if {obj} is None else {obj}.{_field(name)})"
            else:
                expression = f"{expression}.{_field(name)}"
        if not self.traced:
            if expression != start or rest:
                expression = known[key] = self.bind(expression)
            return expression
        value = known[key] = self.temp()
        self.emit(f"{value} = {expression}")
        template, at = self._template(node, scope)
        self.emit(f"r0(({template!r}, {value}, ({''.join(f'{i}, ' for i in at)})))")
        return value

    # operators

    def _not(self, code: Compiled, node: Not, scope: Scope) -> str:
        operand = self.need(self.value(code, node.operand, scope), code.type_of(node.operand), node.operand)
        return f"(not {operand})"

    def _binary(self, code: Compiled, node: Binary, scope: Scope) -> str:
        if node.op in ("and", "or"):
            return self._logic(code, node, scope)
        left = self.value(code, node.left, scope)
        right = self.value(code, node.right, scope)
        left = self.need(left, code.type_of(node.left), node.left)
        right = self.need(right, code.type_of(node.right), node.right)
        return f"({left} {node.op} {right})"

    def _logic(self, code: Compiled, node: Binary, scope: Scope) -> str:
        """Short-circuit ``and``/``or``: the right side's statements run only when needed."""
        left = self.need(self.value(code, node.left, scope), code.type_of(node.left), node.left)
        mark = len(self.lines)
        with self.indented():
            right = self.need(self.value(code, node.right, scope), code.type_of(node.right), node.right)
        inner = self.lines[mark:]
        del self.lines[mark:]
        if not inner:
            return f"({left} {node.op} {right})"
        result = self.temp()
        self.emit(f"{result} = {left}")
        self.emit(f"if {result}:" if node.op == "and" else f"if not {result}:")
        self.lines.extend(inner)
        self.emit(f"    {result} = {right}")
        return result

    def _compare(self, code: Compiled, node: Compare, scope: Scope) -> str:
        left = self.value(code, node.left, scope)
        if node.op in ("in", "not in"):
            if isinstance(node.right, ListLiteral) and all(isinstance(i, Literal) for i in node.right.items):
                right = self.unit.constant(tuple(i.value for i in node.right.items if isinstance(i, Literal)))
            else:
                right = self.value(code, node.right, scope)
                if code.type_of(node.right).nullable:
                    right = f"({right} or ())"
            return f"({left} {node.op} {right})"
        if node.op in ("==", "!=") and isinstance(node.right, Literal) and node.right.value is None:
            return f"({left} is None)" if node.op == "==" else f"({left} is not None)"  # only null equals null
        right = self.value(code, node.right, scope)
        if node.op in ("==", "!="):
            return f"({left} {node.op} {right})"
        left = self.need(left, code.type_of(node.left), node.left)
        right = self.need(right, code.type_of(node.right), node.right)
        return f"({left} {node.op} {right})"

    # functions

    def _call(self, code: Compiled, node: Call, scope: Scope) -> str:
        words = node.args[-1]
        if (
            node.name == "mentions"
            and isinstance(words, ListLiteral)
            and all(isinstance(w, Literal) and type(w.value) is str for w in words.items)
        ):
            folded = tuple(str(w.value).casefold() for w in words.items if isinstance(w, Literal))
            return f"f_mentions_folded({self.value(code, node.args[0], scope)}, {self.unit.constant(folded)})"
        args = [self.value(code, arg, scope) for arg in node.args]
        types = [code.type_of(arg) for arg in node.args]
        name = node.name
        if name in _HELPERS:
            accepts_null = FUNCTIONS[name][3]
            if not accepts_null:
                args = [self.need(a, t, n) for a, t, n in zip(args, types, node.args, strict=True)]
            return f"{_HELPERS[name]}({', '.join(args)})"
        (arg,), (found,) = args, types
        if name == "year":
            return f"{self.need(arg, found, node.args[0])}.year"
        if name == "present":
            return self._present(arg, found)
        method = {"len": None, "lower": "casefold()", "label": "label"}[name]
        if not found.nullable:
            return f"len({arg})" if method is None else f"{arg}.{method}"
        arg = self.bind(arg)
        if method is None:
            return f"(0 if {arg} is None else len({arg}))"
        return f"(None if {arg} is None else {arg}.{method})"

    def _present(self, arg: str, found: Type) -> str:
        """Filled in: a text that is not blank, a list that is not empty, any other value."""
        if found.kind == "null":
            return "False"
        if found.kind == "list":
            return f"(not not {arg})" if found.nullable else f"(len({arg}) > 0)"
        if not found.nullable:
            return f"({arg}.strip() != '')" if found.kind == "text" else "True"
        arg = self.bind(arg)
        if found.kind == "text":
            return f"({arg} is not None and {arg}.strip() != '')"
        return f"({arg} is not None)"

    # quantifiers

    def _quantifier(self, code: Compiled, node: Quantifier, scope: Scope) -> str:
        collection = self.value(code, node.collection, scope)
        if code.type_of(node.collection).nullable:
            collection = f"({collection} or ())"
        if isinstance(node.collection, Path):
            base, at = self._template(node.collection, scope)
        else:  # a computed list: its items are named by their own position in it
            base, at = _escape(node.collection.text), ()
        item = self.temp("v")
        if node.name in ("any", "all"):
            return self._any_all(code, node, scope, collection=collection, item=item, base=base, at=at)
        with self.plain():  # an aggregate keeps the read of its list, not of every item
            return self._aggregate(code, node, {**scope, node.var: _Var(item, "", ())}, collection, item)

    def _any_all(
        self, code: Compiled, node: Quantifier, scope: Scope, *, collection: str, item: str, base: str,
        at: tuple[str, ...],
    ) -> str:  # fmt: skip
        wanted = node.name == "any"
        result = self.temp()
        self.emit(f"{result} = {not wanted}")
        position = self.temp("i")
        inner = {**scope, node.var: _Var(item, base + "[{}]", (*at, position))}
        traced = self.traced
        header = f"for {position}, {item} in enumerate({collection}):" if traced else f"for {item} in {collection}:"
        with self.block(header):
            mark = self.temp("m") if traced else ""
            if traced:
                self.emit(f"{mark} = len(R)")
            with self._where(code, node, inner):
                body = self.value(code, node.body, inner)
                with self.block(f"if {body}:" if wanted else f"if not {body}:"):
                    self.emit(f"{result} = {wanted}")
                    self.emit("break")
            if traced:
                self.emit(f"del R[{mark}:]")
        return result

    @contextmanager
    def _where(self, code: Compiled, node: Quantifier, scope: Scope) -> Iterator[None]:
        if node.where is None:
            yield
            return
        condition = self.value(code, node.where, scope)
        with self.block(f"if {condition}:"):
            yield

    def _aggregate(self, code: Compiled, node: Quantifier, scope: Scope, collection: str, item: str) -> str:
        body_type = code.type_of(node.body)
        name = node.name
        if name == "count":
            result = self.temp()
            self.emit(f"{result} = 0")
            with self.block(f"for {item} in {collection}:"), self._where(code, node, scope):
                body = self.value(code, node.body, scope)  # evaluated even when not counted: it may be undecided
                if body_type.kind == "bool":
                    with self.block(f"if {body}:"):
                        self.emit(f"{result} += 1")
                else:
                    self.emit(f"{result} += 1")
            return result
        found = self.temp("f")
        self.emit(f"{found} = []")
        with self.block(f"for {item} in {collection}:"), self._where(code, node, scope):
            body = self.bind(self.value(code, node.body, scope))
            if name in ("min", "max") and body_type.nullable:
                with self.block(f"if {body} is not None:"):
                    self.emit(f"{found}.append({body})")
            else:
                self.emit(f"{found}.append({body})")
        if name == "list":
            return found
        if name == "sum":
            if body_type.nullable:
                self.emit(f"if None in {found}: raise U({node.body.text!r})")
            zero = self.unit.constant(Decimal("0.00")) if body_type.kind == "money" else "0"
            return f"sum({found}, {zero})"  # an empty sum of amounts is still money
        return f"({name}({found}) if {found} else None)"


# --- what is generated ---------------------------------------------------------------------------------------

_ARGS = "plan, on, milestone"


def expression_functions(code: Compiled) -> tuple[Plain, Traced]:
    """One expression on its own, plain and traced (for tests and single values)."""
    unit = _Unit()
    names = []
    for traced in (False, True):
        function = _Function(unit, traced)
        if traced:
            function.emit("r0 = R.append")
        result = function.value(code, code.tree, {})
        function.emit(f"return {result}")
        name = unit.function_name("et" if traced else "e")
        args = f"{_ARGS}, R" if traced else _ARGS
        unit.sources.append(f"def {name}({args}):\n" + "\n".join(function.lines))
        names.append(name)
    namespace, _source = unit.build()
    return namespace[names[0]], namespace[names[1]]


def criterion_code(criteria: Sequence[Any]) -> list[CriterionCode]:
    """The generated functions of each criterion (``book.Criterion``), compiled in one unit."""
    unit = _Unit()
    named = []
    for criterion in criteria:
        show = _show(unit, criterion) if criterion.show else None
        named.append((_decide(unit, criterion, traced=False), _decide(unit, criterion, traced=True, show=show)))
    with _COMPILING:  # ast.parse in two threads at once can fail on CPython 3.11 (CPython issue 106905)
        namespace, source = unit.build()
    return [CriterionCode(namespace[decide], namespace[trace], source) for decide, trace in named]


def _guarded(function: _Function, code: Compiled, ok: tuple[str, str], undecided: str) -> None:
    """``try: <code>; <ok[0]>value<ok[1]> except U: <undecided>``."""
    with function.block("try:"):
        before, after = ok
        function.emit(before + function.value(code, code.tree, {}) + after)
    with function.block("except U:"):
        function.emit(undecided)


def _decide(unit: _Unit, criterion: Any, *, traced: bool, show: str | None = None) -> str:
    """The evaluation procedure of ``evaluate`` for one criterion, without verdicts."""
    function = _Function(unit, traced)
    emit = function.emit

    def finish(status: str, undecided: str = "None", shown: bool = False) -> str:
        if not traced:
            return f"return {status}"
        values = f"{show}(plan, on, milestone)" if shown and show else "()"
        return f"return ({status}, q0, {undecided}, R, {values})"

    if traced:
        emit("R = []")
        emit("r0 = R.append")
        emit("q0 = ()")
    if criterion.applies is not None:  # when in doubt, ask
        _guarded(function, criterion.applies, ("if not ", f": {finish('S_NA')}"), "pass")
    asked = []
    for evidence in criterion.evidence:
        present = function.temp("a")
        asked.append(present)
        wanted = None
        if evidence.when is not None:
            wanted = function.temp("w")
            _guarded(function, evidence.when, (f"{wanted} = ", ""), f"{wanted} = True")
        with function.block(f"if {wanted}:") if wanted else _no_block():
            if traced:
                _guarded(function, evidence.check, (f"{present} = True if ", " else False"), f"{present} = False")
            else:
                _guarded(function, evidence.check, ("if not ", ": return S_INC"), "return S_INC")
        if wanted and traced:
            with function.block("else:"):
                emit(f"{present} = None")
    kind = criterion.spec.kind
    if traced and asked:
        emit(f"q0 = ({''.join(f'{a}, ' for a in asked)})")
        emit(f"if False in q0: {finish('S_INC')}")
    done = "S_NJ" if kind is Kind.JUDGEMENT else "S_PASS" if criterion.check is None else None
    if done is not None:
        emit(finish(done, shown=True))
    else:
        met = function.temp("k")
        with function.block("try:"):
            emit(f"{met} = {function.value(criterion.check, criterion.check.tree, {})}")
        with function.block("except U as e0:" if traced else "except U:"):
            emit(finish("S_INC", "e0.what"))
        emit(finish(f"S_PASS if {met} else S_FAIL", shown=True))
    name = unit.function_name("dt" if traced else "d")
    unit.sources.append(f"def {name}({_ARGS}):\n" + "\n".join(function.lines))
    return name


def _show(unit: _Unit, criterion: Any) -> str:
    function = _Function(unit, traced=False)
    shown = []
    for _name, code in criterion.show:
        value = function.temp("x")
        shown.append(value)
        _guarded(function, code, (f"{value} = ", ""), f"{value} = None")
    function.emit(f"return ({''.join(f'{x}, ' for x in shown)})")
    name = unit.function_name("s")
    unit.sources.append(f"def {name}({_ARGS}):\n" + "\n".join(function.lines))
    return name


@contextmanager
def _no_block() -> Iterator[None]:
    yield
