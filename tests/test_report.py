"""The quarterly report as users meet it: the workbook's cells and charts read back, the PDF's text
read back and the same bytes every time, the JSON against the schema the tool publishes, and text a
submitter wrote kept as text in all three."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pdfplumber
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from beoordeling import Actor, Role, Store
from beoordeling.charts.quarterly import bar_chart_svg
from beoordeling.cli import cli
from beoordeling.desk import Desk
from beoordeling.model import Region
from beoordeling.report import report_of, save_report
from beoordeling.report.pdf import report_html
from beoordeling.stats import OUTCOMES, Evaluation, evaluate, period_of
from beoordeling.stats.schema import stats_json_schema, stats_json_schema_text

from .conftest import Clock
from .letters_support import build_walked_store
from .workflow_support import set_day

HOSTILE = '=HYPERLINK("http://x.invalid")<b>vet</b> $\\frac{1}{0}$ [red]rood[/red]'
"""A region name as a hostile submitter might write it: a formula, markup, mathtext, rich markup (a
control character the plan model refuses on load)."""


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's story in a store, and then a plan whose quick test is open renames its region to a
    hostile name."""
    path = tmp_path_factory.mktemp("report") / "store.db"
    build_walked_store(path)
    clock = Clock()
    set_day(clock, date(2025, 11, 20))  # after the demo's story
    with Store.open(str(path), clock=clock) as store:
        stored = store.plan("TP-2024-0150").plan  # its quick test waits for a decision
        revised = stored.model_copy(update={"region": Region(name=HOSTILE)})
        Desk(store).save_plans([revised], Actor("projectleider", stored.parties[0].name, Role.SUBMITTER))
    return path


@pytest.fixture(scope="module")
def evaluation(walked: Path) -> Evaluation:
    with Store.open(str(walked)) as store:
        return evaluate(store, period_of("2025Q4"))


def test_the_workbook_has_a_sheet_per_table_with_typed_cells_charts_and_a4_pages(
    evaluation: Evaluation, tmp_path: Path
) -> None:
    path = save_report(evaluation, tmp_path / "cijfers.xlsx")
    book = load_workbook(path)
    report = report_of(evaluation)
    assert ["Samenvatting", *(t.key for t in report.tables)] == book.sheetnames
    summary = book["Samenvatting"]
    assert "Transformatieplannen: cijfers van het programma, 2025Q4 (1 oktober 2025 tot en met 31 december 2025)" == (
        summary["A1"].value
    )
    texts = [cell.value for cell in summary["A"] if cell.value]
    assert any(str(text).startswith("Wat veranderde sinds 2025Q3") for text in texts)
    assert any("Holm" in str(text) for text in texts)
    counts = book["Aantallen"]
    assert ["Stap", "Uitkomst", "In de periode", "Tot en met het einde"] == [c.value for c in counts[4]]
    rows = {(r[0].value, r[1].value): (r[2].value, r[3].value) for r in counts.iter_rows(min_row=5) if r[0].value}
    figures = evaluation.figures
    assert len(OUTCOMES) == len(rows)
    assert (figures.in_period.get(("quick-test", "submitted"), 0), figures.quick_tests.submitted) == rows[
        "Snelle toets", "ingediend"
    ]
    assert all(isinstance(value, int) for pair in rows.values() for value in pair)
    assert "#,##0" == counts["C5"].number_format
    money = book["Geld"]
    amounts = {r[0].value: r[1] for r in money.iter_rows(min_row=5) if r[0].value}
    assert '"€" #,##0.00' == amounts["Totaal van het programma"].number_format
    assert 50_000_000 == amounts["Totaal van het programma"].value
    for sheet in ("Aantallen", "Snelle toetsen", "Geld"):
        charts = vars(book[sheet])["_charts"]  # where openpyxl keeps the charts it read
        assert 1 == len(charts), sheet  # a native Excel chart, drawn from the sheet's own cells
    for ws in book.worksheets:
        assert int(ws.PAPERSIZE_A4) == ws.page_setup.paperSize
        setup = ws.sheet_properties.pageSetUpPr
        assert setup is not None
        assert setup.fitToPage
    assert "landscape" == book["Groepen"].page_setup.orientation
    # the hostile region is text, with Excel's quote prefix, never a formula
    groups = book["Groepen"]
    [cell] = [row[1] for row in groups.iter_rows(min_row=5) if row[1].value and "HYPERLINK" in str(row[1].value)]
    assert ("s", True) == (cell.data_type, cell.quotePrefix)
    assert HOSTILE == cell.value


