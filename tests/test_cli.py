"""The command line: exit codes, messages without tracebacks, and the commands' real effects."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from beoordeling.cli import cli

from .conftest import EXAMPLES

BROKEN = Path(__file__).parent / "broken" / "plans"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "cli.db")
    assert 0 == run("--store", path, "init", "--as", "Zilveren Kruis/J. Jansen").exit_code
    return path


def test_init_import_list_show(db: str, dutch_terminal: None) -> None:
    """The everyday round: import the examples, list them, show one with its events."""
    imported = run("--store", db, "import", *map(str, EXAMPLES), "--as", "GGNet/P. Pieters", "--reason", "Start")
    assert 0 == imported.exit_code, imported.output
    assert "TP-2025-0311: versie 1" in imported.output
    listed = run("--store", db, "list", "--format", "json")
    assert len(EXAMPLES) == len(json.loads(listed.output))
    rows = json.loads(run("--store", db, "list", "--format", "json", "--sector", "ggz", "--insurer", "menzis").output)
    assert [("TP-2025-0311", "15600000.00", "concept")] == [(r["id"], r["amount_requested"], r["status"]) for r in rows]
    table = run("--store", db, "list", "--region", "Zeeland")
    assert "€\xa04.800.000,00" in table.output
    assert "1 plan" in table.output.splitlines()
    shown = run("--store", db, "show", "TP-2025-0311")
    assert 0 == shown.exit_code
    for expected in (
        "Menzis, Coöperatie VGZ",
        "€\xa015.600.000,00",
        "2026: €\xa08.800.000,00",
        "GGNet/P. Pieters",
        "Start",
    ):
        assert expected in shown.output


def test_export_edit_import_makes_a_new_version(db: str, tmp_path: Path) -> None:
    """Export, edit and import again: the next version; importing the old export again is a conflict."""
    run("--store", db, "import", str(EXAMPLES[0]))
    exported = tmp_path / "plan.yaml"
    assert 0 == run("--store", db, "export", "TP-CONCEPT-ACUTE-GGZ", "-o", str(exported)).exit_code
    data = yaml.safe_load(exported.read_text())
    assert 1 == data["version"]
    exported.write_text(exported.read_text().replace("Eén regionale crisisdienst", "Eén crisisdienst"))
    second = run("--store", db, "import", str(exported))
    assert "TP-CONCEPT-ACUTE-GGZ: version 2" in second.output
    exported.write_text(exported.read_text().replace("Eén crisisdienst", "Een crisisdienst"))
    conflict = run("--store", db, "import", str(exported))
    assert 2 == conflict.exit_code
    assert "conflict: plan 'TP-CONCEPT-ACUTE-GGZ' was changed from version 1" in conflict.output
    again = run("--store", db, "export", "TP-CONCEPT-ACUTE-GGZ", "--version", "1", "-o", str(tmp_path / "v1.json"))
    assert 0 == again.exit_code
    assert "Eén regionale crisisdienst" in (tmp_path / "v1.json").read_text(encoding="utf-8")


def test_bad_files_are_refused_whole(db: str, dutch_terminal: None) -> None:
    """Good and bad files together: every problem is listed, exit 2, and nothing is stored."""
    result = run("--store", db, "import", str(EXAMPLES[1]), str(BROKEN / "anchor.yaml"), str(BROKEN / "tag.yaml"))
    assert 2 == result.exit_code
    assert "fout: 2 problemen gevonden; er is niets gewijzigd" in result.output
    assert f"{BROKEN / 'anchor.yaml'}:2: ankers (&t) zijn niet toegestaan; schrijf de waarde uit" in result.output
    assert "0 plannen" in run("--store", db, "list").output.splitlines()


def test_unknown_region_reference_is_refused(db: str, tmp_path: Path) -> None:
    """A region reference must name a region of the list; a close name is suggested."""
    plan = tmp_path / "plan.yaml"
    plan.write_text("id: TP-1\ntitle: Regio\nregion:\n  name: Zeeland\n  reference: Zorgkantoor Zeelnd\n")
    result = run("--store", db, "import", str(plan))
    assert 2 == result.exit_code
    assert (
        f"{plan}: region.reference: 'Zorgkantoor Zeelnd' is not a region of the reference list; "
        "did you mean 'Zorgkantoor Zeeland'?"
    ) in result.output
    regions = tmp_path / "regions.csv"
    regions.write_text("zorgkantoorregio\nZorgkantoor Zeelnd\n")
    assert 0 == run("--store", db, "import", str(plan), "--regions", str(regions)).exit_code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list"], "error: no store at"),
        (["show", "TP-9"], "error: no store at"),
        (["--store", "mysql://x/y", "list"], "error: unsupported store 'mysql://x/y'"),
        (["--store", "::::", "list"], "error: no store at"),
    ],
)
def test_store_problems_exit_2(args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing or unusable store is one line and exit 2."""
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert 2 == result.exit_code
    assert result.output.startswith(message), result.output


