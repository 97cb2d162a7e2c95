"""The document commands: letter, letters --pending, verify-letter and overview, with their exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from beoordeling.cli import cli

from .letters_support import build_walked_store, copy_store


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-documents") / "store.db"
    build_walked_store(path)
    return path


@pytest.fixture
def db(walked: Path, tmp_path: Path) -> str:
    return copy_store(walked, tmp_path / "store.db")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_letter_then_verify(db: str, tmp_path: Path, dutch_terminal: None) -> None:
    """A plan's latest letter is written and recorded; verify-letter then accepts it (exit 0)."""
    target = tmp_path / "brief.pdf"
    written = run("--store", db, "letter", "TP-2023-0014", "-o", str(target), "--as", "Coöperatie VGZ/P. Post")
    assert 0 == written.exit_code, written.output
    assert (
        f"{target}: TP-2023-0014-B00098 (Besluit over een mijlpaal), vastgelegd als gebeurtenis 147\n" == written.output
    )
    checked = run("--store", db, "verify-letter", str(target))
    assert 0 == checked.exit_code
    assert f"{target}: brief TP-2023-0014-B00098 komt overeen met de opslag" in checked.output


def test_verify_letter_exit_codes(db: str, tmp_path: Path) -> None:
    """1 for a letter that does not match the store, 2 for a file that is no letter."""
    target = tmp_path / "brief.pdf"
    assert 0 == run("--store", db, "letter", "TP-2024-0093", "--event", "59", "-o", str(target)).exit_code
    target.write_bytes(target.read_bytes() + b"% changed\n")
    changed = run("--store", db, "verify-letter", str(target))
    assert 1 == changed.exit_code
    assert "the file is not the one issued" in changed.output
    other = tmp_path / "other.pdf"
    other.write_text("geen pdf", encoding="utf-8")
    refused = run("--store", db, "verify-letter", str(other))
    assert 2 == refused.exit_code
    assert f"error: {other}: not a PDF (it does not start with %PDF-)" in refused.output


def test_letter_for_an_event_without_one(db: str, tmp_path: Path) -> None:
    result = run("--store", db, "letter", "TP-2023-0014", "--event", "42", "-o", str(tmp_path / "x.pdf"))
    assert 2 == result.exit_code
    assert "error: event 42 of plan TP-2023-0014 calls for no letter; events with a letter: 20, 38, 39, 43, 44, 98" in (
        result.output
    )
    assert not (tmp_path / "x.pdf").exists()


def test_letters_pending_writes_each_once(db: str, tmp_path: Path) -> None:
    first = run("--store", db, "letters", "--pending", "-o", str(tmp_path / "out"), "--workers", "2")
    assert 0 == first.exit_code, first.output
    assert "27 letters written to" in first.output
    assert 27 == len(list((tmp_path / "out").glob("*.pdf")))
    again = run("--store", db, "letters", "--pending", "-o", str(tmp_path / "out"))
    assert ("no letters pending\n", 0) == (again.output, again.exit_code)


def test_overview_command(db: str, tmp_path: Path) -> None:
    target = tmp_path / "overzicht.xlsx"
    result = run("--store", db, "overview", "-o", str(target), "--on", "2025-09-15")
    assert 0 == result.exit_code, result.output
    assert (
        f"{target}: Voorbeeld 1, Plannen 9, Besluiten 19, Termijnen 5, Mijlpalen 22, Betalingen 1, Middelen 6, "
        "Wachtrij 0, Cijfers 15\n" == result.output
    )
    assert "TP-2023-0014" == load_workbook(target)["Plannen"]["A2"].value
    wrong = run("--store", db, "overview", "-o", str(tmp_path / "overzicht.csv"))
    assert 2 == wrong.exit_code
    assert "expected a .xlsx file name; found 'overzicht.csv'" in wrong.output
