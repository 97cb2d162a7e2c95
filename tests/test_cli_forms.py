"""Workbooks on the command line: template, import, zelftoets, export, and LibreOffice opening them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling import Plan, Store, load_plan
from beoordeling.cli import cli
from beoordeling.forms import read_workbook

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_template_writes_a_blank_or_a_filled_workbook(tmp_path: Path) -> None:
    code, output = _run("form", "template", "quick-test", "-o", str(tmp_path / "qt.xlsx"))
    assert 0 == code, output
    assert "Voorstel voor de snelle toets (quick-test@2#" in output
    code, output = _run("form", "template", "plan", "-o", str(tmp_path / "plan.xlsx"), "--plan", str(EXAMPLE))
    assert (0, True) == (code, "filled with TP-2023-0014" in output)
    assert load_plan(EXAMPLE) == read_workbook(tmp_path / "plan.xlsx").plan


def test_import_refuses_a_workbook_with_required_fields_empty_unless_it_is_a_draft(tmp_path: Path) -> None:
    store = str(tmp_path / "store.db")
    assert 0 == _run("--store", store, "init", "--as", "ZK/Beheer")[0]
    workbook = tmp_path / "qt.xlsx"
    concept = ROOT / "examples" / "concept-acute-ggz.yaml"
    assert 0 == _run("form", "template", "quick-test", "-o", str(workbook), "--plan", str(concept))[0]
    code, output = _run("--store", store, "import", str(workbook), "--as", "Rivierduinen/ik")
    lines = " ".join(output.split())
    assert 2 == code
    assert "problems found; nothing was changed" in lines
    assert (
        f"{workbook}: sheet 'Snelle toets' cell B7: quick_test.long_term_effects: '(c) Effecten op lange termijn' "
        "is empty; the quick test (snelle toets) requires it"
    ) in lines
    with Store.open(store) as opened:
        assert [] == opened.plans()
    code, output = _run("--store", store, "import", str(workbook), "--draft", "--as", "Rivierduinen/ik")
    assert (0, "TP-CONCEPT-ACUTE-GGZ: version 1\n") == (code, output)


def test_export_to_a_workbook_and_import_it_again_changes_nothing(tmp_path: Path) -> None:
    store = str(tmp_path / "store.db")
    assert 0 == _run("--store", store, "init", "--as", "ZK/Beheer")[0]
    assert 0 == _run("--store", store, "import", str(EXAMPLE), "--as", "Stichting/ik")[0]
    workbook = tmp_path / "export.xlsx"
    code, output = _run("--store", store, "export", "TP-2023-0014", "-o", str(workbook))
    assert 0 == code, output
    code, output = _run("--store", store, "import", str(workbook), "--as", "Stichting/ik")
    assert (0, "TP-2023-0014: unchanged (version 1)\n") == (code, output)


def test_zelftoets_lists_the_empty_cells_first_and_exits_1(tmp_path: Path, dutch_terminal: None) -> None:
    workbook = tmp_path / "qt.xlsx"
    concept = ROOT / "examples" / "concept-acute-ggz.yaml"
    assert 0 == _run("form", "template", "quick-test", "-o", str(workbook), "--plan", str(concept))[0]
    code, output = _run("zelftoets", str(workbook), "--on", "2025-03-01")
    assert 1 == code
    lines = output.splitlines()
    assert "Nog leeg in het werkboek (9):" == lines[0]
    assert (
        "  Algemeen B16: 'Marktleiders (twee zorgverzekeraars)' is empty; the quick test (snelle toets) requires it"
        == lines[1]
    )
    assert lines[10].startswith("Zelftoets TP-CONCEPT-ACUTE-GGZ")
    code, output = _run("zelftoets", str(workbook), "--on", "2025-03-01", "--format", "json")
    report = json.loads(output)
    assert {
        "sheet": "Impact",
        "cell": "B6",
        "field": "quick_test.impact[0].substantiation",
        "message": "'Onderbouwing' is empty; the quick test (snelle toets) requires it",
    } == report["form_missing"][-1]


def _soffice(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert SOFFICE is not None
    profile = (cwd / "lo-profile").as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=180, check=False)


needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and os.environ.get("CI") != "true",
    reason="LibreOffice (soffice) is not installed; .ci/run installs it",
)


@needs_libreoffice
def test_libreoffice_opens_the_templates_and_a_workbook_it_saves_reads_back_equal(
    tmp_path: Path, example_plans: dict[str, Plan]
) -> None:
    assert SOFFICE is not None, "CI must have LibreOffice: .ci/run installs libreoffice-calc-nogui"
    for form_id in ("quick-test", "plan"):
        assert 0 == _run("form", "template", form_id, "-o", str(tmp_path / f"{form_id}.xlsx"))[0]
    plan = example_plans["thuismonitoring-ziekenhuizen"]
    assert 0 == _run("form", "template", "plan", "-o", str(tmp_path / "filled.xlsx"), "--plan", str(EXAMPLE))[0]
    converted = _soffice("--convert-to", "pdf", "--outdir", "pdf", "quick-test.xlsx", "plan.xlsx", cwd=tmp_path)
    assert 0 == converted.returncode, converted.stderr
    for name in ("quick-test", "plan"):
        pdf = (tmp_path / "pdf" / f"{name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        assert pdf.count(b"/Type /Page") + pdf.count(b"/Type/Page") > 3
    resaved = _soffice("--convert-to", "xlsx", "--outdir", "resaved", "filled.xlsx", cwd=tmp_path)
    assert 0 == resaved.returncode, resaved.stderr
    reading = read_workbook(tmp_path / "resaved" / "filled.xlsx")
    assert (plan, ()) == (reading.plan, reading.missing)
