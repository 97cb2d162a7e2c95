"""The workflow on the command line: acting with --as/--role/--on, refusals, history, deadlines, diagram."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from beoordeling import PlanState
from beoordeling.cli import cli

from .conftest import ROOT

PLAN = "TP-2023-0014"
LEADERS = ("Coöperatie VGZ/V. de Wit", "Zilveren Kruis/Z. Kok")


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", db, *args], catch_exceptions=False)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "cli.db")
    assert 0 == run(path, "init", "--practice", "--on", "2024-01-02", "--as", "beoordeling/test").exit_code
    plan = str(ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml")
    assert 0 == run(path, "import", plan, "--as", "Ziekenhuis Noordwest/A. Bakker", "--on", "2024-03-01").exit_code
    return path


def _judge_quick_test(db: str, on: str) -> None:
    for leader in LEADERS:
        for criterion in ("C1", "C3", "C4"):
            result = run(db, "judge", PLAN, criterion, "--verdict", "pass", "--as", leader, "--on", on)
            assert 0 == result.exit_code, result.output


def test_a_quick_test_from_submission_to_a_joint_positive_outcome(db: str, dutch_terminal: None) -> None:
    """Submit, judge, decide by both leaders; history shows who did what, when and on which rules."""
    submitted = run(db, "submit", PLAN, "--as", "Ziekenhuis Noordwest/A. Bakker", "--on", "2024-03-04")
    assert 0 == submitted.exit_code
    assert "TP-2023-0014: Snelle toets ingediend" in submitted.output
    _judge_quick_test(db, "2024-03-20")
    first = run(db, "decide", PLAN, "--outcome", "positive", "--as", LEADERS[0], "--on", "2024-03-21")
    assert "let op: wacht tot de andere marktleider hetzelfde besluit vastlegt" in first.output
    second = run(db, "decide", PLAN, "--outcome", "positive", "--as", LEADERS[1], "--on", "2024-03-22")
    assert "TP-2023-0014: Snelle toets positief" in second.output
    history = json.loads(run(db, "history", PLAN, "--format", "json").output)
    assert ["plan.created", "workflow.submit-quick-test", *["workflow.judge"] * 6, "workflow.vote",
            "workflow.pass-quick-test"] == [e["type"] for e in history]  # fmt: skip
    decision = history[-1]
    assert ("Zilveren Kruis", "market-leader", "2023-01-19+vgz@5ea351c34581") == (
        decision["organisation"], decision["role"], decision["rules_version"]
    )  # fmt: skip
    text = run(db, "history", PLAN).output
    assert "Snelle toets positief (v1)" in text
    assert "criteria: voldoet" in text


def test_a_refused_action_exits_3_with_the_reason(db: str) -> None:
    """An other insurer cannot decide; the message names the role, the state and why."""
    run(db, "submit", PLAN, "--as", "Ziekenhuis Noordwest/A. Bakker", "--on", "2024-03-04")
    result = run(db, "decide", PLAN, "--outcome", "positive", "--as", "CZ/C. Visser", "--role", "other-insurer")
    assert 3 == result.exit_code
    assert [
        "refused: pass-quick-test on plan TP-2023-0014 (state: Quick test submitted)",
        "- pass-quick-test needs the role market-leader in state 'Quick test submitted', because the two market "
        "leaders decide for all insurers (Beoordelingskader, rol van de marktleiders); CZ/C. Visser acts as "
        "other-insurer",
    ] == [line.strip() for line in result.output.splitlines()]


def test_deadlines_exit_1_when_a_clock_is_overdue(db: str, dutch_terminal: None) -> None:
    run(db, "submit", PLAN, "--as", "Ziekenhuis Noordwest/A. Bakker", "--on", "2024-03-04")
    running = run(db, "deadlines", "--on", "2024-03-20", "--format", "json")
    assert 0 == running.exit_code
    assert [(PLAN, "2024-04-02", 13, False)] == [
        (d["plan"], d["due_on"], d["days_left"], d["overdue"]) for d in json.loads(running.output)
    ]
    late = run(db, "deadlines", "--on", "2024-04-05")
    assert 1 == late.exit_code
    lines = late.output.splitlines()
    assert "1 open termijn, waarvan 1 verlopen" == lines[0]  # the count comes first, and counts what is shown
    assert 1 == sum("3 dagen te laat" in line for line in lines)


def test_the_diagram_is_drawn_from_the_table(tmp_path: Path) -> None:
    """Every state and every move of the table appears in the DOT file, with Dutch labels."""
    target = tmp_path / "levensloop.dot"
    assert 0 == CliRunner().invoke(cli, ["diagram", "-o", str(target)]).exit_code
    dot = target.read_text(encoding="utf-8")
    assert (
        '"plan-ingediend" -> "voorgenomen-besluit" [label="Voorgenomen besluit: goedkeuren\\n(beide marktleiders)"];'
        in dot
    )
    assert '"voorgenomen-besluit" -> "consultatie-overige-verzekeraars"' in dot
    mermaid = tmp_path / "levensloop.md"
    assert 0 == CliRunner().invoke(cli, ["diagram", "-o", str(mermaid)]).exit_code
    assert mermaid.read_text(encoding="utf-8").startswith("```mermaid\nstateDiagram-v2")
    printed = CliRunner().invoke(cli, ["diagram"])
    assert (0, True) == (printed.exit_code, printed.output.startswith("stateDiagram-v2\n"))
    assert (
        "plan_submitted --> proposed_decision : Voorgenomen besluit – goedkeuren (beide marktleiders)" in printed.output
    )
    wrong = CliRunner().invoke(cli, ["diagram", "-o", str(tmp_path / "x.gif")])
    assert 2 == wrong.exit_code


needs_graphviz = pytest.mark.skipif(
    shutil.which("dot") is None and os.environ.get("CI") != "true",
    reason="Graphviz (dot) is not installed; scripts/system-packages installs it",
)


@needs_graphviz
def test_the_diagram_as_svg_and_png_and_the_readme_picture_is_current(tmp_path: Path) -> None:
    svg, png = tmp_path / "levensloop.svg", tmp_path / "levensloop.png"
    for target in (svg, png):
        result = CliRunner().invoke(cli, ["diagram", "-o", str(target)])
        assert (0, f"diagram written to {target}\n") == (result.exit_code, result.output)
    assert png.read_bytes().startswith(b"\x89PNG\r\n")
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text(encoding="utf-8"))
    for state in PlanState:
        assert state.label in drawn, state
    pictured = re.findall(r"<text[^>]*>([^<]*)</text>", (ROOT / "docs" / "levensloop.svg").read_text(encoding="utf-8"))
    assert sorted(drawn) == sorted(pictured), "run `beoordeling diagram -o docs/levensloop.svg`"


def test_policy_check_names_file_and_line(tmp_path: Path) -> None:
    assert 0 == CliRunner().invoke(cli, ["policy", "check"]).exit_code
    broken = CliRunner().invoke(cli, ["policy", "check", str(ROOT / "tests/broken/policy/no-dates.yaml")])
    assert 2 == broken.exit_code
    assert "no-dates.yaml:12: policies[0]: a policy that refuses needs from and/or before" in broken.output
