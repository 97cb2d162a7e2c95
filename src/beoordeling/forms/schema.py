"""The JSON Schema of a form: the plan data the form holds, with its Dutch labels and help.

Editors and other systems (a web form, a portal) can use it to build the same form and check what
they send before it reaches the importer. Required are the fields the model needs and those the
form's steps require; a funds request's fields only inside ``funding``, which is optional itself.
"""

from __future__ import annotations

from typing import Any

from ._model import Leaf
from .definition import Form, FormField
from .layout import help_text

__all__ = ["form_json_schema"]

_AMOUNT_TEXT = r"^\d+(\.\d{1,2})?$"


def _leaf_schema(leaf: Leaf) -> dict[str, Any]:
    if leaf.choices is not None:
        return {"oneOf": [{"const": member.value, "title": member.label} for member in leaf.choices]}
    if leaf.kind == "yes-no":
        return {"type": "boolean"}
    if leaf.kind == "date":
        return {"type": "string", "format": "date"}
    if leaf.kind == "amount":
        return {
            "anyOf": [
                {"type": "number", "minimum": 0, "multipleOf": 0.01},
                {"type": "string", "pattern": _AMOUNT_TEXT},
            ]
        }
    if leaf.kind == "whole-number":
        bounds = {"minimum": leaf.minimum, "maximum": leaf.maximum}
        return {"type": "integer"} | {key: value for key, value in bounds.items() if value is not None}
    if leaf.kind == "list":
        items = {"type": "string", "minLength": 1, "maxLength": 300}
        return {"type": "array", "items": items} | ({"maxItems": leaf.max_length} if leaf.max_length else {})
    schema: dict[str, Any] = {"type": "string", "minLength": 1}
    if leaf.max_length is not None:
        schema["maxLength"] = leaf.max_length
    if leaf.pattern is not None:
        schema["pattern"] = leaf.pattern
    if leaf.kind == "email":
        schema["format"] = "email"
    elif leaf.kind == "url":
        schema["format"] = "uri"
    return schema


def _describe(field: FormField) -> dict[str, Any]:
    described = {"title": field.text.label, "description": help_text(field.text.help, field.text.source)}
    if field.text.required:
        described["x-required-for"] = field.text.required
    return described | _leaf_schema(field.leaf)


def _object() -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": {}}


def _place(root: dict[str, Any], keys: tuple[str, ...], schema: dict[str, Any], required: bool) -> None:
    """Put ``schema`` at ``keys``, creating the objects on the way; a required value makes its
    parents required too, up to (not including) the optional funds request."""
    node = root
    for depth, key in enumerate(keys[:-1]):
        node = node["properties"].setdefault(key, _object())
        if required and not (depth == 0 and key == "funding"):
            parent = root if depth == 0 else _walk(root, keys[:depth])
            _require(parent, key)
    node["properties"][keys[-1]] = schema
    if required:
        _require(node, keys[-1])


def _walk(root: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    node = root
    for key in keys:
        node = node["properties"][key]
    return node


def _require(node: dict[str, Any], key: str) -> None:
    required: list[str] = node.setdefault("required", [])
    if key not in required:
        required.append(key)


def form_json_schema(form: Form) -> dict[str, Any]:
    """JSON Schema (2020-12) of the data ``form`` holds."""
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://beoordeling.invalid/schema/form-{form.id}-{form.version}.json",
        "title": form.title,
        "description": f"{form.source_text}. Formulier {form.id}, versie {form.version} ({form.stamp}).",
    } | _object()
    steps = set(form.enforces)
    for section in form.sections:
        for field in section.fields:
            if field.leaf.kind == "present":
                continue  # a question about the data, not data: the part is there or not
            _place(root, field.keys, _describe(field), field.leaf.required or field.text.required in steps)
        table = section.table
        if table is None:
            continue
        row = _object()
        for column in table.columns:
            _place(row, column.keys, _describe(column), column.leaf.required or column.text.required in steps)
        rows: dict[str, Any] = {"type": "array", "items": row, "maxItems": table.rows}
        needed = table.text.required in steps
        if needed:
            rows["minItems"] = 1
        described = {"title": table.text.label, "description": help_text(table.text.help, table.text.source)}
        _place(root, table.keys, described | rows, needed)
    return root
