"""A disagreement of the two market leaders goes to the BO IZA, which upholds one outcome or sends it back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from beoordeling import Plan, PlanState, Store
from beoordeling.desk import Desk
from beoordeling.errors import Refused
from beoordeling.letters import LetterOffice

from .conftest import Clock
from .workflow_support import BO_IZA, PLAN_ID, SUBMITTER, VGZ, ZK, judge_all, set_day, stored_desk

ISSUER = VGZ


def _disagreeing(store: Store, clock: Clock, plan: Plan) -> Desk:
    """A quick test on which VGZ votes positive and Zilveren Kruis negative."""
    desk = stored_desk(store, plan, clock, date(2024, 3, 1))
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    set_day(clock, date(2024, 3, 18))
    judge_all(desk)
    desk.decide(PLAN_ID, "positive", VGZ)
    desk.decide(PLAN_ID, "negative", ZK, reason="De impact op de arbeidsmarkt is niet aangetoond.")
    assert desk.record(PLAN_ID).disagreement is not None
    return desk


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages).split())


def test_escalation_then_the_bo_iza_upholds_one_outcome(
    store: Store, clock: Clock, example_plans: dict[str, Plan], tmp_path: Path
) -> None:
    """Escalated by a leader with a reason, due by the policy's term, in deadlines and in letters;
    the BO IZA's ruling makes the upheld decision, with the ruling on the event and in its letter."""
    desk = _disagreeing(store, clock, example_plans["thuismonitoring-ziekenhuizen"])
    set_day(clock, date(2024, 3, 19))
    escalated = desk.escalate(PLAN_ID, ZK, reason="Wij komen er samen niet uit.")
    assert ["workflow.escalate"] == [e.type for e in escalated.events]
    record = desk.record(PLAN_ID)
    assert record.escalation is not None
    assert (date(2024, 3, 19), date(2024, 4, 16), "Zilveren Kruis") == (
        record.escalation.on, record.escalation.due_on, record.escalation.organisation
    )  # fmt: skip
    [pending] = [d for d in desk.deadlines(date(2024, 3, 20)) if d.what == "Uitspraak BO IZA na escalatie"]
    assert (date(2024, 4, 16), 27, ("BO IZA",)) == (pending.due_on, pending.days_left, pending.responsible)
    with pytest.raises(Refused) as twice:
        desk.escalate(PLAN_ID, VGZ, reason="Ook wij.")
    assert "its ruling is due by 16 April 2024" in twice.value.reasons[0]
    with pytest.raises(Refused) as not_theirs:
        desk.rule(PLAN_ID, "positive", VGZ, reason="Zelf beslist.")
    assert "uphold needs the role bo-iza" in not_theirs.value.reasons[0]

    set_day(clock, date(2024, 4, 2))
    ruled = desk.rule(PLAN_ID, "positive", BO_IZA, reason="De impact op passende zorg weegt zwaarder.")
    assert ["workflow.uphold", "workflow.pass-quick-test"] == [e.type for e in ruled.events]
    assert PlanState.QUICK_TEST_POSITIVE == ruled.state
    decision = ruled.events[-1]
    assert ("BO IZA", "Zilveren Kruis") == (
        decision.payload["ruling"]["organisation"], decision.payload["ruling"]["escalated_by"]
    )  # fmt: skip
    assert {"pass-quick-test", "fail-quick-test"} == {v["decision"] for v in decision.payload["votes"]}
    assert [] == [d for d in desk.deadlines(date(2024, 4, 3)) if d.what == "Uitspraak BO IZA na escalatie"]
    assert store.verify().ok

    office = LetterOffice(store)
    escalation_letter = office.write(office.decision(PLAN_ID, escalated.events[0].seq), tmp_path / "e.pdf", ISSUER)
    text = _pdf_text(escalation_letter.path)
    assert "Uw transformatieplan is voorgelegd aan het BO IZA." in text
    assert "Coöperatie VGZ: snelle toets positief; Zilveren Kruis: snelle toets negatief" in text
    assert "16 april 2024" in text
    decision_letter = office.write(office.decision(PLAN_ID, decision.seq), tmp_path / "d.pdf", ISSUER)
    text = _pdf_text(decision_letter.path)
    assert "Zilveren Kruis heeft het voorgelegd aan het Bestuurlijk Overleg IZA (BO IZA)." in text
    assert "Het BO IZA heeft op 2 april 2024 dit besluit bevestigd: De impact op passende zorg weegt zwaarder." in text


