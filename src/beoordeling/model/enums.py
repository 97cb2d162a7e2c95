"""The closed vocabularies of the framework, each member with its Dutch label.

Codes are what files store; labels are what letters and tables show. Where a list comes from the
framework the section is named (sections refer to the team's domain brief, which cites the
*Beoordelingskader* [BK], the IZA and the AZWA texts).
"""

from __future__ import annotations

from ._types import LabelledEnum

__all__ = [
    "CostCategory",
    "CostNature",
    "ImpactAspect",
    "Obligation",
    "PartyRole",
    "RegionalPlanKind",
    "Role",
    "Scale",
    "Sector",
    "Theme",
]


class Theme(LabelledEnum):
    """What a plan is about. MGN, ZC and S&C are the 2025 priority themes [KB-2026]; the rest follow
    the 2024 steering themes (domain.md §8.1 item 5)."""

    MGN = "mgn", "Mentale gezondheidsnetwerken (MGN)", "Mental health networks (MGN)"
    CARE_COORDINATION = "zorgcoordinatie", "Zorgcoördinatie (ZC)", "Care coordination (ZC)"
    SPREADING_CONCENTRATION = (
        "spreiding-en-concentratie",
        "Spreiding en concentratie (S&C)",
        "Spreading and concentration (S&C)",
    )
    APPROPRIATE_CARE = "passende-zorg", "Passende zorg", "Appropriate care"
    HOSPITAL_LANDSCAPE = (
        "ziekenhuislandschap",
        "Toekomstbestendig ziekenhuislandschap",
        "Future-proof hospital landscape",
    )
    DIGITAL_CARE = "digitale-zorg", "Digitale en hybride zorg", "Digital and hybrid care"
    PRIMARY_CARE = "eerstelijnszorg", "Eerstelijnszorg", "Primary care"
    CROSS_DOMAIN = (
        "domeinoverstijgend",
        "Domeinoverstijgende regionale samenwerking",
        "Cross-domain regional cooperation",
    )
    PALLIATIVE_CARE = "palliatieve-zorg", "Palliatieve zorg", "Palliative care"
    OTHER = "overig", "Overig", "Other"


class Scale(LabelledEnum):
    """The scale the partners choose for the plan (domain.md §3.1, §5.5)."""

    INDIVIDUAL = "individueel", "Individueel", "Individual"
    LOCAL = "lokaal", "Lokaal", "Local"
    REGIONAL = "regionaal", "Regionaal", "Regional"
    NATIONAL = "landelijk", "Landelijk", "National"


class PartyRole(LabelledEnum):
    """The role a party plays in a plan (domain.md §3.1, §3.5)."""

    CARE_PROVIDER = "zorgaanbieder", "Zorgaanbieder", "Care provider"
    PROFESSIONAL = "zorgprofessional", "Zorgprofessional", "Care professional"
    PATIENT_ORGANISATION = "patientenorganisatie", "Patiënten- of cliëntenorganisatie", "Patient or client organisation"
    INSURER = "zorgverzekeraar", "Zorgverzekeraar", "Health insurer"
    MUNICIPALITY = "gemeente", "Gemeente", "Municipality"
    SOCIAL_DOMAIN = "sociaal-domein", "Partij in het sociaal domein", "Party in the social domain"
    CARE_OFFICE = "zorgkantoor", "Zorgkantoor", "Care office (zorgkantoor)"
    OTHER = "overig", "Overig", "Other"


class Sector(LabelledEnum):
    """Care sectors, as the IZA earmarks and the statistics split them (domain.md §6.2, §7.3)."""

    MSZ = "msz", "Medisch-specialistische zorg (MSZ)", "Medical specialist care (MSZ)"
    GGZ = "ggz", "Geestelijke gezondheidszorg (GGZ)", "Mental health care (GGZ)"
    DISTRICT_NURSING = "wijkverpleging", "Wijkverpleging", "District nursing"
    GP_CARE = "huisartsenzorg", "Huisartsenzorg", "GP care"
    MDZ = "mdz", "Multidisciplinaire zorg (MDZ)", "Multidisciplinary care (MDZ)"
    WLZ = "wlz", "Langdurige zorg (Wlz)", "Long-term care (Wlz)"
    ELV_GRZ_GZSP = "elv-grz-gzsp", "ELV, GRZ en GZSP", "ELV, GRZ and GZSP"
    PARAMEDICAL = "paramedische-zorg", "Paramedische zorg", "Paramedical care"
    PHARMACY = "farmacie", "Farmacie", "Pharmacy"
    PUBLIC_HEALTH = "publieke-gezondheid", "Publieke gezondheid (GGD)", "Public health (GGD)"
    SOCIAL_DOMAIN = "sociaal-domein", "Sociaal domein", "Social domain"
    OTHER = "overig", "Overig", "Other"


class ImpactAspect(LabelledEnum):
    """The four aspects of the 'impactful' test; at least one must hold (domain.md §5.1, [BK])."""

    CARE_USE = "zorggebruik", "Zorggebruik in de Zorgverzekeringswet", "Care use under the Health Insurance Act"
    REDISTRIBUTION = (
        "profielkeuzes",
        "Regionale en/of landelijke herverdelingsvraagstukken (profielkeuzes)",
        "Regional or national redistribution (profile choices)",
    )
    STAFF = "inzet-personeel", "Inzet van zorgpersoneel", "Deployment of care staff"
    REAL_ESTATE = "zorgvastgoed", "Omvang van het zorgvastgoed", "Size of care real estate"


