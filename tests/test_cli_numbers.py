"""Numbers, dates and YAML through the CLI: bounded before they are built, refused with the file and
place, and unchanged when nothing changed (issue 15, classes 2, 4, 5 and 9)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling import Store
from beoordeling.cli import cli

BROKEN = Path(__file__).parent / "broken" / "plans"
PLAN = """\
id: RW-9
title: Proef
parties:
  - {name: a, role: zorgaanbieder}
funding:
  lines:
    - {year: 2025, sector: ggz, party: a, category: opstartkosten, amount: 1.5e+3}
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "s.db")
    assert 0 == run("--store", path, "init", "--practice", "--on", "2025-01-06", "--as", "ZK/beheer")[0]
    return path


def test_an_amount_written_with_an_exponent_exported_and_imported_unchanged_stays_version_1(
    db: str, tmp_path: Path
) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(PLAN)
    assert (0, "RW-9: version 1\n") == run("--store", db, "import", str(plan), "--as", "Z/ik")
    exported = tmp_path / "e.yaml"
    assert 0 == run("--store", db, "export", "RW-9", "-o", str(exported))[0]
    assert "amount: 1500.00" in exported.read_text()
    for again in (exported, plan):
        assert (0, "RW-9: unchanged (version 1)\n") == run("--store", db, "import", str(again), "--as", "Z/ik")
    with Store.open(db) as store:
        assert 1 == store.plan("RW-9").latest_version


@pytest.mark.parametrize("version", ["9223372036854775808", "1000001", "0"])
def test_a_version_out_of_range_is_a_usage_error(db: str, version: str) -> None:
    code, output = run("--store", db, "show", "RW-9", "--version", version)
    assert 2 == code
    assert f"Invalid value for '--version': {version} is not in the range 1<=x<=1000000." in output


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("huge-exponent.json", "'1e999999999' is not read as a number"),
        ("huger-exponent.json", "'1e99999999999' is not read as a number"),
        ("long-version.json", "(4301 characters) is not read as a number: it has more than 18 digits"),
        ("far-date.yaml", "full_plan.start: a date in a plan lies between 2000-01-01 and 2099-12-31"),
        ("vertical-tab.yaml", "the file contains the control character U+000B"),
        ("deep-brackets.yaml", "the document is nested deeper than 40 levels"),
    ],
)
@pytest.mark.parametrize("command", ["import", "zelftoets"])
def test_hostile_numbers_and_yaml_are_refused_quickly_with_a_short_message(
    db: str, command: str, name: str, message: str
) -> None:
    started = time.perf_counter()
    args = ("import", str(BROKEN / name), "--as", "Z/ik") if command == "import" else ("zelftoets", str(BROKEN / name))
    code, output = run("--store", db, *args)
    assert 2 == code
    assert message in " ".join(output.split())
    assert "Traceback" not in output
    assert len(output) < 1_000
    assert time.perf_counter() - started < 2.0
    with Store.open(db) as store:
        assert [] == store.plans()


def _plan_asking(tmp_path: Path, amount: str) -> Path:
    path = tmp_path / "groot.yaml"
    path.write_text(PLAN.replace("amount: 1.5e+3", f"amount: {amount}"))
    return path


def test_an_amount_above_the_policy_maximum_is_refused_on_import(db: str, tmp_path: Path) -> None:
    code, output = run("--store", db, "import", str(_plan_asking(tmp_path, "3000000000.00")), "--as", "Z/ik")
    assert 3 == code
    why = "is more than the policy allows for an amount (€\u00a02.800.000.000,00, limits.max-amount)"
    assert (
        "refused: import on plan RW-9 (state: new)\n"
        f"  - funding.lines[0].amount: €\u00a03.000.000.000,00 {why}\n"
        f"  - funding: €\u00a03.000.000.000,00 {why}\n"
    ) == output
    with Store.open(db) as store:
        assert [] == store.plans()


def test_the_maximum_is_a_policy_setting_that_zelftoets_applies(tmp_path: Path) -> None:
    policy = tmp_path / "beleid.yaml"
    shipped = Path(__file__).parents[1] / "policy" / "iza.yaml"
    policy.write_text(shipped.read_text().replace("max-amount: 2800000000.00", "max-amount: 1000.00"))
    plan = _plan_asking(tmp_path, "1000.01")
    code, output = run("zelftoets", str(plan), "--policy", str(policy), "--format", "json")
    assert 1 == code
    report = json.loads(output)
    why = "€\u00a01.000,01 is more than the policy allows for an amount (€\u00a01.000,00, limits.max-amount)"
    assert [
        {"field": "funding.lines[0].amount", "reason": why},
        {"field": "funding", "reason": why},
    ] == report["amount_refusals"]
    assert [] == json.loads(run("zelftoets", str(_plan_asking(tmp_path, "1000.00")), "--policy", str(policy),
                                "--format", "json")[1])["amount_refusals"]  # fmt: skip