def test_the_pdf_reads_back_and_is_the_same_bytes_every_time(evaluation: Evaluation, tmp_path: Path) -> None:
    first = save_report(evaluation, tmp_path / "a.pdf").read_bytes()
    second = save_report(evaluation, tmp_path / "b.pdf").read_bytes()
    assert first == second
    with pdfplumber.open(tmp_path / "a.pdf") as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        sizes = {(round(page.width), round(page.height)) for page in pdf.pages}
        metadata = pdf.metadata
    assert {(595, 842), (842, 595)} == sizes  # A4, wide tables on landscape pages
    assert "Transformatieplannen: cijfers van het programma" in text
    assert "2025Q4 (1 oktober 2025 tot en met 31 december 2025)" in text
    assert "VOORBEELD" in text  # a practice store's figures say so
    assert "Wat veranderde sinds 2025Q3" in text
    for method in ("Wilson", "Fisher", "Holm", "Beoordelingskader"):
        assert method in text
    assert "€ 50.000.000,00" in text
    assert "20251231" in str(metadata.get("CreationDate"))
    # the hostile region stays text: its markup printed, not obeyed; no mathtext in the charts
    assert "<b>vet</b>" in text
    html = report_html(report_of(evaluation))
    assert "&lt;b&gt;vet&lt;/b&gt;" in html
    assert "<b>vet" not in html


def test_the_json_follows_the_schema_the_tool_publishes(evaluation: Evaluation, tmp_path: Path) -> None:
    schema = stats_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(save_report(evaluation, tmp_path / "cijfers.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert schema["$id"] == data["$schema"]
    assert "2025Q3" == data["previous"]["period"]["label"]
    assert data["changes"]
    assert HOSTILE in {group["group"] for group in data["groups"]}
    data["counts"][0]["unexpected"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_stats_writes_the_files_it_is_asked_for(walked: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    out.mkdir()
    args = ["--store", str(walked), "stats", "--quarter", "2025Q4"]
    result = runner.invoke(cli, [*args, "-o", str(out / "q.xlsx"), "-o", str(out / "q.pdf"), "-o", str(out / "q.json")])
    assert 0 == result.exit_code, result.output
    assert {"q.xlsx", "q.pdf", "q.json"} == {p.name for p in out.iterdir()}
    assert f"{out / 'q.pdf'}: the figures of 2025Q4" in result.output
    shown = runner.invoke(cli, [*args, "--format", "json", "-o", str(out / "again.json")])
    assert 0 == shown.exit_code
    printed, written = json.loads(shown.stdout), json.loads((out / "again.json").read_text(encoding="utf-8"))
    # the same figures; what changed is said in the terminal's language there, in Dutch in the file
    assert {**printed, "changes": None} == {**written, "changes": None}
    assert ["Plans funded: 1 in 2025Q4, against 0 in 2025Q3 (+1).", "Plannen gefinancierd: 1 in 2025Q4, tegen 0 in "
            "2025Q3 (+1)."] == [printed["changes"][0], written["changes"][0]]  # fmt: skip
    refused = runner.invoke(cli, [*args, "-o", str(out / "q.txt")])
    assert 2 == refused.exit_code
    assert "Traceback" not in refused.output
    assert "expected a file name ending in .xlsx, .pdf or .json; found 'q.txt'" in refused.output
    assert not (out / "q.txt").exists()
    schema = runner.invoke(cli, ["stats", "--schema"])
    assert (0, stats_json_schema_text()) == (schema.exit_code, schema.output)


def test_a_chart_keeps_a_category_as_text() -> None:
    """A dollar sign would start matplotlib's mathtext, and markup would become SVG: neither does."""
    hostile = "<b>vet</b> $\\frac{1}{0}$"
    svg = bar_chart_svg("Titel", [hostile, "Zeeland"], [("Plannen", [3.0, 1.0])], horizontal=True)
    assert svg.startswith("<svg")
    assert "&lt;b&gt;vet&lt;/b&gt;" in svg
    assert "<b>" not in svg
    assert r"$\frac{1}{0}$" in svg  # the text itself, not a fraction drawn as paths
    assert svg == bar_chart_svg("Titel", [hostile, "Zeeland"], [("Plannen", [3.0, 1.0])], horizontal=True)
