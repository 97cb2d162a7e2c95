"""Actions through the desk on a real store: joint decisions, windows, clocks, paths and the record."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from beoordeling import Actor, Plan, PlanState, Role, Store
from beoordeling._i18n import speaking
from beoordeling.desk import Desk
from beoordeling.errors import Refused
from beoordeling.letters import LetterOffice
from beoordeling.model import CostCategory
from beoordeling.workflow import PlanRecord, Trigger

from .conftest import Clock
from .workflow_support import CZ, NZA, PLAN_ID, SUBMITTER, VGZ, ZK, both, judge_all, set_day, stored_desk

S = PlanState


@pytest.fixture
def desk(store: Store, clock: Clock, example_plans: dict[str, Plan]) -> Desk:
    return stored_desk(store, example_plans["thuismonitoring-ziekenhuizen"], clock, date(2024, 3, 1))


def _to_plan_submitted(desk: Desk, clock: Clock) -> None:
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    judge_all(desk)
    both(desk, "decide", "positive")
    set_day(clock, date(2024, 3, 11))
    desk.submit(PLAN_ID, SUBMITTER)
    judge_all(desk)


def _to_consultation(desk: Desk, clock: Clock) -> None:
    _to_plan_submitted(desk, clock)
    set_day(clock, date(2024, 3, 25))
    both(desk, "propose", "approve")


def test_a_decision_exists_only_when_both_market_leaders_record_it(desk: Desk, clock: Clock) -> None:
    """One leader's decision is a vote; the second, alike, moves the plan and names both."""
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    judge_all(desk)
    first = desk.decide(PLAN_ID, "positive", VGZ)
    assert (S.QUICK_TEST_SUBMITTED, ["workflow.vote"]) == (first.state, [e.type for e in first.events])
    assert ("waiting for the other market leader to record the same decision",) == first.notes
    second = desk.decide(PLAN_ID, "positive", ZK)
    [event] = second.events
    assert (S.QUICK_TEST_POSITIVE, "workflow.pass-quick-test") == (second.state, event.type)
    assert ["Coöperatie VGZ", "Zilveren Kruis"] == [v["organisation"] for v in event.payload["votes"]]
    assert "passes" == event.payload["assessment"]["outcome"]
    assert (
        event.rules_version
        == event.payload["assessment"]["rules"]["version"]
        + "@"
        + (event.payload["assessment"]["rules"]["content_hash"][:12])
    )


def test_a_judgement_changed_between_the_votes_is_in_the_second_votes_result(desk: Desk, clock: Clock) -> None:
    """The desk reuses the first vote's criteria result for the second only while the judgements
    it rests on are the same: a verdict changed in between counts."""
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    judge_all(desk)
    desk.decide(PLAN_ID, "positive", VGZ)
    judged = next(iter(desk.current(PLAN_ID).judgements)).criterion
    desk.judge(PLAN_ID, judged, "fail", ZK, reason="onvoldoende onderbouwd")
    with pytest.raises(Refused) as refused:
        desk.decide(PLAN_ID, "positive", ZK)
    assert any(judged in reason for reason in refused.value.reasons), refused.value.reasons


def test_a_disagreement_blocks_the_step_and_shows(desk: Desk, clock: Clock) -> None:
    """Different decisions by the two leaders move nothing; the deadline list shows the dispute."""
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    judge_all(desk)
    desk.decide(PLAN_ID, "positive", VGZ)
    result = desk.decide(PLAN_ID, "negative", ZK, reason="Geen draagvlak in de regio")
    assert S.QUICK_TEST_SUBMITTED == result.state
    assert (
        "Coöperatie VGZ recorded “Quick test positive” on 4 March 2024: the decision is blocked until the market "
        "leaders agree",
    ) == result.notes
    [deadline] = desk.deadlines(date(2024, 3, 5))
    assert "disagreement: Coöperatie VGZ “Quick test positive”, Zilveren Kruis “Quick test negative”" == deadline.note
    with speaking("nl"):  # what a Dutch terminal and the overview say
        [dutch] = desk.deadlines(date(2024, 3, 5))
    assert "oneens: Coöperatie VGZ “Snelle toets positief”, Zilveren Kruis “Snelle toets negatief”" == dutch.note
    [late] = desk.deadlines(date(2024, 4, 3))
    assert (True, deadline.note) == (late.overdue, late.note)  # a dispute does not stop the clock
    # The first leader changes its mind: now they agree.
    changed = desk.decide(PLAN_ID, "negative", VGZ, reason="Alsnog: geen draagvlak")
    assert S.QUICK_TEST_NEGATIVE == changed.state
    assert [] == desk.deadlines(date(2024, 3, 5))


