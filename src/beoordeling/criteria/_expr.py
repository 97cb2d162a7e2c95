"""The criteria expression language: a small, non-Turing-complete language parsed into a tree.

Rules are written by policy advisors, so expressions read like the framework's own sentences::

    any(present(c.substantiation) for c in quick_test.impact)
    full_plan.end <= add_years(full_plan.start, 5)
    count(l for l in funding.lines if l.nature == "structureel") == 0

Quantifiers use Python's generator form, so an expression never needs ``: `` (which YAML would
read as a key) and rules stay plain YAML without quotes.

There are no assignments, no loops other than quantifiers over a plan's finite lists, no recursion
and no access to anything but the plan's fields: every expression ends. The tree is type-checked
against the plan model in ``_compile`` and written out as Python by ``_codegen`` from the checked
tree alone (names it makes up, field names of the model, literals written with ``repr``); rule text
is never handed to ``eval``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .._i18n import _
from ..errors import BeoordelingError

__all__ = [
    "QUANTIFIERS",
    "Binary",
    "Call",
    "Compare",
    "ListLiteral",
    "Literal",
    "Node",
    "Not",
    "Path",
    "Quantifier",
    "SyntaxProblem",
    "parse",
]

QUANTIFIERS = frozenset({"any", "all", "count", "sum", "min", "max", "list"})
"""Functions over a list, written ``f(value for x in list if condition)``."""

_KEYWORDS = frozenset({"and", "or", "not", "in", "for", "if", "true", "false", "null"})


class SyntaxProblem(BeoordelingError):
    """An expression that cannot be parsed or checked; ``column`` is 1-based within the text."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


# --- the tree -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    """Base of every node; ``text`` is the source it came from, for messages and traces."""

    text: str
    column: int


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: str | int | Decimal | bool | date | None