def test_the_bo_iza_sends_it_back_and_the_leaders_decide_again(
    store: Store, clock: Clock, example_plans: dict[str, Plan], tmp_path: Path
) -> None:
    desk = _disagreeing(store, clock, example_plans["thuismonitoring-ziekenhuizen"])
    desk.escalate(PLAN_ID, VGZ, reason="Geen overeenstemming.")
    with pytest.raises(Refused) as unexplained:
        desk.rule(PLAN_ID, "positive", BO_IZA, reason="")
    assert "uphold needs a reason (--reason), recorded with the event" in unexplained.value.reasons
    sent = desk.rule(PLAN_ID, "send-back", BO_IZA, reason="Overleg eerst opnieuw met de indieners.")
    assert ["workflow.send-back"] == [e.type for e in sent.events]
    record = desk.record(PLAN_ID)
    assert (None, {}, PlanState.QUICK_TEST_SUBMITTED) == (record.escalation, record.votes, record.state)
    for leader in (VGZ, ZK):
        desk.decide(PLAN_ID, "positive", leader)
    assert PlanState.QUICK_TEST_POSITIVE == desk.record(PLAN_ID).state
    office = LetterOffice(store)
    letter = office.write(office.decision(PLAN_ID, sent.events[0].seq), tmp_path / "s.pdf", ISSUER)
    assert "Het BO IZA vraagt de marktleiders opnieuw te besluiten." in _pdf_text(letter.path)


def test_no_escalation_without_a_disagreement(store: Store, clock: Clock, example_plans: dict[str, Plan]) -> None:
    desk = stored_desk(store, example_plans["thuismonitoring-ziekenhuizen"], clock, date(2024, 3, 1))
    desk.submit(PLAN_ID, SUBMITTER)
    with pytest.raises(Refused) as refused:
        desk.escalate(PLAN_ID, VGZ, reason="Voor de zekerheid.")
    assert (
        "the two market leaders must have recorded different decisions in this step first" in (refused.value.reasons[0])
    )
    with pytest.raises(Refused) as nothing:
        desk.rule(PLAN_ID, "positive", BO_IZA, reason="x")
    assert "no disagreement about plan TP-2023-0014 is before the BO IZA" in nothing.value.reasons[0]


def test_leaders_who_agree_after_all_end_the_escalation(
    store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    desk = _disagreeing(store, clock, example_plans["thuismonitoring-ziekenhuizen"])
    desk.escalate(PLAN_ID, VGZ, reason="Geen overeenstemming.")
    set_day(clock, date(2024, 3, 25))
    desk.decide(PLAN_ID, "negative", VGZ, reason="Na heroverweging toch niet.")
    record = desk.record(PLAN_ID)
    assert (PlanState.QUICK_TEST_NEGATIVE, None) == (record.state, record.escalation)
    with pytest.raises(Refused) as late:
        desk.rule(PLAN_ID, "negative", BO_IZA, reason="Negatief.")
    assert "a decision is taken only in state" in late.value.reasons[0]


def test_the_bo_iza_upholds_only_a_recorded_outcome(store: Store, clock: Clock, example_plans: dict[str, Plan]) -> None:
    """In the proposed decision, approve against reject: the BO IZA cannot uphold a rework nobody proposed."""
    desk = stored_desk(store, example_plans["thuismonitoring-ziekenhuizen"], clock, date(2024, 3, 1))
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    judge_all(desk)
    for leader in (VGZ, ZK):
        desk.decide(PLAN_ID, "positive", leader)
    set_day(clock, date(2024, 3, 11))
    desk.submit(PLAN_ID, SUBMITTER)
    judge_all(desk)
    desk.propose(PLAN_ID, "approve", VGZ)
    desk.propose(PLAN_ID, "reject", ZK, reason="Te duur voor de impact.")
    desk.escalate(PLAN_ID, VGZ, reason="Geen overeenstemming.")
    with pytest.raises(Refused) as refused:
        desk.rule(PLAN_ID, "rework", BO_IZA, reason="Pas het aan.")
    assert (
        "the BO IZA upholds one of the decisions the market leaders recorded: propose-approval or propose-rejection"
        == refused.value.reasons[0]
    )
    ruled = desk.rule(PLAN_ID, "reject", BO_IZA, reason="De kosten wegen zwaarder.")
    assert ["workflow.uphold", "workflow.propose-rejection", "workflow.open-consultation"] == [
        e.type for e in ruled.events
    ]
    assert PlanState.CONSULTATION == ruled.state
