"""Type-check an expression tree against the plan model; the checked tree is what ``_codegen`` turns
into Python.

Checking gives every node its type (what it yields, and whether that may be empty) and every field
path its shape (where it starts, which steps may meet an empty object). Nothing here runs a plan:
the checked tree is compiled to Python functions by :mod:`._codegen` when an edition is first
evaluated, so ``rules check`` and loading stay cheap and every rule is refused or accepted before
any code exists.

A value the expression needs but the plan leaves empty raises :class:`Undecided`: a criterion that
cannot be decided is *incomplete*, never silently passed or failed. That holds for ordering
(``<``, ``<=``...), arithmetic, sums, date functions and logic on an empty true/false. Equality and
membership are defined for empty values (an empty value equals only ``null`` and is in no list),
as are ``present()``, ``len()`` and quantifiers (an empty list has no items).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .._i18n import _
from ..model._types import LabelledEnum
from ._expr import Binary, Call, Compare, ListLiteral, Literal, Node, Not, Path, Quantifier, SyntaxProblem, parse
from ._runtime import Env, Undecided, add_days, add_years, is_present, mentions, years_between
from ._types import BOOL, DATE, KIND_WORDS, MONEY, NULL, NUMBER, TEXT, Type, context_fields, fields_of

__all__ = ["FUNCTIONS", "Compiled", "Env", "PathShape", "Undecided", "compile_expression"]


@dataclass(frozen=True, slots=True)
class PathShape:
    """A checked field path: where it starts, and before each further name whether the object
    reached so far may be empty (only there does the generated code test for ``None``)."""

    root: str
    """``plan``, ``on``, ``milestone`` or ``var`` (a quantifier's variable)."""
    guarded: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A checked expression: its tree, the type of every node in it, and the plan fields it reads.

    ``plain(env)`` and ``traced(env)`` run it on its own (tests, explanations); criteria run fused
    into one generated function each (see :mod:`._codegen`)."""

    text: str
    type: Type
    tree: Node
    types: dict[int, Type] = field(repr=False, compare=False)
    """The type of each node, by ``id`` of the node (the tree keeps them alive)."""
    shapes: dict[int, PathShape] = field(repr=False, compare=False)
    fields: frozenset[str] = frozenset()
    _functions: dict[str, Callable[..., Any]] = field(default_factory=dict, repr=False, compare=False)

    def type_of(self, node: Node) -> Type:
        return self.types[id(node)]

    def shape_of(self, node: Path) -> PathShape:
        return self.shapes[id(node)]

    def plain(self, env: Env) -> Any:
        """The value on ``env``'s plan; raises :class:`Undecided` when a needed value is empty."""
        return self._function("plain")(env.plan, env.on, env.milestone)

    def traced(self, env: Env) -> Any:
        """The value, adding each plan value read to ``env.reads`` as (field path, value)."""
        raw: list[tuple[str, Any, tuple[int, ...]]] = []
        try:
            return self._function("traced")(env.plan, env.on, env.milestone, raw)
        finally:
            env.reads.extend((template.format(*at), value) for template, value, at in raw)

    def _function(self, kind: str) -> Callable[..., Any]:
        found = self._functions.get(kind)
        if found is None:
            from ._codegen import expression_functions  # noqa: PLC0415 - codegen imports this module

            plain, traced = expression_functions(self)
            self._functions.update(plain=plain, traced=traced)
            found = self._functions[kind]
        return found


def compile_expression(text: str, expect: Type | None = None) -> Compiled:
    """Parse and check ``text``; ``expect`` is the type the caller needs (true/false for a check).
    Raises ``SyntaxProblem`` naming the column of the problem."""
    checker = _Checker()
    tree = parse(text)
    found = checker.check(tree, {})
    if expect is not None and (found.kind != expect.kind):
        raise SyntaxProblem(
            _("the expression must give {expected}; it gives {found}").format(
                expected=expect.describe(), found=found.describe()
            ),
            1,
        )
    return Compiled(text, found, tree, checker.types, checker.shapes, frozenset(checker.fields))


# --- the checker ----------------------------------------------------------------------------------


Scope = dict[str, tuple[Type, str]]
"""A quantifier's variable: the type of the items and the field path of its list."""


class _Checker:
    def __init__(self) -> None:
        self.fields: set[str] = set()
        self.types: dict[int, Type] = {}
        self.shapes: dict[int, PathShape] = {}

    def check(self, node: Node, scope: Scope) -> Type:
        method: Callable[[Any, Scope], Type] = getattr(self, f"_{type(node).__name__.lower()}")
        found = method(node, scope)
        self.types[id(node)] = found
        return found

    def _expect(self, found: Type, node: Node, kinds: tuple[str, ...], what: str) -> None:
        if found.kind not in kinds:
            raise SyntaxProblem(
                _("{what} needs {kinds}; {text!r} is {value}").format(
                    what=what, kinds=_kinds(kinds), text=node.text, value=found.describe()
                ),
                node.column,
            )

    # leaves

    def _literal(self, node: Literal, scope: Scope) -> Type:
        value = node.value
        if value is None:
            return NULL
        if isinstance(value, bool):
            return BOOL
        if isinstance(value, int):
            return NUMBER
        if isinstance(value, Decimal):
            return MONEY
        if isinstance(value, date):
            return DATE
        return TEXT

    def _listliteral(self, node: ListLiteral, scope: Scope) -> Type:
        items = [self.check(item, scope) for item in node.items]
        kinds = {item.kind for item in items}
        if len(kinds) > 1:
            raise SyntaxProblem(_("the items of {text} are of different kinds").format(text=node.text), node.column)
        return Type("list", item=items[0] if items else NULL)

    def _path(self, node: Path, scope: Scope) -> Type:
        head, rest = node.names[0], node.names[1:]
        var = scope.get(head)
        if var is not None:
            current, field_path = var
            root = "var"
        else:
            roots = context_fields()
            if head not in roots:
                raise SyntaxProblem(_unknown(head, roots, _("the plan")), node.column)
            current, field_path = roots[head], head
            root = head if head in ("on", "milestone") else "plan"
        nullable = current.nullable
        guarded = []
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
            guarded.append(current.nullable)
            current = fields[name]
            nullable = nullable or current.nullable
            field_path = f"{field_path}.{name}"
        self.fields.add(field_path)
        self.shapes[id(node)] = PathShape(root, tuple(guarded))
        return current.optional() if nullable else current

    # operators

    def _not(self, node: Not, scope: Scope) -> Type:
        self._expect(self.check(node.operand, scope), node.operand, ("bool",), "'not'")
        return BOOL

    def _binary(self, node: Binary, scope: Scope) -> Type:
        left, right = self.check(node.left, scope), self.check(node.right, scope)
        if node.op in ("and", "or"):
            self._expect(left, node.left, ("bool",), f"'{node.op}'")
            self._expect(right, node.right, ("bool",), f"'{node.op}'")
            return BOOL
        self._expect(left, node.left, ("number", "money"), f"'{node.op}'")
        self._expect(right, node.right, ("number", "money"), f"'{node.op}'")
        return MONEY if "money" in (left.kind, right.kind) else NUMBER

    def _compare(self, node: Compare, scope: Scope) -> Type:
        left, right = self.check(node.left, scope), self.check(node.right, scope)
        if node.op in ("in", "not in"):
            if right.kind != "list" or right.item is None:
                raise SyntaxProblem(
                    _("'{op}' needs a list on its right; {rt!r} is {value}").format(
                        op=node.op, rt=node.right.text, value=right.describe()
                    ),
                    node.column,
                )
            _comparable(left, right.item, node.left, node.right, node.column)
            return BOOL
        if node.op in ("==", "!="):
            # An empty value equals only null: `p.sector == "msz"` is false for a party without a
            # sector, and `a.due == null` tests for emptiness.
            if NULL.kind not in (left.kind, right.kind):
                _comparable(left, right, node.left, node.right, node.column)
            return BOOL
        for side, found in ((node.left, left), (node.right, right)):
            self._expect(found, side, ("number", "money", "date"), f"'{node.op}'")
        _comparable(left, right, node.left, node.right, node.column)
        return BOOL

    # functions

    def _call(self, node: Call, scope: Scope) -> Type:
        spec = FUNCTIONS.get(node.name)
        if spec is None:
            known = ", ".join(sorted([*FUNCTIONS, *_QUANTIFIER_NAMES]))
            raise SyntaxProblem(
                _("unknown function {name}(); the functions are {known}").format(name=node.name, known=known),
                node.column,
            )
        kinds, result, _impl, _accepts_null = spec
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
        return result(args[0]) if callable(result) else result

    def _quantifier(self, node: Quantifier, scope: Scope) -> Type:
        if node.var in scope or node.var in context_fields():
            raise SyntaxProblem(
                _(
                    "the variable name {var!r} is already in use (a plan field or an outer variable); choose another"
                ).format(var=node.var),
                node.column,
            )
        collection = self.check(node.collection, scope)
        if collection.kind != "list" or collection.item is None:
            raise SyntaxProblem(
                _("{name}() goes over a list; {text!r} is {value}").format(
                    name=node.name, text=node.collection.text, value=collection.describe()
                ),
                node.column,
            )
        field_base = f"{node.collection.text}[]"
        if isinstance(node.collection, Path) and node.collection.names[0] in scope:
            field_base = f"{scope[node.collection.names[0]][1]}{''.join('.' + n for n in node.collection.names[1:])}[]"
        inner: Scope = {**scope, node.var: (collection.item, field_base)}
        if node.where is not None:
            self._expect(self.check(node.where, inner), node.where, ("bool",), "the 'if' of a quantifier")
        body = self.check(node.body, inner)
        return self._quantifier_type(node, body)

    def _quantifier_type(self, node: Quantifier, body: Type) -> Type:
        name = node.name
        if name in ("any", "all"):
            self._expect(body, node.body, ("bool",), f"{name}()")
            return BOOL
        if name == "count":
            return NUMBER
        if name == "list":
            return Type("list", item=body)
        allowed = ("number", "money") if name == "sum" else ("number", "money", "date")
        if body.kind not in allowed:
            raise SyntaxProblem(
                _("{name}() needs {allowed} per item; found {value}").format(
                    name=name, allowed=_kinds(allowed), value=body.describe()
                ),
                node.column,
            )
        return body.required() if name == "sum" else body.optional()


# --- function table ------------------------------------------------------------------------------------

_Spec = tuple[tuple[tuple[str, ...], ...], Type | Callable[[Type], Type], Callable[..., Any], bool]

FUNCTIONS: dict[str, _Spec] = {
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
"""The functions a rule may call; ``_codegen`` writes ``present``, ``len``, ``lower``, ``label`` and
``year`` out inline and calls the others by their entry here."""

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
