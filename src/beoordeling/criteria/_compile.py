"""Type-check an expression tree against the plan model and compile it to Python closures.

Each expression is compiled once per rules version into two closures: a plain one for bulk
evaluation, and a traced one that also records every plan value it reads (the field path and the
value), so that a result can name the values that caused it. In a quantifier the traced closure
keeps only the reads of the item that decided the answer (the first match of ``any``, the first
miss of ``all``), which is what a reader needs to see.

A value the expression needs but the plan leaves empty raises :class:`Undecided`: a criterion that
cannot be decided is *incomplete*, never silently passed or failed. That holds for ordering
(``<``, ``<=``...), arithmetic, sums, date functions and logic on an empty true/false. Equality and
membership are defined for empty values (an empty value equals only ``null`` and is in no list),
as are ``present()``, ``len()`` and quantifiers (an empty list has no items).
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from .._i18n import _
from ..model._types import LabelledEnum
from ._expr import Binary, Call, Compare, ListLiteral, Literal, Node, Not, Path, Quantifier, SyntaxProblem, parse
from ._runtime import (
    ORDER,
    Env,
    Fn,
    Undecided,
    add_days,
    add_years,
    both,
    either,
    is_present,
    mentions,
    path_reader,
    plain_quantifier,
    present_of,
    traced_quantifier,
    years_between,
)
from ._types import BOOL, DATE, KIND_WORDS, MONEY, NULL, NUMBER, TEXT, Type, context_fields, fields_of

__all__ = ["Compiled", "Env", "Undecided", "compile_expression"]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A checked expression, its type, both closures, and the plan fields it reads."""

    text: str
    type: Type
    plain: Fn
    traced: Fn
    fields: frozenset[str]


class _Typed(NamedTuple):
    type: Type
    plain: Fn
    traced: Fn


def compile_expression(text: str, expect: Type | None = None) -> Compiled:
    """Parse, check and compile ``text``; ``expect`` is the type the caller needs (true/false for a
    check). Raises ``SyntaxProblem`` naming the column of the problem."""
    checker = _Checker()
    typed = checker.check(parse(text), {})
    if expect is not None and (typed.type.kind != expect.kind):
        raise SyntaxProblem(
            _("the expression must give {expected}; it gives {found}").format(
                expected=expect.describe(), found=typed.type.describe()
            ),
            1,
        )
    return Compiled(text, typed.type, typed.plain, typed.traced, frozenset(checker.fields))


# --- the checker ----------------------------------------------------------------------------------


Scope = dict[str, tuple[Type, str]]
"""A quantifier's variable: the type of the items and the field path of its list."""


