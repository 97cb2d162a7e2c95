"""Time is evidence: recorded time by the store's clock, bounded stated dates, practice stores, and
the two readings of "as of a date"."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling import Plan, Store, load_plan
from beoordeling.cli import cli
from beoordeling.desk import Desk
from beoordeling.errors import Refused, StoreError
from beoordeling.overview import overview_sheets
from beoordeling.planfile import save_plan
from beoordeling.store import NewEvent, Reading
from beoordeling.workflow import Trigger, default_policy, local_date, policy_from_document

from .conftest import EXAMPLES, Clock
from .workflow_support import BO_IZA, PLAN_ID, SUBMITTER, VGZ, set_day, stored_desk

CZ_PLAN = "thuismonitoring-ziekenhuizen"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


# --- real stores -------------------------------------------------------------------------------------


def test_a_real_store_refuses_a_simulated_clock(tmp_path: Path, clock: Clock) -> None:
    """Only a declared practice store runs on a clock other than the system's."""
    with Store.open(str(tmp_path / "a.db"), create=True, clock=clock) as store, pytest.raises(StoreError) as made:
        store.initialise(SUBMITTER)
    assert "a real store records events by the system clock" in str(made.value)
    with Store.open(str(tmp_path / "b.db"), create=True) as store:
        store.initialise(SUBMITTER)
    with pytest.raises(StoreError) as opened:
        Store.open(str(tmp_path / "b.db"), clock=clock)
    assert "is a real store: it records events by the system clock, never a simulated one" in str(opened.value)


def test_the_issue_examples_are_refused_on_a_real_store(tmp_path: Path) -> None:
    """Import and submit with --on far in the past, and a milestone dated 9999, are refused (exit 3)
    naming the bound; nothing is stored."""
    db = str(tmp_path / "real.db")
    plan = str(next(p for p in EXAMPLES if p.stem == CZ_PLAN))
    assert 0 == run("--store", db, "init", "--as", "Zilveren Kruis/J. Jansen")[0]
    today = Desk(Store.open(db)).today()
    code, output = run("--store", db, "import", plan, "--on", "2025-06-30", "--as", "Ziekenhuis Noordwest/A. Bakker")
    assert 3 == code
    assert f"the action is dated 30 June 2025, {(today - date(2025, 6, 30)).days} days before the store records it" in (
        " ".join(output.split())
    )
    assert "allows an action to be dated at most 14 days back (clocks.backdating-days)" in " ".join(output.split())
    assert 0 == run("--store", db, "import", plan, "--as", "Ziekenhuis Noordwest/A. Bakker")[0]
    code, output = run("--store", db, "submit", PLAN_ID, "--on", "9999-12-25", "--as", "Ziekenhuis Noordwest/A. Bakker")
    assert 3 == code
    assert "after the day the store records it" in output
    with Store.open(db) as store:
        assert ["store.initialised", "policy.adopted", "plan.created"] == [e.type for e in store.events()]
        assert store.verify().ok


def test_a_stated_date_within_the_bounds_takes_effect_then_and_is_recorded_now(tmp_path: Path) -> None:
    """An action dated three days back takes effect on that day; the store records it now."""
    with Store.open(str(tmp_path / "s.db"), create=True) as store:
        store.initialise(SUBMITTER)
        desk = Desk(store)
        today = desk.today()
        plan = next(p for p in EXAMPLES if p.stem == CZ_PLAN)
        [saved] = desk.save_plans([load_plan(plan)], SUBMITTER, on=today - timedelta(days=3))
        assert saved.event is not None
        assert today - timedelta(days=3) == local_date(saved.event.occurred_at)
        assert saved.event.recorded_at is not None
        assert abs(saved.event.recorded_at - datetime.now(UTC)) < timedelta(minutes=1)
        result = desk.act(PLAN_ID, Trigger.WITHDRAW, SUBMITTER, reason="Toch niet", on=today - timedelta(days=2))
        assert today - timedelta(days=2) == local_date(result.events[-1].occurred_at)
        with pytest.raises(Refused) as before_last:
            desk.act(PLAN_ID, Trigger.WITHDRAW, SUBMITTER, reason="x", on=today - timedelta(days=3))
        assert (
            f"the plan's last event is dated {_long(today - timedelta(days=2))}; an action cannot be dated before it"
        ) in before_last.value.reasons
        assert [e.seq for e in store.events(PLAN_ID)][-1] == result.events[-1].seq
        assert store.verify().ok


