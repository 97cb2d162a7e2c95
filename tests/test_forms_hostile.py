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
        lambda good, target: edit(good, target, **{"_formulier!B2": 3}),
        "sheet '_formulier' cell B2: the workbook is version 3 of form 'plan'; this tool reads version 2. Copy the "
        "answers into a new template (`beoordeling form template plan -o FILE.xlsx`)",
    ),
    "another edition of the form": (
        lambda good, target: edit(good, target, **{"_formulier!B3": "plan@1#000000000000"}),
        "sheet '_formulier' cell B3: the workbook was made from another edition of form 'plan' version 2 (kenmerk "
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


def _sheet_part(workbook: Path, title: str) -> str:
    opened = openpyxl.load_workbook(workbook, read_only=True)
    try:
        return str(opened[title]._worksheet_path).lstrip("/")  # type: ignore[attr-defined]
    finally:
        opened.close()


def _edit_sheet_xml(good: Path, target: Path, title: str, change: Callable[[bytes], bytes]) -> Path:
    part = _sheet_part(good, title)
    with zipfile.ZipFile(good) as package:
        xml = package.read(part)
    return rewrite(good, target, {part: change(xml)})


def _dimension(ref: str) -> Callable[[bytes], bytes]:
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % ref.encode(), xml, count=1)


def _timed_read(path: Path) -> tuple[Plan | PlanFileError, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        try:
            outcome: Plan | PlanFileError = read_workbook(path).plan
        except PlanFileError as exc:
            outcome = exc
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return outcome, elapsed, peak


def test_a_sheet_claiming_the_whole_grid_is_read_by_the_cells_it_holds(
    good: Path, tmp_path: Path, example_plans: dict[str, Plan]
) -> None:
    """A 50 KB form whose sheet declares A1:XFD1048576 and ends in an empty row 1048576 took 465 s,
    because iter_rows pads the declared range; the cells that exist are read instead."""
    path = _edit_sheet_xml(
        good,
        tmp_path / "grid.xlsx",
        "Middelen",
        lambda xml: _dimension("A1:XFD1048576")(xml).replace(b"</sheetData>", b'<row r="1048576"/></sheetData>'),
    )
    plan, elapsed, peak = _timed_read(path)
    assert example_plans["thuismonitoring-ziekenhuizen"] == plan
    assert elapsed < 2.0, f"took {elapsed:.2f} s"
    assert peak < 24 * 1024 * 1024, f"used {peak / 1024 / 1024:.1f} MiB"


def test_cells_outside_a_too_small_declared_dimension_are_read(
    good: Path, tmp_path: Path, example_plans: dict[str, Plan]
) -> None:
    """Set to A1:H8, the Middelen sheet lost 4 of its 7 cost lines (the total shown was € 9,1 mln
    of the € 15,6 mln in the file)."""
    expected = example_plans["thuismonitoring-ziekenhuizen"]
    assert expected.funding is not None
    assert len(expected.funding.lines) > 3
    path = _edit_sheet_xml(good, tmp_path / "small.xlsx", "Middelen", _dimension("A1:H8"))
    plan = read_workbook(path).plan
    assert plan.funding is not None
    assert expected.funding.lines == plan.funding.lines
    assert expected.funding.total == plan.funding.total


def test_a_value_far_outside_the_declared_dimension_is_reported(good: Path, tmp_path: Path) -> None:
    def far_value(xml: bytes) -> bytes:
        xml = _dimension("A1:H8")(xml)
        cell = b'<c r="XFD30" t="inlineStr"><is><t>verstopt</t></is></c>'
        return re.sub(rb'(<row r="30"[^>]*>.*?)</row>', lambda m: m[1] + cell + b"</row>", xml, count=1)

    path = _edit_sheet_xml(good, tmp_path / "far.xlsx", "Middelen", far_value)
    with pytest.raises(PlanFileError) as caught:
        read_workbook(path)
    assert [
        f"{path}: sheet 'Middelen' cell XFD30: a value outside the form's input cells would be lost; move it into a "
        "yellow input cell or delete it"
    ] == [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("case", "extra"),
    [
        ("120,000 empty rows", b"".join(b'<row r="%d"/>' % i for i in range(300, 120_300))),
        ("one row of 120,000 empty cells", b'<row r="300">' + b"<c/>" * 120_000 + b"</row>"),
        (
            "120,000 filled cells",
            b"".join(b'<row r="%d"><c r="Z%d"><v>1</v></c></row>' % (i, i) for i in range(300, 40_300)),
        ),
    ],
)
def test_more_xml_than_any_form_needs_is_refused_before_parsing(
    case: str, extra: bytes, good: Path, tmp_path: Path
) -> None:
    path = _edit_sheet_xml(
        good, tmp_path / "many.xlsx", "Middelen", lambda xml: xml.replace(b"</sheetData>", extra + b"</sheetData>")
    )
    outcome, elapsed, peak = _timed_read(path)
    assert isinstance(outcome, PlanFileError)
    part = _sheet_part(good, "Middelen")
    assert [
        f"{path}: the workbook holds more than 100,000 XML elements (cells, rows, texts, styles; the limit was "
        f"passed in {part}); a filled form needs far fewer"
    ] == [str(p) for p in outcome.problems]
    assert elapsed < 2.0, f"{case} took {elapsed:.2f} s"
    assert peak < 24 * 1024 * 1024, f"{case} used {peak / 1024 / 1024:.1f} MiB"


def test_a_damaged_deflate_stream_is_refused_as_a_damaged_package(good: Path, tmp_path: Path) -> None:
    """Found by the fuzz suite: counting a part's elements reads it, and zlib's error escaped."""
    part = _sheet_part(good, "Middelen")
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as package:
        info = package.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + 40 : start + 56] = b"\xff" * 16
    path = tmp_path / "beschadigd.xlsx"
    path.write_bytes(bytes(raw))
    with pytest.raises(PlanFileError) as caught:
        read_workbook(path)
    [problem] = caught.value.problems
    assert str(problem).startswith(f"{path}: the zip package is damaged or unsupported (")