def test_approval_needs_every_judgement_of_both_leaders(desk: Desk, clock: Clock) -> None:
    """A positive quick test is refused while judgements are missing, naming the criteria."""
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    desk.judge(PLAN_ID, "C1", "pass", VGZ)
    with pytest.raises(Refused) as refused:
        desk.decide(PLAN_ID, "positive", VGZ)
    assert (
        "pass-quick-test needs every criterion of 'Quick test' met: Kan door zodra de beoordelaars C1, C3 en C4 "
        "hebben beoordeeld. (rules 2023-01-19+vgz@5ea351c34581; the self-check shows each criterion)",
    ) == refused.value.reasons


def test_a_negative_decision_needs_a_reason(desk: Desk, clock: Clock) -> None:
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    with pytest.raises(Refused) as refused:
        desk.decide(PLAN_ID, "negative", VGZ)
    assert ("fail-quick-test needs a reason (--reason), recorded with the event",) == refused.value.reasons


def test_other_insurers_comment_only_within_the_window(desk: Desk, clock: Clock) -> None:
    """The window is two weeks from the proposed decision; a comment after it is refused."""
    _to_consultation(desk, clock)
    record = desk.record(PLAN_ID)
    assert (S.CONSULTATION, date(2024, 4, 8)) == (record.state, record.clock and record.clock.due_on)
    set_day(clock, date(2024, 4, 8))
    desk.act(PLAN_ID, Trigger.COMMENT, CZ, reason="Hoe verhoudt dit zich tot ons eigen contract?")
    with pytest.raises(Refused) as early:
        desk.decide(PLAN_ID, "approve", VGZ)
    assert (
        "the consultation window is open up to and including 8 April 2024; the other insurers may still comment, "
        "and the final decision follows after it (Beoordelingskader, stap 3 (beoordeling plan))",
    ) == early.value.reasons
    set_day(clock, date(2024, 4, 9))
    with pytest.raises(Refused) as late:
        desk.act(PLAN_ID, Trigger.COMMENT, CZ, reason="Nog een vraag")
    assert (
        "the consultation window closed on 8 April 2024: other insurers may comment within two weeks of the proposed "
        "decision (Beoordelingskader, consultatie van de overige zorgverzekeraars)",
    ) == late.value.reasons
    closing = desk.decide(PLAN_ID, "approve", VGZ)
    assert ["workflow.close-consultation", "workflow.vote"] == [e.type for e in closing.events]
    assert "2024-04-22" == closing.events[0].payload["clock"]["due_on"]  # two weeks after the window
    assert 1 == len(desk.record(PLAN_ID).comments)


def test_the_whole_lifecycle_with_funds_and_milestones(desk: Desk, clock: Clock) -> None:
    """Approved, funded, four milestones decided (one missed), completed; the chain stays intact."""
    _to_consultation(desk, clock)
    set_day(clock, date(2024, 4, 10))
    both(desk, "decide", "approve")
    assert S.APPROVED == desk.record(PLAN_ID).state
    with pytest.raises(Refused):
        desk.act(PLAN_ID, Trigger.START, SUBMITTER)  # funds first
    desk.act(PLAN_ID, Trigger.FUND, NZA)
    desk.act(PLAN_ID, Trigger.START, SUBMITTER)
    for i, milestone in enumerate(("M1", "M2", "M3", "M4")):
        set_day(clock, date(2025 + i, 1, 15))
        desk.act(PLAN_ID, Trigger.REPORT_MILESTONE, SUBMITTER, milestone=milestone)
        if milestone == "M3":
            both(desk, "decide", "missed", reason="Minder dan 12.000 patiënten")
        else:
            judge_all(desk)
            both(desk, "decide", "met")
    result = desk.act(PLAN_ID, Trigger.COMPLETE, VGZ)
    assert S.COMPLETED == result.state
    assert {"M1": True, "M2": True, "M3": False, "M4": True} == desk.current(PLAN_ID).milestones
    assert PlanRecord.replay(PLAN_ID, desk.store.events(PLAN_ID)) == desk.current(PLAN_ID)
    assert desk.store.verify().ok


