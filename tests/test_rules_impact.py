"""`rules impact`: what other criteria would do to the stored plans, checked against the traced
evaluation of each plan, with its outputs read back and the store left as it was."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from beoordeling.cli import cli
from beoordeling.criteria import Outcome, Step, default_rules, evaluate, load_rules, step_outcomes
from beoordeling.impact import SPLITS, Basis, Direction, Side, impact
from beoordeling.impact.compare import _groups
from beoordeling.impact.report import save_impact
from beoordeling.resources import bundled_dir
from beoordeling.store import Store

from .letters_support import build_walked_store

TODAY = date(2026, 12, 1)
P1 = "check: len(insurers.market_leaders) == 2"


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("impact") / "store.db"
    build_walked_store(path)
    return str(path)


@pytest.fixture
def stricter(tmp_path: Path) -> Path:
    """A proposed rules folder: the shipped rules with P1 asking for three market leaders."""
    folder = tmp_path / "voorstel"
    shutil.copytree(bundled_dir("rules"), folder)
    source = folder / "beoordelingskader-2023.yaml"
    text = source.read_text(encoding="utf-8")
    assert text.count(P1) == 1
    source.write_text(text.replace(P1, P1.replace("== 2", "== 3")), encoding="utf-8")
    return folder


def test_a_stricter_criterion_stops_exactly_the_plans_it_blocks(walked: str, stricter: Path) -> None:
    """The plans whose quick test would no longer pass are those the traced evaluation sees blocked
    under the proposal and not now, each put down to P1; the store is not touched."""
    proposed = load_rules(stricter)
    with Store.open(walked) as store:
        head = store.head()
        found = impact(store, Side(default_rules(), TODAY, "rules/"), Side(proposed, TODAY, "voorstel"))
        assert head == store.head()
        expected = set()
        for plan, _state in store.latest_plans():
            now = evaluate(plan, TODAY, (Step.QUICK_TEST,)).outcome
            then = evaluate(plan, TODAY, (Step.QUICK_TEST,), rules=proposed).outcome
            if then.blocks and not now.blocks:
                expected.add(plan.id)
    stopped = {c.plan_id for c in found.changes if c.direction is Direction.NO_LONGER_PASSES}
    assert expected == stopped
    assert stopped, "the walked store has plans whose quick test passes today"
    for change in found.changes:
        assert change.step is Step.QUICK_TEST
        assert [("P1", True)] == [(c.criterion, c.cause) for c in change.criteria]
    quick = next(s for s in found.steps if s.step is Step.QUICK_TEST)
    assert quick.no_longer == len(stopped)
    assert quick.evaluated == quick.unchanged + quick.no_longer + quick.newly + quick.other
    assert [("P1", len(stopped))] == [(c.criterion, c.no_longer) for c in found.criteria]


def test_another_date_counts_every_plan_once_per_step_and_group(walked: str) -> None:
    """Against the 2023 edition: each step's plans are unchanged or changed exactly once, and each
    split's groups add up to the step (a plan with several sectors counts in each of them)."""
    rules = default_rules()
    with Store.open(walked) as store:
        found = impact(store, Side(rules, TODAY, "rules/"), Side(rules, date(2023, 6, 1), "rules/"))
        plans = [plan for plan, _state in store.latest_plans()]
    assert found.plans == len(plans)
    assert found.current.stamp.startswith("2025-06-16")
    assert found.other.stamp.startswith("2023-01-19")
    for s in found.steps:
        changed = [c for c in found.changes if c.step is s.step]
        assert s.evaluated == s.unchanged + len(changed)
        assert (s.no_longer, s.newly, s.other) == tuple(
            sum(1 for c in changed if c.direction is d)
            for d in (Direction.NO_LONGER_PASSES, Direction.NEWLY_PASSES, Direction.OTHER)
        )
        for split in ("region", "theme", "insurers"):
            assert s.evaluated == sum(g.evaluated for g in found.groups if g.split == split and g.step is s.step)
    assert {g.split for g in found.groups} == set(SPLITS)
    for change in found.changes:  # criteria that exist in one edition only are named with None on the other side
        assert change.criteria
        assert all(c.before is not c.after for c in change.criteria)
    by_plan = {plan.id: plan for plan in plans}
    assert all(change.groups == _groups(by_plan[change.plan_id]) for change in found.changes)
    # The changes of plans in the same groups share one record of them (memory: one per combination).
    assert len({id(change.groups) for change in found.changes}) == len({change.groups for change in found.changes})
    assert len({id(change.criteria) for change in found.changes}) == len({change.criteria for change in found.changes})


def test_only_the_plans_in_the_states_asked_for(walked: str) -> None:
    """`--state` limits the plans to those now in the states named (the pipeline, for example)."""
    rules = default_rules()
    with Store.open(walked) as store:
        register = store.plans()
        wanted = {register[0].state, register[-1].state}
        found = impact(store, Side(rules, TODAY, "rules/"), Side(rules, date(2023, 6, 1), "rules/"), states=wanted)
    assert found.plans == sum(1 for s in register if s.state in wanted)
    assert found.changes
    assert all(c.state in wanted for c in found.changes)
    assert found.states is not None
    assert set(found.states) == wanted


def test_decided_evaluates_the_versions_the_decisions_were_on(walked: str) -> None:
    """With --decided only decided plans count, each at the version and steps of its latest decision."""
    rules = default_rules()
    with Store.open(walked) as store:
        found = impact(
            store, Side(rules, TODAY, "rules/"), Side(rules, date(2023, 6, 1), "rules/"), basis=Basis.DECIDED
        )
        latest = impact(store, Side(rules, TODAY, "rules/"), Side(rules, date(2023, 6, 1), "rules/"))
    assert 0 < found.plans < latest.plans
    assert found.basis is Basis.DECIDED