def test_unknown_plan_and_bad_identity(db: str) -> None:
    """Unknown plans and malformed identities are usage errors with a hint."""
    missing = run("--store", db, "show", "TP-404")
    assert (2, "error: plan 'TP-404' is not in the store; `beoordeling list` shows the plans it holds\n") == (
        missing.exit_code,
        missing.output,
    )
    bad = run("--store", db, "import", str(EXAMPLES[0]), "--as", "alleen-een-naam")
    assert 2 == bad.exit_code
    assert "expected ORGANISATION/person, for example 'Zilveren Kruis/J. Jansen'; found 'alleen-een-naam'" in bad.output


def test_verify_exit_codes(db: str) -> None:
    """verify: exit 0 and the head when intact; exit 1 with the first broken event when not."""
    run("--store", db, "import", *map(str, EXAMPLES))
    intact = run("--store", db, "verify", "--format", "json")
    report = json.loads(intact.output)
    assert (0, True, 2 + len(EXAMPLES)) == (intact.exit_code, report["ok"], report["events"])
    wrong_head = run("--store", db, "verify", "--expect-head", "f" * 64)
    assert 1 == wrong_head.exit_code
    assert "is not in the chain" in wrong_head.output
    connection = sqlite3.connect(db)
    connection.execute("DROP TRIGGER events_no_update")
    connection.execute("UPDATE events SET actor = 'Iemand anders' WHERE seq = 3")
    connection.commit()
    connection.close()
    broken = run("--store", db, "verify")
    assert 1 == broken.exit_code
    assert "broken: event 3 (plan.created of plan" in broken.output
    assert "chain NOT intact" in broken.output


@pytest.mark.parametrize(
    "args",
    [["schema", "-o", "{tmp}/missing/schema.json"], ["export", "TP-CONCEPT-ACUTE-GGZ", "-o", "{tmp}/file/plan.yaml"]],
)
def test_unwritable_output_is_one_message(db: str, tmp_path: Path, args: list[str]) -> None:
    """An output path that cannot be written gives a message naming it and exit 2, no traceback."""
    run("--store", db, "import", str(EXAMPLES[0]))
    (tmp_path / "file").write_text("a file where a folder should be")
    result = run("--store", db, *(a.format(tmp=tmp_path) for a in args))
    assert 2 == result.exit_code
    assert result.output.startswith(f"error: {tmp_path}/"), result.output
    assert "Traceback" not in result.output


def test_init_refuses_existing_store(db: str) -> None:
    """init never overwrites a store."""
    result = run("--store", db, "init")
    assert 2 == result.exit_code
    assert "is already a beoordeling store" in result.output


def test_schema_command(tmp_path: Path) -> None:
    """schema prints the JSON Schema or writes it to a file."""
    printed = json.loads(run("schema").output)
    assert "Plan" == printed["title"]
    target = tmp_path / "schema.json"
    assert 0 == run("schema", "-o", str(target)).exit_code
    assert printed == json.loads(target.read_text())


@pytest.mark.parametrize(
    "args", [["schema"], ["rules", "show"], ["policy", "show"], ["programme", "show"], ["--help"]], ids=" ".join
)
def test_what_users_read_cites_the_framework_not_our_brief(args: list[str], dutch_terminal: None) -> None:
    """The schema's descriptions (from the model's docstrings), the rules' notes, the policy's and the
    programme's figures: each source is named as users know it, never by a section of the team's brief."""
    result = run(*args)
    assert 0 == result.exit_code, result.output
    assert "domain.md" not in result.output
    assert "§" not in result.output


