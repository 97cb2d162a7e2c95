"""The money on the command line: the programme file, the budget as of a day, the waiting list, and
verify's check of the books, on the demo's practice store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from beoordeling import Actor, Role, Store
from beoordeling.cli import cli
from beoordeling.cli.demo import run_demo
from beoordeling.store import NewEvent

from .conftest import ROOT


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    report = run_demo(folder, None)
    return Path(report.store_url.removeprefix("sqlite:///"))


@pytest.fixture
def db(demo_store: Path, tmp_path: Path) -> str:
    """A copy of the demo's store that a test may change."""
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_store, copy)
    return str(copy)


def test_the_budget_as_of_a_day(db: str) -> None:
    result = run("--store", db, "budget", "--on", "2025-12-31", "--format", "json")
    assert 0 == result.exit_code, result.output
    found = json.loads(result.output)
    assert ("oefenprogramma", "2025-12-31", "happened", "50000000.00") == (
        found["programme"].split("@")[0], found["on"], found["reading"], found["total"]
    )  # fmt: skip
    assert {
        "available": "800000.00", "reserved": "0.00", "committed": "39400000.00", "advanced": "0.00",
        "paid": "9800000.00", "repaid": "0.00", "lapsed": "0.00", "transferred": "0.00",
    } == found["kinds"]  # fmt: skip
    committed = {line["part"]: line["amount"] for line in found["lines"] if line["kind"] == "committed"}
    assert {"TP-2023-0014": "14800000.00", "TP-2023-0015": "24600000.00"} == committed
    assert ({"plans": 0, "amount": "0.00"}, []) == (found["waiting_list"], found["problems"])


def test_the_budget_in_dutch_says_which_reading_it_shows(db: str, dutch_terminal: None) -> None:
    result = run("--store", db, "budget", "--on", "2025-10-01")
    assert 0 == result.exit_code, result.output
    assert "op 1 oktober 2025, zoals het gebeurde" in result.output
    assert "geoormerkt voor Medisch-specialistische zorg (MSZ)" in result.output
    assert "1 plan op de wachtrij, samen €\xa024.600.000,00 gevraagd" in result.output
    known = run("--store", db, "budget", "--on", "2025-10-01", "--reading", "known")
    assert "zoals het toen bekend was" in known.output


def test_the_waiting_list_before_and_after_it_moved(db: str) -> None:
    before = json.loads(run("--store", db, "waitlist", "--on", "2025-10-01", "--format", "json").output)
    assert [(1, "TP-2023-0015", "0.00", "1835772.36")] == [
        (q["place"], q["plan"], q["ahead"], q["available_now"]) for q in before
    ]
    after = run("--store", db, "waitlist", "--on", "2025-12-01")
    assert (0, "0 plans on the waiting list on 1 December 2025\n") == (after.exit_code, after.output)


def test_waitlisting_a_plan_in_the_wrong_state_is_refused_without_a_traceback(db: str) -> None:
    result = run("--store", db, "waitlist", "TP-2023-0014", "--as", "NZa/toetser")
    assert 0 != result.exit_code
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "TP-2023-0014" in result.output


def test_programme_check_show_and_a_broken_file(dutch_terminal: None) -> None:
    checked = run("programme", "check")
    assert 0 == checked.exit_code, checked.output
    assert "totaal €\xa02.800.000.000,00" in checked.output
    shown = run("programme", "show")
    assert "plafond van de gemeentelijke route (SPUK): €\xa0352.973.325,00" in shown.output
    assert "(niet bevestigd door de bronnen)" in shown.output
    broken = run("programme", "check", str(ROOT / "tests" / "broken" / "programme" / "unknown-key.yaml"))
    assert 2 == broken.exit_code
    assert "unknown-key.yaml:81: spuk.plafond: onbekend veld" in broken.output


def test_adopting_a_programme_is_the_bo_izas_and_changes_the_books(db: str) -> None:
    shipped = str(ROOT / "programme" / "iza.yaml")
    refused = run("--store", db, "programme", "adopt", shipped, "--as", "NZa/toetser", "--role", "nza", "--reason", "x")
    assert 0 != refused.exit_code
    assert "adopting a programme needs the role bo-iza" in refused.output
    adopted = run("--store", db, "programme", "adopt", shipped, "--as", "BO IZA/secretaris", "--reason", "De echte")
    assert 0 == adopted.exit_code, adopted.output
    history = run("--store", db, "programme", "history")
    assert "oefenprogramma@" in history.output
    assert "in force: iza-transformatiemiddelen@" in history.output
    books = json.loads(run("--store", db, "budget", "--format", "json").output)
    assert "2800000000.00" == books["total"]


