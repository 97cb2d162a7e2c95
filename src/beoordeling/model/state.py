"""The states a plan passes through (domain.md §4 and §9). The workflow decides the moves between them."""

from __future__ import annotations

from ._types import LabelledEnum

__all__ = ["NOTE_EVENT_PREFIXES", "PlanState"]

NOTE_EVENT_PREFIXES = ("letter.",)
"""Event types that note something about a plan without moving it (a letter issued): they give it
no state, no date and no new basis for the next action (optimistic concurrency)."""


class PlanState(LabelledEnum):
    """Where a plan is in the framework's four steps, plus funding and withdrawal."""

    DRAFT = "concept", "Concept"
    QUICK_TEST_SUBMITTED = "snelle-toets-ingediend", "Snelle toets ingediend"
    MORE_INFO_REQUESTED = "nadere-informatie-gevraagd", "Nadere informatie gevraagd"
    QUICK_TEST_POSITIVE = "snelle-toets-positief", "Snelle toets positief"
    QUICK_TEST_NEGATIVE = "snelle-toets-negatief", "Snelle toets negatief"
    PLAN_IN_PREPARATION = "plan-in-uitwerking", "Plan in uitwerking"
    PLAN_SUBMITTED = "plan-ingediend", "Plan ingediend"
    PROPOSED_DECISION = "voorgenomen-besluit", "Voorgenomen besluit"
    CONSULTATION = "consultatie-overige-verzekeraars", "Consultatie overige verzekeraars"
    FINAL_DECISION = "definitief-besluit", "Definitief besluit"
    APPROVED = "goedgekeurd", "Goedgekeurd"
    NOT_APPROVED = "afgewezen", "Afgewezen"
    REWORK = "herindiening-gevraagd", "Aanpassen en opnieuw indienen"
    WAITLISTED = "wachtrij", "Op de wachtrij"
    FUNDED = "gefinancierd", "Gefinancierd"
    IMPLEMENTATION = "implementatie", "Implementatie"
    MILESTONE_REVIEW = "mijlpaalbeoordeling", "Mijlpaalbeoordeling"
    COMPLETED = "afgerond", "Afgerond"
    WITHDRAWN = "ingetrokken", "Ingetrokken"
