"""Hostile and broken workbooks: each refused with its message, quickly, with bounded memory, and
nothing stored from them."""

from __future__ import annotations

import re
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from defusedxml import DTDForbidden, EntitiesForbidden
from openpyxl.xml.functions import fromstring

from beoordeling import Plan, PlanFileError, Store
from beoordeling.cli import cli
from beoordeling.forms import default_forms, read_workbook, save_workbook

from .forms_support import edit, rewrite

FORMS = default_forms()
SAVE_AS = "save it as an Excel workbook (.xlsx) without macros, links or a password"
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10) for i in range(1, 10)
    )
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
)


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, example_plans: dict[str, Plan]) -> Path:
    folder = tmp_path_factory.mktemp("good")
    return save_workbook(FORMS["plan"], folder / "plan.xlsx", example_plans["thuismonitoring-ziekenhuizen"])


def _bytes(target: Path, content: bytes) -> Path:
    target.write_bytes(content)
    return target


def _zip_bomb(good: Path, target: Path) -> Path:
    return rewrite(good, target, {}, {"xl/media/padding.xml": b"<a>" + b" " * (24 * 1024 * 1024) + b"</a>"})


def _lying_sizes(good: Path, target: Path) -> Path:
    """A part that says it unpacks to 100 bytes but holds 4 MiB."""
    rewrite(good, target, {}, {"xl/media/liar.xml": b"<a>" + b"A" * (4 * 1024 * 1024) + b"</a>"})
    raw = bytearray(target.read_bytes())
    name = b"xl/media/liar.xml"
    local = raw.rfind(b"PK\x03\x04", 0, raw.find(name))
    struct.pack_into("<I", raw, local + 22, 100)
    central = raw.rfind(b"PK\x01\x02", 0, raw.rfind(name))
    struct.pack_into("<I", raw, central + 24, 100)
    target.write_bytes(bytes(raw))
    return target


def _with_sheet(good: Path, target: Path, title: str) -> Path:
    workbook = openpyxl.load_workbook(good)
    workbook.create_sheet(title)["A1"] = "notities"
    workbook.save(target)
    return target


def _renamed(good: Path, target: Path) -> Path:
    workbook = openpyxl.load_workbook(good)
    workbook["Mijlpalen"].title = "Mijlpalen 2024"
    workbook.save(target)
    return target


