"""The Excel overview: read back with openpyxl, values and types as a reader finds them; text never a formula."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import textwrap
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from beoordeling import Store
from beoordeling._i18n import speaking
from beoordeling._xlsx import FORMULA_TRIGGERS, clean_text
from beoordeling.errors import OutputError
from beoordeling.overview import Column, Sheet, save_overview, write_overview
from beoordeling.overview.sheets import REGISTER
from beoordeling.overview.writer import _wrapped_lines
from beoordeling.stats import OUTCOMES, figures, period_of
from beoordeling.stats.words import outcome, step
from beoordeling.store import Reading

from .letters_support import WAITLISTED, build_walked_store


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("overview")
    build_walked_store(folder / "store.db")
    with Store.open(str(folder / "store.db")) as store:
        save_overview(store, folder / "overzicht.xlsx", on=date(2025, 9, 30))
    return folder / "overzicht.xlsx"


def _rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    return list(load_workbook(path)[sheet].iter_rows(values_only=True))


def test_one_sheet_each_with_frozen_header_filter_and_widths(workbook: Path) -> None:
    book = load_workbook(workbook)
    assert [
        "Voorbeeld", "Plannen", "Besluiten", "Termijnen", "Mijlpalen", "Betalingen", "Middelen", "Wachtrij",
        "Cijfers",
    ] == book.sheetnames  # fmt: skip
    assert str(book["Voorbeeld"]["A2"].value).startswith("VOORBEELD: dit overzicht komt uit een oefenomgeving")
    assert "voorbeeld" == book.properties.keywords
    for ws in book:
        assert "A2" == ws.freeze_panes
        last = ws.max_row - 2 if str(ws.cell(ws.max_row, 1).value).startswith("Totaal") else ws.max_row
        assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}{last}"
        assert ws["A1"].font.b
        assert ws.column_dimensions["A"].width >= 10


def test_every_sheet_prints_landscape_on_a4_fitted_to_width_with_its_header_on_each_page(workbook: Path) -> None:
    for ws in load_workbook(workbook):
        setup = ws.page_setup
        assert ("landscape", 9, 1, 0) == (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight)
        assert ws.sheet_properties.pageSetUpPr is not None
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert "$1:$1" == ws.print_title_rows


def test_every_cell_names_its_font(workbook: Path) -> None:
    """A style without a font name falls back to a serif font in LibreOffice."""
    for ws in load_workbook(workbook):
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert "Calibri" == cell.font.name, (ws.title, cell.coordinate)


def test_amount_columns_have_a_total_and_wrapped_rows_are_as_tall_as_their_text(workbook: Path) -> None:
    book = load_workbook(workbook)
    ws = book["Mijlpalen"]
    rows = list(ws.iter_rows(values_only=True))
    data = [r for r in rows[1:] if r[0] and not str(r[0]).startswith("Totaal")]
    amounts = [r[4] for r in data]
    assert all(isinstance(a, int | float) for a in amounts)
    assert (f"Totaal ({len(data)} rijen)", sum(a for a in amounts if isinstance(a, int | float))) == (
        rows[-1][0],
        rows[-1][4],
    )
    assert rows[-2] == (None,) * len(rows[0])
    assert ws.cell(ws.max_row, 5).font.b
    register = book["Plannen"]
    assert "Totaal" in str(register.cell(register.max_row, 1).value)
    wrapped = [i for i, column in enumerate(REGISTER, start=1) if column.kind == "wrapped"]
    for number in range(2, register.max_row - 1):
        widths = [register.column_dimensions[get_column_letter(i)].width for i in wrapped]
        texts = [str(register.cell(number, i).value or "") for i in wrapped]
        tall = any(len(text) > int(width) for text, width in zip(texts, widths, strict=True))
        height = register.row_dimensions[number].height
        assert (height is not None and height >= 30) if tall else height is None, (number, texts)
    assert (register.row_dimensions[1].height or 0) >= 30  # "Laatste gebeurtenis" wraps in its header


def test_decisions_leave_out_the_steps_the_workflow_takes_by_itself(workbook: Path) -> None:
    decisions = _rows(workbook, "Besluiten")
    assert "Consultatie overige verzekeraars geopend" not in {r[3] for r in decisions}
    assert "beoordeling" not in {r[5] for r in decisions}


def test_register_row_has_typed_values_in_dutch_formats(workbook: Path) -> None:
    book = load_workbook(workbook)
    ws = book["Plannen"]
    header = [cell.value for cell in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "TP-2023-0014")
    values = dict(zip(header, row, strict=True))
    assert "Implementatie" == values["Status"].value
    assert "4 Implementatie" == values["Stap"].value
    assert "Coöperatie VGZ, Zilveren Kruis" == values["Marktleiders"].value
    assert 24_600_000 == values["Gevraagd bedrag"].value
    assert values["Gevraagd bedrag"].number_format.startswith('"€" #,##0.00')
    assert datetime(2023, 3, 6) == values["Eerste indiening"].value
    assert "dd-mm-yyyy" == values["Eerste indiening"].number_format
    assert 1 == values["Versie"].value
    assert "General" == values["Versie"].number_format  # a version or event number needs no thousands separator


def test_decisions_deadlines_milestones_and_payments(workbook: Path) -> None:
    decisions = _rows(workbook, "Besluiten")
    approve = next(r for r in decisions if r[0] == "TP-2023-0014" and r[3] == "Definitief besluit: goedgekeurd")
    assert (datetime(2023, 7, 17), "voldoet", "Coöperatie VGZ, Zilveren Kruis", "TP-2023-0014-B00043") == (
        approve[2],
        approve[4],
        approve[5],
        approve[8],
    )
    assert "Op de wachtrij geplaatst" in [r[3] for r in decisions if r[0] == WAITLISTED]
    assert "Gefinancierd" not in [r[3] for r in decisions if r[0] == WAITLISTED]  # February 2026, after the date
    deadlines = _rows(workbook, "Termijnen")
    overdue = [(r[0], r[4], r[6]) for r in deadlines[1:] if r[6] == "ja"]
    assert [("TP-2024-0150", datetime(2025, 7, 14), "ja")] == overdue
    milestones = _rows(workbook, "Mijlpalen")
    assert ("TP-2023-0014", "M1", "Resultaatsverplichting", 9_800_000, "behaald") == (
        milestones[1][0],
        milestones[1][1],
        milestones[1][3],
        milestones[1][4],
        milestones[1][6],
    )
    payments = _rows(workbook, "Betalingen")
    assert [
        ("TP-2023-0014", "M1", 9_800_000, datetime(2025, 2, 3), 98, "TP-2023-0014-B00098", None, datetime(2025, 2, 24))
    ] == payments[1:2]
    assert ("Totaal (1 rij)", 9_800_000) == (payments[-1][0], payments[-1][2])


def test_the_funds_account_by_account_and_the_waiting_list(workbook: Path) -> None:
    """On 30 September 2025 the practice programme's money has run out and the second tranche waits."""
    funds = _rows(workbook, "Middelen")
    assert ("Rekening", "Onderdeel", "Tot en met", "Bedrag") == funds[0]
    # the open part: what was left, and what Gemeente Tiel repaid for the third tranche's missed M1
    assert ("Beschikbaar", "open voor elke sector", None, 1_835_772.36) in funds
    assert ("Voorschot", "TP-2023-0016: Thuismonitoring, derde tranche", None, 1_564_227.64) in funds
    paid = "TP-2023-0014/M1: Landelijk centrum voor digitale thuismonitoring van samenwerkende ziekenhuizen"
    assert ("Betaald", paid, None, 9_800_000) in funds
    assert ("Totaal (6 rijen)", 50_000_000) == (funds[-1][0], funds[-1][3])  # every cent of the programme
    queue = _rows(workbook, "Wachtrij")
    assert [
        (1, "TP-2023-0015", "Thuismonitoring, tweede tranche", datetime(2025, 2, 24), 24_600_000, 0, 1_835_772.36)
    ] == queue[1:2]


