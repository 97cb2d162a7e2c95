"""Turns pydantic's validation errors into our problems: field path, line, expected and found."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from .errors import Loc, Problem

Issue = tuple[tuple[str | int, ...], str, Any]
"""A field path, what is wrong there, and the value found."""


def refuse(model: str, problems: Sequence[Issue]) -> ValidationError:
    """A validation error that points at the exact fields, so a message names the path (used by
    model validators that check several fields together)."""
    return ValidationError.from_exception_data(
        model,
        [
            InitErrorDetails(type=PydanticCustomError("plan_consistency", message), loc=loc, input=value)
            for loc, message, value in problems
        ],
    )


SCHEMA_HINT = "`beoordeling schema` lists the fields a plan may have"


def _found(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Decimal):
        return format(value, "f")
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "...'"


_PATTERN_HINTS = {
    "id": "an identifier starts with a letter or digit and uses only letters, digits, '.', '_' and '-'",
    "email": "expected an e-mail address such as naam@organisatie.nl",
    "url": "expected a web address starting with https:// or http://",
    "phone": "expected a phone number: digits, spaces, '+', '-' and parentheses",
}


def _message(error: ErrorDetails, schema_hint: str) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    found = _found(error.get("input"))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field; check the spelling ({schema_hint})"
    if kind == "enum":
        return f"expected one of {ctx.get('expected')}; found {found}"
    if kind.startswith(("date_", "datetime_")):
        return f"expected a date written as YYYY-MM-DD (for example 2025-02-01); found {found}"
    if kind == "string_too_long":
        return f"text is longer than the {ctx.get('max_length')} characters allowed"
    if kind == "string_too_short":
        return "text is empty; write something or leave the field out"
    if kind == "too_long":
        return f"the list has more than the {ctx.get('max_length')} entries allowed"
    if kind == "string_pattern_mismatch":
        field = str(error["loc"][-1]) if error["loc"] else ""
        return f"{_PATTERN_HINTS.get(field, 'has the wrong form')}; found {found}"
    if kind == "decimal_max_places":
        return f"an amount has at most 2 decimals (whole cents); found {found}"
    if kind == "greater_than_equal":
        if error["loc"] and error["loc"][-1] == "amount":
            return f"an amount cannot be negative; found {found}"
        return f"must be at least {ctx.get('ge')}; found {found}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}; found {found}"
    if kind == "string_type":
        return f"expected text; found {found} (put it in quotes to make it text)"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number; found {found}"
    if kind in ("decimal_parsing", "decimal_type"):
        return f"expected an amount in euros such as 125000.00; found {found}"
    if kind in ("plan_consistency", "value_error"):
        message = str(error["msg"]).removeprefix("Value error, ")
        if kind == "plan_consistency" and error.get("input") is not None:
            return f"{message}; found {found}"
        return message
    return f"{error['msg']}; found {found}"


def problems_from(
    exc: ValidationError,
    source: str | None,
    line_of: Callable[[Loc], int | None] | None = None,
    schema_hint: str = SCHEMA_HINT,
) -> list[Problem]:
    """One problem per validation error, in file order where lines are known."""
    problems = []
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(error["loc"])
        line = line_of(loc) if line_of else None
        problems.append(Problem(_message(error, schema_hint), source, loc, line))
    return sorted(problems, key=lambda p: p.line or 0)
