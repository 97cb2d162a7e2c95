"""What changed between two versions of a plan, as before/after pairs per field path."""

from __future__ import annotations

from typing import Any

from ..errors import format_loc

MAX_CHANGES = 500


def changes(before: Any, after: Any, loc: tuple[str | int, ...] = ()) -> list[dict[str, Any]]:
    """Leaf-level differences; lists of equal length compare item by item, others as a whole."""
    out: list[dict[str, Any]] = []
    _walk(before, after, loc, out)
    if len(out) > MAX_CHANGES:
        return [
            *out[:MAX_CHANGES],
            {"path": "...", "before": None, "after": f"{len(out) - MAX_CHANGES} more"},
        ]
    return out


def _walk(before: Any, after: Any, loc: tuple[str | int, ...], out: list[dict[str, Any]]) -> None:
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            _walk(before.get(key), after.get(key), (*loc, key), out)
        return
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for i, (old, new) in enumerate(zip(before, after, strict=True)):
            _walk(old, new, (*loc, i), out)
        return
    out.append({"path": format_loc(loc), "before": before, "after": after})