@dataclass(frozen=True, slots=True)
class ListLiteral(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Path(Node):
    """A field path from the plan (``full_plan.start``) or from a quantifier's variable (``l.amount``)."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    """``and``, ``or``, ``+`` or ``-``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Compare(Node):
    """``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in`` or ``not in``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Quantifier(Node):
    """``name(body for var in collection if condition)``; the ``if`` part is optional."""

    name: str
    var: str
    collection: Node
    where: Node | None
    body: Node


# --- tokens ---------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<date>\d{4}-\d{2}-\d{2}\b)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|[<>()\[\],.:+-])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    start: int


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise SyntaxProblem(_("unexpected character {value!r}").format(value=text[pos]), pos + 1)
        kind = match.lastgroup or ""
        if kind != "space":
            out.append(_Token(kind, match.group(), pos))
        pos = match.end()
    out.append(_Token("end", "", len(text)))
    return out


# --- parser: precedence climbing, one method per level -------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.i]

    def _is(self, text: str) -> bool:
        return self.token.kind in ("op", "name") and self.token.text == text

    def _take(self, text: str, what: str) -> _Token:
        if not self._is(text):
            found = self.token.text or _("the end of the expression")
            raise SyntaxProblem(
                _("expected {what}; found {found!r}").format(what=what, found=found), self.token.start + 1
            )
        token = self.token
        self.i += 1
        return token

    def _node_text(self, start: int) -> str:
        end = self.tokens[self.i - 1]
        return self.text[start : end.start + len(end.text)]

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise SyntaxProblem(_("the expression is empty"), 1)
        node = self._or()
        if self.token.kind != "end":
            raise SyntaxProblem(
                _("unexpected {text!r} after a complete expression").format(text=self.token.text), self.token.start + 1
            )
        return node

    def _or(self) -> Node:
        start = self.token.start
        node = self._and()
        while self._is("or"):
            self.i += 1
            right = self._and()
            node = Binary(self._node_text(start), start + 1, "or", node, right)
        return node

    def _and(self) -> Node:
        start = self.token.start
        node = self._not()
        while self._is("and"):
            self.i += 1
            right = self._not()
            node = Binary(self._node_text(start), start + 1, "and", node, right)
        return node

    def _not(self) -> Node:
        start = self.token.start
        if self._is("not"):
            self.i += 1
            operand = self._not()
            return Not(self._node_text(start), start + 1, operand)
        return self._compare()

    def _compare(self) -> Node:
        start = self.token.start
        left = self._additive()
        op = None
        if self.token.kind == "op" and self.token.text in ("==", "!=", "<", "<=", ">", ">="):
            op = self.token.text
            self.i += 1
        elif self._is("in"):
            op = "in"
            self.i += 1
        elif self._is("not") and self.tokens[self.i + 1].text == "in":
            op = "not in"
            self.i += 2
        if op is None:
            return left
        right = self._additive()
        if self.token.kind == "op" and self.token.text in ("==", "!=", "<", "<=", ">", ">="):
            raise SyntaxProblem(_("comparisons cannot be chained; join them with 'and'"), self.token.start + 1)
        return Compare(self._node_text(start), start + 1, op, left, right)

    def _additive(self) -> Node:
        start = self.token.start
        node = self._unary()
        while self.token.kind == "op" and self.token.text in ("+", "-"):
            op = self.token.text
            self.i += 1
            right = self._unary()
            node = Binary(self._node_text(start), start + 1, op, node, right)
        return node

    def _unary(self) -> Node:
        start = self.token.start
        if self._is("-"):
            self.i += 1
            operand = self._unary()
            if isinstance(operand, Literal) and isinstance(operand.value, int | Decimal):
                return Literal(self._node_text(start), start + 1, -operand.value)
            return Binary(self._node_text(start), start + 1, "-", Literal("0", start + 1, 0), operand)
        return self._postfix()

    def _postfix(self) -> Node:
        start = self.token.start
        node = self._primary()
        while self._is("."):
            if not isinstance(node, Path):
                raise SyntaxProblem(_("only a field path can be followed by '.'"), self.token.start + 1)
            self.i += 1
            name = self.token
            if name.kind != "name" or name.text in _KEYWORDS:
                raise SyntaxProblem(
                    _("expected a field name after '.'; found {text!r}").format(text=name.text), name.start + 1
                )
            self.i += 1
            node = Path(self._node_text(start), start + 1, (*node.names, name.text))
        return node

    def _primary(self) -> Node:
        token = self.token
        start = token.start
        if token.kind == "number":
            self.i += 1
            value: int | Decimal = Decimal(token.text) if "." in token.text else int(token.text)
            return Literal(token.text, start + 1, value)
        if token.kind == "date":
            self.i += 1
            try:
                return Literal(token.text, start + 1, date.fromisoformat(token.text))
            except ValueError:
                raise SyntaxProblem(_("{text} is not a date that exists").format(text=token.text), start + 1) from None
        if token.kind == "string":
            self.i += 1
            body = token.text[1:-1]
            return Literal(token.text, start + 1, re.sub(r"\\(.)", r"\1", body))
        if self._is("("):
            self.i += 1
            node = self._or()
            self._take(")", "')'")
            return node
        if self._is("["):
            return self._list()
        if token.kind == "name":
            self.i += 1
            if token.text in ("true", "false"):
                return Literal(token.text, start + 1, token.text == "true")
            if token.text == "null":
                return Literal(token.text, start + 1, None)
            if token.text in _KEYWORDS:
                raise SyntaxProblem(_("{text!r} cannot start a value").format(text=token.text), start + 1)
            if self._is("("):
                return self._call(token)
            return Path(token.text, start + 1, (token.text,))
        found = token.text or _("the end of the expression")
        raise SyntaxProblem(_("expected a value; found {found!r}").format(found=found), start + 1)

    def _list(self) -> Node:
        start = self.token.start
        self.i += 1
        items: list[Node] = []
        while not self._is("]"):
            items.append(self._or())
            if not self._is("]"):
                self._take(",", _("{some} or {last}").format(some="','", last="']'"))
        self.i += 1
        return ListLiteral(self._node_text(start), start + 1, tuple(items))

    def _call(self, name: _Token) -> Node:
        start = name.start
        self.i += 1  # the '('
        if name.text in QUANTIFIERS:
            return self._quantifier(name)
        args: list[Node] = []
        while not self._is(")"):
            args.append(self._or())
            if not self._is(")"):
                self._take(",", _("{some} or {last}").format(some="','", last="')'"))
        self.i += 1
        return Call(self._node_text(start), start + 1, name.text, tuple(args))

    def _quantifier(self, name: _Token) -> Node:
        body = self._or()
        self._take("for", _("'for': {text}() is written {text}(value for x in list)").format(text=name.text))
        var = self.token
        if var.kind != "name" or var.text in _KEYWORDS:
            raise SyntaxProblem(
                _("expected a variable name after 'for'; found {text!r}").format(text=var.text), var.start + 1
            )
        self.i += 1
        self._take("in", "'in'")
        collection = self._additive()
        where = None
        if self._is("if"):
            self.i += 1
            where = self._or()
        self._take(")", "')'")
        return Quantifier(self._node_text(name.start), name.start + 1, name.text, var.text, collection, where, body)


def parse(text: str) -> Node:
    """Parse one expression; raise ``SyntaxProblem`` with the column of the first problem."""
    return _Parser(text).parse()