def test_demo_writes_everything_under_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dutch_terminal: None
) -> None:
    """Without a configured store the demo makes a fresh one in its folder, and can run again."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BEOORDELING_STORE", raising=False)
    for _ in range(2):
        result = run("demo", "-o", "out")
        assert 0 == result.exit_code, result.output
    assert "Keten van gebeurtenissen intact: 175 gebeurtenissen" in result.output
    assert "TP-2023-0014: goedgekeurd, gefinancierd, mijlpaal M1 behaald" in result.output
    assert not (tmp_path / "beoordeling.db").exists()
    written = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert {"beoordeling.db", "plan.schema.json", "verify.json", "plans/TP-2024-0093.yaml"} <= written
    assert json.loads((tmp_path / "out" / "verify.json").read_text())["ok"] is True
    self_check = json.loads((tmp_path / "out" / "zelftoets" / "TP-2023-0014.json").read_text(encoding="utf-8"))
    assert "awaits-judgement" == self_check["outcome"]
    assert "TP-2023-0014: Snelle toets: wacht op oordeel" in result.output
    deadlines = json.loads((tmp_path / "out" / "deadlines.json").read_text(encoding="utf-8"))
    assert [("TP-2024-0150", "2025-07-14")] == [(d["plan"], d["due_on"]) for d in deadlines if d["overdue"]]
    quarter = json.loads((tmp_path / "out" / "cijfers-2025Q3.json").read_text(encoding="utf-8"))
    assert ("2025Q3", "known", 7, 1) == (
        quarter["period"]["label"], quarter["reading"], quarter["quick_tests"]["submitted"],
        next(c["overdue"] for c in quarter["clocks"] if c["clock"] == "quick-test"),
    )  # fmt: skip  # the same quick test overdue as on the deadline list
    assert {"cijfers-2025Q3.xlsx", "cijfers-2025Q3.pdf", "cijfers.schema.json"} <= written  # the quarterly report
    history = json.loads((tmp_path / "out" / "history" / "TP-2025-0311.json").read_text(encoding="utf-8"))
    moves = [event for event in history if event["type"].startswith("workflow.")]
    assert "workflow.prepare" == moves[-1]["type"]
    assert "herindiening-gevraagd" == moves[-2]["payload"]["to"]
    assert "letter.issued" == history[-1]["type"]
    assert "Besluitbrieven geschreven: 27 (PDF/A, in brieven/)" in result.output
    assert "verify-letter TP-2023-0014-B00022-snelle-toets-positief.pdf: komt overeen met de opslag" in result.output
    assert "TP-2023-0014-B00045-definitief-besluit.pdf" in {p.name for p in (tmp_path / "out" / "brieven").iterdir()}
    assert (
        "Overzicht op 15 september 2025 (overzicht.xlsx): Voorbeeld 1, Plannen 9, Besluiten 19, Termijnen 5"
        in result.output
    )


def test_demo_on_a_configured_store_is_repeatable(tmp_path: Path) -> None:
    """On a configured practice store the demo adds the examples once; a second run changes nothing.
    A real store refuses the demo's simulated clock."""
    real = str(tmp_path / "real.db")
    assert 0 == run("--store", real, "init", "--as", "Zilveren Kruis/J. Jansen").exit_code
    refused = run("--store", real, "demo", "-o", str(tmp_path / "r"))
    assert 2 == refused.exit_code
    assert "is a real store: it records events by the system clock, never a simulated one" in refused.output
    db = str(tmp_path / "practice.db")
    assert 0 == run("--store", db, "init", "--practice", "--on", "2023-01-02", "--as", "Demo/beheer").exit_code
    first = run("--store", db, "demo", "-o", str(tmp_path / "a"))
    second = run("--store", db, "demo", "-o", str(tmp_path / "b"))
    assert 0 == first.exit_code == second.exit_code
    assert "Imported 9 of 9 example plans" in first.output
    assert "Imported 0 of 9 example plans" in second.output
    assert "Event chain intact: 175 events" in first.output
    assert "Event chain intact: 175 events" in second.output


def test_real_entry_point_has_no_traceback(tmp_path: Path) -> None:
    """Through the installed console script: bad input gives a message and exit 2, never a traceback."""
    broken = subprocess.run(
        [sys.executable, "-m", "beoordeling", "--store", str(tmp_path / "none.db"), "import", str(BROKEN / "tag.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 2 == broken.returncode
    assert "Traceback" not in broken.stderr
    assert "tags (!!python/object/apply:os.system) are not allowed" in broken.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "beoordeling", "list", "--sector", "x"], capture_output=True, text=True, check=False
    )
    assert 2 == usage.returncode
    assert "Invalid value for '--sector'" in usage.stderr


def test_demo_makes_the_configured_store_a_practice_store_and_leaves_nothing_on_an_error(tmp_path: Path) -> None:
    from beoordeling.cli._demo_paths import DemoClock  # noqa: PLC0415
    from beoordeling.cli.demo import _practice_store  # noqa: PLC0415

    url = str(tmp_path / "nieuw.db")
    with _practice_store(url, DemoClock()) as store:
        assert store.practice
        assert store.verify().ok
    real = str(tmp_path / "echt.db")
    assert 0 == CliRunner().invoke(cli, ["--store", real, "init", "--as", "ZK/beheer"]).exit_code
    result = CliRunner().invoke(cli, ["--store", real, "demo", "-o", str(tmp_path / "uit")])
    assert 2 == result.exit_code
    assert "is a real store" in result.output
    assert not (tmp_path / "uit").exists()