class RegionalPlanKind(LabelledEnum):
    """The plans a quick-test proposal relates to (domain.md §4.1 b, §5.2 item 1)."""

    REGIONAL_PLAN = "regioplan", "Regiobeeld of regioplan", "Regional picture or regional plan"
    ROAZ = "roaz", "ROAZ-beeld of ROAZ-plan", "ROAZ picture or ROAZ plan"
    PRIMARY_CARE_2030 = (
        "eerstelijn-2030",
        "Visie eerstelijnszorg 2030 en plan van aanpak",
        "Primary care vision 2030 and action plan",
    )
    OTHER = "overig", "Ander plan", "Another plan"


class Obligation(LabelledEnum):
    """What a milestone binds the participants to (domain.md §2, *mijlpaal*)."""

    EFFORT = "inspanning", "Inspanningsverplichting", "Best-efforts obligation"
    RESULT = "resultaat", "Resultaatsverplichting", "Obligation of result"


class CostNature(LabelledEnum):
    """Funds pay for one-off investments only (domain.md §5.6 item 2)."""

    ONE_OFF = "eenmalig", "Eenmalig", "One-off"
    STRUCTURAL = "structureel", "Structureel", "Structural"


class CostCategory(LabelledEnum):
    """Cost categories of a funds request, with what the framework says about funding them.

    ``fundable`` is True for what the funds may pay (domain.md §6.4), False for what the framework
    excludes (domain.md §5.4 item 6, §5.6 item 2), and None
    where the assessors must judge (plan-writing costs need prior agreement; 'other' needs a reason).
    """

    PHASE_OUT = "afbouw", "Afbouw en uitfasering van activiteiten", "Phasing out activities"
    DIVESTMENT = "desinvestering", "Desinvesteringen", "Divestments"
    START_UP = (
        "opstartkosten",
        "Opstartkosten die niet uit tarieven te dekken zijn",
        "Start-up costs that tariffs cannot cover",
    )
    REAL_ESTATE = "vastgoedtransformatie", "Transformatie van vastgoed", "Transformation of real estate"
    PLAN_WRITING = "planvorming", "Kosten van het opstellen van het plan", "Costs of writing the plan"
    STRUCTURAL = "structureel", "Structurele kosten", "Structural costs"
    SUSTAINABILITY_INVESTMENT = (
        "duurzaamheidsinvestering",
        "Duurzaamheidsinvesteringen (zonnepanelen, isolatie)",
        "Sustainability investments (solar panels, insulation)",
    )
    OTHER = "overig", "Overige kosten", "Other costs"

    @property
    def fundable(self) -> bool | None:
        return _FUNDABLE[self]

    @property
    def reference(self) -> str:
        """The section of the framework that decides whether this category may be funded."""
        return _COST_REFERENCE[self]


_FUNDABLE: dict[CostCategory, bool | None] = {
    CostCategory.PHASE_OUT: True,
    CostCategory.DIVESTMENT: True,
    CostCategory.START_UP: True,
    CostCategory.REAL_ESTATE: True,
    CostCategory.PLAN_WRITING: None,
    CostCategory.STRUCTURAL: False,
    CostCategory.SUSTAINABILITY_INVESTMENT: False,
    CostCategory.OTHER: None,
}

_COST_REFERENCE: dict[CostCategory, str] = {
    CostCategory.PHASE_OUT: "BK §5.6 lid 2; domain.md §6.4",
    CostCategory.DIVESTMENT: "BK §5.6 lid 2; domain.md §6.4",
    CostCategory.START_UP: "BK §5.6 lid 2; domain.md §6.4",
    CostCategory.REAL_ESTATE: "BK §5.6 lid 2; domain.md §6.4",
    CostCategory.PLAN_WRITING: "BK stap 2 (vooraf afgesproken met de marktleiders); domain.md §4.2",
    CostCategory.STRUCTURAL: "BK §5.6 lid 2 (geen structurele kosten); domain.md §5.6",
    CostCategory.SUSTAINABILITY_INVESTMENT: "BK §5.4 lid 6, voetnoot 6; domain.md §5.4",
    CostCategory.OTHER: "BK §5.6; domain.md §6.4",
}


class Role(LabelledEnum):
    """The role an actor acts in when something is recorded (domain.md §3, §9 'actors')."""

    SUBMITTER = "submitter", "Indiener", "Submitter"
    COORDINATING_INSURER = "coordinating-insurer", "Coördinerend zorgverzekeraar", "Coordinating insurer"
    MARKET_LEADER = "market-leader", "Marktleider zorgverzekeraar", "Market-leading insurer"
    OTHER_INSURER = "other-insurer", "Overige zorgverzekeraar", "Other insurer"
    NZA = "nza", "Nederlandse Zorgautoriteit (NZa)", "Dutch Healthcare Authority (NZa)"
    BO_IZA = "bo-iza", "Bestuurlijk Overleg IZA", "IZA steering council (BO IZA)"
    SYSTEM = "system", "Systeem", "System"
