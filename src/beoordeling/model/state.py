"""The states a plan passes through (domain.md §4 and §9). The workflow decides the moves between them."""

from __future__ import annotations

from ._types import LabelledEnum

__all__ = ["NOTE_EVENT_PREFIXES", "PlanState"]

NOTE_EVENT_PREFIXES = ("letter.",)
"""Event types that note something about a plan without moving it (a letter issued): they give it
no state, no date and no new basis for the next action (optimistic concurrency)."""


class PlanState(LabelledEnum):
    """Where a plan is in the framework's four steps, plus funding and withdrawal."""

    DRAFT = "concept", "Concept", "Draft"
    QUICK_TEST_SUBMITTED = "snelle-toets-ingediend", "Snelle toets ingediend", "Quick test submitted"
    MORE_INFO_REQUESTED = "nadere-informatie-gevraagd", "Nadere informatie gevraagd", "More information requested"
    QUICK_TEST_POSITIVE = "snelle-toets-positief", "Snelle toets positief", "Quick test positive"
    QUICK_TEST_NEGATIVE = "snelle-toets-negatief", "Snelle toets negatief", "Quick test negative"
    PLAN_IN_PREPARATION = "plan-in-uitwerking", "Plan in uitwerking", "Plan being worked out"
    PLAN_SUBMITTED = "plan-ingediend", "Plan ingediend", "Plan submitted"
    PROPOSED_DECISION = "voorgenomen-besluit", "Voorgenomen besluit", "Proposed decision"
    CONSULTATION = (
        "consultatie-overige-verzekeraars",
        "Consultatie overige verzekeraars",
        "Consultation of other insurers",
    )
    FINAL_DECISION = "definitief-besluit", "Definitief besluit", "Final decision"
    APPROVED = "goedgekeurd", "Goedgekeurd", "Approved"
    NOT_APPROVED = "afgewezen", "Afgewezen", "Not approved"
    REWORK = "herindiening-gevraagd", "Aanpassen en opnieuw indienen", "Rework and resubmit"
    WAITLISTED = "wachtrij", "Op de wachtrij", "On the waiting list"
    FUNDED = "gefinancierd", "Gefinancierd", "Funded"
    IMPLEMENTATION = "implementatie", "Implementatie", "Implementation"
    MILESTONE_REVIEW = "mijlpaalbeoordeling", "Mijlpaalbeoordeling", "Milestone review"
    COMPLETED = "afgerond", "Afgerond", "Completed"
    WITHDRAWN = "ingetrokken", "Ingetrokken", "Withdrawn"
