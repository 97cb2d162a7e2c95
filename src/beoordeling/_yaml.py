"""Strict, bounded YAML for plans, rules and forms: plain data only, with the line of every value.

PyYAML's safe loader still accepts aliases (the "billion laughs" shape), merge keys and explicit
tags, and silently keeps the last of two duplicate keys. Here every one of those is an error with
its line, decimals become ``Decimal`` (money is never a float), and timestamps stay text so that the
model decides what a date is.

Plain scalars are read as YAML 1.2's core schema reads them, not as PyYAML's YAML 1.1 does: only
``true``/``false`` are booleans and only decimal digits are numbers, so ``1:30`` (1.1: the
sexagesimal 90), ``0x1F`` (31), ``017`` (octal 15), ``1_000`` and ``yes``/``no``/``on``/``off`` stay the
text that was written, for the model to accept or refuse. Numbers are bounded before they are built
(``_numbers``), nesting is bounded before it is followed, and characters YAML cannot hold are refused
with their line. The result is the data plus a map from field path to line, so that a validation
error later can say where in the file it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, Event, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from ._i18n import _, os_reason
from ._numbers import NumberRefused, decimal_from_text, whole_from_text
from .errors import BeoordelingError, Loc, Problem

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 250_000

_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

# YAML 1.2 core schema, without its octal and hexadecimal forms (kept as text, as written).
_CORE_NULL = re.compile(r"~|null|Null|NULL|")
_CORE_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_CORE_INT = re.compile(r"[-+]?[0-9]+")
_CORE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]")
"""``017``: YAML 1.1 reads it as octal 15, 1.2 as 17; a postcode-like text is kept as written."""
_CORE_SPECIAL = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


class YamlRefused(BeoordelingError):
    """Internal: the document uses something plain data must not have."""

    def __init__(self, message: str, line: int | None, loc: Loc = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.loc = loc


@dataclass
class Document:
    """Parsed plain data and the line (1-based) where each path starts."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of the nearest enclosing value that has one."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None