def test_rework_goes_back_to_preparation_and_judges_afresh(desk: Desk, clock: Clock) -> None:
    """A rework decision returns the plan; its resubmission starts a new clock and new judgements."""
    _to_consultation(desk, clock)
    set_day(clock, date(2024, 4, 10))
    both(desk, "decide", "rework", reason="Werk de businesscase uit per ziekenhuis")
    assert S.REWORK == desk.record(PLAN_ID).state
    desk.act(PLAN_ID, Trigger.PREPARE, SUBMITTER)
    set_day(clock, date(2024, 5, 1))
    desk.submit(PLAN_ID, SUBMITTER)
    record = desk.record(PLAN_ID)
    assert (S.PLAN_SUBMITTED, [], date(2024, 5, 1)) == (record.state, record.judgements, record.submitted_on)
    assert date(2024, 5, 29) == (record.clock and record.clock.due_on)


def test_a_replay_equals_the_live_record_and_the_register(desk: Desk, clock: Clock) -> None:
    """The desk's record after acting equals a fresh replay of the stored events and the register."""
    _to_consultation(desk, clock)
    live = desk.current(PLAN_ID)
    replayed = PlanRecord.replay(PLAN_ID, desk.store.events(PLAN_ID))
    assert live == replayed
    [summary] = desk.store.plans()
    assert replayed.state == summary.state


def test_an_action_cannot_be_dated_before_the_plans_last_event(desk: Desk, clock: Clock) -> None:
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    set_day(clock, date(2024, 3, 3))
    with pytest.raises(Refused) as refused:
        desk.submit(PLAN_ID, SUBMITTER)
    assert ("the plan's last event is dated 4 March 2024; an action cannot be dated before it",) == (
        refused.value.reasons
    )


def test_a_stale_record_is_refused_and_nothing_is_stored(store: Store, desk: Desk, clock: Clock) -> None:
    """Two desks on one store: the one deciding on an old record is refused, nothing half-written."""
    set_day(clock, date(2024, 3, 4))
    other = Desk(store)
    other.record(PLAN_ID)
    desk.submit(PLAN_ID, SUBMITTER)
    before = store.head()
    with pytest.raises(Exception, match="changed while this action was being decided"):
        other.act(PLAN_ID, Trigger.WITHDRAW, SUBMITTER, reason="dubbel")
    assert before == store.head()
    other.act(PLAN_ID, Trigger.WITHDRAW, SUBMITTER, reason="dubbel")  # read afresh, it works
    assert S.WITHDRAWN == other.record(PLAN_ID).state


def test_verify_finds_a_register_state_that_differs_from_the_events(desk: Desk, clock: Clock, store: Store) -> None:
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    with store._engine.begin() as conn:
        conn.execute(text("UPDATE plans SET state = 'goedgekeurd'"))
    assert [
        f"the register lists plan {PLAN_ID} as goedgekeurd, its events as snelle-toets-ingediend"
    ] == store.verify().problems


