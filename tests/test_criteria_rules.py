"""Rules files: the shipped rules load, every broken file is refused with a pinned message, and the
rule book picks the right edition for a date and an insurer."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling.cli import cli
from beoordeling.criteria import Step, default_rules, load_rules
from beoordeling.errors import RulesError

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken" / "rules"

EXPECTED = {
    "alias.yaml": ["alias.yaml:13: anchors (&c) are not allowed; write the value out"],
    "duplicate-key.yaml": [
        "duplicate-key.yaml:14: criteria[0].check: duplicate key 'check' (first given on line 13); give each key once"
    ],
    "ends-before-start.yaml": [
        "ends-before-start.yaml:13: criteria[0].valid_until: ends before it starts (2023-01-19); found '2022-12-31'"
    ],
    "gap.yaml": [
        "gap.yaml:25: criteria[1].valid_from: C10 has no version in force from 2025-01-01 to 2025-01-31 "
        "(the version at gap.yaml:4 ends on 2024-12-31); close the gap"
    ],
    "judgement-with-check.yaml": [
        "judgement-with-check.yaml:13: criteria[0].check: a judgement has no check: the assessors decide; list what "
        "must be present under evidence; found 'full_plan.end != null'",
        "judgement-with-check.yaml:14: criteria[0].explain: a judgement needs explain.judge: what the assessors weigh",
    ],
    "missing-fail-text.yaml": [
        "missing-fail-text.yaml:14: criteria[0].explain: a criterion with a check needs explain.fail"
    ],
    "not-boolean.yaml": [
        "not-boolean.yaml:13: criteria[0].check: the expression must give true/false; it gives a date; "
        "the expression: full_plan.end"
    ],
    "overlap.yaml": [
        "overlap.yaml:24: criteria[1].valid_from: C10 overlaps the version at overlap.yaml:4, which is in force "
        "without an end date; end that version on 2024-12-31"
    ],
    "syntax.yaml": [
        "syntax.yaml:13: criteria[0].check: expected ',' or ')'; found '5' (column 44); "
        "the expression: full_plan.end <= add_years(full_plan.start 5)"
    ],
    "type-mismatch.yaml": [
        "type-mismatch.yaml:13: criteria[0].check: cannot compare 'full_plan.end' (a date) with '5' (a number); "
        "the expression: full_plan.end <= 5"
    ],
    "unknown-code.yaml": [
        "unknown-code.yaml:13: criteria[0].check: 'mgnn' is not a Theme code; the codes are: mgn, zorgcoordinatie, "
        "spreiding-en-concentratie, passende-zorg, ziekenhuislandschap, digitale-zorg, eerstelijnszorg, "
        'domeinoverstijgend, palliatieve-zorg, overig; the expression: theme == "mgnn"'
    ],
    "unknown-field.yaml": [
        "unknown-field.yaml:13: criteria[0].check: full_plan has no field 'einde'; did you mean 'end'?; "
        "the expression: full_plan.einde <= add_years(full_plan.start, 5)"
    ],
    "unknown-key.yaml": [
        "unknown-key.yaml:16: criteria[0].weight: unknown field; check the spelling "
        "(rules/README.md lists the keys a rules file may have)"
    ],
    "unknown-placeholder.yaml": [
        "unknown-placeholder.yaml:16: criteria[0].explain.pass: {eind} is not a value under show (show names: einde)"
    ],
    "wrong-format.yaml": ["wrong-format.yaml:1: format: this version of beoordeling reads rules format 1; found 2"],
}


def test_every_broken_fixture_is_pinned() -> None:
    """Each file under tests/broken/rules has its expected message, and no message lacks its file."""
    assert sorted(EXPECTED) == sorted(p.name for p in BROKEN.glob("*.yaml"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_rules_file_is_refused_with_file_line_and_key(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken rules file is refused; the message names the file, the line and the key."""
    monkeypatch.chdir(BROKEN)
    with pytest.raises(RulesError) as caught:
        load_rules(name)
    assert EXPECTED[name] == [str(problem) for problem in caught.value.problems]


def test_shipped_rules_load_and_cover_the_framework() -> None:
    """The shipped rules hold every criterion of domain.md §5.11, plus the additions and the overlay."""
    book = default_rules()
    ids = {c.id for c in book.criteria}
    assert {f"C{i}" for i in range(13)} | {"F1", "F2", "F3", "F4", "F5", "T1", "A1", "M1", "P1"} <= ids
    assert [date(2023, 1, 19), date(2025, 6, 16)] == book.change_dates()
    assert ["VGZ"] == [o.insurer for o in book.overlays]
    assert not next(c for c in book.criteria if c.id == "T1").spec.confirmed