def test_the_command_writes_what_it_prints_and_refuses_a_broken_folder(
    walked: str, stricter: Path, tmp_path: Path
) -> None:
    """The terminal, the workbook and the JSON tell the same counts; a broken proposal is refused
    with file, line and key, exit 2, and no output is written."""
    xlsx, data = tmp_path / "effect.xlsx", tmp_path / "effect.json"
    shown = CliRunner().invoke(
        cli, ["--store", walked, "rules", "impact", "--rules", str(stricter), "-o", str(xlsx), "-o", str(data)]
    )
    assert 0 == shown.exit_code, shown.output
    assert "No longer pass" in shown.output
    assert "P1*" in shown.output
    found = json.loads(data.read_text(encoding="utf-8"))
    quick = next(s for s in found["steps"] if s["step"] == "quick-test")
    assert quick["no_longer_passes"] > 0
    book = load_workbook(xlsx)
    assert ["Samenvatting", "Stappen", "Criteria", "Groepen", "Gewijzigde plannen"] == book.sheetnames
    rows = list(book["Stappen"].iter_rows(min_row=5, values_only=True))
    assert ("Snelle toets", quick["evaluated"], quick["unchanged"], quick["no_longer_passes"]) == rows[0][:4]
    changed = list(book["Gewijzigde plannen"].iter_rows(min_row=5, values_only=True))
    assert len(changed) == sum(len(c["criteria"]) for c in found["changes"])
    assert {"P1"} == {row[8] for row in changed}
    assert quick["no_longer_passes"] == sum(1 for row in changed if row[7] == "komt niet meer door")
    assert {"komt niet meer door", "anders gewijzigd"} >= {row[7] for row in changed}
    with Store.open(walked) as store:
        states = {s.plan_id: s.state for s in store.plans()}
    assert all(row[3] == states[str(row[0])].label for row in changed)

    broken = tmp_path / "kapot"
    shutil.copytree(stricter, broken)
    (broken / "beoordelingskader-2023.yaml").write_text(
        (broken / "beoordelingskader-2023.yaml")
        .read_text(encoding="utf-8")
        .replace("    check: any(p.role", "    chekc: any(p.role", 1),
        encoding="utf-8",
    )
    refused = CliRunner().invoke(
        cli, ["--store", walked, "rules", "impact", "--rules", str(broken), "-o", str(tmp_path / "x.json")]
    )
    assert 2 == refused.exit_code
    assert "beoordelingskader-2023.yaml:" in refused.output
    assert "chekc" in refused.output
    assert "Traceback" not in refused.output
    assert not (tmp_path / "x.json").exists()

    usage = CliRunner().invoke(cli, ["--store", walked, "rules", "impact"])
    assert 2 == usage.exit_code
    assert "--rules" in usage.output


def test_the_outcomes_of_the_fast_path_are_the_traced_ones(walked: str) -> None:
    """step_outcomes (what impact uses) gives every step the outcome the full evaluation gives."""
    with Store.open(walked) as store:
        for plan, _state in store.latest_plans():
            for on in (date(2023, 6, 1), TODAY):
                fast = step_outcomes(plan, on)
                traced = evaluate(plan, on)
                assert {s.step: s.outcome for s in traced.steps} == {k: v[0] for k, v in fast.items()}
                assert {c.id: c.status for s in traced.steps for c in s.criteria} == {
                    i: st for _o, statuses in fast.values() for i, st in statuses.items()
                }
    assert Outcome.PASSES.blocks is False


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None and os.environ.get("CI") != "true",
    reason="LibreOffice (soffice) is not installed; .ci/run installs it",
)
def test_libreoffice_prints_the_workbook_within_its_pages(walked: str, stricter: Path, tmp_path: Path) -> None:
    """Converted by LibreOffice, the summary is a portrait page at full size whose long title and
    texts wrap inside the page (none runs off its right edge, nothing is shrunk to fit), and the
    table sheets start on a landscape page with all their column headers."""
    assert SOFFICE is not None, "CI must have LibreOffice: .ci/run installs it"
    rules = default_rules()
    with Store.open(walked) as store:
        found = impact(store, Side(rules, TODAY, "rules/"), Side(load_rules(stricter), TODAY, str(stricter)))
    workbook = save_impact(found, tmp_path / "effect.xlsx")
    command = [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(tmp_path), str(workbook)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert 0 == done.returncode, done.stderr
    with pdfplumber.open(tmp_path / "effect.pdf") as pdf:
        summary = pdf.pages[0]
        assert summary.height > summary.width
        words = summary.extract_words()
        assert "Effect" == words[0]["text"]
        assert max(w["x1"] for w in words) < summary.width - 20, "a text runs off the summary page"
        heights = sorted(w["bottom"] - w["top"] for w in words)
        assert heights[len(heights) // 2] > 7, "the summary is shrunk to fit instead of wrapped"
        starts = {sheet: next(p for p in pdf.pages if p.extract_text().startswith(title)) for sheet, title in (
            ("Stappen", "Per stap"), ("Gewijzigde plannen", "Elk gewijzigd plan"))}  # fmt: skip
        headers = {ws.title: [str(c.value) for c in ws[4]] for ws in load_workbook(workbook).worksheets[1:]}
        for sheet, page in starts.items():
            assert page.width > page.height, sheet
            text = page.extract_text().replace("\n", " ").replace(" ", "")
            assert all(h.replace(" ", "") in text for h in headers[sheet]), sheet