def test_deadlines_list_overdue_first_with_the_responsible_insurers(
    store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    """An overdue quick test comes before a running one; days are counted from the given date."""
    desk = stored_desk(store, example_plans["thuismonitoring-ziekenhuizen"], clock, date(2024, 1, 2))
    store.save_plan(example_plans["palliatieve-zorg-drenthe"], SUBMITTER)
    desk.submit(PLAN_ID, SUBMITTER)
    set_day(clock, date(2024, 2, 1))
    desk.submit("TP-2024-0178", Actor("J. Jansen", "Zilveren Kruis", Role.COORDINATING_INSURER))
    found = desk.deadlines(date(2024, 2, 5))
    assert [
        (PLAN_ID, date(2024, 1, 30), -6, ("Coöperatie VGZ", "Zilveren Kruis"), True),
        ("TP-2024-0178", date(2024, 2, 29), 24, ("Zilveren Kruis", "Coöperatie VGZ"), False),
    ] == [(d.plan_id, d.due_on, d.days_left, d.responsible, d.overdue) for d in found]


def test_milestone_report_names_a_known_milestone(desk: Desk, clock: Clock) -> None:
    _to_consultation(desk, clock)
    set_day(clock, date(2024, 4, 10))
    both(desk, "decide", "approve")
    desk.act(PLAN_ID, Trigger.FUND, NZA)
    desk.act(PLAN_ID, Trigger.START, SUBMITTER)
    with pytest.raises(Refused) as refused:
        desk.act(PLAN_ID, Trigger.REPORT_MILESTONE, SUBMITTER, milestone="M9")
    assert ("plan TP-2023-0014 has no milestone 'M9' (its milestones: M1, M2, M3, M4)",) == refused.value.reasons


def test_an_override_of_a_failed_computed_check_is_recorded_with_its_reason(
    store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    """F7 fails (plan-writing costs agreed only after the submission); both leaders override it with a
    reason, and the approval's stored criteria result carries the override and the reason."""
    plan = example_plans["thuismonitoring-ziekenhuizen"]
    assert plan.funding is not None
    lines = [plan.funding.lines[0].model_copy(update={"category": CostCategory.PLAN_WRITING}), *plan.funding.lines[1:]]
    funding = plan.funding.model_copy(update={"lines": lines, "plan_writing_agreed_on": date(2025, 1, 1)})
    variant = plan.model_copy(update={"funding": funding})
    desk = stored_desk(store, variant, clock, date(2024, 3, 1))
    _to_plan_submitted(desk, clock)
    with pytest.raises(Refused) as refused:
        desk.propose(PLAN_ID, "approve", VGZ)
    assert "Kan niet door: F7 (" in refused.value.reasons[0]
    reason = "Kosten planvorming mondeling vooraf afgesproken op 12 januari 2024"
    for leader in (VGZ, ZK):
        desk.judge(PLAN_ID, "F7", "pass", leader, reason=reason)
    both(desk, "propose", "approve")
    proposal = next(e for e in desk.history(PLAN_ID) if e.type == "workflow.propose-approval")
    [funding] = [s for s in proposal.payload["assessment"]["steps"] if s["step"] == "funding"]
    [f7] = [c for c in funding["criteria"] if c["id"] == "F7"]
    assert (True, "pass") == (f7["override"], f7["status"])
    assert [reason, reason] == [j["reason"] for j in f7["judgements"]]


def test_judgements_of_unchanged_fields_carry_over_to_the_answered_version(
    desk: Desk, store: Store, clock: Clock
) -> None:
    """A judgement names its version; after an answer with a new version, judgements of criteria whose
    fields did not change carry over (marked so), and the one whose field changed is asked again."""
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    judge_all(desk)
    assert {1} == {j.plan_version for j in desk.record(PLAN_ID).judgements}
    set_day(clock, date(2024, 3, 6))
    desk.act(PLAN_ID, Trigger.REQUEST_INFO, VGZ, reason="Waarom moeten alle verzekeraars meedoen?")
    current = store.plan(PLAN_ID).plan
    assert current.quick_test is not None
    quick_test = current.quick_test.model_copy(update={"alignment_justification": "Eén centrum, één contract."})
    desk.save_plans([current.model_copy(update={"quick_test": quick_test})], SUBMITTER)
    set_day(clock, date(2024, 3, 8))
    desk.act(PLAN_ID, Trigger.ANSWER, SUBMITTER)
    assert ["C4"] == desk.open_judgements(PLAN_ID)
    judge_all(desk)
    both(desk, "decide", "positive")
    decision = desk.history(PLAN_ID)[-1]
    assert "workflow.pass-quick-test" == decision.type
    judged = {
        (j["criterion"], j["plan_version"], j["carried_over"])
        for c in decision.payload["assessment"]["steps"][0]["criteria"]
        for j in c["judgements"]
    }
    assert {("C1", 1, True), ("C3", 1, True), ("C4", 2, False)} == judged
    letter = LetterOffice(store).letter(decision)
    [c1] = [line for line in letter.criteria if line.id == "C1"]
    assert c1.explanation.endswith(
        "Het oordeel is overgenomen van versie 1: wat dit criterium leest, is in de nieuwe versie niet gewijzigd."
    )