def test_verify_checks_the_books(db: str) -> None:
    intact = run("--store", db, "verify")
    assert (0, True) == (intact.exit_code, "the books balance" in intact.output)
    with Store.open(db) as store:
        postings = [["available", None, "open", -100], ["paid", None, "TP-2023-0014", 100]]
        store.append([NewEvent("import.note", Actor("iemand", "Elders", Role.SYSTEM), payload={"postings": postings})])
    found = run("--store", db, "verify", "--format", "json")
    assert 1 == found.exit_code
    report = json.loads(found.output)
    assert (False, 1) == (report["ok"], len(report["books"]))
    assert "carries postings, but only a funding, a payment" in report["books"][0]


def test_milestones_pay_and_the_daily_move(db: str) -> None:
    listed = run("--store", db, "milestones", "--on", "2025-09-15", "--format", "json")
    assert 0 == listed.exit_code  # none is open past its date
    rows = {(m["plan"], m["milestone"]): m for m in json.loads(listed.output)}
    paid = rows["TP-2023-0014", "M1"]
    assert ("paid", "2025-02-24", "2025-03-03", "Coöperatie VGZ") == (
        paid["status"], paid["paid_on"], paid["payment_due"], paid["payer"]
    )  # fmt: skip
    assert ("missed", False) == (rows["TP-2023-0016", "M1"]["status"], rows["TP-2023-0016", "M1"]["late"])
    later = run("--store", db, "milestones", "--on", "2026-01-15", "--format", "json")
    assert 1 == later.exit_code  # the first plan's M2 is open past its date
    late = {(m["plan"], m["milestone"]) for m in json.loads(later.output) if m["late"]}
    assert {("TP-2023-0014", "M2"), ("TP-2023-0015", "M1")} <= late
    early = run("--store", db, "milestones", "--on", "2025-09-15", "--due-before", "2025-01-01", "--format", "json")
    assert {"M1"} == {m["milestone"] for m in json.loads(early.output)}
    again = run("--store", db, "pay", "TP-2023-0014", "M1", "--as", "Coöperatie VGZ/K. Smit")
    assert 0 != again.exit_code
    assert "milestone M1 was already paid" in again.output
    moved = run("--store", db, "waitlist", "--move")
    assert (0, "nothing moves: nobody is on the waiting list\n") == (moved.exit_code, moved.output)


def test_a_milestone_that_needs_less_gives_money_back(db: str) -> None:
    """``reduce PLAN MILESTONE EUROS``: the paying insurer lowers an open milestone; the amount
    comes off the commitment and the milestone then pays the rest. Amounts are read as people
    write them, and a malformed one is refused without a traceback."""
    who = ["--as", "Coöperatie VGZ/K. Smit", "--reason", "De uitrol valt goedkoper uit"]
    reduced = run("--store", db, "reduce", "TP-2023-0014", "M2", "1000000", *who)
    assert 0 == reduced.exit_code, reduced.output
    assert "Commitment reduced" in reduced.output
    listed = json.loads(run("--store", db, "milestones", "--format", "json").output)
    [m2] = [m for m in listed if (m["plan"], m["milestone"]) == ("TP-2023-0014", "M2")]
    assert "8600000.00" == m2["amount"]
    for amount, said in (("12,5", "is not read as a number"), ("0.001", "is not an amount in whole cents")):
        refused = run("--store", db, "reduce", "TP-2023-0014", "M2", amount, *who)
        assert (2, None) == (
            refused.exit_code,
            None if isinstance(refused.exception, SystemExit) else refused.exception,
        )
        assert said in refused.output
    too_much = run("--store", db, "reduce", "TP-2023-0014", "M2", "9000000", *who)
    assert 0 != too_much.exit_code
    assert "milestone M2 has €8,600,000.00 of the insurers' money left to pay" in too_much.output