# --- practice stores -----------------------------------------------------------------------------------


def test_a_practice_store_says_so_in_its_chain(store: Store, clock: Clock) -> None:
    """The genesis event and every event's hash say 'practice'; flipping the store's setting breaks verify."""
    genesis = next(store.events())
    assert {"practice": True, "clock": "simulated"} == {k: genesis.payload[k] for k in ("practice", "clock")}
    assert store.practice
    connection = sqlite3.connect(store.url.removeprefix("sqlite:///")) if store.url.startswith("sqlite") else None
    if connection is None:
        pytest.skip("the flip is made with sqlite3")
    connection.execute("UPDATE meta SET value = 'false' WHERE key = 'practice'")
    connection.commit()
    connection.close()
    with Store.open(store.url) as real:
        report = real.verify()
    assert ["event 1 (store.initialised) was recorded as a practice store's (simulated clock), which this store "
            "is not"] == report.problems  # fmt: skip


def test_recorded_time_never_runs_backwards(store: Store, clock: Clock, example_plans: dict[str, Plan]) -> None:
    """A clock set back gives the time of the event before, not an earlier one; effective dates follow."""
    set_day(clock, date(2024, 3, 4))
    first = store.save_plan(example_plans[CZ_PLAN], SUBMITTER).event
    set_day(clock, date(2024, 3, 1))
    second = store.append([NewEvent("test.ping", SUBMITTER)])[0]
    assert first is not None
    assert first.recorded_at is not None
    assert first.recorded_at == second.recorded_at
    assert store.verify().ok


def test_the_store_refuses_an_event_that_takes_effect_after_it_is_recorded(store: Store, clock: Clock) -> None:
    """Only the desk states when an event took effect; and even on the desk's path the store refuses a
    moment after it records the event."""
    future = clock.now + timedelta(days=1)
    with pytest.raises(StoreError) as undated:
        store.append([NewEvent("test.ping", SUBMITTER, occurred_at=clock.now - timedelta(days=1))])
    assert "only the desk dates an event, within the bounds of the policy in force" in str(undated.value)
    with pytest.raises(StoreError) as refused, store._write() as conn:
        store._append(conn, [NewEvent("test.ping", SUBMITTER, occurred_at=future)])
    assert "an event cannot take effect in the future; nothing was stored" in str(refused.value)
    assert ["store.initialised"] == [e.type for e in store.events()]