def test_edition_depends_on_date_and_deciding_insurers() -> None:
    """The edition names its start, its overlays and a hash that changes with the criteria in it."""
    book = default_rules()
    early = book.edition(date(2024, 5, 1))
    late = book.edition(date(2025, 7, 1))
    with_vgz = book.edition(date(2024, 5, 1), ["coöperatie vgz"])
    assert "2023-01-19" == early.version
    assert date(2025, 6, 15) == early.end
    assert "2025-06-16" == late.version
    assert late.end is None
    assert "2023-01-19+vgz" == with_vgz.version
    assert len({early.content_hash, late.content_hash, with_vgz.content_hash}) == 3
    assert early.stamp == book.edition(date(2023, 3, 1)).stamp
    assert "C5" in {c.id for c in with_vgz.for_step(Step.QUICK_TEST)}
    assert late.unconfirmed


def test_a_changed_rule_text_changes_the_stamp(tmp_path: Path) -> None:
    """Editing a criterion's text gives a different content hash, so a stored stamp reveals the change."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    before = load_rules(rules).edition(date(2024, 1, 1)).stamp
    path = rules / "beoordelingskader-2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("binnen vijf jaar", "binnen 5 jaar"), encoding="utf-8")
    after = load_rules(rules).edition(date(2024, 1, 1)).stamp
    assert before.split("@")[0] == after.split("@")[0]
    assert before != after


def test_rules_check_command_exit_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    """`rules check` exits 0 for the shipped rules and 1 with every problem for a broken folder."""
    runner = CliRunner()
    ok = runner.invoke(cli, ["rules", "check"])
    assert 0 == ok.exit_code, ok.output
    assert "29 criteria: OK" in ok.output
    monkeypatch.chdir(BROKEN.parent)
    broken = runner.invoke(cli, ["rules", "check", "rules"])
    assert 1 == broken.exit_code
    assert "Traceback" not in broken.output
    assert "rules/overlap.yaml:24: criteria[1].valid_from: C10 overlaps" in broken.output
    # Every file's own problems are listed; the C10 versions of different files also meet each other.
    for messages in EXPECTED.values():
        for message in messages:
            if "version at" not in message:
                assert f"rules/{message}" in broken.output


def test_rules_show_lists_the_criteria_in_force(dutch_terminal: None) -> None:
    """`rules show --on` lists the criteria in force on that date, with the overlay when asked."""
    runner = CliRunner()
    before = runner.invoke(cli, ["rules", "show", "--on", "2025-06-15"])
    after = runner.invoke(cli, ["rules", "show", "--on", "2025-06-16", "--insurer", "VGZ", "--step", "quick-test"])
    assert 0 == before.exit_code
    assert "T1 " not in before.output
    assert "Criteria in werking op 15 juni 2025" in before.output
    assert "T1" in after.output
    assert "(VGZ)" in after.output
    assert "C10" not in after.output
    assert "2025-06-16+vgz@" in after.output


def test_zelftoets_exit_codes_and_json(dutch_terminal: None) -> None:
    """The self-check exits 0 when nothing blocks, 1 when something does, 2 for a broken file."""
    runner = CliRunner()
    complete = runner.invoke(cli, ["zelftoets", str(ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml"),
                                   "--on", "2024-01-10"])  # fmt: skip
    draft = runner.invoke(cli, ["zelftoets", str(ROOT / "examples" / "concept-acute-ggz.yaml"),
                                "--step", "quick-test", "--on", "2025-03-01", "--format", "json"])  # fmt: skip
    broken = runner.invoke(cli, ["zelftoets", str(ROOT / "tests" / "broken" / "plans" / "yaml-syntax.yaml")])
    assert 0 == complete.exit_code, complete.output
    assert "Kan door zodra de beoordelaars C1, C3 en C4 hebben beoordeeld." in complete.output
    assert 1 == draft.exit_code
    data = json.loads(draft.output)
    assert "incomplete" == data["outcome"]
    assert ["quick-test"] == [s["step"] for s in data["steps"]]
    c1 = next(c for c in data["steps"][0]["criteria"] if c["id"] == "C1")
    assert {"path": "quick_test.impact", "value": "1 items"} in c1["reads"]
    assert 2 == broken.exit_code
    assert "Traceback" not in broken.output
