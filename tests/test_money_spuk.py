"""The municipal route (SPUK): a plan's municipalities are paid their share in advance, within the
grant's ceiling; a milestone met settles its part, a milestone missed has its part reclaimed by the
system in the same transaction, with a letter to the municipality; and the yearly figures."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from beoordeling import Plan, PlanState, Role, Store, load_plan
from beoordeling.cli import cli
from beoordeling.desk import ActionResult, Desk
from beoordeling.errors import Refused
from beoordeling.letters import Letter, LetterOffice
from beoordeling.model import Address, Party, PartyRole, Sector
from beoordeling.money import Account, AccountKind, cents
from beoordeling.money.books import Books
from beoordeling.money.budget import budget
from beoordeling.money.programme import Programme, programme_from_document
from beoordeling.money.spuk import accountability, milestone_shares, municipal_share
from beoordeling.store import Reading
from beoordeling.workflow import Trigger

from .conftest import ROOT, Clock
from .test_money_desk import _approve, _milestones, _practice, _scaled
from .workflow_support import BO_IZA, COORDINATOR, NZA, SUBMITTER, VGZ, ZK, set_day

K = AccountKind
HOME = "TP-2023-0014"
OTHER = "TP-2023-0015"
TOWN = "Gemeente Alkmaar"
SHARE = cents("2600000.00")  # the municipality's cost line in the home-monitoring plan below
REQUEST = cents("24600000.00")


def _programme(ceiling: str = "10000000.00", repaid: str = "hold", total: str | None = None) -> Programme:
    document = _practice().document()
    document["spuk"] = {"ceiling": ceiling, "source": "test", "repaid": repaid}
    if total is not None:
        document.update(total={"amount": total, "source": "test"}, earmarks=[])
    return programme_from_document(document, "test")


@pytest.fixture
def home(example_plans: dict[str, Plan]) -> Plan:
    """The home-monitoring plan with a municipality taking part: Gemeente Alkmaar carries the 2026
    cost line of EUR 2.6m (of EUR 24.6m), so a little over a tenth of every milestone is its part."""
    plan = example_plans["thuismonitoring-ziekenhuizen"]
    assert plan.funding is not None
    town = Party(name=TOWN, role=PartyRole.MUNICIPALITY, sector=Sector.SOCIAL_DOMAIN,
                 address=Address(street="Postbus 53", postcode="1800 BB", city="Alkmaar"))  # fmt: skip
    lines = list(plan.funding.lines)
    lines[3] = lines[3].model_copy(update={"party": TOWN, "sector": Sector.SOCIAL_DOMAIN})
    funding = plan.funding.model_copy(update={"lines": lines})
    return plan.model_copy(update={"parties": [*plan.parties, town], "funding": funding})


def _missed(desk: Desk, milestone: str) -> ActionResult:
    """The milestone reported, and found missed by both market leaders: the second vote decides."""
    desk.act(HOME, Trigger.REPORT_MILESTONE, SUBMITTER, milestone=milestone)
    desk.decide(HOME, "missed", VGZ, reason="Vier steunpunten open, geen twaalf")
    return desk.decide(HOME, "missed", ZK, reason="Vier steunpunten open, geen twaalf")


def _letter(store: Store, seq: int) -> Letter:
    office = LetterOffice(store)
    [event] = [event for event in office.pending() if event.seq == seq]
    return office.letter(event)


def _desk(store: Store, clock: Clock, plans: list[Plan], programme: Programme) -> Desk:
    set_day(clock, date(2024, 1, 2))
    for plan in plans:
        store.save_plan(plan, SUBMITTER)
    desk = Desk(store)
    desk.adopt_programme(programme, BO_IZA, reason="Oefenbudget met gemeentelijke route")
    for number, plan in enumerate(plans):
        _approve(desk, clock, plan.id, date(2024, 2, 5) + timedelta(weeks=6 * number), SUBMITTER)
    set_day(clock, date(2025, 1, 6))
    return desk


def _balance(store: Store, kind: AccountKind, part: str) -> int:
    return Books.of(store).ledger.balance(Account(kind, None, part))


def test_the_municipal_share_and_its_milestone_parts(home: Plan) -> None:
    assert SHARE == municipal_share(home)
    shares = milestone_shares(home, SHARE)
    # each milestone's amount times 2.6 / 24.6, floored; the three cents left go to the largest remainders
    assert {"M1": 103577236, "M2": 101463414, "M3": 27479675, "M4": 27479675} == shares
    assert SHARE == sum(shares.values())
    assert {} == milestone_shares(home, 0)


@given(
    amounts=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=12),
    fraction=st.fractions(min_value=0, max_value=1),
)
def test_milestone_parts_add_up_and_never_exceed_the_milestone(amounts: list[int], fraction: Fraction) -> None:
    """Milestones that cover the request: their parts add up to the whole advance, each within its milestone."""
    plan = load_plan(ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml")
    assert plan.funding is not None
    template = plan.funding.milestones[0]
    milestones = [
        template.model_copy(update={"id": f"M{i}", "amount": Decimal(a) / 100}) for i, a in enumerate(amounts)
    ]
    lines = [plan.funding.lines[0].model_copy(update={"amount": Decimal(sum(amounts)) / 100})]
    funding = plan.funding.model_copy(update={"lines": lines, "milestones": milestones})
    advance = int(sum(amounts) * fraction)
    shares = milestone_shares(plan.model_copy(update={"funding": funding}), advance)
    assert advance == sum(shares.values())
    assert all(0 <= shares.get(m.id, 0) <= cents(m.amount) for m in milestones)


def test_funding_advances_the_share_and_a_missed_milestone_is_reclaimed(store: Store, clock: Clock, home: Plan) -> None:
    desk = _desk(store, clock, [home], _programme())
    funded = desk.act(HOME, Trigger.FUND, NZA).events[0]
    assert "2600000.00" == funded.payload["advance"]
    assert (REQUEST - SHARE, SHARE) == (_balance(store, K.COMMITTED, HOME), _balance(store, K.ADVANCED, HOME))
    _milestones(desk, clock, HOME, outcomes={"M1": "met"})
    paid = desk.pay(HOME, "M1", COORDINATOR).events[0]
    # the insurer pays its part of M1; the municipality's part is settled from its advance
    assert ("8764227.64", "1035772.36") == (paid.payload["amount"], paid.payload["settled"])
    [met] = [e for e in store.events(HOME) if e.type == Trigger.MILESTONE_MET.event_type]
    told = _letter(store, met.seq)  # the insurer's payment as the letter announces it: its part only
    assert "Coöperatie VGZ betaalt €\u00a08.764.227,64 uiterlijk op" in told.decision
    assert any("Het deel van de gemeenten, €\u00a01.035.772,36, is met hun voorschot" in text for text in told.body)
    assert cents("9800000.00") == _balance(store, K.PAID, f"{HOME}/M1")
    missed, reclaim = _missed(desk, "M2").events[-2:]
    assert (Trigger.MILESTONE_MISSED.event_type, Trigger.RECLAIM.event_type) == (missed.type, reclaim.type)
    assert (Role.SYSTEM, "1014634.14", "M2") == (
        reclaim.actor.role, reclaim.payload["amount"], reclaim.payload["milestone"])  # fmt: skip
    assert cents("1014634.14") == _balance(store, K.REPAID, HOME)
    assert PlanState.IMPLEMENTATION is desk.current(HOME).state
    # the municipality receives a letter from the coordinating insurer, with the amount and the SiSa date
    letter = _letter(store, reclaim.seq)
    assert (TOWN,) == tuple(a.name for a in letter.addressees)
    assert "Gemeente Alkmaar betaalt €\u00a01.014.634,14 van het voorschot terug" in letter.decision
    assert any("15 juli 2026" in step.text for step in letter.next_steps)
    assert ("Coöperatie VGZ",) == tuple(sender.name for sender in letter.senders)
    assert not letter.signed_by_market_leaders
    assert [] == Books.of(store).ledger.conservation_problems()
    assert store.verify().ok


def test_completion_reclaims_what_no_milestone_met_settles(store: Store, clock: Clock, home: Plan) -> None:
    desk = _desk(store, clock, [home], _programme())
    desk.act(HOME, Trigger.FUND, NZA)
    _milestones(desk, clock, HOME, outcomes={"M1": "met", "M2": "met", "M3": "met", "M4": "missed"})
    desk.pay(HOME, "M1", COORDINATOR)
    completed = desk.act(HOME, Trigger.COMPLETE, COORDINATOR)
    # M4's part was reclaimed when it was missed; M2 and M3 are met and unpaid: their parts stay
    assert [Trigger.COMPLETE.event_type] == [e.type for e in completed.events]
    assert cents("1014634.14") + cents("274796.75") == _balance(store, K.ADVANCED, HOME)
    assert cents("274796.75") == _balance(store, K.REPAID, HOME)
    desk.pay(HOME, "M2", COORDINATOR)
    desk.pay(HOME, "M3", COORDINATOR)
    assert (0, 0) == (_balance(store, K.ADVANCED, HOME), _balance(store, K.COMMITTED, HOME))
    assert [] == Books.of(store).ledger.conservation_problems()


def test_a_withdrawal_reclaims_the_whole_advance_not_settled(store: Store, clock: Clock, home: Plan) -> None:
    desk = _desk(store, clock, [home], _programme())
    desk.act(HOME, Trigger.FUND, NZA)
    _milestones(desk, clock, HOME, outcomes={"M1": "met"})
    withdrawn = desk.act(HOME, Trigger.WITHDRAW, SUBMITTER, reason="De gemeente stapt uit")
    reclaim = withdrawn.events[-1]
    assert (Trigger.RECLAIM.event_type, PlanState.WITHDRAWN.value) == (reclaim.type, reclaim.payload["to"])
    assert SHARE == cents(reclaim.payload["amount"])  # M1 was met but not paid: a withdrawal settles nothing
    assert "nu het plan is ingetrokken" in _letter(store, reclaim.seq).decision
    assert 0 == _balance(store, K.COMMITTED, HOME)


def test_the_ceiling_keeps_a_plan_off_the_municipal_route(store: Store, clock: Clock, home: Plan) -> None:
    other = home.model_copy(update={"id": OTHER})
    desk = _desk(store, clock, [home, other], _programme(ceiling="4000000.00"))
    desk.act(HOME, Trigger.FUND, NZA)
    with pytest.raises(Refused) as refused:
        desk.act(OTHER, Trigger.FUND, NZA)
    assert [
        "the municipalities' share of €2,600,000.00 does not fit under the ceiling of the municipal grant (SPUK): "
        "€1,400,000.00 is left (Regeling specifieke uitkering transformatiemiddelen IZA); put it on the waiting list"
    ] == [reason for reason in refused.value.reasons if "SPUK" in reason]
    queued = desk.act(OTHER, Trigger.WAITLIST, NZA).events[0].payload
    assert (1, "24600000.00") == (queued["position"], queued["available"])  # the money is there; the ceiling is not


def test_repayments_to_the_open_part_move_the_waiting_list(
    store: Store, clock: Clock, home: Plan, example_plans: dict[str, Plan]
) -> None:
    """With ``repaid: open`` the reclaimed advance is money back: the small plan waiting for it is funded."""
    small = _scaled(example_plans["thuismonitoring-ziekenhuizen"], "TP-2023-0018", 20)  # EUR 1.23m
    desk = _desk(store, clock, [home, small], _programme(repaid="open", total="25500000.00"))
    desk.act(HOME, Trigger.FUND, NZA)
    desk.act(small.id, Trigger.WAITLIST, NZA)
    _milestones(desk, clock, HOME, outcomes={"M1": "met"})
    [promotion] = _missed(desk, "M2").moved
    assert (small.id, Trigger.FUND.event_type, True) == (
        promotion.plan_id,
        promotion.type,
        promotion.payload["promoted"],
    )
    assert 0 == _balance(store, K.REPAID, HOME)
    assert [] == Books.of(store).ledger.conservation_problems()


def test_the_yearly_accountability_figures(store: Store, clock: Clock, home: Plan) -> None:
    desk = _desk(store, clock, [home], _programme())
    desk.act(HOME, Trigger.FUND, NZA)
    _milestones(desk, clock, HOME, outcomes={"M1": "met", "M2": "missed"})
    plans = lambda plan_id, version: store.plan(plan_id, version).plan  # noqa: E731
    [year] = accountability(store.events(), plans, 2026)
    assert (SHARE, SHARE, (("M3", None),)) == (year.granted, year.advance_for_year, year.milestones_due)
    assert (0, cents("1014634.14"), False) == (year.repaid_in_year, year.repaid_to_date, year.final)
    [earlier] = accountability(store.events(), plans, 2025)
    assert (0, (("M2", False),), cents("1014634.14")) == (
        earlier.advance_for_year, earlier.milestones_due, earlier.repaid_in_year)  # fmt: skip
    assert [] == accountability(store.events(), plans, 2024)  # funded in 2025


def test_the_yearly_figures_and_the_budget_on_the_command_line(
    store: Store, store_url: str, clock: Clock, home: Plan, dutch_terminal: None
) -> None:
    desk = _desk(store, clock, [home], _programme())
    desk.act(HOME, Trigger.FUND, NZA)
    _milestones(desk, clock, HOME, outcomes={"M1": "met", "M2": "missed"})
    found = CliRunner().invoke(cli, ["--store", store_url, "spuk", "--year", "2025", "--format", "json"])
    assert 0 == found.exit_code, found.output
    [row] = json.loads(found.output)
    assert (HOME, [TOWN], "2600000.00", {"M2": False}, "1014634.14", False) == (
        row["plan"], row["municipalities"], row["granted"], row["milestones"], row["repaid_in_year"], row["final"]
    )  # fmt: skip
    table = CliRunner().invoke(cli, ["--store", store_url, "spuk", "--year", "2025"])
    assert "1 plan op de gemeentelijke route in 2025" in table.output
    assert "M2: niet behaald" in table.output
    budget = CliRunner().invoke(cli, ["--store", store_url, "budget", "--on", "2025-12-31"])
    assert "Voorschot aan gemeenten" in budget.output
    assert "Teruggevorderd van gemeenten" in budget.output
    assert "€ 1.014.634,14" in budget.output.replace("\u00a0", " ")


def test_the_balances_the_database_sums_are_the_books_event_by_event(store: Store, clock: Clock, home: Plan) -> None:
    """``Books.balances_of`` (what ``budget`` reads) gives the budget ``Books.of`` folds, on every
    day around the programme's dated entries and in both readings, on SQLite and PostgreSQL alike."""
    small = _scaled(home, "TP-2023-0018", 20)
    desk = _desk(store, clock, [home, small], _programme(total="25500000.00"))
    desk.act(HOME, Trigger.FUND, NZA)
    desk.act(small.id, Trigger.WAITLIST, NZA)
    _milestones(desk, clock, HOME, outcomes={"M1": "met", "M2": "missed"})
    desk.pay(HOME, "M1", COORDINATOR)
    for on in (date(2023, 1, 1), date(2025, 1, 5), date(2025, 1, 6), date(2026, 12, 31), date(2027, 1, 1)):
        for reading in Reading:
            folded, summed = budget(Books.of(store, on, reading)), budget(Books.balances_of(store, on, reading))
            assert (folded.lines, folded.problems) == (summed.lines, summed.problems), (on, reading)
            assert (folded.waiting, folded.waiting_amount) == (summed.waiting, summed.waiting_amount)
    assert cents("1014634.14") == budget(Books.balances_of(store, date(2025, 1, 6))).of(K.REPAID)
