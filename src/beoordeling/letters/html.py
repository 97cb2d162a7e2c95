"""A letter as HTML: one Jinja2 template, autoescaped, with Dutch dates and amounts.

This is the pure step of the renderer (the golden tests read it). Every value is escaped: text a
submitter wrote stays text, whatever it contains, so the PDF renderer never sees an element, a
link or a stylesheet that did not come from the template.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .._dutch import day, euro
from ..resources import tool_version
from .content import Letter

__all__ = ["TEMPLATE", "letter_html"]

TEMPLATE = "letter.html.j2"

_LONG_WORD = re.compile(r"\S{40,}")
_BREAK = "\u200b"
"""A zero-width space: a place where a line may break, invisible where it does not."""


def _breakable(value: Any) -> Any:
    """Every ``{{ value }}`` of the template: a word of 40 characters or more (a pasted link, a
    20,000-character token) gets a break opportunity every 20 characters, so it wraps instead of
    running off the right margin. The renderer's own way (``overflow-wrap: anywhere``) takes seconds
    on long tokens."""
    if isinstance(value, str) and not isinstance(value, Markup) and _LONG_WORD.search(value):
        return _LONG_WORD.sub(lambda m: _BREAK.join(re.findall(r".{1,20}", m.group(), re.S)), value)
    return value


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("beoordeling.letters", "templates"),
        autoescape=True,  # every template here is HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_breakable,
    )
    environment.filters["day"] = day
    environment.filters["euro"] = euro
    return environment


def letter_html(letter: Letter) -> str:
    """The letter's HTML, ready for the PDF renderer."""
    return _environment().get_template(TEMPLATE).render(letter=letter, tool_version=tool_version())