class _Checker:
    def __init__(self) -> None:
        self.fields: set[str] = set()

    def check(self, node: Node, scope: Scope) -> _Typed:
        method: Callable[[Any, Scope], _Typed] = getattr(self, f"_{type(node).__name__.lower()}")
        return method(node, scope)

    def _expect(self, typed: _Typed, node: Node, kinds: tuple[str, ...], what: str) -> None:
        if typed.type.kind not in kinds:
            raise SyntaxProblem(
                _("{what} needs {kinds}; {text!r} is {value}").format(
                    what=what, kinds=_kinds(kinds), text=node.text, value=typed.type.describe()
                ),
                node.column,
            )

    # leaves

    def _literal(self, node: Literal, scope: Scope) -> _Typed:
        value = node.value
        kind = (
            NULL
            if value is None
            else BOOL
            if isinstance(value, bool)
            else NUMBER
            if isinstance(value, int)
            else MONEY
            if isinstance(value, Decimal)
            else DATE
            if isinstance(value, date)
            else TEXT
        )

        def const(env: Env) -> Any:
            return value

        return _Typed(kind, const, const)

    def _listliteral(self, node: ListLiteral, scope: Scope) -> _Typed:
        items = [self.check(item, scope) for item in node.items]
        kinds = {item.type.kind for item in items}
        if len(kinds) > 1:
            raise SyntaxProblem(_("the items of {text} are of different kinds").format(text=node.text), node.column)
        item_type = items[0].type if items else NULL
        plain_items = [item.plain for item in items]
        traced_items = [item.traced for item in items]

        def plain(env: Env) -> list[Any]:
            return [f(env) for f in plain_items]

        def traced(env: Env) -> list[Any]:
            return [f(env) for f in traced_items]

        return _Typed(Type("list", item=item_type), plain, traced)

    def _path(self, node: Path, scope: Scope) -> _Typed:
        head, rest = node.names[0], node.names[1:]
        var = scope.get(head)
        if var is not None:
            current, field_path = var
        else:
            roots = context_fields()
            if head not in roots:
                raise SyntaxProblem(_unknown(head, roots, _("the plan")), node.column)
            current, field_path = roots[head], head
        nullable = current.nullable
        for name in rest:
            if current.kind == "list":
                raise SyntaxProblem(
                    _("{field_path} is a list; read its items with any(... for x in {field_path})").format(
                        field_path=field_path
                    ),
                    node.column,
                )
            if current.kind != "object" or current.model is None:
                raise SyntaxProblem(
                    _("{field_path} is {value}; it has no field {name!r}").format(
                        field_path=field_path, value=current.describe(), name=name
                    ),
                    node.column,
                )
            fields = fields_of(current.model)
            if name not in fields:
                raise SyntaxProblem(_unknown(name, fields, field_path), node.column)
            current = fields[name]
            nullable = nullable or current.nullable
            field_path = f"{field_path}.{name}"
        self.fields.add(field_path)
        result = current.optional() if nullable else current
        text = node.text
        plain = path_reader(head, rest, "var" if var is not None else "env" if head in ("on", "milestone") else "plan")
        suffix = "".join(f".{name}" for name in rest)

        def traced(env: Env) -> Any:
            value = plain(env)
            where = env.paths[head] + suffix if var is not None else text
            env.reads.append((where, value))
            return value

        return _Typed(result, plain, traced)

    # operators

    def _not(self, node: Not, scope: Scope) -> _Typed:
        operand = self.check(node.operand, scope)
        self._expect(operand, node.operand, ("bool",), "'not'")
        what = node.operand.text

        def build(f: Fn) -> Fn:
            def negate(env: Env) -> bool:
                value = f(env)
                if value is None:
                    raise Undecided(what)
                return not value

            return negate

        return _Typed(BOOL, build(operand.plain), build(operand.traced))

    def _binary(self, node: Binary, scope: Scope) -> _Typed:
        left, right = self.check(node.left, scope), self.check(node.right, scope)
        lt, rt = node.left.text, node.right.text
        if node.op in ("and", "or"):
            self._expect(left, node.left, ("bool",), f"'{node.op}'")
            self._expect(right, node.right, ("bool",), f"'{node.op}'")
            is_and = node.op == "and"
            if not left.type.nullable and not right.type.nullable:
                # Both sides always give true/false: Python's own short-circuit is exact.
                if is_and:
                    return _Typed(
                        BOOL,
                        both(left.plain, right.plain),
                        both(left.traced, right.traced),
                    )
                return _Typed(BOOL, either(left.plain, right.plain), either(left.traced, right.traced))

            def logic(lf: Fn, rf: Fn) -> Fn:
                def fn(env: Env) -> bool:
                    a = lf(env)
                    if a is None:
                        raise Undecided(lt)
                    if bool(a) is not is_and:  # short-circuit: False for and, True for or
                        return bool(a)
                    b = rf(env)
                    if b is None:
                        raise Undecided(rt)
                    return bool(b)

                return fn

            return _Typed(BOOL, logic(left.plain, right.plain), logic(left.traced, right.traced))
        self._expect(left, node.left, ("number", "money"), f"'{node.op}'")
        self._expect(right, node.right, ("number", "money"), f"'{node.op}'")
        kind = MONEY if "money" in (left.type.kind, right.type.kind) else NUMBER
        op = operator.add if node.op == "+" else operator.sub

        def arith(lf: Fn, rf: Fn) -> Fn:
            def fn(env: Env) -> Any:
                a, b = lf(env), rf(env)
                if a is None:
                    raise Undecided(lt)
                if b is None:
                    raise Undecided(rt)
                return op(a, b)

            return fn

        return _Typed(kind, arith(left.plain, right.plain), arith(left.traced, right.traced))

    def _compare(self, node: Compare, scope: Scope) -> _Typed:
        left, right = self.check(node.left, scope), self.check(node.right, scope)
        lt, rt = node.left.text, node.right.text
        if node.op in ("in", "not in"):
            if right.type.kind != "list" or right.type.item is None:
                raise SyntaxProblem(
                    _("'{op}' needs a list on its right; {rt!r} is {value}").format(
                        op=node.op, rt=rt, value=right.type.describe()
                    ),
                    node.column,
                )
            _comparable(left.type, right.type.item, node.left, node.right, node.column)
            negate = node.op == "not in"

            def member(lf: Fn, rf: Fn) -> Fn:
                def fn(env: Env) -> bool:
                    return (lf(env) in (rf(env) or ())) is not negate

                return fn

            return _Typed(BOOL, member(left.plain, right.plain), member(left.traced, right.traced))

        if node.op in ("==", "!="):
            # An empty value equals only null: `p.sector == "msz"` is false for a party without a
            # sector, and `a.due == null` tests for emptiness.
            if NULL.kind not in (left.type.kind, right.type.kind):
                _comparable(left.type, right.type, node.left, node.right, node.column)
            equal = node.op == "=="
            if isinstance(node.right, Literal):
                constant = node.right.value

                def against(lf: Fn) -> Fn:
                    if equal:
                        return lambda env: lf(env) == constant
                    return lambda env: lf(env) != constant

                return _Typed(BOOL, against(left.plain), against(left.traced))

            def equality(lf: Fn, rf: Fn) -> Fn:
                def fn(env: Env) -> bool:
                    return (lf(env) == rf(env)) is equal

                return fn

            return _Typed(BOOL, equality(left.plain, right.plain), equality(left.traced, right.traced))

        for side, typed in ((node.left, left), (node.right, right)):
            self._expect(typed, side, ("number", "money", "date"), f"'{node.op}'")
        _comparable(left.type, right.type, node.left, node.right, node.column)
        op = ORDER[node.op]
        if isinstance(node.right, Literal):
            constant = node.right.value

            def against(lf: Fn) -> Fn:
                def fn(env: Env) -> bool:
                    a = lf(env)
                    if a is None:
                        raise Undecided(lt)
                    return bool(op(a, constant))

                return fn

            return _Typed(BOOL, against(left.plain), against(left.traced))

        def compare(lf: Fn, rf: Fn) -> Fn:
            def fn(env: Env) -> bool:
                a, b = lf(env), rf(env)
                if a is None:
                    raise Undecided(lt)
                if b is None:
                    raise Undecided(rt)
                return bool(op(a, b))

            return fn

        return _Typed(BOOL, compare(left.plain, right.plain), compare(left.traced, right.traced))

    # functions

    def _call(self, node: Call, scope: Scope) -> _Typed:
        spec = _FUNCTIONS.get(node.name)
        if spec is None:
            known = ", ".join(sorted([*_FUNCTIONS, *_QUANTIFIER_NAMES]))
            raise SyntaxProblem(
                _("unknown function {name}(); the functions are {known}").format(name=node.name, known=known),
                node.column,
            )
        kinds, result, impl, accepts_null = spec
        if len(node.args) != len(kinds):
            raise SyntaxProblem(
                _("{name}() takes {kinds} argument(s); found {args}").format(
                    name=node.name, kinds=len(kinds), args=len(node.args)
                ),
                node.column,
            )
        args = [self.check(arg, scope) for arg in node.args]
        for arg, arg_node, allowed in zip(args, node.args, kinds, strict=True):
            if allowed:
                self._expect(arg, arg_node, allowed, f"{node.name}()")
        result_type = result(args[0].type) if callable(result) else result
        texts = [arg.text for arg in node.args]

        def build(fns: list[Fn]) -> Fn:
            if node.name == "present":
                return present_of(fns[0])
            if len(fns) == 1 and accepts_null:
                (f,) = fns

                def direct(env: Env) -> Any:
                    return impl(f(env))

                return direct
            if len(fns) == 1:
                (f,) = fns

                def one(env: Env) -> Any:
                    value = f(env)
                    if value is None and not accepts_null:
                        raise Undecided(texts[0])
                    return impl(value)

                return one

            def many(env: Env) -> Any:
                values = [f(env) for f in fns]
                for value, text in zip(values, texts, strict=True):
                    if value is None and not accepts_null:
                        raise Undecided(text)
                return impl(*values)

            return many

        return _Typed(result_type, build([a.plain for a in args]), build([a.traced for a in args]))

    def _quantifier(self, node: Quantifier, scope: Scope) -> _Typed:
        if node.var in scope or node.var in context_fields():
            raise SyntaxProblem(
                _(
                    "the variable name {var!r} is already in use (a plan field or an outer variable); choose another"
                ).format(var=node.var),
                node.column,
            )
        collection = self.check(node.collection, scope)
        if collection.type.kind != "list" or collection.type.item is None:
            raise SyntaxProblem(
                _("{name}() goes over a list; {text!r} is {value}").format(
                    name=node.name, text=node.collection.text, value=collection.type.describe()
                ),
                node.column,
            )
        field_base = f"{node.collection.text}[]"
        if isinstance(node.collection, Path) and node.collection.names[0] in scope:
            field_base = f"{scope[node.collection.names[0]][1]}{''.join('.' + n for n in node.collection.names[1:])}[]"
        inner: Scope = {**scope, node.var: (collection.type.item, field_base)}
        where = self.check(node.where, inner) if node.where is not None else None
        if where is not None:
            self._expect(where, node.where, ("bool",), "the 'if' of a quantifier")  # type: ignore[arg-type]
        body = self.check(node.body, inner)
        result = self._quantifier_type(node, collection.type.item, body)
        return _quantify(node, collection, where, body, result)

    def _quantifier_type(self, node: Quantifier, item: Type, body: _Typed) -> Type:
        name = node.name
        if name in ("any", "all"):
            self._expect(body, node.body, ("bool",), f"{name}()")
            return BOOL
        if name == "count":
            return NUMBER
        if name == "list":
            return Type("list", item=body.type)
        allowed = ("number", "money") if name == "sum" else ("number", "money", "date")
        if body.type.kind not in allowed:
            raise SyntaxProblem(
                _("{name}() needs {allowed} per item; found {value}").format(
                    name=name, allowed=_kinds(allowed), value=body.type.describe()
                ),
                node.column,
            )
        return body.type.required() if name == "sum" else body.type.optional()