def test_the_quarters_counts_so_far_and_where_its_full_figures_are(workbook: Path) -> None:
    """The overview of 30 September 2025 counts the plans of 2025Q3 as ``stats --quarter 2025Q3``
    does (in the overview's reading, as it happened), and names the command for the rest."""
    rows = _rows(workbook, "Cijfers")
    assert ("Stap", "Uitkomst", "Dit kwartaal", "Totaal") == rows[0]
    with Store.open(str(workbook.parent / "store.db")) as store:
        found = figures(store.events(), period_of("2025Q3"), Reading.HAPPENED)
    with speaking("nl"):
        expected = [(step(code), outcome(result), found.in_period.get((code, result), 0),
                     found.to_date.get((code, result), 0)) for code, result in OUTCOMES.values()]  # fmt: skip
    assert expected == rows[1:-1]
    assert ("Snelle toets", "ingediend") == rows[1][:2]
    quarter, total = (sum(int(str(row[k])) for row in rows[1:-1]) for k in (2, 3))
    assert total > quarter > 0
    assert "Volledige cijfers" == rows[-1][0]
    assert str(rows[-1][1]).startswith("beoordeling stats --quarter 2025Q3 --reading happened")


TEXT = st.text(st.characters(codec="utf-8"), max_size=60) | st.sampled_from(FORMULA_TRIGGERS).flatmap(
    lambda first: st.text(max_size=30).map(lambda rest: first + rest)
)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=8))
def test_no_text_ever_becomes_a_formula(tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> None:
    """Arbitrary strings (=, +, -, @, tab, CR, LF first; control characters) come back as the same text."""
    path = tmp_path_factory.mktemp("text") / "t.xlsx"
    write_overview([Sheet("Tekst", (Column("Tekst", "wrapped", 30),), [(text,) for text in texts])], path)
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    cells = [row[0] for row in load_workbook(path)["Tekst"].iter_rows(min_row=2)]
    assert [clean_text(text) or None for text in texts] == [cell.value for cell in cells]
    for text, cell in zip(texts, cells, strict=True):
        if text:
            assert "s" == cell.data_type
            assert cell.quotePrefix == clean_text(text).startswith(FORMULA_TRIGGERS)


def test_the_same_sheets_give_the_same_bytes(tmp_path: Path) -> None:
    """The workbook holds no time (neither in its parts nor in its zip entries): the overview of a
    day is the same file whenever it is made."""
    sheets = [Sheet("Plannen", REGISTER[:3], [("TP-1", "Zorg <&> 'thuis'", 1), ("TP-2", " spatie ", 2)])]
    write_overview(sheets, tmp_path / "a.xlsx")
    write_overview(sheets, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert [("TP-1", "Zorg <&> 'thuis'"), ("TP-2", " spatie ")] == [
        row[:2] for row in load_workbook(tmp_path / "a.xlsx")["Plannen"].iter_rows(min_row=2, values_only=True)
    ]


def test_a_formula_looking_plan_title_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_overview([Sheet("Plannen", (Column("Titel", "text", 30),), [('=HYPERLINK("http://x","klik")',)])], path)
    cell = load_workbook(path)["Plannen"]["A2"]
    assert ('=HYPERLINK("http://x","klik")', "s", True) == (cell.value, cell.data_type, cell.quotePrefix)


def test_an_unwritable_target_is_refused_before_the_workbook_is_made(tmp_path: Path) -> None:
    """A target under a file fails at once: no half-built write-only workbook is left for the
    garbage collector, whose open sheet streams would print tracebacks at exit."""
    (tmp_path / "bestand").write_text("x")
    sheets = [Sheet("Plannen", (Column("Plan", "text", 16),), [("TP-1",)])]
    with pytest.raises(OutputError, match="bestand is not a folder; create it first"):
        write_overview(sheets, tmp_path / "bestand" / "overzicht.xlsx")
    gc.collect()  # an unraisable exception here fails the test (filterwarnings = error)
    assert ["bestand"] == [p.name for p in tmp_path.iterdir()]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None and os.environ.get("CI") != "true",
    reason="LibreOffice (soffice) is not installed; .ci/run installs it",
)
def test_libreoffice_prints_every_sheet_whole_on_few_pages(workbook: Path, tmp_path: Path) -> None:
    """Converted by LibreOffice, every page holds every column of its sheet (nothing is cut off at
    the right), and the whole overview takes a handful of landscape pages (22 portrait ones before)."""
    assert SOFFICE is not None, "CI must have LibreOffice: .ci/run installs it"
    command = [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(tmp_path), str(workbook)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert 0 == done.returncode, done.stderr
    reader = PdfReader(tmp_path / "overzicht.pdf")
    headers = {ws.title: [str(c.value) for c in ws[1]] for ws in load_workbook(workbook)}
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width > height, f"page {number} is not landscape"
        text = " ".join((page.extract_text() or "").split())
        squashed = text.replace(" ", "")  # a header may wrap onto two lines; pypdf may glue neighbours
        whole = [sheet for sheet, names in headers.items() if all(n.replace(" ", "") in squashed for n in names)]
        assert whole, f"page {number} lacks a column of its sheet: {text[:200]}"
    assert len(reader.pages) <= 9  # one page a sheet or two: nine sheets


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(["a", "de", "zorg", "transformatie", "x" * 30, "y" * 61, "-"]), max_size=40),
    width=st.integers(min_value=1, max_value=70),
)
def test_a_wrapped_row_counts_the_lines_textwrap_would_make(words: list[str], width: int) -> None:
    """A row's height counts the lines of its wrapped text without making them: the same count as
    textwrap gives, long words that run over several lines included."""
    paragraph = " ".join(words)
    assert max(len(textwrap.wrap(paragraph, width, break_on_hyphens=False)), 1) == _wrapped_lines(paragraph, width)
