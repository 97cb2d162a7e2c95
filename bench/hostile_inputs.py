"""What refusing hostile input costs: per class of issue 15, time and peak memory against reading a good file.

Each hostile sample is read (or refused) the way the CLI reads it, in turns with the good file of
the same kind as the baseline (``bench/_timing.paired``), so the ratio says how much more a refusal
costs than an ordinary read on this machine. Peak memory is the largest Python allocation during
one read (tracemalloc, in a separate run so it does not slow the timing).

- workbooks: a sheet declaring ``A1:XFD1048576`` with an empty last row (once 465 s), a value at
  XFD30 beyond a small dimension, 120,000 XML elements in one sheet; baseline the filled workbook;
- numbers: ``1e999999999`` (once 7.9 GB) and a 4,301-digit version in JSON, a year 9999 date;
  baseline the same plan as JSON;
- YAML: a vertical tab, 400 nested ``[``, ``version: 1:30``; baseline the plan as YAML;
- letters: a PDF whose text array has 200,000 elements (pypdf's limit), baseline an ordinary page.

    python bench/hostile_inputs.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _timing import paired
from beoordeling import load_plan
from beoordeling.errors import BeoordelingError
from beoordeling.forms import default_forms, read_workbook, save_workbook
from beoordeling.letters.verify import read_letter

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml"


def _refusing(read: Callable[[Path], object], path: Path) -> Callable[[], object]:
    def run() -> object:
        try:
            return read(path)
        except BeoordelingError as exc:
            return exc

    return run


def _peak(run: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def _rewrite(source: Path, target: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, change(content) if info.filename == part else content)
    return target


def _pdf(content: bytes) -> bytes:
    return (
        b"%%PDF-1.7\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
        b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>> "
        b"endobj\n5 0 obj <</Type/Font/Subtype/Type1/BaseFont/Helvetica>> endobj\n"
        b"4 0 obj <</Length %d>> stream\n%s\nendstream endobj\ntrailer <</Root 1 0 R>>\nstartxref\n0\n%%%%EOF\n"
        % (len(content), content)
    )


def samples(folder: Path) -> list[tuple[str, str, Callable[[], object], Callable[[], object]]]:
    """(class, case, baseline, hostile) for every sample."""
    plan = load_plan(EXAMPLE)
    good_xlsx = save_workbook(default_forms()["plan"], folder / "good.xlsx", plan)
    opened = openpyxl.load_workbook(good_xlsx, read_only=True)
    middelen = str(opened["Middelen"]._worksheet_path).lstrip("/")  # type: ignore[attr-defined]
    opened.close()

    def dimension(ref: bytes) -> Callable[[bytes], bytes]:
        return lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', xml, count=1)

    grid = _rewrite(
        good_xlsx,
        folder / "grid.xlsx",
        middelen,
        lambda xml: dimension(b"A1:XFD1048576")(xml).replace(b"</sheetData>", b'<row r="1048576"/></sheetData>'),
    )
    cell = b'<c r="XFD30" t="inlineStr"><is><t>verstopt</t></is></c>'
    far = _rewrite(
        good_xlsx,
        folder / "far.xlsx",
        middelen,
        lambda xml: re.sub(
            rb'(<row r="30"[^>]*>.*?)</row>', lambda m: m[1] + cell + b"</row>", dimension(b"A1:H8")(xml)
        ),
    )
    rows = b"".join(b'<row r="%d"/>' % i for i in range(300, 120_300))
    many = _rewrite(
        good_xlsx, folder / "many.xlsx", middelen, lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>")
    )

    good_json = folder / "good.json"
    good_json.write_text(json.dumps(plan.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False))
    exponent = folder / "exponent.json"
    exponent.write_text(good_json.read_text().replace('"amount": "', '"amount": 1e999999999, "x": "', 1))
    digits = folder / "digits.json"
    digits.write_text(good_json.read_text().replace("{", '{"version": ' + "7" * 4301 + ", ", 1))
    far_date = folder / "far-date.yaml"
    far_date.write_text(EXAMPLE.read_text().replace("start: 20", "start: 99", 1))

    good_yaml = EXAMPLE
    vertical_tab = folder / "tab.yaml"
    vertical_tab.write_text(EXAMPLE.read_text().replace("title: ", "title: \x0b", 1))
    nested = folder / "nested.yaml"
    nested.write_text(EXAMPLE.read_text() + "\nextra: " + "[" * 400 + "]" * 400 + "\n")
    sexagesimal = folder / "sexagesimal.yaml"
    sexagesimal.write_text("version: 1:30\n" + EXAMPLE.read_text())

    good_pdf = folder / "good.pdf"
    good_pdf.write_bytes(_pdf(b"BT /F1 12 Tf 72 720 Td (Besluit) Tj ET"))
    array_pdf = folder / "array.pdf"
    array_pdf.write_bytes(_pdf(b"BT /F1 12 Tf [" + b"(a) " * 200_000 + b"] TJ ET"))

    workbook, plan_file, letter = read_workbook, load_plan, read_letter
    return [
        ("workbook", "declares A1:XFD1048576", _refusing(workbook, good_xlsx), _refusing(workbook, grid)),
        ("workbook", "value at XFD30 past A1:H8", _refusing(workbook, good_xlsx), _refusing(workbook, far)),
        ("workbook", "120,000 XML elements", _refusing(workbook, good_xlsx), _refusing(workbook, many)),
        ("numbers", "amount 1e999999999", _refusing(plan_file, good_json), _refusing(plan_file, exponent)),
        ("numbers", "4,301-digit version", _refusing(plan_file, good_json), _refusing(plan_file, digits)),
        ("dates", "start in 99xx", _refusing(plan_file, good_yaml), _refusing(plan_file, far_date)),
        ("YAML", "vertical tab", _refusing(plan_file, good_yaml), _refusing(plan_file, vertical_tab)),
        ("YAML", "400 nested [", _refusing(plan_file, good_yaml), _refusing(plan_file, nested)),
        ("YAML", "version: 1:30", _refusing(plan_file, good_yaml), _refusing(plan_file, sexagesimal)),
        ("letters", "200,000-element text array", _refusing(letter, good_pdf), _refusing(letter, array_pdf)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for kind, case, baseline, hostile in samples(Path(tmp)):
            if isinstance(baseline(), BeoordelingError):
                raise SystemExit(f"{case}: the baseline file was refused")
            outcome = "refused" if isinstance(hostile(), BeoordelingError) else "read"
            good, bad, ratio = paired(baseline, hostile, args.repeat)
            peak = _peak(hostile)
            print(
                f"{kind:9} {case:28} {outcome:8} good {good * 1000:7.1f} ms  hostile {bad * 1000:7.1f} ms  "
                f"ratio {ratio:6.2f}  peak {peak:5.1f} MiB"
            )


if __name__ == "__main__":
    main()
