"""The budget-fit check on a real store: the ledger decides between funds and the waiting list, the
queue is first come first served, and money that comes back funds its head in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from beoordeling import Actor, Plan, PlanState, Role, Store
from beoordeling import desk as desk_module
from beoordeling.desk import Desk
from beoordeling.errors import AppendedSince, Refused
from beoordeling.letters import LetterOffice
from beoordeling.money import Account, AccountKind, cents, load_programme
from beoordeling.money.audit import books_problems
from beoordeling.money.books import MONEY_EVENTS, Books, Folding
from beoordeling.money.programme import Programme, programme_from_document
from beoordeling.store import NewEvent, PlanAppend, Reading
from beoordeling.workflow import PlanRecord, Trigger

from .conftest import ROOT, Clock
from .workflow_support import BO_IZA, COORDINATOR, NZA, SUBMITTER, both, judge_all, set_day

S = PlanState
K = AccountKind
A, B, C, D = "TP-2023-0014", "TP-2023-0015", "TP-2023-0016", "TP-2023-0017"
SMALL = "TP-2023-0018"
REQUEST = cents("24600000.00")  # what the home-monitoring plan asks


def _practice(**waiting_list: str) -> Programme:
    """The practice programme (EUR 50m, of which EUR 30m earmarked for hospital care)."""
    programme = load_programme(ROOT / "programme" / "oefen.yaml")
    if not waiting_list:
        return programme
    document = programme.document()
    document["waiting-list"] = {**document["waiting-list"], **waiting_list}  # type: ignore[dict-item]
    return programme_from_document(document, "test")


def _scaled(plan: Plan, plan_id: str, divisor: int) -> Plan:
    """A copy of ``plan`` that asks ``divisor`` times less, line for line and milestone for milestone."""
    assert plan.funding is not None
    funding = plan.funding.model_copy(
        update={
            "lines": [line.model_copy(update={"amount": line.amount / divisor}) for line in plan.funding.lines],
            "milestones": [m.model_copy(update={"amount": m.amount / divisor}) for m in plan.funding.milestones],
        }
    )
    return plan.model_copy(update={"id": plan_id, "funding": funding})


def _approve(desk: Desk, clock: Clock, plan_id: str, start: date, submitter: Actor = SUBMITTER) -> None:
    """Quick test, plan, proposal, consultation and final approval by both market leaders."""
    set_day(clock, start)
    desk.submit(plan_id, submitter)
    judge_all(desk, plan_id)
    both(desk, "decide", "positive", plan_id=plan_id)
    set_day(clock, start + timedelta(days=7))
    desk.submit(plan_id, submitter)
    judge_all(desk, plan_id)
    both(desk, "propose", "approve", plan_id=plan_id)
    set_day(clock, start + timedelta(days=28))
    both(desk, "decide", "approve", plan_id=plan_id)
    assert S.APPROVED == desk.current(plan_id).state


@pytest.fixture
def plans(example_plans: dict[str, Plan]) -> dict[str, Plan]:
    plan = example_plans["thuismonitoring-ziekenhuizen"]
    copies = {plan_id: plan.model_copy(update={"id": plan_id}) for plan_id in (B, C, D)}
    return {A: plan, **copies, SMALL: _scaled(plan, SMALL, 100)}


def _desk(store: Store, clock: Clock, plans: dict[str, Plan], programme: Programme | None = None) -> Desk:
    set_day(clock, date(2024, 1, 2))
    for plan in plans.values():
        store.save_plan(plan, SUBMITTER)
    desk = Desk(store)
    desk.adopt_programme(programme or _practice(), BO_IZA, reason="Oefenbudget")
    for number, plan_id in enumerate(plans):
        _approve(desk, clock, plan_id, date(2024, 2, 5) + timedelta(weeks=6 * number))
    set_day(clock, date(2025, 1, 6))
    return desk


def _committed(desk: Desk, plan_id: str) -> int:
    return Books.of(desk.store).ledger.balance(Account(K.COMMITTED, None, plan_id))


def test_the_ledger_decides_between_funds_and_the_waiting_list(store: Store, clock: Clock, plans: Any) -> None:
    desk = _desk(store, clock, plans)
    with pytest.raises(Refused, match=r"fits the available funds and nobody is ahead on the waiting list"):
        desk.act(A, Trigger.WAITLIST, NZA)
    funded = desk.act(A, Trigger.FUND, NZA)
    [event] = funded.events
    assert {"available/msz": "24600000.00"} == event.payload["drawn_from"]
    assert [["available", None, "msz", -REQUEST], ["committed", None, A, REQUEST]] == event.payload["postings"]
    second = desk.act(B, Trigger.FUND, NZA).events[0]
    assert {"available/msz": "5400000.00", "available/open": "19200000.00"} == second.payload["drawn_from"]
    with pytest.raises(Refused) as refused:
        desk.act(C, Trigger.FUND, NZA)
    assert (
        "the request of €24,600,000.00 does not fit the available funds: €800,000.00 can be committed to it "
        "(Beoordelingskader, financiering); put it on the waiting list",
    ) == refused.value.reasons
    queued = desk.act(C, Trigger.WAITLIST, NZA).events[0].payload
    assert (1, "0.00", "800000.00") == (queued["position"], queued["ahead"], queued["available"])
    later = desk.act(D, Trigger.WAITLIST, NZA).events[0].payload
    assert (2, "24600000.00") == (later["position"], later["ahead"])
    books = Books.of(store)
    assert ((1, 0), (2, REQUEST)) == (books.position(C), books.position(D))
    assert [] == books.ledger.conservation_problems()
    assert store.verify().ok


def test_nobody_is_funded_past_the_head_of_the_list(store: Store, clock: Clock, plans: Any) -> None:
    """Strict order: the small plan that would fit waits behind the head that does not."""
    desk = _desk(store, clock, plans)
    for plan_id in (A, B):
        desk.act(plan_id, Trigger.FUND, NZA)
    desk.act(C, Trigger.WAITLIST, NZA)
    with pytest.raises(Refused, match=r"plan TP-2023-0016 is ahead on the waiting list \(since 27 May 2024\)"):
        desk.act(SMALL, Trigger.FUND, NZA)
    desk.act(SMALL, Trigger.WAITLIST, NZA)
    assert S.WAITLISTED == desk.current(SMALL).state


def test_with_fill_a_plan_further_down_uses_money_the_head_cannot(store: Store, clock: Clock, plans: Any) -> None:
    desk = _desk(store, clock, plans, _practice(order="fill"))
    for plan_id in (A, B):
        desk.act(plan_id, Trigger.FUND, NZA)
    desk.act(C, Trigger.WAITLIST, NZA)
    desk.act(SMALL, Trigger.FUND, NZA)
    assert cents("246000.00") == _committed(desk, SMALL)


def test_a_withdrawal_funds_the_head_of_the_list_in_the_same_transaction(
    store: Store, clock: Clock, plans: Any
) -> None:
    desk = _desk(store, clock, plans)
    for plan_id in (A, B):
        desk.act(plan_id, Trigger.FUND, NZA)
    for plan_id in (C, D):
        desk.act(plan_id, Trigger.WAITLIST, NZA)
    set_day(clock, date(2025, 3, 3))
    result = desk.act(B, Trigger.WITHDRAW, SUBMITTER, reason="De ziekenhuizen stoppen.")
    [withdrawal] = result.events
    assert "24600000.00" == withdrawal.payload["released"]
    [promotion] = result.moved
    assert (C, "workflow.fund", Role.SYSTEM, True, "NZa") == (
        promotion.plan_id, promotion.type, promotion.actor.role, promotion.payload["promoted"],
        promotion.payload["on_behalf_of"],
    )  # fmt: skip
    assert (withdrawal.recorded_at, withdrawal.seq + 1) == (promotion.recorded_at, promotion.seq)
    assert (S.WITHDRAWN, S.FUNDED, S.WAITLISTED) == tuple(desk.current(p).state for p in (B, C, D))
    assert PlanRecord.replay(C, store.events(C)) == desk.current(C)
    books = Books.of(store)
    assert (0, REQUEST, (1, 0)) == (_committed(desk, B), _committed(desk, C), books.position(D))
    assert [] == books.ledger.conservation_problems()
    assert C in {event.plan_id for event in LetterOffice(store).pending() if event.type == "workflow.fund"}
    kept = desk._books(date(2025, 3, 3))  # the desk's books, folded in action by action
    afresh = Books.of(store, date(2025, 3, 3))
    assert (afresh.ledger.balances(), afresh.queue) == (kept.ledger.balances(), kept.queue)


def test_the_desk_folds_in_what_it_appended_itself_and_reads_what_another_writer_did(
    store: Store, clock: Clock, plans: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The books a desk keeps take in its own events as it appends them (the next budget-fit
    check reads nothing back), and still see what another desk on the same store appended."""
    desk = _desk(store, clock, plans)
    read: list[int] = []
    events = store.events

    def counted(*args: Any, **kwargs: Any) -> Any:
        for event in events(*args, **kwargs):
            read.append(event.seq)
            yield event

    desk.act(A, Trigger.FUND, NZA)  # builds the books: reads the events that make them, once
    monkeypatch.setattr(store, "events", counted)
    read.clear()
    own = desk.act(SMALL, Trigger.FUND, NZA).events
    assert [] == read  # its own fund of A was folded in as it was appended
    other = Desk(store).act(B, Trigger.FUND, NZA).events  # another writer: a gap in what this desk saw
    read.clear()
    with pytest.raises(Refused, match="does not fit the available funds"):
        desk.act(C, Trigger.FUND, NZA)  # B took the money: the desk read B's funding from the store
    # Its books fold in B's funding; the only other events read are C's own, replayed afresh
    # after the append found another writer had come in.
    assert {e.seq for e in other} <= set(read)
    assert set(read) - {e.seq for e in other} <= {e.seq for e in store.events(C)}
    assert own[-1].seq < other[0].seq
    day = date(2025, 1, 6)
    kept, afresh = desk._books(day), Books.of(store, day)
    assert (afresh.ledger.balances(), afresh.queue) == (kept.ledger.balances(), kept.queue)


