"""The transformation plan (*transformatieplan*): everything the framework asks of a plan.

One model holds both the quick-test proposal (step 1) and the full plan with its funds request
(steps 3 and 4), so a plan grows by filling in more of the same document. Almost every field is
optional: a draft may be incomplete, and the criteria in ``rules/`` say what a step still needs.
The model only refuses what can never be right (a date that is not a date, an end before a start,
a reference to a party that is not in the plan).

Sections named below refer to the team's domain brief, which cites the *Beoordelingskader* [BK].
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any, Self, TypeVar

from pydantic import Field, model_validator

from .._i18n import _
from .._validation import Issue, refuse
from ._types import (
    Email,
    Euro,
    LongText,
    Part,
    Phone,
    PlanDate,
    PlanId,
    Postcode,
    ShortId,
    ShortText,
    Url,
    Version,
    Year,
)
from .enums import (
    CostCategory,
    CostNature,
    ImpactAspect,
    Obligation,
    PartyRole,
    RegionalPlanKind,
    Scale,
    Sector,
    Theme,
)

__all__ = [
    "Address",
    "BusinessCase",
    "Contact",
    "CostLine",
    "DoubleFunding",
    "FullPlan",
    "FundingRequest",
    "ImpactAnalysis",
    "ImpactClaim",
    "Implementation",
    "InsurerContact",
    "Insurers",
    "Milestone",
    "Party",
    "Plan",
    "PlanLink",
    "PublicationSummary",
    "QuickTest",
    "Region",
    "RegionalFit",
    "SituationalAspects",
    "SmartAgreement",
    "Urgency",
]


K = TypeVar("K", bound=Hashable)


# --- who and where ------------------------------------------------------------------------------


class Contact(Part):
    """A person to contact about the plan."""

    name: ShortText
    organisation: ShortText | None = None
    email: Email | None = None
    phone: Phone | None = None


class Address(Part):
    """A postal address in the Netherlands: street and number (or a Postbus), postcode and place."""

    street: ShortText
    postcode: Postcode
    city: ShortText

    def lines(self) -> tuple[str, str]:
        """The address as it goes on an envelope: the postcode's letters after a space, two spaces,
        and the place in capitals (PostNL's way of writing an address)."""
        code = self.postcode.replace(" ", "")
        return self.street, f"{code[:4]} {code[4:]}  {self.city.upper()}"


class Party(Part):
    """A party taking part in the plan, with its role and sector (domain.md §3.1); its postal
    address is where the letters to it go."""

    name: ShortText
    role: PartyRole
    sector: Sector | None = None
    contact: Contact | None = None
    address: Address | None = None


class Region(Part):
    """The region the plan covers. It need not be a formal region (domain.md §3.9); ``reference``
    optionally links it to a name in the shipped, replaceable region list."""

    name: ShortText
    reference: ShortText | None = None
    municipalities: list[ShortText] = Field(default_factory=list, max_length=400)


class Insurers(Part):
    """The insurers involved: the two market leaders decide for all (domain.md §3.2), the
    coordinating insurer takes the submission (§3.3), the others may only comment (§3.4)."""

    market_leaders: list[ShortText] = Field(default_factory=list, max_length=2)
    coordinating: ShortText | None = None
    others: list[ShortText] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        problems: list[Issue] = []
        leaders = [name.casefold() for name in self.market_leaders]
        if len(leaders) == 2 and leaders[0] == leaders[1]:
            problems.append(
                (
                    ("market_leaders", 1),
                    _("the two market leaders must be different insurers"),
                    self.market_leaders[1],
                )
            )
        seen: set[str] = set()
        for i, name in enumerate(self.others):
            if name.casefold() in leaders:
                problems.append((("others", i), _("already named as a market leader; name each insurer once"), name))
            elif name.casefold() in seen:
                problems.append((("others", i), _("insurer listed twice"), name))
            seen.add(name.casefold())
        if problems:
            raise refuse("Insurers", problems)
        return self

    @property
    def all(self) -> list[str]:
        """Every insurer named, market leaders first, without repeats."""
        names = [*self.market_leaders, *([self.coordinating] if self.coordinating else []), *self.others]
        unique: dict[str, str] = {}
        for name in names:
            unique.setdefault(name.casefold(), name)
        return list(unique.values())


# --- step 1: the quick-test proposal (domain.md §4.1, §5.1-§5.3) ------------------------------------


class ImpactClaim(Part):
    """A claimed substantial impact on one of the four aspects, with its substantiation."""

    aspect: ImpactAspect
    substantiation: LongText | None = None


class PlanLink(Part):
    """A regional, ROAZ or primary-care plan the proposal relates to."""

    kind: RegionalPlanKind
    title: ShortText
    url: Url | None = None


class RegionalFit(Part):
    """Fit with regional plans, or the reason there is no concrete link (domain.md §5.2 item 1)."""

    links: list[PlanLink] = Field(default_factory=list, max_length=50)
    explanation: LongText | None = None


class Urgency(Part):
    """Shared, demonstrable urgency and involvement of the decisive parties (domain.md §5.2 item 2)."""

    description: LongText | None = None
    involved_parties: list[ShortText] = Field(default_factory=list, max_length=200)
    burden_shifting: LongText | None = None
    """Why no burden is shifted onto affected parties that are left out."""


class InsurerContact(Part):
    """Contact with an insurer's contact person about the plan, which VGZ requires (domain.md §5.2)."""

    insurer: ShortText
    contact_person: ShortText
    since: PlanDate | None = None
    note: LongText | None = None


class QuickTest(Part):
    """The short proposal for the quick test (*snelle toets*): its minimum content (a)-(d) (domain.md §4.1)."""

    bottlenecks: LongText | None = None
    """(a) How it helps solve care bottlenecks for patients and citizens."""
    regional_fit: RegionalFit | None = None
    """(b) Relation to regional plans, the ROAZ plan and/or the 2030 primary-care vision."""
    long_term_effects: LongText | None = None
    """(c) The long-term effects."""
    appropriate_care: LongText | None = None
    """(d) How it contributes to appropriate care (*passende zorg*)."""
    impact: list[ImpactClaim] = Field(default_factory=list, max_length=4)
    urgency: Urgency | None = None
    alignment_justification: LongText | None = None
    """Why aligned action (*gelijkgericht handelen*) by providers and insurers is needed (§5.2 item 3)."""
    insurer_contacts: list[InsurerContact] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _one_claim_per_aspect(self) -> Self:
        seen: set[ImpactAspect] = set()
        problems: list[Issue] = []
        for i, claim in enumerate(self.impact):
            if claim.aspect in seen:
                problems.append(
                    (
                        ("impact", i, "aspect"),
                        _("this aspect is already claimed; merge the two claims"),
                        claim.aspect.value,
                    )
                )
            seen.add(claim.aspect)
        if problems:
            raise refuse("QuickTest", problems)
        return self


# --- step 3: the full plan (domain.md §5.4, §5.5) ---------------------------------------------------


class SmartAgreement(Part):
    """A SMART agreement: goal, how it is measured, the target, by when and who answers for it."""

    goal: LongText
    indicator: ShortText | None = None
    target: ShortText | None = None
    due: PlanDate | None = None
    responsible: ShortText | None = None


class BusinessCase(Part):
    """The (societal) business case (domain.md §5.4 item 2)."""

    summary: LongText | None = None
    costs_and_returns: LongText | None = None
    options_considered: LongText | None = None
    """If several options are described, the one with the best balance is chosen (§4.3)."""
    target_groups: LongText | None = None


class ImpactAnalysis(Part):
    """Foreseeable effects, worked out with the parties involved (domain.md §5.4 item 3)."""

    patients: LongText | None = None
    """(a) Patients and citizens: quality, safety and access."""
    providers: LongText | None = None
    """(b) The providers: operations, staff, ICT and other infrastructure, real estate."""
    chain: LongText | None = None
    """(c) The rest of the care chain."""
    context: LongText | None = None
    """(d) The wider context, such as regional and national agreements."""


class Implementation(Part):
    """Capacity to deliver (*executiekracht*), organised in an implementation plan (§5.4 item 4)."""

    project_organisation: LongText | None = None
    capacity: LongText | None = None
    decision_making: LongText | None = None
    milestone_planning: LongText | None = None
    commitment: LongText | None = None
    """Demonstrable commitment of each organisation to the consequences."""
    msb_agreement: LongText | None = None
    """For hospitals: the agreement with the medical specialists' company (MSB)."""


class SituationalAspects(Part):
    """Aspects applied depending on the situation (domain.md §5.5)."""

    contract_agreements: LongText | None = None
    volume_agreements: LongText | None = None
    """Pace of FTE and overhead reduction or build-up, for providers that scale down or up."""
    scaling_up: LongText | None = None
    digital_links: LongText | None = None


class FullPlan(Part):
    """The worked-out transformation plan assessed in step 3."""

    smart_agreements: list[SmartAgreement] = Field(default_factory=list, max_length=100)
    approach: LongText | None = None
    """How the goals are reached, possibly in phases."""
    business_case: BusinessCase | None = None
    impact_analysis: ImpactAnalysis | None = None
    implementation: Implementation | None = None
    start: PlanDate | None = None
    end: PlanDate | None = None
    sustainability: LongText | None = None
    situational: SituationalAspects | None = None

    @model_validator(mode="after")
    def _start_before_end(self) -> Self:
        if self.start and self.end and self.end < self.start:
            raise refuse(
                "FullPlan",
                [
                    (
                        ("end",),
                        _("the plan ends before it starts ({value})").format(value=self.start.isoformat()),
                        self.end.isoformat(),
                    )
                ],
            )
        return self


# --- the funds request (domain.md §5.6, §6.4) --------------------------------------------------------


class CostLine(Part):
    """One amount of the funds request: a year, a sector, a party and a cost category."""

    year: Year
    sector: Sector
    party: ShortText
    category: CostCategory
    nature: CostNature = CostNature.ONE_OFF
    amount: Euro
    description: ShortText | None = None


class Milestone(Part):
    """An interim milestone to which a payment is tied (domain.md §4.5, §5.6 item 3)."""

    id: ShortId
    description: LongText
    obligation: Obligation
    amount: Euro
    due: PlanDate
    evidence: LongText | None = None
    """How the participants will show the milestone was achieved."""


class DoubleFunding(Part):
    """Declaration that nothing is funded twice or already paid from other money (§5.6 item 5)."""

    declared: bool
    other_funding: LongText | None = None


class FundingRequest(Part):
    """A request for transformation funds; a plan without one only seeks aligned contracting."""

    no_other_route: LongText | None = None
    """Why the transformation cannot happen, or not as fast, without these funds (§5.6 item 1)."""
    lines: list[CostLine] = Field(default_factory=list, max_length=2_000)
    allocation: LongText | None = None
    """How the funds are spread over sectors and parties (§5.6 item 4)."""
    double_funding: DoubleFunding | None = None
    plan_writing_agreed_on: PlanDate | None = None
    """Date the market leaders agreed beforehand to fund plan-writing costs (§4.2)."""
    milestones: list[Milestone] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _unique_milestones(self) -> Self:
        seen: set[str] = set()
        problems: list[Issue] = []
        for i, milestone in enumerate(self.milestones):
            if milestone.id.casefold() in seen:
                problems.append(
                    (("milestones", i, "id"), _("milestone id used twice; give each one its own"), milestone.id)
                )
            seen.add(milestone.id.casefold())
        if problems:
            raise refuse("FundingRequest", problems)
        return self

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def milestone_total(self) -> Decimal:
        return sum((m.amount for m in self.milestones), Decimal("0.00"))

    def by_year(self) -> dict[int, Decimal]:
        return _totals(self.lines, lambda line: line.year)

    def by_sector(self) -> dict[Sector, Decimal]:
        return _totals(self.lines, lambda line: line.sector)

    def by_party(self) -> dict[str, Decimal]:
        return _totals(self.lines, lambda line: line.party)

    def non_fundable(self) -> list[CostLine]:
        """Lines the framework excludes: structural costs and sustainability investments."""
        return [line for line in self.lines if line.category.fundable is False or line.nature is CostNature.STRUCTURAL]


def _totals(lines: list[CostLine], key: Callable[[CostLine], K]) -> dict[K, Decimal]:
    totals: defaultdict[K, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in lines:
        totals[key(line)] += line.amount
    return dict(sorted(totals.items(), key=lambda item: str(item[0])))


class PublicationSummary(Part):
    """What the insurers publish once the plan is approved (domain.md §4.5): no commercial secrets."""

    goals: LongText | None = None
    agreements: LongText | None = None
    results: LongText | None = None
    contact: Contact | None = None


# --- the plan -----------------------------------------------------------------------------------------


class Plan(Part):
    """A transformation plan, from first proposal to funded plan."""

    id: PlanId
    version: Version | None = None
    """The stored version this text is based on (set by export); None for a plan new to the store."""
    title: ShortText
    summary: LongText | None = None
    theme: Theme | None = None
    theme_note: ShortText | None = None
    scale: Scale | None = None
    scale_reasoning: LongText | None = None
    """Why this scale is the best one; proposals better handled elsewhere are excluded (§5.5)."""
    region: Region | None = None
    insurers: Insurers = Field(default_factory=Insurers)
    parties: list[Party] = Field(default_factory=list, max_length=500)
    """The parties taking part, the lead party (*penvoerder*, who submits for all) first: its sector
    is the plan's submitting sector in the programme's figures."""
    intake_announced_on: PlanDate | None = None
    """Date the plan was announced to the coordinating insurer (the 2025 grace rule, domain.md §1)."""
    quick_test: QuickTest = Field(default_factory=QuickTest)
    full_plan: FullPlan = Field(default_factory=FullPlan)
    funding: FundingRequest | None = None
    """None when the plan asks for no transformation funds (only aligned contracting applies)."""
    publication: PublicationSummary | None = None

    @model_validator(mode="after")
    def _references_name_parties(self) -> Self:
        """A name that should point at a party of the plan must do so: a typo is caught on load."""
        problems: list[Issue] = []
        known: set[str] = set()
        for i, party in enumerate(self.parties):
            if party.name.casefold() in known:
                problems.append((("parties", i, "name"), _("party listed twice; list each party once"), party.name))
            known.add(party.name.casefold())
        if known:
            hint = _("is not one of the plan's parties; add it to `parties` or correct the name")
            for i, agreement in enumerate(self.full_plan.smart_agreements):
                if agreement.responsible and agreement.responsible.casefold() not in known:
                    loc = ("full_plan", "smart_agreements", i, "responsible")
                    problems.append((loc, hint, agreement.responsible))
            for i, line in enumerate(self.funding.lines if self.funding else []):
                if line.party.casefold() not in known:
                    problems.append((("funding", "lines", i, "party"), hint, line.party))
        if problems:
            raise refuse("Plan", problems)
        return self

    @property
    def sectors(self) -> list[Sector]:
        """Every sector the plan touches, through its parties or its funds request."""
        found = {party.sector for party in self.parties if party.sector}
        if self.funding:
            found.update(line.sector for line in self.funding.lines)
        return sorted(found)  # a sector is the string of its code: in the order of the codes

    @property
    def requests_funds(self) -> bool:
        return self.funding is not None

    def content(self) -> dict[str, Any]:
        """The plan's content as JSON data, without the version it was based on: what a stored
        version holds and what its content hash is taken over."""
        return self.model_dump(mode="json", exclude_defaults=True, exclude={"version"})
