"""The words the figures are shown in: steps, outcomes, splits and group names, in the reader's
language (the terminal's, or Dutch in a report). One table each, for the terminal, the workbook
and the PDF report alike."""

from __future__ import annotations

from .._i18n import N_, _, term
from ..model import Scale, Sector, Theme
from ..model._types import LabelledEnum

__all__ = [
    "OUTCOME_WORDS",
    "SPLIT_WORDS",
    "STEP_WORDS",
    "UNKNOWN",
    "VERDICT_WORDS",
    "group_name",
    "outcome",
    "split",
    "step",
]

UNKNOWN = ""
"""The group of the plans that do not say (no region, theme, sector, scale or market leaders named)."""

STEP_WORDS = {
    "quick-test": N_("Quick test"), "plan": N_("Transformation plan"), "funding": N_("Funds request"),
    "funds": N_("Funds"), "milestones": N_("Milestones"), "end": N_("End"),
}  # fmt: skip
"""The steps in the framework's order: of the counts, of the comparisons and of the criteria
(``funding``: the criteria of the funds request)."""
OUTCOME_WORDS = {
    "submitted": N_("submitted"), "more-information": N_("more information requested"), "passed": N_("passed"),
    "rejected": N_("rejected"), "approved": N_("approved"), "not-approved": N_("not approved"),
    "rework": N_("sent back for rework"), "funded": N_("funded"), "waitlisted": N_("on the waiting list"),
    "met": N_("met"), "missed": N_("missed"), "completed": N_("completed"), "withdrawn": N_("withdrawn"),
}  # fmt: skip
SPLIT_WORDS = {
    "region": N_("region"), "theme": N_("theme"), "sector": N_("sector"),
    "submitting-sector": N_("submitting sector"), "scale": N_("scale"), "insurers": N_("market leaders"),
    "earmark": N_("part of the funds"), "year": N_("year"),
}  # fmt: skip
VERDICT_WORDS = {
    "differs": N_("differs from the rest"),
    "no-difference": N_("no difference shown"),
    "too-small": N_("too few decided plans to conclude anything"),
}
_ENUMS: dict[str, type[LabelledEnum]] = {"theme": Theme, "sector": Sector, "submitting-sector": Sector, "scale": Scale}


def step(code: str) -> str:
    return _(STEP_WORDS[code]) if code in STEP_WORDS else code


def outcome(code: str) -> str:
    return _(OUTCOME_WORDS[code]) if code in OUTCOME_WORDS else code


def split(code: str) -> str:
    return _(SPLIT_WORDS[code]) if code in SPLIT_WORDS else code


def group_name(split_code: str, name: str) -> str:
    """A group as its reader names it: a theme, sector or scale by its term, anything else as stored."""
    if name == UNKNOWN:
        return _("not stated")
    kind = _ENUMS.get(split_code)
    if kind is None:
        return name
    try:
        return term(kind(name))
    except ValueError:
        return name