class _Composer(yaml.SafeLoader):
    """Composes the node tree and refuses aliases, anchors, explicit tags and deep nesting as they
    appear (PyYAML's composer recurses per level: 400 nested ``[`` end in RecursionError)."""

    depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = cast(Event, self.peek_event())  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, AliasEvent):
            raise YamlRefused(
                _("aliases (*{anchor}) are not allowed; write the value out").format(anchor=event.anchor), line
            )
        if isinstance(event, ScalarEvent | CollectionStartEvent):
            if event.anchor is not None:
                raise YamlRefused(
                    _("anchors (&{anchor}) are not allowed; write the value out").format(anchor=event.anchor), line
                )
            if event.tag is not None and event.tag != "!":
                tag = event.tag.replace("tag:yaml.org,2002:", "!!")
                raise YamlRefused(_("tags ({tag}) are not allowed; write plain values").format(tag=tag), line)
        if isinstance(event, CollectionStartEvent):
            if self.depth >= MAX_DEPTH:
                raise YamlRefused(
                    _("the document is nested deeper than {max_depth} levels").format(max_depth=MAX_DEPTH), line
                )
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
        return super().compose_node(parent, index)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Builder:
    """Turns the node tree into plain Python values, recording lines and refusing duplicates."""

    def __init__(self, loader: _Composer) -> None:
        self.loader = loader
        self.lines: dict[Loc, int] = {}
        self.count = 0

    def build(self, node: Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlRefused(
                _("the document has more than {max_nodes} values").format(max_nodes=MAX_NODES), _line(node), loc
            )
        if len(loc) > MAX_DEPTH:
            raise YamlRefused(
                _("the document is nested deeper than {max_depth} levels").format(max_depth=MAX_DEPTH), _line(node), loc
            )
        self.lines.setdefault(loc, _line(node))
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self._scalar(cast(ScalarNode, node), loc)

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlRefused(_("merge keys (<<) are not allowed; write the keys out"), _line(key_node), loc)
            if not isinstance(key_node, ScalarNode) or key_node.tag not in (_STR, _INT, _BOOL, _NULL):
                raise YamlRefused(_("a key must be a plain name"), _line(key_node), loc)
            key = str(key_node.value)
            if key in out:
                first = self.lines.get((*loc, key))
                raise YamlRefused(
                    _("duplicate key {key!r} (first given on line {first}); give each key once").format(
                        key=key, first=first
                    ),
                    _line(key_node),
                    (*loc, key),
                )
            self.lines[(*loc, key)] = _line(key_node)
            out[key] = self.build(value_node, (*loc, key))
        return out

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        text = node.value
        if node.style is not None:
            return text  # quoted or block text
        try:
            if _CORE_NULL.fullmatch(text):
                return None
            if text in _CORE_BOOL:
                return _CORE_BOOL[text]
            if _LEADING_ZERO.match(text):
                return text
            if _CORE_INT.fullmatch(text):
                return whole_from_text(text)
            if _CORE_FLOAT.fullmatch(text):
                return decimal_from_text(text)
        except NumberRefused as exc:
            raise YamlRefused(str(exc), _line(node), loc) from None
        if _CORE_SPECIAL.fullmatch(text):
            raise YamlRefused(_("{text!r} is not a finite number").format(text=text), _line(node), loc)
        return text  # YAML 1.1 would read 1:30, 0x1F, 017, 1_000 or yes as numbers or booleans


def parse(text: str, source: str) -> Document:
    """Parse one YAML document into plain data; raise ``YamlProblem`` with the place on refusal."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlProblem(Problem(too_large(), source))
    try:
        loader = _Composer(text)
    except ReaderError as exc:
        raise YamlProblem(_unreadable(exc, text, source)) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None)
        builder = _Builder(loader)
        data = builder.build(node, ())
        return Document(data, builder.lines)
    except YamlRefused as exc:
        raise YamlProblem(Problem(exc.message, source, exc.loc, exc.line)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        raise YamlProblem(Problem(_("not valid YAML: {what}").format(what=what), source, line=line)) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(_("not valid YAML: {exc}").format(exc=exc), source)) from exc
    finally:
        loader.dispose()


def _unreadable(exc: ReaderError, text: str, source: str) -> Problem:
    """A character YAML cannot hold (a control character such as NUL, vertical tab or DEL), with its line."""
    position = exc.position if isinstance(exc.position, int) else 0
    line = text.count("\n", 0, position) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return Problem(
        _("the file contains the control character U+{code:04X}, which YAML cannot hold; remove it").format(code=code),
        source,
        line=line,
    )


def too_large() -> str:
    """The message for a file over :data:`MAX_BYTES`."""
    return _("the file is larger than {mib} MiB").format(mib=MAX_BYTES // (1024 * 1024))


def read(path: Path, source: str) -> Document:
    """Read and parse a data file (rules, policy, forms); an unreadable file is a ``YamlProblem`` too."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else _("it is not UTF-8 text")
        raise YamlProblem(Problem(_("cannot read the file: {reason}").format(reason=reason), source)) from exc
    return parse(text, source)


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class YamlProblem(BeoordelingError):
    """A document refused by :func:`parse`; the caller wraps it in the right public error."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Dumper(yaml.SafeDumper):
    """Writes plain, readable YAML that :func:`parse` reads back to the same values."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as people write them by hand.
        super().increase_indent(flow, False)


def _represent_decimal(dumper: _Dumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    return dumper.represent_scalar(_FLOAT if "." in text else _INT, text)


def _represent_enum(dumper: _Dumper, value: Enum) -> yaml.ScalarNode:
    return dumper.represent_str(str(value.value))


def _represent_str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    if style is None and _reads_as_other_than_text(value):
        style = "'"  # 1e5, true, null: text that :func:`parse` would read as a number, boolean or null
    return dumper.represent_scalar(_STR, value, style=style)


def _reads_as_other_than_text(value: str) -> bool:
    return bool(
        _CORE_NULL.fullmatch(value)
        or value in _CORE_BOOL
        or _CORE_INT.fullmatch(value)
        or _CORE_FLOAT.fullmatch(value)
        or _CORE_SPECIAL.fullmatch(value)
    )


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_multi_representer(Enum, _represent_enum)
_Dumper.add_representer(date, yaml.SafeDumper.represent_date)


def dump(data: Any) -> str:
    """Plain YAML, keys in the order given, non-ASCII kept readable."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
