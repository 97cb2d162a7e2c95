"""Composing a letter from the stored event it announces and nothing else.

A letter's content is a pure function of the store's record: the decision event, the plan version
it concerns, the plan's earlier events (and those appended in the same transaction), the policy
and, for a waiting-list notice, the queue as it stood. The same record always gives the same
letter, so a letter can be produced again, compared and verified. Texts are Dutch; every rule a
sentence applies names its section of the framework (domain.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .._dutch import day as _day
from .._dutch import euro as _euro
from ..criteria import Assessment, CriterionResult, Status
from ..model import PartyRole, Plan
from ..workflow import ClockName, PlanRecord, Policy, RunningClock, Trigger, local_date
from .content import (
    Addressee,
    AmountLine,
    ClockLine,
    CriterionLine,
    Decider,
    Letter,
    LetterSource,
    NextStep,
)
from .kinds import Audience, LetterKind

__all__ = ["compose"]


# --- composing -----------------------------------------------------------------------------------------


def compose(source: LetterSource, document: str, fingerprint: str, policy: Policy) -> Letter:
    """The letter ``source`` calls for."""
    event, plan, spec = source.event, source.plan, source.spec
    before = PlanRecord.replay(plan.id, source.earlier)
    on = local_date(event.occurred_at)
    assessment = _assessment(source)
    criteria = tuple(_criterion_line(c) for step in (assessment.steps if assessment else ()) for c in step.criteria)
    writer = _Writer(source, before, on, policy, criteria)
    decision, body, next_steps, amounts = writer.write()
    return Letter(
        kind=spec.kind,
        audience=spec.audience,
        document=document,
        fingerprint=fingerprint,
        dated=on,
        plan_id=plan.id,
        plan_title=plan.title,
        plan_version=event.plan_version,
        rules_version=event.rules_version,
        policy=event.payload.get("policy"),
        addressees=_addressees(plan, spec.audience),
        copies=_copies(plan, spec.audience),
        decision=decision,
        body=body,
        reason=event.reason,
        dates=_dates(before, _DATE_LABELS.get(spec.kind, "Datum besluit"), on),
        clock=_clock_line(before.clock, on) if spec.kind in _ANSWERS_A_CLOCK else None,
        criteria=criteria,
        criteria_note=_criteria_note(assessment, source),
        deciders=_deciders(plan, event.payload),
        overrides=tuple(c for c in criteria if c.override_reasons),
        must_change=writer.must_change(),
        must_change_title="Wat nog ontbreekt" if spec.kind is LetterKind.INFORMATION_REQUEST else "Wat moet veranderen",
        amounts=amounts,
        next_steps=next_steps,
        section=spec.section,
    )


_PROPOSALS = {
    Trigger.PROPOSE_APPROVAL: "het transformatieplan goed te keuren",
    Trigger.PROPOSE_REJECTION: "het transformatieplan niet goed te keuren",
    Trigger.PROPOSE_REWORK: "de indieners te vragen het transformatieplan aan te passen en opnieuw in te dienen",
}

_DATE_LABELS = {
    LetterKind.INFORMATION_REQUEST: "Datum verzoek",
    LetterKind.PROPOSED_DECISION: "Datum voorgenomen besluit",
    LetterKind.CONSULTATION: "Datum voorgenomen besluit",
    LetterKind.ESCALATION: "Voorgelegd aan het BO IZA",
    LetterKind.ESCALATION_RULING: "Datum uitspraak BO IZA",
}

_ANSWERS_A_CLOCK = (
    LetterKind.QUICK_TEST_POSITIVE,
    LetterKind.QUICK_TEST_NEGATIVE,
    LetterKind.INFORMATION_REQUEST,
    LetterKind.PROPOSED_DECISION,
    LetterKind.FINAL_DECISION,
)


def _assessment(source: LetterSource) -> Assessment | None:
    """The criteria result stored with the event; for a move without one, the latest stored before it."""
    for event in (source.event, *reversed(source.earlier)):
        stored = event.payload.get("assessment")
        if stored:
            return Assessment.from_dict(stored)
    return None


def _criteria_note(assessment: Assessment | None, source: LetterSource) -> str:
    if assessment is None:
        return "Voor dit besluit is geen toetsing aan de criteria vastgelegd."
    stored = source.event.payload.get("assessment")
    where = "bij dit besluit" if stored else "bij het laatste besluit over dit plan"
    return (
        f"Toetsing van versie {assessment.plan_version} aan de criteria {assessment.rules_stamp}, "
        f"geldend op {_day(assessment.on)}, vastgelegd {where}."
    )


def _criterion_line(result: CriterionResult) -> CriterionLine:
    status = result.status
    passed = {Status.PASS: True, Status.FAIL: False, Status.INCOMPLETE: False}.get(status)
    reasons = tuple(
        f"{j.organisation} ({j.assessor}): {j.reason}" for j in result.judgements if result.override and j.reason
    )
    missing = tuple(e.missing for e in result.evidence if e.present is False and e.missing)
    citation = f"{result.citation.reference} ({result.citation.section})"
    explanation = result.explanation
    carried = sorted({j.plan_version for j in result.judgements if j.carried_over and j.plan_version})
    if carried:
        versions = " en ".join(str(v) for v in carried)
        explanation += (
            f" Het oordeel is overgenomen van versie {versions}: wat dit criterium leest, is in de nieuwe versie "
            "niet gewijzigd."
        )
    return CriterionLine(
        result.id, result.title, result.step.label, status.label, passed, explanation, citation,
        result.citation.link, reasons, missing,
    )  # fmt: skip


def _addressees(plan: Plan, audience: Audience) -> tuple[Addressee, ...]:
    if audience is Audience.OTHER_INSURERS:
        return tuple(Addressee(name) for name in plan.insurers.others)
    found = []
    for party in plan.parties:
        if party.role is PartyRole.INSURER:
            continue
        contact = party.contact
        found.append(Addressee(party.name, contact.name if contact else None, contact.email if contact else None))
    return tuple(found)


def _copies(plan: Plan, audience: Audience) -> tuple[str, ...]:
    leaders = {name.casefold() for name in plan.insurers.market_leaders}
    copies = []
    if plan.insurers.coordinating and plan.insurers.coordinating.casefold() not in leaders:
        copies.append(f"{plan.insurers.coordinating} (coördinerend zorgverzekeraar)")
    if audience is Audience.OTHER_INSURERS:
        copies.append("de indieners")
    return tuple(copies)


def _deciders(plan: Plan, payload: dict[str, Any]) -> tuple[Decider, ...]:
    votes = {v["organisation"].casefold(): v for v in payload.get("votes", [])}
    found = []
    for name in plan.insurers.market_leaders:
        vote = votes.pop(name.casefold(), None)
        if vote is None:
            found.append(Decider(name))
        else:
            found.append(Decider(vote["organisation"], vote["person"], date.fromisoformat(vote["on"]), vote["reason"]))
    found.extend(
        Decider(v["organisation"], v["person"], date.fromisoformat(v["on"]), v["reason"]) for v in votes.values()
    )
    ruling = payload.get("ruling")
    if ruling:
        found.append(
            Decider(ruling["organisation"], ruling["person"], date.fromisoformat(ruling["on"]), ruling["reason"])
        )
    return tuple(found)


def _dates(before: PlanRecord, label: str, on: date) -> tuple[tuple[str, date], ...]:
    dates = []
    if before.submitted_on:
        dates.append(("Ingediend op", before.submitted_on))
    dates.append((label, on))
    return tuple(dates)


def _clock_line(clock: RunningClock | None, on: date) -> ClockLine | None:
    if clock is None:
        return None
    return ClockLine(clock.name.label, _CLOCK_SECTIONS[clock.name], clock.started_on, clock.due_on, on,
                     clock.suspended_on)  # fmt: skip


_CLOCK_SECTIONS = {
    ClockName.QUICK_TEST: "§4.1",
    ClockName.PROPOSED_DECISION: "§4.3",
    ClockName.CONSULTATION: "§3.4, §4.3",
    ClockName.FINAL_DECISION: "§4.3",
}


class _Writer:
    """The sentences of one letter: its decision, body, what happens next and the amounts."""

    def __init__(
        self, source: LetterSource, before: PlanRecord, on: date, policy: Policy, criteria: tuple[CriterionLine, ...]
    ) -> None:
        self.source, self.before, self.on, self.policy, self.criteria = source, before, on, policy, criteria
        self.plan = source.plan
        self.trigger = Trigger(source.event.type.removeprefix("workflow."))

    def write(self) -> tuple[str, tuple[str, ...], tuple[NextStep, ...], tuple[AmountLine, ...]]:
        kind = self.source.spec.kind
        method = getattr(self, "_" + kind.name.lower())
        decision, body, steps = method()
        ruling = self.source.event.payload.get("ruling")
        if ruling:
            body = [
                f"De twee marktleidende zorgverzekeraars waren het over dit besluit niet eens; "
                f"{ruling.get('escalated_by') or 'een van hen'} heeft het voorgelegd aan het Bestuurlijk Overleg IZA "
                f"(BO IZA). Het BO IZA heeft op {_day(date.fromisoformat(ruling['on']))} dit besluit bevestigd: "
                f"{ruling['reason']}",
                *body,
            ]
        return decision, tuple(body), tuple(steps), self._amounts()

    # --- escalation to the BO IZA ------------------------------------------------------------------

    def _escalation(self) -> tuple[str, list[str], list[NextStep]]:
        escalation = self.source.event.payload.get("escalation") or {}
        views = "; ".join(
            f"{v['organisation']}: {Trigger(v['trigger']).label.lower()}" for v in escalation.get("votes", [])
        )
        who = self.source.event.actor.organisation
        body = [
            f"De twee marktleidende zorgverzekeraars, die samen over uw plan besluiten, zijn het niet eens geworden "
            f"({views}). {who} heeft het verschil daarom voorgelegd aan het Bestuurlijk Overleg IZA (BO IZA), het "
            "escalatieorgaan van de partijen van het Integraal Zorgakkoord. De reden staat onder 'Toelichting'.",
            "Het BO IZA bevestigt het besluit van een van beide marktleiders, of vraagt hen opnieuw samen te "
            "besluiten.",
        ]
        due = escalation.get("due_on")
        steps = [NextStep("Het BO IZA doet uitspraak; u ontvangt daarover bericht, uiterlijk op",
                          date.fromisoformat(due) if due else None)]  # fmt: skip
        return "Uw transformatieplan is voorgelegd aan het BO IZA.", body, steps

    def _escalation_ruling(self) -> tuple[str, list[str], list[NextStep]]:
        body = [
            "Het Bestuurlijk Overleg IZA (BO IZA) heeft het verschil van inzicht tussen de marktleidende "
            "zorgverzekeraars over uw plan beoordeeld en bevestigt geen van beide besluiten. Het vraagt de "
            "marktleiders opnieuw samen te besluiten; de reden staat onder 'Toelichting'.",
        ]
        steps = [NextStep("De marktleidende zorgverzekeraars nemen opnieuw samen een besluit en laten u dat weten.")]
        return "Het BO IZA vraagt de marktleiders opnieuw te besluiten.", body, steps

    # --- one method per kind of letter ---------------------------------------------------------------

    def _quick_test_positive(self) -> tuple[str, list[str], list[NextStep]]:
        body = [
            "De marktleidende zorgverzekeraars hebben uw voorstel beoordeeld met de snelle toets (stap 1 van het "
            "Beoordelingskader, §4.1). Zij vinden het een impactvolle transformatie die kan slagen.",
            "Een positieve snelle toets betekent nog geen toekenning van geld: het transformatieplan moet nog worden "
            "uitgewerkt en goedgekeurd (§4.1).",
        ]
        steps = [NextStep("Werk het transformatieplan samen met de marktleidende zorgverzekeraars uit en dien het "
                          "in (stap 2 en 3, §4.2). Het kader noemt voor het uitwerken geen termijn.")]  # fmt: skip
        return "Uw voorstel is positief beoordeeld in de snelle toets.", body, [*steps, *self._policy_deadlines()]

    def _quick_test_negative(self) -> tuple[str, list[str], list[NextStep]]:
        body = [
            "De marktleidende zorgverzekeraars hebben uw voorstel beoordeeld met de snelle toets (stap 1, §4.1). "
            "Het voorstel voldoet niet aan de voorwaarden van het Beoordelingskader; de redenen staan hieronder.",
        ]
        steps = [NextStep("U kunt het idee buiten het kader uitwerken met individuele afspraken tussen "
                          "zorgaanbieders en zorgverzekeraars, zonder transformatiemiddelen (§4.1).")]  # fmt: skip
        return "Uw voorstel is negatief beoordeeld in de snelle toets.", body, steps

    def _information_request(self) -> tuple[str, list[str], list[NextStep]]:
        after = self._after_clock()
        body = ["Om de snelle toets af te ronden hebben de zorgverzekeraars meer informatie van u nodig (§4.1). "
                "Wat zij vragen staat onder 'Toelichting'."]  # fmt: skip
        coordinating = self.plan.insurers.coordinating or "de coördinerend zorgverzekeraar"
        steps = [NextStep(f"Lever de gevraagde informatie aan bij {coordinating}. Het kader noemt hiervoor geen "
                          "termijn (domain.md §10).")]  # fmt: skip
        if after is not None and after.suspended_on is not None:
            steps.append(NextStep("De termijn van de snelle toets staat stil tot u de informatie levert (beleid: "
                                  "het kader zegt niet of de termijn stilstaat, §4.8)."))  # fmt: skip
        elif after is not None:
            steps.append(NextStep("De termijn van de snelle toets loopt door (beleid, §4.8); de uitslag volgt "
                                  "uiterlijk op", after.due_on))  # fmt: skip
        return "De zorgverzekeraars vragen om nadere informatie.", body, steps

    def _proposed_decision(self) -> tuple[str, list[str], list[NextStep]]:
        what = _PROPOSALS[self.trigger]
        body = [
            f"De marktleidende zorgverzekeraars zijn voornemens {what} (stap 3, §4.3). Dit is nog geen definitief "
            "besluit.",
            "Zij informeren tegelijk de overige zorgverzekeraars, die twee weken hebben om vragen te stellen of "
            "onduidelijke of onvolledige onderdelen te benoemen (§3.4, §4.3).",
        ]
        return f"Voorgenomen besluit: {what}.", body, self._consultation_steps()

    def _consultation(self) -> tuple[str, list[str], list[NextStep]]:
        proposal = next((e for e in reversed(self.source.earlier) if e.type.startswith("workflow.propose-")), None)
        what = _PROPOSALS[Trigger(proposal.type.removeprefix("workflow."))] if proposal else "een besluit te nemen"
        body = [
            f"De marktleidende zorgverzekeraars zijn voornemens {what} (voorgenomen besluit, §4.3). Het plan en "
            "de toetsing aan de criteria staan hieronder.",
            "Als overige zorgverzekeraar kunt u binnen twee weken vragen stellen of onduidelijke of onvolledige "
            "onderdelen benoemen, voor zover relevant voor uw volgend gedrag (§3.4). Over het plan beslissen de "
            "marktleiders (§3.2).",
        ]
        return f"Voorgenomen besluit ter consultatie: {what}.", body, self._consultation_steps()

    def _final_decision(self) -> tuple[str, list[str], list[NextStep]]:
        if self.trigger is Trigger.APPROVE:
            body = ["De marktleidende zorgverzekeraars hebben uw transformatieplan goedgekeurd (§4.3)."]
            steps = self._approved_steps()
            return "Uw transformatieplan is goedgekeurd.", body, steps
        if self.trigger is Trigger.REJECT:
            body = ["De marktleidende zorgverzekeraars hebben uw transformatieplan niet goedgekeurd (§4.3). De "
                    "redenen staan hieronder."]  # fmt: skip
            steps = [
                NextStep("Afspraken met zorgverzekeraars buiten het kader blijven mogelijk, zonder "
                         "transformatiemiddelen."),
                NextStep("Escalatie is mogelijk via het Bestuurlijk Overleg IZA (§4.3)."),
            ]  # fmt: skip
            return "Uw transformatieplan is niet goedgekeurd.", body, steps
        body = [
            "Het plan voldoet (nog) niet aan alle voorwaarden, maar de transformatie is wenselijk of nodig. U kunt het "
            "plan samen met de zorgverzekeraars aanpassen en opnieuw indienen (§4.3). Wat moet veranderen staat "
            "hieronder.",
        ]
        weeks = self.policy.clock(ClockName.PROPOSED_DECISION).weeks
        steps = [NextStep(f"Dien het aangepaste plan opnieuw in; daarna volgt binnen {weeks} weken een nieuw "
                          "voorgenomen besluit (§4.3).")]  # fmt: skip
        return "Pas uw transformatieplan aan en dien het opnieuw in.", body, [*steps, *self._policy_deadlines()]

    def _milestone_decision(self) -> tuple[str, list[str], list[NextStep]]:
        milestone = self._milestone()
        name = f"mijlpaal {milestone.id}" if milestone else "de mijlpaal"
        if self.trigger is Trigger.MILESTONE_MET:
            decision = f"De zorgverzekeraars stellen vast dat {name} is behaald."
            body = ["Betaling volgt op het realiseren van de afgesproken transformatieafspraken, per mijlpaal (§4.5)."]
            steps = []
            if milestone is not None:
                steps.append(NextStep(f"De betaling voor {name} is verschuldigd: {_euro(milestone.amount)}."))
        else:
            decision = f"De zorgverzekeraars stellen vast dat {name} niet is behaald."
            body = ["Voor deze mijlpaal wordt niet betaald. Eerder betaalde middelen worden niet teruggevorderd of "
                    "verrekend (§4.5)."]  # fmt: skip
            steps = []
        following = self._next_milestone(milestone.id if milestone else None)
        if following is not None:
            steps.append(NextStep(f"Volgende mijlpaal: {following.id} ({_euro(following.amount)}). Meld deze "
                                  "wanneer zij is behaald.", following.due))  # fmt: skip
        return decision, body, steps

    def _waiting_list(self) -> tuple[str, list[str], list[NextStep]]:
        position = self.source.queue_position
        where = f"op plaats {position} van" if position else "op"
        body = [
            "Uw plan is goedgekeurd, maar de beschikbare transformatiemiddelen zijn op dit moment niet toereikend "
            "(toets van de NZa, §3.6).",
            f"Uw plan staat daarom {where} de wachtrij. De volgorde is wie het eerst komt, wie het eerst maalt (§4.4).",
        ]
        steps = [NextStep("Komen er middelen vrij, dan schuift het bovenste plan van de wachtrij automatisch door "
                          "naar financiering; u ontvangt dan bericht (§4.4).")]  # fmt: skip
        return f"Uw plan is geplaatst {where} de wachtrij.", body, steps

    def _funding(self) -> tuple[str, list[str], list[NextStep]]:
        total = self.plan.funding.total if self.plan.funding else Decimal("0.00")
        body = [
            f"Na de toets van de NZa op de beschikbare middelen (§3.6) worden voor uw plan transformatiemiddelen "
            f"toegekend tot een bedrag van {_euro(total)} (§4.4).",
            "Betaling volgt per mijlpaal, nadat de mijlpaal is behaald (§4.5).",
        ]
        steps = [NextStep("Start de implementatie en meld elke mijlpaal wanneer zij is behaald (§4.5).")]
        first = self._next_milestone(None)
        if first is not None:
            steps.append(NextStep(f"Eerste mijlpaal: {first.id} ({_euro(first.amount)}).", first.due))
        return f"Er worden transformatiemiddelen toegekend: {_euro(total)}.", body, steps

    # --- shared pieces -----------------------------------------------------------------------------------

    def _after_clock(self) -> RunningClock | None:
        record = PlanRecord.replay(self.plan.id, [*self.source.earlier, self.source.event, *self.source.same_action])
        return record.clock

    def _consultation_steps(self) -> list[NextStep]:
        clock = self._after_clock()
        if clock is None or clock.name is not ClockName.CONSULTATION:
            return [NextStep("De consultatie van de overige zorgverzekeraars volgt (§4.3).")]
        final = clock.due_on + timedelta(weeks=self.policy.clock(ClockName.FINAL_DECISION).weeks)
        return [
            NextStep("Reacties van de overige zorgverzekeraars tot en met", clock.due_on),
            NextStep("Definitief besluit van de marktleidende zorgverzekeraars uiterlijk op (§4.3)",
                     self.policy.due(final)),
        ]  # fmt: skip

    def _approved_steps(self) -> list[NextStep]:
        steps = [NextStep("De zorgverzekeraars publiceren een samenvatting van het plan op "
                          "www.dejuistezorgopdejuisteplek.nl (§4.5).")]  # fmt: skip
        if self.plan.requests_funds:
            steps.insert(
                0,
                NextStep(
                    "De NZa toetst of uw aanvraag past binnen de beschikbare transformatiemiddelen. "
                    "U ontvangt bericht over financiering of plaatsing op de wachtrij (§3.6, §4.4)."
                ),
            )
        else:
            steps.insert(0, NextStep("Uw plan vraagt geen transformatiemiddelen: u kunt met de implementatie "
                                     "beginnen (§4.5)."))  # fmt: skip
        return steps

    def _policy_deadlines(self) -> list[NextStep]:
        return [
            NextStep(f"{rule.title} ({rule.section}): uiterste datum", rule.deadline)
            for rule in self.policy.deadlines(self.plan.theme, self.on)
            if rule.deadline and rule.deadline >= self.on
        ]

    def _milestone(self) -> Any:
        wanted = self.source.event.payload.get("milestone")
        return next((m for m in self._milestones() if m.id == wanted), None)

    def _milestones(self) -> list[Any]:
        return list(self.plan.funding.milestones) if self.plan.funding else []

    def _next_milestone(self, after: str | None) -> Any:
        decided = set(self.before.milestones) | ({after} if after else set())
        return next((m for m in sorted(self._milestones(), key=lambda m: m.due) if m.id not in decided), None)

    def _amounts(self) -> tuple[AmountLine, ...]:
        kind = self.source.spec.kind
        if kind is LetterKind.MILESTONE_DECISION:
            milestone = self._milestone()
            if milestone is None:
                return ()
            met = self.trigger is Trigger.MILESTONE_MET
            note = "verschuldigd" if met else "niet verschuldigd"
            return (AmountLine(f"Mijlpaal {milestone.id}: {milestone.description}", milestone.amount, milestone.due,
                               note),)  # fmt: skip
        if kind in (LetterKind.FUNDING, LetterKind.WAITING_LIST) and self.plan.funding:
            return tuple(
                AmountLine(f"Mijlpaal {m.id}: {m.description}", m.amount, m.due)
                for m in sorted(self.plan.funding.milestones, key=lambda m: m.due)
            )
        return ()

    def must_change(self) -> tuple[str, ...]:
        """For a rework or an information request: the reason and every criterion that blocks, with what
        to supply."""
        if self.trigger not in (Trigger.REQUEST_REWORK, Trigger.PROPOSE_REWORK, Trigger.REQUEST_INFO):
            return ()
        found: list[str] = []
        for c in self.criteria:
            if c.missing:
                found.extend(f"{c.id} {c.title}: {item}" for item in c.missing)
            elif c.passed is False:
                found.append(f"{c.id} {c.title}: {c.explanation}")
        return tuple(dict.fromkeys(found))