HOSTILE: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "zip bomb": (
        _zip_bomb,
        "the part xl/media/padding.xml unpacks N times larger than it is packed (at most 100 allowed): a zip "
        "bomb is refused",
    ),
    "sizes that lie": (
        _lying_sizes,
        "the zip package is damaged or unsupported (Bad CRC-32 for file 'xl/media/liar.xml')",
    ),
    "entity expansion": (
        lambda good, target: rewrite(good, target, {"xl/worksheets/sheet2.xml": LAUGHS}),
        "the part xl/worksheets/sheet2.xml declares a DTD, which workbooks never need (entity expansion is refused)",
    ),
    "DTD hidden after a long comment": (
        lambda good, target: rewrite(
            good,
            target,
            {"xl/worksheets/sheet2.xml": b"<?xml version='1.0'?><!--" + b"x" * 70_000 + b"-->" + LAUGHS[22:]},
        ),
        "the part xl/worksheets/sheet2.xml does not start its XML within 64 KiB",
    ),
    "macros": (
        lambda good, target: rewrite(good, target, {}, {"xl/vbaProject.bin": b"\x00" * 64}),
        f"refused because it contains macros (VBA) (xl/vbaProject.bin); {SAVE_AS}",
    ),
    "macro-enabled content type": (
        lambda good, target: rewrite(
            good,
            target,
            {
                "[Content_Types].xml": zipfile.ZipFile(good)
                .read("[Content_Types].xml")
                .replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
            },
        ),
        f"refused because it is a macro-enabled workbook; {SAVE_AS}",
    ),
    "external links": (
        lambda good, target: rewrite(good, target, {}, {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
        f"refused because it links to other workbooks (external links) (xl/externalLinks/externalLink1.xml); {SAVE_AS}",
    ),
    "data connections": (
        lambda good, target: rewrite(good, target, {}, {"xl/connections.xml": b"<connections/>"}),
        f"refused because it contains data connections (xl/connections.xml); {SAVE_AS}",
    ),
    "an old or encrypted file": (
        lambda good, target: _bytes(target, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),
        "this is an old Excel file (.xls) or a password-protected workbook; " + SAVE_AS,
    ),
    "not a zip": (
        lambda good, target: _bytes(target, b"id: TP-1\ntitle: geen werkboek\n"),
        "not an Excel workbook (.xlsx): the file is not a zip package",
    ),
    "a zip without a workbook": (
        lambda good, target: rewrite(good, target, {"xl/workbook.xml": None}),
        "not an Excel workbook (.xlsx): the zip has no workbook in it",
    ),
    "another form version": (
        lambda good, target: edit(good, target, **{"_formulier!B2": 2}),
        "sheet '_formulier' cell B2: the workbook is version 2 of form 'plan'; this tool reads version 1. Copy the "
        "answers into a new template (`beoordeling form template plan -o FILE.xlsx`)",
    ),
    "another edition of the form": (
        lambda good, target: edit(good, target, **{"_formulier!B3": "plan@1#000000000000"}),
        "sheet '_formulier' cell B3: the workbook was made from another edition of form 'plan' version 1 (kenmerk "
        f"plan@1#000000000000; this tool has {FORMS['plan'].stamp}); copy the answers into a new template",
    ),
    "an unknown form": (
        lambda good, target: edit(good, target, **{"_formulier!B1": "subsidie"}),
        "sheet '_formulier' cell B1: the workbook names form 'subsidie', which this tool does not know (forms: plan, "
        "quick-test)",
    ),
    "a workbook that is not a form": (
        lambda good, target: _plain_workbook(target),
        "this workbook is not one of the tool's forms (it has no sheet '_formulier'); start from a template made by "
        "`beoordeling form template`",
    ),
    "an extra sheet": (
        lambda good, target: _with_sheet(good, target, "Notities"),
        "sheet 'Notities': the form has no such sheet; its contents would not be read — move them into the form's "
        "sheets and delete this one",
    ),
    "a renamed sheet": (
        _renamed,
        "sheet 'Mijlpalen 2024': the form has no such sheet; its contents would not be read — move them into the "
        "form's sheets and delete this one\n"
        "sheet 'Mijlpalen': this sheet of the form is missing; start again from a new template",
    ),
}


def _plain_workbook(target: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Plannummer"  # type: ignore[index]
    workbook.save(target)
    return target


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_or_broken_workbook_is_refused_quickly_with_bounded_memory(
    case: str, good: Path, tmp_path: Path
) -> None:
    make, expected = HOSTILE[case]
    path = make(good, tmp_path / "hostile.xlsx")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(PlanFileError) as caught:
            read_workbook(path)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    found = "\n".join(str(p).removeprefix(f"{path}: ") for p in caught.value.problems)
    assert expected == re.sub(r"unpacks \d+ times", "unpacks N times", found)  # the ratio depends on zlib
    assert elapsed < 2.0, f"{case} took {elapsed:.2f} s"
    assert peak < 24 * 1024 * 1024, f"{case} used {peak / 1024 / 1024:.1f} MiB"


def test_a_file_too_large_to_be_a_workbook_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "groot.xlsx"
    with path.open("wb") as handle:
        handle.truncate(17 * 1024 * 1024)
    with pytest.raises(PlanFileError) as caught:
        read_workbook(path)
    assert [f"{path}: the file is larger than 16 MiB"] == [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("suffix", "message"),
    [
        (".xlsm", "a macro-enabled workbook (.xlsm) is refused; save it as .xlsx"),
        (".xls", "an old Excel file (.xls) is not read; save it as .xlsx"),
    ],
)
def test_other_spreadsheet_files_are_refused_by_name(suffix: str, message: str, good: Path, tmp_path: Path) -> None:
    path = tmp_path / f"plan{suffix}"
    path.write_bytes(good.read_bytes())
    result = CliRunner().invoke(cli, ["zelftoets", str(path)])
    assert (2, f"error: {path}: {message}") == (result.exit_code, " ".join(result.output.split()))


def test_nothing_is_stored_from_a_refused_workbook(good: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    runner = CliRunner()
    assert 0 == runner.invoke(cli, ["--store", str(store), "init", "--as", "ZK/Beheer"]).exit_code
    hostile = edit(good, tmp_path / "f.xlsx", **{"Middelen!F6": "=1/0"})
    result = runner.invoke(cli, ["--store", str(store), "import", str(good), str(hostile), "--as", "Z/ik"])
    assert 2 == result.exit_code
    assert "a formula is not accepted in an input cell" in result.output
    with Store.open(str(store)) as opened:
        assert [] == opened.plans()


def test_entity_expansion_is_refused_by_the_xml_parser_too(good: Path) -> None:
    """Defence in depth: openpyxl parses with defusedxml, so a DTD the package check missed still fails."""
    with pytest.raises((EntitiesForbidden, DTDForbidden)):
        fromstring(LAUGHS)
