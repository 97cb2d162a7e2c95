"""A letter as HTML: one Jinja2 template, autoescaped, with Dutch dates and amounts.

This is the pure step of the renderer (the golden tests read it). Every value is escaped: text a
submitter wrote stays text, whatever it contains, so the PDF renderer never sees an element, a
link or a stylesheet that did not come from the template.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from .._dutch import day, euro
from ..resources import tool_version
from .content import Letter

__all__ = ["TEMPLATE", "letter_html"]

TEMPLATE = "letter.html.j2"


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("beoordeling.letters", "templates"),
        autoescape=True,  # every template here is HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["day"] = day
    environment.filters["euro"] = euro
    return environment


def letter_html(letter: Letter) -> str:
    """The letter's HTML, ready for the PDF renderer."""
    return _environment().get_template(TEMPLATE).render(letter=letter, tool_version=tool_version())
