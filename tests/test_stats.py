"""The programme's figures from the event log: counted as of a moment, the same however much is
entered later, and reconciled with a published national position."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from beoordeling import Role, Store, load_plan
from beoordeling.cli import cli
from beoordeling.desk import Desk
from beoordeling.money import AccountKind, cents
from beoordeling.money.books import Books
from beoordeling.money.budget import KINDS, budget
from beoordeling.stats import Group, Period, evaluate, figures, holm, period_of, wilson
from beoordeling.stats.compare import compare
from beoordeling.stats.evaluation import UNCOUNTED
from beoordeling.store import Actor, Reading
from beoordeling.workflow import Trigger

from .conftest import ROOT, Clock
from .letters_support import build_walked_store
from .workflow_support import COORDINATOR, LEADERS, SUBMITTER, both, judge_all, set_day, stored_desk

ON = date(2024, 2, 12)
"""The VWS overview of 12 February 2024: 183 quick tests, of which 88 passed, 52 were rejected and 43
had more information requested; 14 plans approved."""
PASSED, REJECTED, ASKED, APPROVED = 88, 52, 43, 14
REGIONS = {
    "Amsterdam": (20, 11), "Arnhem": (11, 7), "Zuid Oost Brabant": (10, 4), "West Brabant": (8, None),
    "Rotterdam": (5, 1), "Nijmegen": (4, 2),
}  # fmt: skip
"""The same overview per region: proposals, and those through the quick test (West Brabant: not
given). The source calls the latter "goedgekeurd", which must mean through the quick test: its
regions' approvals add up to 18, more than the 14 plans approved nationally."""
ELSEWHERE = "Overige regio's"
"""The plans the source gives no region for, all in one constructed region."""


