"""Turns pydantic's validation errors into our problems: field path, line, expected and found."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from ._i18n import N_, _
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


SCHEMA_HINT = N_("`beoordeling schema` lists the fields a plan may have")


def _found(value: Any) -> str:
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, Decimal):
        return format(value, "f")
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "...'"


_PATTERN_HINTS = {
    "id": N_("an identifier starts with a letter or digit and uses only letters, digits, '.', '_' and '-'"),
    "email": N_("expected an e-mail address such as naam@organisatie.nl"),
    "url": N_("expected a web address starting with https:// or http://"),
    "phone": N_("expected a phone number: digits, spaces, '+', '-' and parentheses"),
    "postcode": N_("expected a Dutch postcode such as 1234 AB"),
}


def _message(error: ErrorDetails, schema_hint: str) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    found = _found(error.get("input"))
    if kind == "missing":
        return _("required field is missing")
    if kind == "extra_forbidden":
        return _("unknown field; check the spelling ({hint})").format(hint=_(schema_hint))
    if kind in ("enum", "literal_error"):
        some, sep, last = str(ctx.get("expected")).rpartition(" or ")
        if not sep:
            return _("expected {expected}; found {found}").format(expected=last, found=found)
        choices = _("{some} or {last}").format(some=some, last=last)
        return _("expected one of {expected}; found {found}").format(expected=choices, found=found)
    if kind.startswith(("date_", "datetime_")):
        return _("expected a date written as YYYY-MM-DD (for example 2025-02-01); found {found}").format(found=found)
    if kind == "string_too_long":
        return _("text is longer than the {max} characters allowed").format(max=ctx.get("max_length"))
    if kind == "string_too_short":
        return _("text is empty; write something or leave the field out")
    if kind == "too_long":
        return _("the list has more than the {max} entries allowed").format(max=ctx.get("max_length"))
    if kind == "string_pattern_mismatch":
        field = str(error["loc"][-1]) if error["loc"] else ""
        hint = _(_PATTERN_HINTS[field]) if field in _PATTERN_HINTS else _("has the wrong form")
        return _("{hint}; found {found}").format(hint=hint, found=found)
    if kind == "decimal_max_places":
        return _("an amount has at most 2 decimals (whole cents); found {found}").format(found=found)
    if kind == "greater_than_equal":
        if error["loc"] and error["loc"][-1] == "amount":
            return _("an amount cannot be negative; found {found}").format(found=found)
        return _("must be at least {min}; found {found}").format(min=ctx.get("ge"), found=found)
    if kind == "greater_than":
        if error["loc"] and error["loc"][-1] in ("amount", "ceiling"):
            return _("an amount must be more than zero; found {found}").format(found=found)
        return _("must be more than {min}; found {found}").format(min=ctx.get("gt"), found=found)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("expected keys with their values here (key: value); found {found}").format(found=found)
    if kind == "list_type":
        return _("expected a list here (one entry per line, each starting with '- '); found {found}").format(
            found=found
        )
    if kind in ("float_parsing", "float_type"):
        return _("expected a number such as 0.5; found {found}").format(found=found)
    if kind in ("bool_parsing", "bool_type"):
        return _("expected true or false; found {found}").format(found=found)
    if kind == "less_than_equal":
        return _("must be at most {max}; found {found}").format(max=ctx.get("le"), found=found)
    if kind == "string_type":
        return _("expected text; found {found} (put it in quotes to make it text)").format(found=found)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("expected a whole number; found {found}").format(found=found)
    if kind in ("decimal_parsing", "decimal_type"):
        return _("expected an amount in euros such as 125000.00; found {found}").format(found=found)
    if kind in ("plan_consistency", "value_error"):
        message = str(error["msg"]).removeprefix("Value error, ")
        if kind == "plan_consistency" and error.get("input") is not None:
            return _("{message}; found {found}").format(message=message, found=found)
        return message
    return _("{message}; found {found}").format(message=error["msg"], found=found)


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
