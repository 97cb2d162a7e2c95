"""Text for a terminal: what a person typed is shown as text, never as a control sequence.

ESC, OSC and other control characters (C0 and C1), bidirectional overrides and invisible
separators in stored text (a plan title, an actor's name, a reason) could move the cursor,
change a window title, hide a hyperlink or reorder what a reader sees. Shown, they become visible
escapes (``\\x1b``, ``\\u202e``); newlines and tabs stay as they are.
"""

from __future__ import annotations

import re

__all__ = ["UNSAFE", "visible"]

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""Characters that must not reach a terminal as they are."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character written as a visible escape."""
    return UNSAFE.sub(_escape, text) if UNSAFE.search(text) else text