def _regions() -> list[str]:
    """Each plan's region, by its place in the fixture: the plans that pass come first."""
    passing = [name for name, (_n, through) in REGIONS.items() for _ in range(through or 0)]
    others = [name for name, (n, through) in REGIONS.items() for _ in range(n - (through or 0))]
    return [*passing, *[ELSEWHERE] * (PASSED - len(passing)), *others,
            *[ELSEWHERE] * (REJECTED + ASKED - len(others))]  # fmt: skip


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store whose events reproduce the national position of 12 February 2024 and its figures per
    region, every step through the desk on its own day; then, on 20 February, one rejection stated for 9 February."""
    path = tmp_path_factory.mktemp("national") / "store.db"
    clock = Clock()
    set_day(clock, date(2023, 1, 16))
    template = load_plan(ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml")
    total = PASSED + REJECTED + ASKED
    ids = [f"TP-2023-{1000 + n}" for n in range(total)]
    with Store.open(str(path), create=True, clock=clock) as store:
        store.initialise(Actor("test", "beoordeling", Role.SYSTEM), practice=True)
        assert template.region is not None
        regions = [template.region.model_copy(update={"name": name, "reference": None}) for name in _regions()]
        store.save_plans(
            [
                template.model_copy(update={"id": plan_id, "region": region})
                for plan_id, region in zip(ids, regions, strict=True)
            ],
            SUBMITTER,
        )
        desk = Desk(store)

        def submitted(plan_id: str) -> None:
            desk.submit(plan_id, SUBMITTER)

        def passed(plan_id: str) -> None:
            judge_all(desk, plan_id)
            both(desk, "decide", "positive", plan_id=plan_id)

        def rejected(plan_id: str) -> None:
            both(desk, "decide", "negative", "Geen impact", plan_id=plan_id)

        def asked(plan_id: str) -> None:
            desk.act(plan_id, Trigger.REQUEST_INFO, COORDINATOR, reason="Welke regio?")

        def worked_out(plan_id: str) -> None:
            desk.submit(plan_id, SUBMITTER)
            judge_all(desk, plan_id)
            both(desk, "propose", "approve", plan_id=plan_id)

        def approved(plan_id: str) -> None:
            both(desk, "decide", "approve", plan_id=plan_id)

        steps: list[tuple[date, int, Callable[[str], None], str]] = []
        for n, plan_id in enumerate(ids):
            day = date(2023, 2, 1) + timedelta(days=n * 2)  # the last quick test on 2 February 2024
            outcome = passed if n < PASSED else rejected if n < PASSED + REJECTED else asked
            steps += [
                (day, len(steps), submitted, plan_id),
                (day + timedelta(days=1), len(steps) + 1, outcome, plan_id),
            ]
            if n < APPROVED:
                steps += [(day + timedelta(days=8), len(steps), worked_out, plan_id),
                          (day + timedelta(days=29), len(steps) + 1, approved, plan_id)]  # fmt: skip
        for day, _n, step, plan_id in sorted(steps, key=lambda s: s[:2]):
            set_day(clock, day)
            step(plan_id)
        # entered later, stated earlier: the first plan asked for more information is rejected
        set_day(clock, date(2024, 2, 20))
        late = ids[PASSED + REJECTED]
        desk.act(late, Trigger.ANSWER, SUBMITTER, on=date(2024, 2, 8))
        for leader in LEADERS:
            desk.decide(late, "negative", leader, reason="Geen impact", on=date(2024, 2, 9))
    return str(path)


def test_the_figures_reproduce_the_published_position(national: str) -> None:
    with Store.open(national) as store:
        found = figures(store.events(), period_of(on=ON))
    q = found.quick_tests
    assert (PASSED + REJECTED + ASKED, PASSED, REJECTED, ASKED, 0) == (
        q.submitted, q.passed, q.rejected, q.more_information, q.open
    )  # fmt: skip
    assert APPROVED == found.to_date[("plan", "approved")]
    regions = {g.name: g.quick_tests for g in found.groups if g.split == "region"}
    for name, (proposals, through) in REGIONS.items():
        assert proposals == regions[name].submitted, name
        assert through in (None, regions[name].passed), name
    assert {**REGIONS, ELSEWHERE: ()}.keys() == regions.keys()
    assert max(REGIONS, key=lambda name: regions[name].passed) == "Amsterdam"  # "de meeste goedgekeurde"


def test_the_same_question_gets_the_same_answer_however_much_is_entered_later(national: str) -> None:
    """Known (the default): what the store had recorded by 12 February. As it happened: the
    rejection entered on 20 February but stated for the 9th counts too."""
    with Store.open(national) as store:
        known = figures(store.events(), period_of(on=ON))
        happened = figures(store.events(), period_of(on=ON), Reading.HAPPENED)
    assert (REJECTED, ASKED) == (known.quick_tests.rejected, known.quick_tests.more_information)
    assert (REJECTED + 1, ASKED - 1) == (happened.quick_tests.rejected, happened.quick_tests.more_information)


def test_a_quarter_counts_its_own_days_and_everything_up_to_its_end(national: str) -> None:
    with Store.open(national) as store:
        first = figures(store.events(), period_of("2023Q1"))
    assert Period(date(2023, 1, 1), date(2023, 3, 31), "2023Q1") == first.period
    submitted = first.in_period[("quick-test", "submitted")]
    assert 30 == submitted  # one every second day from 1 February to 30 March
    assert submitted == first.to_date[("quick-test", "submitted")]  # nothing before the quarter


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ({"quarter": "2024Q5"}, "is not a quarter"),
        ({}, "name one period"),
        ({"quarter": "2024Q1", "on": ON}, "name one period"),
        ({"start": date(2024, 3, 1), "end": date(2024, 1, 1)}, "starts after it ends"),
    ],
)
def test_a_period_is_named_once_and_plainly(args: dict[str, object], said: str) -> None:
    with pytest.raises(ValueError, match=said):
        period_of(**args)  # type: ignore[arg-type]


def test_stats_on_the_command_line(national: str, dutch_terminal: None) -> None:
    table = CliRunner().invoke(cli, ["--store", national, "stats", "--on", "2024-02-12"])
    assert 0 == table.exit_code, table.output
    assert "Snelle toetsen: 183 ingediend, waarvan 88 positief, 52 negatief, 43 met nadere informatie" in table.output
    assert "zoals de opslag het aan het einde van 12 februari 2024 had vastgelegd" in table.output
    data = json.loads(CliRunner().invoke(cli, ["--store", national, "stats", "--quarter", "2024Q1", "--format",
                                               "json", "--reading", "happened"]).output)  # fmt: skip
    assert ({"label": "2024Q1", "from": "2024-01-01", "to": "2024-03-31"}, "happened") == (
        data["period"], data["reading"]
    )  # fmt: skip
    refused = CliRunner().invoke(cli, ["--store", national, "stats", "--quarter", "2024-1"])
    assert (2, None) == (refused.exit_code, None if isinstance(refused.exception, SystemExit) else refused.exception)
    assert "'2024-1' is geen kwartaal" in refused.output


def test_the_figures_split_by_region_theme_sector_scale_and_insurers(tmp_path: Path) -> None:
    """Each plan in one region, one theme and one pair of market leaders, and in every sector it
    involves: the groups add up where they must."""
    build_walked_store(tmp_path / "store.db")
    with Store.open(str(tmp_path / "store.db")) as store:
        found = figures(store.events(), period_of(on=date(2025, 9, 30)))

    def by(split: str) -> dict[str, Group]:
        return {group.name: group for group in found.groups if group.split == split}

    for split in ("region", "theme", "submitting-sector", "scale", "insurers"):
        assert found.quick_tests.submitted == sum(g.quick_tests.submitted for g in by(split).values()), split
    assert (1, 1) == (by("region")["Zeeland"].quick_tests.submitted, by("region")["Zeeland"].quick_tests.rejected)
    # the submitting sector is the sector of the lead party: Zeeland's GP cooperative
    assert (1, 1) == (by("submitting-sector")["huisartsenzorg"].quick_tests.submitted,
                      by("submitting-sector")["huisartsenzorg"].quick_tests.rejected)  # fmt: skip
    assert "unknown" not in by("submitting-sector")
    assert {"regionaal", "landelijk"} <= set(by("scale"))
    assert all(g.quick_tests.submitted <= found.quick_tests.submitted for g in by("sector").values())
    pair = by("insurers")["Coöperatie VGZ / Zilveren Kruis"]
    assert (3, 2) == (pair.approved, pair.funded)
    # the criteria that did not hold, from the results stored with the decisions themselves
    criteria = {(c.step, c.criterion): c for c in found.criteria}
    assert (1, 0, 5) == (criteria["quick-test", "C3P"].failed, criteria["quick-test", "C3P"].incomplete,
                         criteria["quick-test", "C3P"].decisions)  # fmt: skip
    assert [c.failed + c.incomplete for c in found.criteria if c.step == "quick-test"] == sorted(
        (c.failed + c.incomplete for c in found.criteria if c.step == "quick-test"), reverse=True
    )
    shown = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "store.db"), "stats", "--on", "2025-09-30", "--by", "region"]
    )
    assert 0 == shown.exit_code, shown.output
    assert any(line.split()[:3] == ["Zeeland", "1", "0"] for line in shown.output.splitlines())


def test_the_clocks_kept_late_and_overdue(store: Store, clock: Clock) -> None:
    """One quick test decided within its four weeks, one six weeks after it was submitted, one not
    at all: the first in time, the second late by the days past its due date, the third overdue."""
    template = load_plan(ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml")
    set_day(clock, date(2024, 3, 4))
    ids = ["TP-2024-0001", "TP-2024-0002", "TP-2024-0003"]
    store.save_plans([template.model_copy(update={"id": plan_id}) for plan_id in ids], SUBMITTER)
    desk = Desk(store)
    for plan_id in ids:
        desk.submit(plan_id, SUBMITTER)
    set_day(clock, date(2024, 3, 18))
    both(desk, "decide", "negative", "Geen impact", plan_id=ids[0])
    set_day(clock, date(2024, 4, 15))
    both(desk, "decide", "negative", "Geen impact", plan_id=ids[1])
    [submitted] = [e for e in store.events(ids[1]) if e.type == "workflow.submit-quick-test"]
    due = date.fromisoformat(submitted.payload["clock"]["due_on"])
    found = figures(store.events(), period_of(on=date(2024, 4, 30)))
    quick = next(c for c in found.clocks if c.clock.value == "quick-test")
    assert (2, 1, ((date(2024, 4, 15) - due).days,), 1, 1) == (
        quick.decided, quick.in_time, quick.late_days, quick.running, quick.overdue
    )  # fmt: skip
    assert (14 + 42) / 2 == quick.median_days


def test_holm_adjusts_step_down_and_keeps_the_order() -> None:
    assert [0.03, 0.06, 0.06] == pytest.approx(holm([0.01, 0.04, 0.03]))
    assert [1.0] == holm([0.7 * 2])  # never above 1


@given(passed=st.integers(min_value=0, max_value=500), failed=st.integers(min_value=0, max_value=500))
def test_the_wilson_interval_holds_the_rate_within_zero_and_one(passed: int, failed: int) -> None:
    low, high = wilson(passed, passed + failed)
    rate = passed / (passed + failed) if passed + failed else 0.5
    assert 0.0 <= low <= rate + 1e-12
    assert rate - 1e-12 <= high <= 1.0


@given(p_values=st.lists(st.floats(min_value=0, max_value=1), max_size=20))
def test_holm_is_never_below_the_raw_p_value_and_keeps_their_order(p_values: list[float]) -> None:
    adjusted = holm(p_values)
    assert all(a >= p and a <= 1.0 for a, p in zip(adjusted, p_values, strict=True))
    ranked = sorted(range(len(p_values)), key=lambda i: p_values[i])
    assert all(adjusted[a] <= adjusted[b] for a, b in itertools.pairwise(ranked))


def test_a_group_that_fails_more_often_is_found_and_a_small_one_is_not_judged() -> None:
    """Region A: 18 of 20 quick tests passed; the other 40 plans: 10 passed. Region B has three
    plans: too few to say anything, and said so."""
    a = {f"A{n}": n < 18 for n in range(20)}
    rest = {f"R{n}": n < 10 for n in range(37)}
    b = {f"B{n}": n < 1 for n in range(3)}
    outcomes = {**a, **rest, **b}
    members = {("region", "A"): set(a), ("region", "B"): set(b), ("region", "R"): set(rest)}
    found = {c.group: c for c in compare({"quick-test": outcomes}, members)}
    assert ("differs", "too-small") == (found["A"].verdict, found["B"].verdict)
    assert found["A"].adjusted is not None
    assert found["A"].adjusted < 0.001
    assert (20, 18, 40, 11) == (
        found["A"].decided,
        found["A"].passed,
        found["A"].others_decided,
        found["A"].others_passed,
    )
    low, high = found["A"].low, found["A"].high
    assert 0.68 < low < 0.70
    assert 0.97 < high < 0.98
    assert (None, None) == (found["B"].p_value, found["B"].adjusted)


def test_the_burden_of_a_plan_asked_twice_and_sent_back_once(store: Store, clock: Clock) -> None:
    """A quick test asked for more information twice and a plan sent back for rework once: the
    requests, rounds and versions counted, and the days split between waiting on the assessors and
    on the submitters (working out the plan counts in neither)."""
    template = load_plan(ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml")
    plan_id = "TP-2024-0101"
    desk = stored_desk(store, template.model_copy(update={"id": plan_id}), clock, date(2024, 3, 4))

    def judged(outcome: str, reason: str | None = None, method: str = "decide") -> Callable[[], None]:
        def step() -> None:
            judge_all(desk, plan_id)
            both(desk, method, outcome, reason, plan_id=plan_id)

        return step

    steps: list[tuple[date, Callable[[], object]]] = [
        (date(2024, 3, 4), lambda: desk.submit(plan_id, SUBMITTER)),
        (date(2024, 3, 11), lambda: desk.act(plan_id, Trigger.REQUEST_INFO, COORDINATOR, reason="Welke regio?")),
        (date(2024, 3, 21), lambda: desk.act(plan_id, Trigger.ANSWER, SUBMITTER)),
        (date(2024, 3, 25), lambda: desk.act(plan_id, Trigger.REQUEST_INFO, COORDINATOR, reason="Welke partijen?")),
        (date(2024, 3, 28), lambda: desk.act(plan_id, Trigger.ANSWER, SUBMITTER)),
        (date(2024, 4, 1), judged("positive")),
        (date(2024, 5, 1), lambda: desk.submit(plan_id, SUBMITTER)),  # a month working the plan out
        (date(2024, 5, 15), judged("rework", "Kosten onduidelijk", "propose")),
        (date(2024, 6, 3), lambda: both(desk, "decide", "rework", "Kosten onduidelijk", plan_id=plan_id)),
    ]
    for day, step in steps:
        set_day(clock, day)
        step()
    revised = store.plan(plan_id).plan.model_copy(update={"summary": "Aangepast na het verzoek"})
    set_day(clock, date(2024, 6, 24))
    desk.save_plans([revised], SUBMITTER)
    desk.submit(plan_id, SUBMITTER)
    set_day(clock, date(2024, 7, 1))
    judge_all(desk, plan_id)
    both(desk, "propose", "approve", plan_id=plan_id)
    set_day(clock, date(2024, 7, 22))
    both(desk, "decide", "approve", plan_id=plan_id)
    burden = figures(store.events(), period_of("2024Q3")).burden
    assert burden is not None
    assert (1, 2, 1, (2,)) == (burden.decided, burden.information_requests, burden.rework_rounds, burden.versions)
    # on the assessors: 7 + 4 + 4 days at the quick test, 14 + 19 from the plan to the rework, 28 after it
    # on the submitters: 10 + 3 answering, 21 reworking
    assert ((7 + 4 + 4 + 14 + 19 + 28,), (10 + 3 + 21,)) == (burden.days_on_assessors, burden.days_on_submitters)
    assert figures(store.events(), period_of("2024Q2")).burden == type(burden)(0, 0, 0, (), (), ())


def test_the_money_at_the_period_end_adds_up_to_the_budget(tmp_path: Path) -> None:
    """The money of the figures is the budget of the books as of the same moment, split so that
    every split adds up to its total: committed and paid per theme, paid per year, the requests
    per year and per sector."""
    build_walked_store(tmp_path / "store.db")
    period = period_of(on=date(2025, 9, 30))
    with Store.open(str(tmp_path / "store.db")) as store:
        books = Books.balances_of(store, period.end, Reading.KNOWN)
        money = figures(store.events(), period, books=books).money
        funded = [e for e in store.events() if e.type == "workflow.fund"]
    assert money is not None
    whole = budget(books)
    assert {kind: whole.of(kind) for kind in KINDS} == dict(money.kinds)
    assert (whole.waiting, whole.waiting_amount) == (money.waiting, money.waiting_amount)

    def total(dimension: str, what: str) -> int:
        return sum(getattr(row, what) or 0 for row in money.rows if row.dimension == dimension)

    assert money.kinds[AccountKind.COMMITTED] == total("theme", "committed")
    assert money.kinds[AccountKind.PAID] == total("theme", "paid") == total("year", "paid")
    assert money.kinds[AccountKind.AVAILABLE] == total("earmark", "available")
    for dimension in ("theme", "sector", "year"):
        assert (money.requested, money.approved) == (total(dimension, "requested"), total(dimension, "approved"))
    # every funded plan was approved on the request it was funded for
    assert sum(cents(e.payload["amount"]) for e in funded) <= money.approved <= money.requested
    assert 0 == money.unrecorded


@pytest.mark.parametrize(
    ("period", "before"),
    [
        (period_of("2024Q1"), period_of("2023Q4")),
        (period_of("2024Q3"), period_of("2024Q2")),
        (
            period_of(start=date(2024, 3, 1), end=date(2024, 3, 10)),
            period_of(start=date(2024, 2, 20), end=date(2024, 2, 29)),
        ),
        (period_of(on=date(2024, 3, 1)), None),
    ],
)
def test_the_period_before(period: Period, before: Period | None) -> None:
    assert before == period.previous()


def test_what_changed_since_the_previous_quarter_is_said_from_the_figures(tmp_path: Path) -> None:
    build_walked_store(tmp_path / "store.db")
    with Store.open(str(tmp_path / "store.db")) as store:
        evaluation = evaluate(store, period_of("2025Q3"))
        again = evaluate(store, period_of("2025Q3"))
    assert evaluation.previous is not None
    assert "2025Q2" == evaluation.previous.period.label
    now, before = evaluation.figures.in_period, evaluation.previous.in_period
    waitlisted = ("funds", "waitlisted")
    assert (1, 0) == (now.get(waitlisted, 0), before.get(waitlisted, 0))
    assert "Plans put on the waiting list: 1 in 2025Q3, against 0 in 2025Q2 (+1)." in evaluation.changes
    assert any(sentence.startswith("1 plan waits on the waiting list") for sentence in evaluation.changes)
    assert evaluation.changes == again.changes
    assert evaluation.practice


def test_the_figures_read_only_what_they_count(tmp_path: Path) -> None:
    """Cutting the read at the period's last event and leaving out judgements, comments, votes and
    letters gives the same figures as reading every event."""
    build_walked_store(tmp_path / "store.db")
    with Store.open(str(tmp_path / "store.db")) as store:
        for reading in Reading:
            period = period_of("2025Q2")
            whole = figures(store.events(), period, reading)
            cut = figures(
                store.events(until=store.last_seq_as_of(period.end, reading), leaving_out=UNCOUNTED), period, reading
            )
            assert whole == cut, reading
            assert store.last_seq_as_of(period.end, reading) < store.head().count
            # evaluate reads once for both periods, without the assessments, then those of the periods' decisions
            evaluation = evaluate(store, period, reading)
            for found, days in ((evaluation.figures, period), (evaluation.previous, period.previous())):
                assert found is not None
                assert days is not None
                books = Books.balances_of(store, days.end, reading)
                assert found == figures(store.events(), days, reading, books=books)
            assert evaluation.figures.criteria, "the decisions' criteria were counted"


def test_the_books_of_several_days_from_one_pass_are_each_days_books(tmp_path: Path) -> None:
    """``Books.balances_on`` sums the postings once for several days (the quarter's end and the one
    before); each day's books are those ``balances_of`` gives for it alone."""
    build_walked_store(tmp_path / "store.db")
    days = [date(2025, 9, 30), date(2024, 12, 31), date(2025, 3, 31), date(2023, 6, 30)]
    with Store.open(str(tmp_path / "store.db")) as store:
        for reading in Reading:
            together = Books.balances_on(store, days, reading)
            for day, books in zip(days, together, strict=True):
                alone = Books.balances_of(store, day, reading)
                assert (day, budget(alone, str).lines, alone.queue) == (day, budget(books, str).lines, books.queue)
            assert len({budget(books, str).lines for books in together}) > 1, "the days' books differ"
        assert [] == Books.balances_on(store, [])