def test_a_fresh_desk_reads_only_what_makes_the_books_and_gets_the_same_books(
    store: Store, clock: Clock, plans: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each command opens a desk of its own: its books read the programme, the events that may
    move money and the waiting list's plans, not every judgement and vote; they are the books of
    every event. A plan put on the waiting list after that read (approved long before) still
    counts from its final approval."""
    desk = _desk(store, clock, plans)
    for plan_id in (A, B):
        desk.act(plan_id, Trigger.FUND, NZA)
    desk.act(C, Trigger.WAITLIST, NZA)
    read: list[tuple[str | None, str]] = []
    events = store.events

    def seen(*args: Any, **kwargs: Any) -> Any:
        for event in events(*args, **kwargs):
            read.append((event.plan_id, event.type))
            yield event

    monkeypatch.setattr(store, "events", seen)
    fresh = Desk(store)
    queued = fresh.act(D, Trigger.WAITLIST, NZA).events[0]
    monkeypatch.setattr(store, "events", events)
    assert {(A, "workflow.fund"), (B, "workflow.fund"), (C, "workflow.judge")} <= set(read)
    others = {(plan_id, kind) for plan_id, kind in read if plan_id not in (C, D)}  # C waits; D's record is read
    assert {kind for _plan_id, kind in others} <= {*MONEY_EVENTS, "programme.adopted"}
    approved = next(e for e in store.events(D) if e.payload.get("to") == S.APPROVED.value)
    books = Books.of(store)
    assert [(C, None), (D, approved.seq)] == [(q.plan_id, q.seq if q.plan_id == D else None) for q in books.queue]
    assert 2 == queued.payload["position"]
    for day in (date(2024, 6, 1), date(2025, 1, 6), date(2030, 1, 1)):
        for reading in Reading:
            requested = fresh._requested
            whole = Folding.of(store.events(), day, requested, reading).books()
            read_only = Folding.read(store, day, requested, reading).books()
            assert (whole.ledger.balances(), whole.queue, whole.postings) == (
                read_only.ledger.balances(), read_only.queue, read_only.postings
            )  # fmt: skip
    kept = fresh._books(date(2025, 1, 6))
    assert (books.ledger.balances(), books.queue) == (kept.ledger.balances(), kept.queue)


def test_the_books_count_postings_only_on_the_events_that_move_money(store: Store, clock: Clock, plans: Any) -> None:
    """The desk writes postings only on :data:`MONEY_EVENTS` (the books read no others); postings
    written around it on another workflow event count for nothing, and ``verify`` names them."""
    assert set(MONEY_EVENTS) <= {trigger.event_type for trigger in Trigger}
    desk = _desk(store, clock, plans)
    record = desk.current(A)
    postings = [["available", None, "open", -100], ["committed", None, A, 100]]
    stray = NewEvent("workflow.judge", NZA, A, record.submitted_version, payload={"postings": postings})
    store.append_to_plans([PlanAppend(A, (stray,), record.last_seq, record.state)])
    assert 0 == _committed(desk, A)
    assert 0 == Books.balances_of(store).ledger.balance(Account(K.COMMITTED, None, A))  # summed by the database
    [problem] = books_problems(store.events(), date.max)
    assert "carries postings, but only a funding" in problem


def test_the_desk_refuses_to_write_postings_the_books_would_not_read(
    store: Store, clock: Clock, plans: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = _desk(store, clock, plans)
    before = store.last_seq()
    monkeypatch.setattr(desk_module, "MONEY_EVENTS", ("workflow.pay",))
    with pytest.raises(RuntimeError, match=r"workflow\.fund carries postings"):
        desk.act(A, Trigger.FUND, NZA)
    assert before == store.last_seq()


def test_a_funding_decided_on_books_another_writer_changed_is_decided_afresh(
    store: Store, clock: Clock, plans: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two desks fund two plans at once, with money for one: the one that reads the books first
    and stores second finds them changed, decides again, and is refused (no money is promised twice)."""
    desk = _desk(store, clock, plans)
    desk.act(A, Trigger.FUND, NZA)  # EUR 25.4m left: room for B or C, not both
    read = desk._books
    calls = 0

    def raced(on: date, **kwargs: Any) -> Books:
        nonlocal calls
        calls += 1
        books = read(on, **kwargs)
        if calls == 1:
            Desk(store).act(B, Trigger.FUND, NZA)  # the other desk stores first
        return books

    monkeypatch.setattr(desk, "_books", raced)
    with pytest.raises(Refused, match="does not fit the available funds"):
        desk.act(C, Trigger.FUND, NZA)
    assert 2 == calls  # decided afresh on the books with B's funding in them
    books = Books.of(store)
    assert (REQUEST, 0) == (_committed(desk, B), _committed(desk, C))
    assert all(balance >= 0 for _account, balance in books.ledger.accounts(K.AVAILABLE))
    assert [] == books.ledger.conservation_problems()
    assert S.APPROVED == desk.current(C).state


def test_a_refusal_decided_on_books_another_writer_changed_is_decided_afresh(
    store: Store, clock: Clock, plans: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A money action takes the books the desk keeps without asking the store first (its append
    checks that nothing came in between); a refusal stores nothing to check, so it asks before it
    stands. Here another desk's withdrawal gave money back: the funding that the books kept would
    refuse is decided afresh, and stored."""
    desk = _desk(store, clock, plans)
    desk.act(A, Trigger.FUND, NZA)
    desk.act(B, Trigger.FUND, NZA)  # C no longer fits
    asked = 0
    last_seq = store.last_seq

    def counted() -> int:
        nonlocal asked
        asked += 1
        return last_seq()

    monkeypatch.setattr(store, "last_seq", counted)
    with pytest.raises(Refused, match="does not fit the available funds"):
        desk.act(C, Trigger.FUND, NZA)
    assert 1 == asked  # the refusal asked; the books were current, so it stands
    Desk(store).act(B, Trigger.WITHDRAW, SUBMITTER, reason="De ziekenhuizen stoppen.")  # money back, unseen
    asked = 0
    [funding] = desk.act(C, Trigger.FUND, NZA).events
    assert 2 == asked  # the refusal found the books behind; the second attempt asked first
    assert (S.FUNDED, REQUEST) == (desk.current(C).state, _committed(desk, C))
    assert "workflow.fund" == funding.type
    day = date(2025, 1, 6)
    kept, afresh = desk._books(day), Books.of(store, day)
    assert (afresh.ledger.balances(), afresh.queue) == (kept.ledger.balances(), kept.queue)
    assert [] == afresh.ledger.conservation_problems()


def test_a_desk_that_is_the_only_writer_asks_the_store_nothing_before_a_money_action(
    store: Store, clock: Clock, plans: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = _desk(store, clock, plans)
    desk.act(A, Trigger.FUND, NZA)
    monkeypatch.setattr(store, "last_seq", lambda: pytest.fail("asked the store for its last event"))
    desk.act(B, Trigger.FUND, NZA)
    desk.act(C, Trigger.WAITLIST, NZA)
    assert (S.FUNDED, S.WAITLISTED) == (desk.current(B).state, desk.current(C).state)


def test_the_store_refuses_an_append_decided_before_the_last_event(store: Store, clock: Clock, plans: Any) -> None:
    desk = _desk(store, clock, plans)
    head = store.last_seq()
    record = desk.current(A)
    desk.act(B, Trigger.FUND, NZA)
    batch = PlanAppend(A, (NewEvent("workflow.fund", NZA, A, 2, None, {}, {}, None),), record.basis_seq, S.FUNDED)
    with pytest.raises(AppendedSince, match=rf"recorded event {head + 1} after event {head}.*nothing was stored"):
        store.append_to_plans([batch], after=head)
    assert head + 1 == store.last_seq()
    assert S.APPROVED == store.plan(A).state


def test_only_the_bo_iza_adopts_a_programme_and_only_one_that_holds_what_is_committed(
    store: Store, clock: Clock, plans: Any
) -> None:
    desk = _desk(store, clock, plans)
    desk.act(A, Trigger.FUND, NZA)
    with pytest.raises(Refused, match="adopting a programme needs the role bo-iza"):
        desk.adopt_programme(_practice(), NZA, reason="Zelf vastgesteld")
    smaller = _practice().document()
    smaller["total"] = {**smaller["total"], "amount": "40000000.00"}  # type: ignore[dict-item]
    smaller["earmarks"] = [{**smaller["earmarks"][0], "amount": "20000000.00"}]  # type: ignore[index]
    with pytest.raises(Refused, match=r"the earmark msz went €4,600,000.00 below zero"):
        desk.adopt_programme(programme_from_document(smaller, "test"), BO_IZA, reason="Bezuiniging")
    assert 1 == sum(1 for e in store.events() if e.type == "programme.adopted")  # the refused ones left nothing


def test_the_demo_walk_keeps_the_books(tmp_path: Any) -> None:
    """The demo's practice store: its waiting list moved by itself, and the books balance."""
    from beoordeling.cli.demo import run_demo  # noqa: PLC0415

    report = run_demo(tmp_path, None)
    with Store.open(report.store_url) as store:
        books = Books.of(store, date(2025, 12, 31))
        assert [] == books.ledger.conservation_problems()
        assert () == books.queue
        committed = {account.part: amount for account, amount in books.ledger.accounts(K.COMMITTED) if amount}
        assert {"TP-2023-0014": REQUEST - cents("9800000.00"), "TP-2023-0015": REQUEST} == committed  # M1 paid
        assert cents("9800000.00") == books.ledger.balance(Account(K.PAID, None, "TP-2023-0014/M1"))
        assert cents("800000.00") == books.ledger.total(K.AVAILABLE)


def _programme(total: str, **extra: Any) -> Programme:
    """The practice programme with another total, no earmark, and ``extra`` entries."""
    document = _practice().document()
    document.update(total={"amount": total, "source": "test"}, earmarks=[], **extra)
    return programme_from_document(document, "test")


def _milestones(
    desk: Desk,
    clock: Clock,
    plan_id: str,
    outcomes: dict[str, str],
    submitter: Actor = SUBMITTER,
    *,
    start: bool = True,
) -> None:
    """Start the funded plan (unless it runs) and have its milestones reported and decided as ``outcomes`` says."""
    if start:
        desk.act(plan_id, Trigger.START, submitter)
    for milestone, outcome in outcomes.items():
        desk.act(plan_id, Trigger.REPORT_MILESTONE, submitter, milestone=milestone)
        if outcome == "met":
            judge_all(desk, plan_id)
            both(desk, "decide", "met", plan_id=plan_id)
        else:
            both(desk, "decide", "missed", "Niet gehaald", plan_id=plan_id)


def test_a_milestone_met_is_paid_once_a_missed_one_never(store: Store, clock: Clock, plans: Any) -> None:
    desk = _desk(store, clock, {A: plans[A]})
    desk.act(A, Trigger.FUND, NZA)
    _milestones(desk, clock, A, {"M1": "met", "M2": "missed"})
    with pytest.raises(Refused, match="milestone M3 has not been found met"):
        desk.pay(A, "M3", COORDINATOR)
    with pytest.raises(Refused, match="milestone M2 was found missed: a missed milestone is not paid"):
        desk.pay(A, "M2", COORDINATOR)
    paid = desk.pay(A, "M1", COORDINATOR).events[0]
    assert [["committed", None, A, -cents("9800000.00")], ["paid", None, f"{A}/M1", cents("9800000.00")]] == (
        paid.payload["postings"]
    )
    with pytest.raises(Refused, match=rf"milestone M1 was already paid \(event {paid.seq}\)"):
        desk.pay(A, "M1", COORDINATOR)
    with pytest.raises(Refused, match="needs the role"):
        desk.pay(A, "M1", NZA)
    lines = {line.milestone: line for line in desk.milestones()}
    assert ("paid", "missed", "open") == (lines["M1"].status.value, lines["M2"].status.value, lines["M3"].status.value)
    assert REQUEST - cents("9800000.00") == _committed(desk, A)


def test_completion_gives_back_what_missed_milestones_would_have_paid_and_moves_the_list(
    store: Store, clock: Clock, plans: Any
) -> None:
    """A budget with exactly A and B's money: the small plan waits; A completes with M3 missed and
    M2 met but unpaid, so M3's EUR 2.6m comes back, M2's stays committed, and the small plan is funded."""
    desk = _desk(store, clock, {A: plans[A], B: plans[B], SMALL: plans[SMALL]}, _programme("49200000.00"))
    desk.act(A, Trigger.FUND, NZA)
    desk.act(B, Trigger.FUND, NZA)
    desk.act(SMALL, Trigger.WAITLIST, NZA)
    _milestones(desk, clock, A, {"M1": "met", "M2": "met", "M3": "missed", "M4": "met"})
    desk.pay(A, "M1", COORDINATOR)
    desk.pay(A, "M4", COORDINATOR)
    completed = desk.act(A, Trigger.COMPLETE, COORDINATOR)
    assert "2600000.00" == completed.events[0].payload["released"]
    [promotion] = completed.moved
    assert (SMALL, Role.SYSTEM) == (promotion.plan_id, promotion.actor.role)
    assert (cents("9600000.00"), cents("246000.00")) == (_committed(desk, A), _committed(desk, SMALL))
    desk.pay(A, "M2", COORDINATOR)  # a milestone met is paid after completion too
    assert 0 == _committed(desk, A)
    books = Books.of(store)
    assert ([], ()) == (books.ledger.conservation_problems(), books.queue)


def test_what_a_reservation_gives_back_is_used_by_the_daily_move(store: Store, clock: Clock, plans: Any) -> None:
    """Money held for another theme until 31 January 2025 cannot fund the small plan; from
    1 February it can, and the daily move funds it (nothing moves before)."""
    reserved = [{"id": "mgn", "on": "2024-01-02", "themes": ["mgn"], "amount": "10000000.00", "until": "2025-01-31",
                 "source": "test"}]  # fmt: skip
    desk = _desk(
        store, clock, {A: plans[A], B: plans[B], SMALL: plans[SMALL]}, _programme("59200000.00", reservations=reserved)
    )
    desk.act(A, Trigger.FUND, NZA)
    desk.act(B, Trigger.FUND, NZA)
    with pytest.raises(Refused, match="does not fit the available funds"):
        desk.act(SMALL, Trigger.FUND, NZA)
    desk.act(SMALL, Trigger.WAITLIST, NZA)
    assert [] == desk.move_waiting_list()
    set_day(clock, date(2025, 2, 3))
    [moved] = desk.move_waiting_list()
    assert (SMALL, S.FUNDED, "workflow.fund") == (moved.plan_id, moved.state, moved.events[0].type)
    assert desk.move_waiting_list() == []
    assert (S.FUNDED, ()) == (desk.current(SMALL).state, Books.of(store).queue)


def test_a_queued_plans_withdrawal_moves_the_list_when_the_next_fits(store: Store, clock: Clock, plans: Any) -> None:
    """The small plan waits behind one that does not fit; when that one is withdrawn, the small
    plan is at the head and the money covers it: it is funded in the same transaction (found by the
    state machine)."""
    desk = _desk(store, clock, plans)
    for plan_id in (A, B):
        desk.act(plan_id, Trigger.FUND, NZA)
    desk.act(C, Trigger.WAITLIST, NZA)
    desk.act(SMALL, Trigger.WAITLIST, NZA)  # it fits the EUR 0.8m left, but C is ahead of it
    withdrawn = desk.act(C, Trigger.WITHDRAW, SUBMITTER, reason="Het plan gaat niet door.")
    assert [SMALL] == [event.plan_id for event in withdrawn.moved]
    assert (S.WITHDRAWN, S.FUNDED) == (desk.current(C).state, desk.current(SMALL).state)
    assert () == Books.of(store).queue


def test_a_plan_cheaper_than_approved_gives_money_back_and_the_list_moves(
    store: Store, clock: Clock, plans: Any
) -> None:
    """A milestone that needs less: the difference goes back to the funds in the same transaction
    that funds the head of the waiting list; the milestone then pays what is left, and what was paid
    or found missed cannot be reduced."""
    tenth = _scaled(plans[A], "TP-2023-0019", 10)  # asks EUR 2.46m, more than the 0.8m left
    desk = _desk(store, clock, {A: plans[A], B: plans[B], tenth.id: tenth})
    desk.act(A, Trigger.FUND, NZA)
    desk.act(B, Trigger.FUND, NZA)
    desk.act(tenth.id, Trigger.WAITLIST, NZA)
    with pytest.raises(Refused, match=r"needs a reason"):
        desk.reduce(A, "M3", cents("2000000.00"), COORDINATOR)
    for milestone, amount, expected in (
        ("M9", 100, "plan TP-2023-0014 has no milestone 'M9'"),
        ("M3", 0, "name the amount the milestone needs less, more than zero"),
        ("M3", cents("2600000.01"), "milestone M3 has €2,600,000.00 of the insurers' money left to pay"),
    ):
        with pytest.raises(Refused, match=expected):
            desk.reduce(A, milestone, amount, COORDINATOR, reason="Goedkoper uitgevallen")
    reduced = desk.reduce(A, "M3", cents("2000000.00"), COORDINATOR, reason="De opschaling valt goedkoper uit")
    [event] = reduced.events
    assert ("workflow.reduce-funding", "2000000.00", "600000.00") == (
        event.type, event.payload["reduction"], event.payload["amount"]
    )  # fmt: skip
    [promotion] = reduced.moved
    assert (tenth.id, "workflow.fund", True) == (promotion.plan_id, promotion.type, promotion.payload["promoted"])
    assert S.FUNDED == desk.current(tenth.id).state
    assert REQUEST - cents("2000000.00") == _committed(desk, A)
    # the milestone now pays what is left of it, and nothing more can come off what was paid
    _milestones(desk, clock, A, {"M3": "met"})
    [line] = [line for line in desk.milestones() if (line.plan_id, line.milestone) == (A, "M3")]
    assert Decimal("600000.00") == line.amount
    office = LetterOffice(store)
    [met] = [e for e in office.pending() if (e.plan_id, e.type) == (A, "workflow.milestone-met")]
    letter = office.letter(met)
    assert "Coöperatie VGZ betaalt €\u00a0600.000,00 uiterlijk op" in letter.decision  # what it pays now
    assert [Decimal("600000.00")] == [a.amount for a in letter.amounts]
    paid = desk.pay(A, "M3", COORDINATOR).events[0]
    assert "600000.00" == paid.payload["amount"]
    with pytest.raises(Refused, match=r"milestone M3 was already paid"):
        desk.reduce(A, "M3", 100, COORDINATOR, reason="x")
    _milestones(desk, clock, A, {"M4": "missed"}, start=False)
    with pytest.raises(Refused, match=r"milestone M4 was found missed"):
        desk.reduce(A, "M4", 100, COORDINATOR, reason="x")
    books = Books.of(store)
    assert [] == books.ledger.conservation_problems()
    assert dict(books.ledger.balances()) == dict(Books.balances_of(store).ledger.balances())
    assert store.verify().ok
