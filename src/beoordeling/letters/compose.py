"""Composing a letter from the stored event it announces and nothing else.

A letter's content is a pure function of the store's record: the decision event, the plan version
it concerns, the plan's earlier events (and those appended in the same transaction), the policy
and, for a waiting-list notice, the queue as it stood; who sends and signs it comes from the
organisation profiles. The same record always gives the same letter, so a letter can be produced
again, compared and verified. Texts are Dutch and cite the framework as an addressee knows it (its
steps and conditions); the code comments name the section of the domain brief each rule comes from.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .._dutch import day as _day
from .._dutch import euro as _euro
from ..criteria import Assessment, CriterionResult, Status
from ..model import PartyRole, Plan, PlanState
from ..money.spuk import milestone_shares
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
    Sender,
    Signature,
)
from .kinds import Audience, LetterKind
from .pdf import register_logo
from .profiles import Profiles, default_profiles

__all__ = ["compose"]


# --- composing -----------------------------------------------------------------------------------------


def compose(
    source: LetterSource, document: str, fingerprint: str, policy: Policy, profiles: Profiles | None = None
) -> Letter:
    """The letter ``source`` calls for."""
    profiles = profiles or default_profiles()
    event, plan, spec = source.event, source.plan, source.spec
    before = PlanRecord.replay(plan.id, source.earlier)
    on = local_date(event.occurred_at)
    assessment = _assessment(source)
    final = spec.kind in _ENDS_A_STEP
    criteria = tuple(
        _criterion_line(c, final) for step in (assessment.steps if assessment else ()) for c in step.criteria
    )
    writer = _Writer(source, before, on, policy, criteria)
    decision, body, next_steps, amounts = writer.write()
    senders = _sender_names(source)
    contact = plan.insurers.coordinating or (senders[0] if senders else None)
    if spec.kind in (LetterKind.FUNDING, LetterKind.WAITING_LIST, LetterKind.ESCALATION_RULING):
        contact = senders[0] if senders else contact  # questions about the NZa's or the BO IZA's decision go there
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
        addressees=_addressees(plan, spec.audience, profiles),
        copies=_copies(plan, spec.audience),
        decision=decision,
        body=body,
        reason=event.reason,
        dates=_dates(before, _DATE_LABELS.get(spec.kind, "Datum besluit"), on),
        clock=_clock_line(before.clock, on, policy) if spec.kind in _ANSWERS_A_CLOCK else None,
        criteria=criteria,
        criteria_note=_criteria_note(assessment, source),
        deciders=_deciders(plan, event.payload),
        overrides=tuple(c for c in criteria if c.override_reasons),
        must_change=writer.must_change(),
        must_change_title="Wat nog ontbreekt" if spec.kind is LetterKind.INFORMATION_REQUEST else "Wat moet veranderen",
        amounts=amounts,
        next_steps=next_steps,
        framework=spec.framework,
        senders=tuple(_sender(name, profiles) for name in senders),
        senders_are_examples=profiles.example,
        signatures=tuple(_signature(name, profiles) for name in senders),
        signed_by_market_leaders=spec.by_market_leaders,
        grounds=writer.grounds(),
        questions=profiles.questions_paragraph(contact, escalation=writer.trigger is Trigger.REJECT),
        check=_check(contact, profiles),
    )


def _sender_names(source: LetterSource) -> list[str]:
    """Who the letter is from: the two market leaders for their decisions; otherwise the organisation
    that acted (the NZa, the BO IZA, the insurer that asked for information or escalated), or the one
    the system acted for (the NZa, when the waiting list funds its head by itself)."""
    if source.spec.by_market_leaders and source.plan.insurers.market_leaders:
        return list(source.plan.insurers.market_leaders)
    payload = source.event.payload
    ruling, behalf = payload.get("ruling"), payload.get("on_behalf_of")
    return [str(ruling["organisation"]) if ruling else str(behalf) if behalf else source.event.actor.organisation]


def _sender(name: str, profiles: Profiles) -> Sender:
    profile = profiles.find(name)
    if profile is None:
        return Sender(name)
    contact = profile.contact
    logo = profiles.logo(profile.name)
    return Sender(
        profile.name, profile.department, tuple(profile.visiting_address), tuple(profile.postal_address),
        contact.name if contact else None, contact.phone if contact else None, contact.email if contact else None,
        register_logo(logo.data, logo.mime) if logo else None,
    )  # fmt: skip


def _signature(name: str, profiles: Profiles) -> Signature:
    profile = profiles.find(name)
    signatory = profile.signatory if profile else None
    if signatory is None:
        return Signature(profile.name if profile else name)
    return Signature(profile.name if profile else name, signatory.name, signatory.function)


def _check(organisation: str | None, profiles: Profiles) -> str:
    profile = profiles.find(organisation)
    contact = profile.contact if profile else None
    who = f"{contact.name} van {profile.name}" if profile and contact else (organisation or "de afzender")
    email = f" ({contact.email})" if contact and contact.email else ""
    return (
        f"Twijfelt u of deze brief echt is, of wilt u weten op welk dossier hij berust? Vraag het {who}{email} "
        "en noem het kenmerk: zij controleren de brief tegen het vastgelegde besluit."
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
        f"Versie {assessment.plan_version} van het plan is getoetst aan de criteria van het Beoordelingskader "
        f"zoals die golden op {_day(assessment.on)}; de toetsing is vastgelegd {where}."
    )


_ENDS_A_STEP = (LetterKind.QUICK_TEST_POSITIVE, LetterKind.QUICK_TEST_NEGATIVE, LetterKind.FINAL_DECISION)
"""Decisions that close a step: a criterion nobody judged did not decide them, and is not 'pending'."""


def _criterion_line(result: CriterionResult, final: bool = False) -> CriterionLine:
    status = result.status
    passed = {Status.PASS: True, Status.FAIL: False, Status.INCOMPLETE: False}.get(status)
    outcome = "niet beoordeeld" if final and status is Status.NEEDS_JUDGEMENT else status.label
    reasons = tuple(
        f"{j.organisation} ({j.assessor}): {j.reason}" for j in result.judgements if result.override and j.reason
    )
    missing = tuple(e.missing for e in result.evidence if e.present is False and e.missing)
    citation = result.citation.reference  # the framework's own words; the section is the code's
    explanation = result.explanation
    carried = sorted({j.plan_version for j in result.judgements if j.carried_over and j.plan_version})
    if carried:
        versions = " en ".join(str(v) for v in carried)
        explanation += (
            f" Het oordeel is overgenomen van versie {versions}: wat dit criterium leest, is in de nieuwe versie "
            "niet gewijzigd."
        )
    if final and status is Status.NEEDS_JUDGEMENT:
        explanation += " Het besluit is genomen zonder dat dit criterium is beoordeeld."
    return CriterionLine(
        result.id, result.title, result.step.label, outcome, passed, explanation, citation,
        result.citation.link, reasons, missing,
    )  # fmt: skip


def _addressees(plan: Plan, audience: Audience, profiles: Profiles) -> tuple[Addressee, ...]:
    if audience is Audience.MUNICIPALITIES:
        return tuple(
            Addressee(
                party.name,
                party.contact.name if party.contact else None,
                party.contact.email if party.contact else None,
                party.address.lines() if party.address else (),
            )
            for party in plan.parties
            if party.role is PartyRole.MUNICIPALITY
        )
    if audience is Audience.OTHER_INSURERS:
        found = []
        for name in plan.insurers.others:
            profile = profiles.find(name)
            found.append(Addressee(name, address=tuple(profile.postal_address) if profile else ()))
        return tuple(found)
    return tuple(
        Addressee(
            party.name,
            party.contact.name if party.contact else None,
            party.contact.email if party.contact else None,
            party.address.lines() if party.address else (),
        )
        for party in plan.parties
        if party.role is not PartyRole.INSURER
    )


def _copies(plan: Plan, audience: Audience) -> tuple[str, ...]:
    leaders = {name.casefold() for name in plan.insurers.market_leaders}
    copies = []
    if plan.insurers.coordinating and plan.insurers.coordinating.casefold() not in leaders:
        copies.append(f"{plan.insurers.coordinating} (coördinerend zorgverzekeraar)")
    if audience is Audience.OTHER_INSURERS:
        copies.append("de indieners")
    if audience is Audience.MUNICIPALITIES:
        copies += ["de marktleidende zorgverzekeraars", "DUS-I (uitvoering specifieke uitkering)"]
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


def _clock_line(clock: RunningClock | None, on: date, policy: Policy) -> ClockLine | None:
    if clock is None:
        return None
    reference = policy.clock(clock.name).reference  # "Beoordelingskader, stap 1 (snelle toets binnen vier weken)"
    return ClockLine(clock.name.label, reference, clock.started_on, clock.due_on, on, clock.suspended_on)


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

    # --- escalation to the BO IZA (domain brief §3.8) ----------------------------------------------

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
        steps = [NextStep(f"Het BO IZA doet uitspraak uiterlijk op {_day(date.fromisoformat(due))}; u ontvangt "
                          "daarover bericht." if due else "Het BO IZA doet uitspraak; u ontvangt daarover bericht.",
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

    def _quick_test_positive(self) -> tuple[str, list[str], list[NextStep]]:  # domain brief §4.1
        body = [
            "De marktleidende zorgverzekeraars hebben uw voorstel beoordeeld met de snelle toets, stap 1 van het "
            "Beoordelingskader. Zij vinden het een impactvolle transformatie die kan slagen.",
            "Een positieve snelle toets betekent nog geen toekenning van geld: het transformatieplan moet nog worden "
            "uitgewerkt en goedgekeurd.",
        ]
        steps = [NextStep("Werk het transformatieplan samen met de marktleidende zorgverzekeraars uit en dien het "
                          "in (stap 2 en 3 van het Beoordelingskader). Het Beoordelingskader stelt voor het "
                          "uitwerken geen termijn.")]  # fmt: skip
        return "Uw voorstel is positief beoordeeld in de snelle toets.", body, [*steps, *self._policy_deadlines()]

    def _quick_test_negative(self) -> tuple[str, list[str], list[NextStep]]:  # domain brief §4.1
        body = [
            "De marktleidende zorgverzekeraars hebben uw voorstel beoordeeld met de snelle toets, stap 1 van het "
            "Beoordelingskader. Het voorstel voldoet niet aan de voorwaarden van het Beoordelingskader; de redenen "
            "staan hieronder.",
        ]
        steps = [NextStep("U kunt het idee buiten het Beoordelingskader uitwerken met individuele afspraken "
                          "tussen zorgaanbieders en zorgverzekeraars, zonder transformatiemiddelen.")]  # fmt: skip
        return "Uw voorstel is negatief beoordeeld in de snelle toets.", body, steps

    def _information_request(self) -> tuple[str, list[str], list[NextStep]]:  # domain brief §4.1, §4.8
        after = self._after_clock()
        body = ["Om de snelle toets af te ronden hebben de zorgverzekeraars meer informatie van u nodig. Wat zij "
                "vragen staat onder 'Toelichting'."]  # fmt: skip
        coordinating = self.plan.insurers.coordinating or self.source.event.actor.organisation
        answer_by = self.policy.due(self.on + timedelta(weeks=self.policy.clocks.answer_weeks))
        steps = [NextStep(f"Lever de gevraagde informatie uiterlijk op {_day(answer_by)} aan bij {coordinating} "
                          "(de contactgegevens staan boven deze brief).", answer_by)]  # fmt: skip
        if after is not None and after.suspended_on is not None:
            steps.append(NextStep("De termijn van de snelle toets staat stil vanaf vandaag tot u de informatie "
                                  "levert; daarna loopt hij verder."))  # fmt: skip
        elif after is not None:
            steps.append(NextStep(f"De termijn van de snelle toets loopt door; de uitslag volgt uiterlijk op "
                                  f"{_day(after.due_on)}.", after.due_on))  # fmt: skip
        return "De zorgverzekeraars vragen om nadere informatie.", body, steps

    def _proposed_decision(self) -> tuple[str, list[str], list[NextStep]]:  # domain brief §4.3, §3.4
        what = _PROPOSALS[self.trigger]
        body = [
            f"De marktleidende zorgverzekeraars zijn voornemens {what} (stap 3 van het Beoordelingskader). Dit is "
            "nog geen definitief besluit.",
            "Zij informeren tegelijk de overige zorgverzekeraars, die twee weken hebben om vragen te stellen of "
            "onduidelijke of onvolledige onderdelen te benoemen.",
        ]
        return f"Voorgenomen besluit: {what}{self._requested()}.", body, self._consultation_steps()

    def _consultation(self) -> tuple[str, list[str], list[NextStep]]:  # domain brief §3.4, §4.3
        proposal = next((e for e in reversed(self.source.earlier) if e.type.startswith("workflow.propose-")), None)
        what = _PROPOSALS[Trigger(proposal.type.removeprefix("workflow."))] if proposal else "een besluit te nemen"
        body = [
            f"De marktleidende zorgverzekeraars zijn voornemens {what}. Het plan en de toetsing aan de criteria "
            "staan in de bijlage.",
            "Als overige zorgverzekeraar kunt u binnen twee weken vragen stellen of onduidelijke of onvolledige "
            "onderdelen benoemen, voor zover die relevant zijn voor uw eigen inkoop. Over het plan beslissen de "
            "marktleidende zorgverzekeraars.",
        ]
        return f"Voorgenomen besluit ter consultatie: {what}.", body, self._consultation_steps()

    def _final_decision(self) -> tuple[str, list[str], list[NextStep]]:  # domain brief §4.3
        if self.trigger is Trigger.APPROVE:
            body = ["De marktleidende zorgverzekeraars hebben uw transformatieplan goedgekeurd (stap 3 van het "
                    "Beoordelingskader)."]  # fmt: skip
            return f"Uw transformatieplan is goedgekeurd{self._requested()}.", body, self._approved_steps()
        if self.trigger is Trigger.REJECT:
            body = ["De marktleidende zorgverzekeraars hebben uw transformatieplan niet goedgekeurd. De redenen "
                    "staan hieronder."]  # fmt: skip
            steps = [NextStep("Afspraken met zorgverzekeraars buiten het Beoordelingskader blijven mogelijk, zonder "
                              "transformatiemiddelen.")]  # fmt: skip
            return "Uw transformatieplan is niet goedgekeurd.", body, steps
        body = [
            "Het plan voldoet (nog) niet aan alle voorwaarden, maar de transformatie is wenselijk of nodig. U kunt het "
            "plan samen met de zorgverzekeraars aanpassen en opnieuw indienen. Wat moet veranderen staat hieronder.",
        ]
        weeks = self.policy.clock(ClockName.PROPOSED_DECISION).weeks
        steps = [NextStep(f"Dien het aangepaste plan opnieuw in; daarna volgt binnen {weeks} weken een nieuw "
                          "voorgenomen besluit.")]  # fmt: skip
        return "Pas uw transformatieplan aan en dien het opnieuw in.", body, [*steps, *self._policy_deadlines()]

    def _milestone_decision(self) -> tuple[str, list[str], list[NextStep]]:  # domain brief §4.5
        milestone = self._milestone()
        name = f"mijlpaal {milestone.id}" if milestone else "de mijlpaal"
        steps = []
        if self.trigger is Trigger.MILESTONE_MET:
            decision = f"De zorgverzekeraars stellen vast dat {name} is behaald."
            body = ["Betaling volgt op het realiseren van de gemaakte transformatieafspraken, per mijlpaal."]
            if milestone is not None:
                payer = self.plan.insurers.coordinating or "de zorgverzekeraars van het plan"
                by = self.policy.due(self.on + timedelta(weeks=self.policy.clocks.payment_weeks))
                settled = Decimal(milestone_shares(self.plan, self.before.advance).get(milestone.id, 0)) / 100
                paid = milestone.amount - settled
                decision = (f"De zorgverzekeraars stellen vast dat {name} is behaald: {payer} betaalt "
                            f"{_euro(paid)} uiterlijk op {_day(by)}.")  # fmt: skip
                steps.append(NextStep(f"{payer} betaalt {_euro(paid)} voor {name} uiterlijk op "
                                      f"{_day(by)}.", by))  # fmt: skip
                if settled:
                    body.append(f"Het deel van de gemeenten, {_euro(settled)}, is met hun voorschot op de "
                                "specifieke uitkering verrekend.")  # fmt: skip
        else:
            decision = f"De zorgverzekeraars stellen vast dat {name} niet is behaald."
            body = ["Voor deze mijlpaal wordt niet betaald. Eerder betaalde middelen worden niet teruggevorderd of "
                    "verrekend."]  # fmt: skip
        following = self._next_milestone(milestone.id if milestone else None)
        if following is not None:
            steps.append(NextStep(f"De volgende mijlpaal is {following.id} ({_euro(following.amount)}), gepland op "
                                  f"{_day(following.due)}. Meld die mijlpaal zodra hij is behaald.",
                                  following.due))  # fmt: skip
        return decision, body, steps

    def _waiting_list(self) -> tuple[str, list[str], list[NextStep]]:  # domain brief §3.6, §4.4
        position = self.source.queue_position
        where = f"op plaats {position} van" if position else "op"
        total = self.plan.funding.total if self.plan.funding else Decimal("0.00")
        body = [
            "Uw plan is goedgekeurd, maar de beschikbare transformatiemiddelen zijn op dit moment niet toereikend "
            f"voor de gevraagde {_euro(total)}. Dat blijkt uit de toets van de NZa op de beschikbare middelen.",
            f"Uw plan staat daarom {where} de wachtrij. De volgorde is wie het eerst komt, wie het eerst maalt.",
        ]
        ahead = self.source.event.payload.get("ahead")
        if position and position > 1 and isinstance(ahead, str):
            body.append(f"De plannen die vóór uw plan staan, vragen samen {_euro(Decimal(ahead))}.")
        steps = [NextStep("Komen er middelen vrij, dan komt het eerstvolgende plan op de wachtrij voor financiering "
                          "in aanmerking; u ontvangt dan bericht.")]  # fmt: skip
        return f"Uw plan is geplaatst {where} de wachtrij.", body, steps

    def _funding(self) -> tuple[str, list[str], list[NextStep]]:  # domain brief §3.6, §4.4, §4.5
        total = self.plan.funding.total if self.plan.funding else Decimal("0.00")
        body = [
            "Na de toets van de NZa op de beschikbare middelen worden voor uw plan transformatiemiddelen toegekend "
            f"tot een bedrag van {_euro(total)}.",
            "Betaling volgt per mijlpaal, nadat de mijlpaal is behaald.",
        ]
        if self.source.event.payload.get("promoted"):
            body.insert(0, "Uw plan stond op de wachtrij. Er zijn transformatiemiddelen vrijgekomen en uw plan was het "
                           "eerstvolgende waarvoor ze toereikend zijn; het is daarom nu gefinancierd.")  # fmt: skip
        steps = [NextStep("Start de implementatie en meld elke mijlpaal zodra hij is behaald.")]
        first = self._next_milestone(None)
        if first is not None:
            steps.append(NextStep(f"De eerste mijlpaal is {first.id} ({_euro(first.amount)}), gepland op "
                                  f"{_day(first.due)}.", first.due))  # fmt: skip
        return f"Er worden transformatiemiddelen toegekend: {_euro(total)}.", body, steps

    def _repayment(self) -> tuple[str, list[str], list[NextStep]]:  # domain brief §4.7
        payload = self.source.event.payload
        amount = Decimal(str(payload.get("amount", "0")))
        milestone = self._milestone()
        who = " en ".join(payload.get("municipalities") or []) or "de gemeente"
        regulation = "de Regeling specifieke uitkering transformatiemiddelen IZA (artikel 10)"
        if milestone is not None:
            decision = (
                f"{who} betaalt {_euro(amount)} van het voorschot terug, omdat mijlpaal {milestone.id} niet is behaald."
            )
            body = [
                f"De marktleidende zorgverzekeraars hebben vastgesteld dat mijlpaal {milestone.id} "
                f"({milestone.description}) niet is behaald. Het deel van het voorschot op de specifieke uitkering "
                f"dat bij deze mijlpaal hoort, {_euro(amount)}, wordt daarom teruggevorderd.",
            ]
        else:
            ended = "ingetrokken" if payload.get("from") == PlanState.WITHDRAWN.value else "afgerond"
            decision = f"{who} betaalt {_euro(amount)} van het voorschot terug, nu het plan is {ended}."
            body = [
                f"Het plan is {ended}. Het deel van het voorschot op de specifieke uitkering dat niet met een behaalde "
                f"mijlpaal is verrekend, {_euro(amount)}, wordt daarom teruggevorderd.",
            ]
        body.append(
            f"Zo worden gemeenten op dezelfde manier behandeld als zorgaanbieders, die voor een mijlpaal die niet is "
            f"behaald niet worden betaald. Dit volgt uit {regulation}: de uitkering wordt vastgesteld op wat voor "
            "behaalde mijlpalen is gedaan."
        )
        sisa = date(self.on.year + 1, 7, 15)  # SiSa: by 15 July after each year (DUS-I)
        steps = [
            NextStep("DUS-I stelt de specifieke uitkering vast en maakt de terugvordering binnen een jaar aan u "
                     "bekend; u hoeft nu niets over te maken."),
            NextStep("Verantwoord de besteding en deze terugbetaling in de SiSa-verantwoording over dit jaar, "
                     f"uiterlijk op {_day(sisa)}.", sisa),
        ]  # fmt: skip
        return decision, body, steps

    # --- shared pieces -----------------------------------------------------------------------------------

    def _requested(self) -> str:
        """', met een aanvraag van € ... aan transformatiemiddelen' for a plan that asks for funds."""
        funding = self.plan.funding
        if funding is None or not funding.lines:
            return ""
        return f", met een aanvraag van {_euro(funding.total)} aan transformatiemiddelen"

    def _after_clock(self) -> RunningClock | None:
        record = PlanRecord.replay(self.plan.id, [*self.source.earlier, self.source.event, *self.source.same_action])
        return record.clock

    def _consultation_steps(self) -> list[NextStep]:  # domain brief §4.3
        clock = self._after_clock()
        if clock is None or clock.name is not ClockName.CONSULTATION:
            return [NextStep("De consultatie van de overige zorgverzekeraars volgt.")]
        final = self.policy.due(clock.due_on + timedelta(weeks=self.policy.clock(ClockName.FINAL_DECISION).weeks))
        return [
            NextStep(f"De overige zorgverzekeraars kunnen reageren tot en met {_day(clock.due_on)}.", clock.due_on),
            NextStep(f"De marktleidende zorgverzekeraars nemen uiterlijk op {_day(final)} een definitief besluit.",
                     final),
        ]  # fmt: skip

    def _approved_steps(self) -> list[NextStep]:  # domain brief §3.6, §4.4, §4.5
        steps = [NextStep("De zorgverzekeraars publiceren een samenvatting van het plan op "
                          "www.dejuistezorgopdejuisteplek.nl.")]  # fmt: skip
        if self.plan.requests_funds:
            steps.insert(
                0,
                NextStep(
                    "De NZa toetst of uw aanvraag past binnen de beschikbare transformatiemiddelen. "
                    "U ontvangt bericht over financiering of plaatsing op de wachtrij."
                ),
            )
        else:
            steps.insert(0, NextStep("Uw plan vraagt geen transformatiemiddelen: u kunt met de implementatie "
                                     "beginnen."))  # fmt: skip
        return steps

    def _policy_deadlines(self) -> list[NextStep]:
        return [
            NextStep(f"{rule.title}: de uiterste datum is {_day(rule.deadline)}.", rule.deadline)
            for rule in self.policy.deadlines(self.plan.theme, self.on)
            if rule.deadline and rule.deadline >= self.on
        ]

    def _milestone(self) -> Any:
        wanted = self.source.event.payload.get("milestone")
        return next((m for m in self._milestones() if m.id == wanted), None)

    def _milestones(self) -> list[Any]:
        """The plan's milestones with what each pays: its amount, less what the paying insurer
        recorded it needs less (``reduce-funding``) before this letter's decision."""
        milestones = list(self.plan.funding.milestones) if self.plan.funding else []
        reduced = self.before.reduced
        return [
            m.model_copy(update={"amount": m.amount - Decimal(reduced[m.id]) / 100}) if m.id in reduced else m
            for m in milestones
        ]

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
        if kind is LetterKind.REPAYMENT:
            milestone = self._milestone()
            label = f"Voorschot bij mijlpaal {milestone.id}: {milestone.description}" if milestone else "Voorschot"
            amount = Decimal(str(self.source.event.payload.get("amount", "0")))
            return (AmountLine(label, amount, milestone.due if milestone else None, "terug te betalen"),)
        if kind in (LetterKind.FUNDING, LetterKind.WAITING_LIST) and self.plan.funding:
            return tuple(
                AmountLine(f"Mijlpaal {m.id}: {m.description}", m.amount, m.due)
                for m in sorted(self._milestones(), key=lambda m: m.due)
            )
        return ()

    def grounds(self) -> tuple[str, ...]:
        """For a refusal (a negative quick test, a plan not approved): each criterion that failed,
        with the reasons the market leaders gave for their judgement of it."""
        if self.trigger not in (Trigger.REJECT, Trigger.FAIL_QUICK_TEST, Trigger.PROPOSE_REJECTION):
            return ()
        return tuple(
            f"{c.id} {c.title}: {c.explanation}" + (f" Oordeel: {'; '.join(c.override_reasons)}" if c.override_reasons
                                                   else "")
            for c in self.criteria
            if c.passed is False
        )  # fmt: skip

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