# --- quantifiers ----------------------------------------------------------------------------------------


def _quantify(node: Quantifier, collection: _Typed, where: _Typed | None, body: _Typed, result: Type) -> _Typed:
    # count(x for x in l if ...) counts the items; count(cond for x in l) counts the true conditions.
    counts_truth = node.name == "count" and body.type.kind == "bool"
    zero = Decimal("0.00") if body.type.kind == "money" else 0  # an empty sum of amounts is still money
    plain = plain_quantifier(
        node, collection.plain, where.plain if where else None, body.plain, counts_truth=counts_truth, zero=zero
    )
    traced = traced_quantifier(
        node, collection.traced, where.traced if where else None, body.traced, counts_truth=counts_truth, zero=zero
    )
    return _Typed(result, plain, traced)


# --- function table ------------------------------------------------------------------------------------

_Spec = tuple[tuple[tuple[str, ...], ...], Type | Callable[[Type], Type], Callable[..., Any], bool]

_FUNCTIONS: dict[str, _Spec] = {
    # name: (argument kinds, result type, implementation, accepts an empty value)
    "present": (((),), BOOL, is_present, True),
    "len": ((("list", "text"),), NUMBER, lambda v: 0 if v is None else len(v), True),
    "lower": ((("text",),), lambda t: t, lambda v: None if v is None else v.casefold(), True),
    "label": ((("enum",),), TEXT, lambda v: None if v is None else v.label, True),
    "add_years": ((("date",), ("number",)), DATE, add_years, False),
    "add_days": ((("date",), ("number",)), DATE, add_days, False),
    "year": ((("date",),), NUMBER, lambda d: d.year, False),
    "mentions": ((("text",), ("list",)), BOOL, mentions, True),
    "years_between": ((("date",), ("date",)), NUMBER, years_between, False),
}
_QUANTIFIER_NAMES = ("any", "all", "count", "sum", "min", "max", "list")