@pytest.mark.parametrize(
    ("stated", "accepted"),
    [(date(2024, 3, 4), True), (date(2024, 2, 19), True), (date(2024, 2, 18), False), (date(2024, 3, 5), False)],
    ids=["today", "14-days-back", "15-days-back", "tomorrow"],
)
def test_the_backdating_bound_on_both_sides(
    stated: date, accepted: bool, store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    """At most clocks.backdating-days (14) before the store's day, never after it."""
    desk = stored_desk(store, example_plans[CZ_PLAN], clock, date(2024, 2, 1))
    set_day(clock, date(2024, 3, 4))
    count = len(list(store.events()))
    if accepted:
        desk.submit(PLAN_ID, SUBMITTER, on=stated)
        assert stated == desk.record(PLAN_ID).submitted_on
    else:
        with pytest.raises(Refused):
            desk.submit(PLAN_ID, SUBMITTER, on=stated)
        assert count == len(list(store.events()))


def test_the_bound_is_the_adopted_policys(store: Store, clock: Clock, example_plans: dict[str, Plan]) -> None:
    """The BO IZA adopts a policy with a longer back-dating window; actions follow it at once."""
    desk = stored_desk(store, example_plans[CZ_PLAN], clock, date(2024, 2, 1))
    set_day(clock, date(2024, 3, 4))
    with pytest.raises(Refused):
        desk.submit(PLAN_ID, SUBMITTER, on=date(2024, 2, 5))
    spec = default_policy().spec
    longer = type(default_policy())(
        spec.model_copy(update={"clocks": spec.clocks.model_copy(update={"backdating_days": 60})}), "test", ""
    )
    adopted = policy_from_document(longer.document, "test")
    with pytest.raises(Refused) as not_theirs:
        desk.adopt_policy(adopted, VGZ, reason="ruimer")
    assert "adopting a policy needs the role bo-iza" in not_theirs.value.reasons[0]
    event = desk.adopt_policy(adopted, BO_IZA, reason="Ruimere termijn voor het naboeken")
    assert (event.payload["stamp"], "Ruimere termijn voor het naboeken") == (adopted.stamp, event.reason)
    result = desk.submit(PLAN_ID, SUBMITTER, on=date(2024, 2, 5))
    assert adopted.stamp == result.events[-1].payload["policy"]
    assert store.verify().ok


# --- as of a date ---------------------------------------------------------------------------------------


def test_overview_and_deadlines_read_as_it_happened_or_as_it_was_known(
    store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    """A submission recorded two days late counts from its stated day as it happened, and from the
    day it was recorded as it was known; another plan's event in between drops nothing."""
    other = example_plans["eerstelijn-zeeland"]
    desk = stored_desk(store, example_plans[CZ_PLAN], clock, date(2024, 3, 1))
    store.save_plan(other, SUBMITTER)
    set_day(clock, date(2024, 3, 11))
    store.append([NewEvent("test.ping", SUBMITTER, other.id)])
    set_day(clock, date(2024, 3, 12))
    desk.submit(PLAN_ID, SUBMITTER, on=date(2024, 3, 10))

    def plans(on: date, reading: Reading) -> dict[str, str]:
        [register] = [s for s in overview_sheets(store, on=on, reading=reading) if s.name == "Plannen"]
        return {row[0]: row[3] for row in register.rows}

    happened = plans(date(2024, 3, 10), Reading.HAPPENED)
    assert "Snelle toets ingediend" == happened[PLAN_ID]
    assert "Concept" == plans(date(2024, 3, 11), Reading.KNOWN)[PLAN_ID]
    assert "Snelle toets ingediend" == plans(date(2024, 3, 12), Reading.KNOWN)[PLAN_ID]
    assert [PLAN_ID] == [d.plan_id for d in desk.deadlines(date(2024, 3, 10)) if d.due_on]
    assert [] == [d.plan_id for d in desk.deadlines(date(2024, 3, 11), Reading.KNOWN) if d.due_on]
    assert {PLAN_ID, other.id} == set(happened)


def test_the_cli_readings(tmp_path: Path) -> None:
    """deadlines --reading known on a practice store, and a bad reading is refused by click (exit 2)."""
    db = str(tmp_path / "p.db")
    plan = str(next(p for p in EXAMPLES if p.stem == CZ_PLAN))
    assert 0 == run("--store", db, "init", "--practice", "--on", "2024-03-01", "--as", "VGZ/x")[0]
    assert 0 == run("--store", db, "import", plan, "--as", "Ziekenhuis Noordwest/A. Bakker")[0]
    assert 0 == run("--store", db, "submit", PLAN_ID, "--as", "Ziekenhuis Noordwest/A. Bakker", "--on", "2024-03-04")[0]
    assert 0 == run("--store", db, "deadlines", "--on", "2024-03-04", "--reading", "known")[0]
    assert 2 == run("--store", db, "deadlines", "--reading", "later")[0]


def test_a_stray_event_gives_a_message_not_a_traceback(
    store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    """An impossible move in the log (written past the desk) is reported by overview and deadlines."""
    stored_desk(store, example_plans[CZ_PLAN], clock, date(2024, 3, 1))
    with pytest.raises(StoreError):
        store.append([NewEvent("workflow.approve", VGZ, PLAN_ID, 1, payload={"to": "goedgekeurd"})])
    with store._write() as conn:  # past every public path, as a foreign writer would
        store._append(conn, [NewEvent("workflow.approve", VGZ, PLAN_ID, 1, payload={"to": "goedgekeurd"})])
    code, output = run("--store", store.url, "deadlines")
    assert 2 == code
    assert "moves plan TP-2023-0014 from concept to goedgekeurd, which the workflow does not allow" in output
    assert 2 == run("--store", store.url, "overview", "-o", str(Path(store.url.removeprefix("sqlite:///")).parent
                                                                  / "o.xlsx"))[0]  # fmt: skip


def test_practice_store_on_the_cli_keeps_its_clock(tmp_path: Path) -> None:
    """Without --on a practice store's clock stands where its last event left it."""
    db = str(tmp_path / "p.db")
    plan = str(next(p for p in EXAMPLES if p.stem == CZ_PLAN))
    assert 0 == run("--store", db, "init", "--practice", "--on", "2024-03-01", "--as", "VGZ/x")[0]
    assert 0 == run("--store", db, "import", plan, "--as", "Ziekenhuis Noordwest/A. Bakker")[0]
    with Store.open(db) as store:
        events = list(store.events())
    assert {date(2024, 3, 1)} == {local_date(e.recorded_at) for e in events if e.recorded_at}
    assert 2 == run("--store", db, "init", "--on", "2024-03-01")[0]


def test_actor_roles_for_adoption_on_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    policy = str(Path(__file__).resolve().parent.parent / "policy" / "iza.yaml")
    assert 0 == run("--store", db, "init", "--as", "VGZ/x")[0]
    code, output = run("--store", db, "policy", "adopt", policy, "--as", "VGZ/x", "--role", "market-leader",
                       "--reason", "zelf")  # fmt: skip
    assert 3 == code
    assert "adopting a policy needs the role bo-iza" in output
    code, output = run("--store", db, "policy", "adopt", policy, "--as", "BO IZA/voorzitter", "--reason", "Opnieuw")
    assert 0 == code, output
    code, output = run("--store", db, "policy", "history")
    assert 0 == code
    assert "Opnieuw" in output
    assert "in force: iza-2023-2026@" in output


@pytest.mark.parametrize(
    ("on", "announced", "refused_by"),
    [
        ("2025-06-30", None, []),
        ("2025-07-01", None, ["intake-closed-2025"]),
        ("2025-07-15", "2025-06-20", []),
        ("2025-07-16", "2025-06-20", ["intake-closed-2025"]),
        ("2026-02-01", None, ["intake-closed-2025", "assessment-halt-2026"]),
    ],
)
def test_zelftoets_applies_the_dated_policies(
    on: str, announced: str | None, refused_by: list[str], tmp_path: Path, dutch_terminal: None
) -> None:
    """On a day intake is closed or assessments are halted the self-check says the plan cannot be
    submitted, names the policy, its date and source, and exits 1."""
    plan = load_plan(next(p for p in EXAMPLES if p.stem == CZ_PLAN))
    if announced:
        plan = plan.model_copy(update={"intake_announced_on": date.fromisoformat(announced)})
    path = save_plan(plan, tmp_path / "plan.yaml")
    code, output = run("zelftoets", str(path), "--on", on, "--format", "json")
    report = json.loads(output)
    assert refused_by == [r["policy"] for r in report["policy_refusals"]]
    if refused_by:
        assert 1 == code
        code, text = run("zelftoets", str(path), "--on", on)
        assert "kan op" in text
        assert "niet worden ingediend: beleid intake-closed-2025" in " ".join(text.split())
        assert "https://icthealth.nl/nieuws/voorlopige-stop-op-aanvragen-snelle-toets-iza" in text


def test_an_action_is_never_dated_before_a_letter_about_the_plan(
    store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    """A letter issued is a note, not a move, but it is an event of the plan: nothing is dated before it."""
    desk = stored_desk(store, example_plans[CZ_PLAN], clock, date(2024, 3, 1))
    set_day(clock, date(2024, 3, 4))
    desk.submit(PLAN_ID, SUBMITTER)
    set_day(clock, date(2024, 3, 6))
    store.append_notes([NewEvent("letter.issued", VGZ, PLAN_ID, 1, payload={"document": "TP-2023-0014-B00004"})])
    with pytest.raises(Refused) as refused:
        Desk(store).act(PLAN_ID, Trigger.WITHDRAW, SUBMITTER, reason="Toch niet", on=date(2024, 3, 5))
    assert "the plan's last event is dated 6 March 2024; an action cannot be dated before it" in refused.value.reasons


def _long(day: date) -> str:
    """A date as an English reader gets it in a message (30 November 2026)."""
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    return f"{day.day} {months[day.month - 1]} {day.year}"
