"""Which events are decisions someone must receive in writing, and who receives them.

Every letter belongs to one stored event: the decision it announces. The table below is the whole
catalogue; ``letters --pending`` and the demo read it, nothing else decides which letters exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model._types import LabelledEnum
from ..workflow import Trigger

__all__ = ["LETTERS", "Audience", "LetterKind", "LetterSpec", "letter_for"]


class LetterKind(LabelledEnum):
    """The kinds of letter, with the subject line they carry."""

    QUICK_TEST_POSITIVE = "snelle-toets-positief", "Uitslag snelle toets: positief", "Quick-test result: positive"
    QUICK_TEST_NEGATIVE = "snelle-toets-negatief", "Uitslag snelle toets: negatief", "Quick-test result: negative"
    INFORMATION_REQUEST = (
        "nadere-informatie",
        "Snelle toets: verzoek om nadere informatie",
        "Quick test: request for more information",
    )
    PROPOSED_DECISION = (
        "voorgenomen-besluit",
        "Voorgenomen besluit over uw transformatieplan",
        "Proposed decision on your transformation plan",
    )
    CONSULTATION = "consultatie", "Voorgenomen besluit ter consultatie", "Proposed decision for consultation"
    FINAL_DECISION = (
        "definitief-besluit",
        "Definitief besluit over uw transformatieplan",
        "Final decision on your transformation plan",
    )
    MILESTONE_DECISION = "mijlpaalbesluit", "Besluit over een mijlpaal", "Decision on a milestone"
    WAITING_LIST = (
        "wachtrij",
        "Plaatsing op de wachtrij voor transformatiemiddelen",
        "Placement on the waiting list for transformation funds",
    )
    FUNDING = "financiering", "Toekenning van transformatiemiddelen", "Award of transformation funds"
    REPAYMENT = (
        "terugbetaling",
        "Terugbetaling van het voorschot op de specifieke uitkering",
        "Repayment of the advance on the specific grant",
    )
    ESCALATION = (
        "escalatie",
        "Uw transformatieplan is voorgelegd aan het BO IZA",
        "Your transformation plan was put before the BO IZA",
    )
    ESCALATION_RULING = (
        "uitspraak-bo-iza",
        "Uitspraak van het BO IZA over uw transformatieplan",
        "The BO IZA's ruling on your transformation plan",
    )


class Audience(LabelledEnum):
    SUBMITTERS = "indieners", "de indieners", "the submitters"
    OTHER_INSURERS = "overige-verzekeraars", "de overige zorgverzekeraars", "the other insurers"
    MUNICIPALITIES = "gemeenten", "de gemeenten van het plan", "the plan's municipalities"


@dataclass(frozen=True)
class LetterSpec:
    kind: LetterKind
    audience: Audience
    section: str
    """Where the framework says this is to be made known (for the code: a section of the team's
    domain brief; never shown to an addressee)."""

    @property
    def framework(self) -> str:
        """The step of the framework the letter belongs to, as an addressee reads it."""
        return _FRAMEWORK[self.kind]

    @property
    def by_market_leaders(self) -> bool:
        """Whether the two market leaders decided what the letter announces (and sign it)."""
        return self.kind in _LEADERS_DECIDE


_FRAMEWORK = {
    LetterKind.QUICK_TEST_POSITIVE: "stap 1 (snelle toets)",
    LetterKind.QUICK_TEST_NEGATIVE: "stap 1 (snelle toets)",
    LetterKind.INFORMATION_REQUEST: "stap 1 (snelle toets)",
    LetterKind.PROPOSED_DECISION: "stap 3 (voorgenomen besluit)",
    LetterKind.CONSULTATION: "stap 3 (consultatie van de overige zorgverzekeraars)",
    LetterKind.FINAL_DECISION: "stap 3 (definitief besluit)",
    LetterKind.MILESTONE_DECISION: "stap 4 (implementatie en mijlpalen)",
    LetterKind.WAITING_LIST: "de toets van de NZa op de beschikbare middelen",
    LetterKind.FUNDING: "de toets van de NZa op de beschikbare middelen",
    LetterKind.REPAYMENT: "stap 4 (implementatie en mijlpalen) en de specifieke uitkering aan gemeenten",
    LetterKind.ESCALATION: "de escalatie naar het Bestuurlijk Overleg IZA",
    LetterKind.ESCALATION_RULING: "de escalatie naar het Bestuurlijk Overleg IZA",
}
_LEADERS_DECIDE = frozenset({
    LetterKind.QUICK_TEST_POSITIVE, LetterKind.QUICK_TEST_NEGATIVE, LetterKind.PROPOSED_DECISION,
    LetterKind.CONSULTATION, LetterKind.FINAL_DECISION, LetterKind.MILESTONE_DECISION,
})  # fmt: skip


LETTERS: dict[str, LetterSpec] = {
    Trigger.PASS_QUICK_TEST.event_type: LetterSpec(LetterKind.QUICK_TEST_POSITIVE, Audience.SUBMITTERS, "§4.1"),
    Trigger.FAIL_QUICK_TEST.event_type: LetterSpec(LetterKind.QUICK_TEST_NEGATIVE, Audience.SUBMITTERS, "§4.1"),
    Trigger.REQUEST_INFO.event_type: LetterSpec(LetterKind.INFORMATION_REQUEST, Audience.SUBMITTERS, "§4.1"),
    **{
        trigger.event_type: LetterSpec(LetterKind.PROPOSED_DECISION, Audience.SUBMITTERS, "§4.3")
        for trigger in (Trigger.PROPOSE_APPROVAL, Trigger.PROPOSE_REJECTION, Trigger.PROPOSE_REWORK)
    },
    Trigger.OPEN_CONSULTATION.event_type: LetterSpec(LetterKind.CONSULTATION, Audience.OTHER_INSURERS, "§3.4, §4.3"),
    **{
        trigger.event_type: LetterSpec(LetterKind.FINAL_DECISION, Audience.SUBMITTERS, "§4.3")
        for trigger in (Trigger.APPROVE, Trigger.REJECT, Trigger.REQUEST_REWORK)
    },
    **{
        trigger.event_type: LetterSpec(LetterKind.MILESTONE_DECISION, Audience.SUBMITTERS, "§4.5")
        for trigger in (Trigger.MILESTONE_MET, Trigger.MILESTONE_MISSED)
    },
    Trigger.WAITLIST.event_type: LetterSpec(LetterKind.WAITING_LIST, Audience.SUBMITTERS, "§4.4"),
    Trigger.FUND.event_type: LetterSpec(LetterKind.FUNDING, Audience.SUBMITTERS, "§4.4"),
    Trigger.RECLAIM.event_type: LetterSpec(LetterKind.REPAYMENT, Audience.MUNICIPALITIES, "§4.7"),
    # An upheld decision is announced by the decision's own letter, which says the BO IZA ruled.
    Trigger.ESCALATE.event_type: LetterSpec(LetterKind.ESCALATION, Audience.SUBMITTERS, "§3.8"),
    Trigger.SEND_BACK.event_type: LetterSpec(LetterKind.ESCALATION_RULING, Audience.SUBMITTERS, "§3.8"),
}


def letter_for(event_type: str) -> LetterSpec | None:
    """The letter an event of this type calls for, if any."""
    return LETTERS.get(event_type)