def _kinds(kinds: tuple[str, ...]) -> str:
    names = [_(KIND_WORDS.get(kind, kind)) for kind in kinds]
    if len(names) == 1:
        return names[0]
    return _("{some} or {last}").format(some=", ".join(names[:-1]), last=names[-1])


def _unknown(name: str, known: dict[str, Type], where: str) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return _("{where} has no field {name!r}; did you mean {close!r}?").format(
            where=where, name=name, close=close[0]
        )
    return _("{where} has no field {name!r}; {where} has: {known}").format(
        where=where, name=name, known=", ".join(sorted(known))
    )


def _comparable(a: Type, b: Type, left: Node, right: Node, column: int) -> None:
    """Refuse comparisons that can never be true, and enum codes that do not exist."""
    for enum_side, other_side, other_node in ((a, b, right), (b, a, left)):
        if enum_side.kind == "enum" and enum_side.enum is not None and isinstance(other_node, Literal | ListLiteral):
            literals = other_node.items if isinstance(other_node, ListLiteral) else (other_node,)
            for literal in literals:
                _known_code(enum_side.enum, literal, column)
            if other_side.kind in ("text", "enum") or (other_side.kind == "list"):
                return
    if a.kind == "enum" and b.kind == "enum" and a.enum is not b.enum:
        raise SyntaxProblem(
            _("{text!r} and {text2!r} are codes of different lists").format(text=left.text, text2=right.text), column
        )
    same = a.kind == b.kind or (a.numeric and b.numeric) or {a.kind, b.kind} == {"enum", "text"}
    if not same:
        raise SyntaxProblem(
            _("cannot compare {left!r} ({left_kind}) with {right!r} ({right_kind})").format(
                left=left.text, left_kind=a.describe(), right=right.text, right_kind=b.describe()
            ),
            column,
        )


def _known_code(enum: type[LabelledEnum], literal: Node, column: int) -> None:
    if isinstance(literal, Literal) and isinstance(literal.value, str) and literal.value not in enum._value2member_map_:
        codes = ", ".join(member.value for member in enum)
        raise SyntaxProblem(
            _("{value!r} is not a {kind} code; the codes are: {codes}").format(
                value=literal.value, kind=enum.__name__, codes=codes
            ),
            column,
        )
