"""The CLI against hostile and careless input: generated plan files, workbooks, arguments and stored text.

Every case drives the real entry point (the click group the console script runs) and must end with
a documented exit code, no traceback, nothing stored after a refusal (the event count is unchanged
and ``verify`` still passes), and time and peak memory within bounds. ``make test`` runs a fixed,
derandomised budget; ``make fuzz`` (``BEOORDELING_FUZZ=long``) runs twenty times as many cases with
fresh randomness.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beoordeling import Store, load_plan
from beoordeling.cli import cli
from beoordeling.forms import default_forms, save_workbook

from .conftest import EXAMPLES, ROOT

LONG = os.environ.get("BEOORDELING_FUZZ") == "long"
BUDGET = settings(
    max_examples=400 if LONG else 20,
    derandomize=not LONG,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
SECONDS = 5.0
"""Per command, under tracemalloc (which slows Python down about twice); bench/hostile_inputs.py
measures the real times."""
MEMORY = 64 * 1024 * 1024
ACTOR = "Zorgpartij/fuzz"

# What a hostile or careless submitter puts in a value.
PAYLOADS = [
    "1e999999999", "1e99999999999", "-1e999999999", "9" * 4_301, "9223372036854775808", "0x1F", "1:30", "017",
    ".inf", ".nan", "NaN", "-0", "1_000", "1,5e3", "yes", "off", "~", "''", '""',
    "\x0b", "\x00", "\x7f", "\x1b[31mrood\x1b[0m", "\x1b]8;;https://evil.example\x07klik\x1b]8;;\x07", "\x85",
    "\u202eesrever", "\u2066x\u2069", "\u2028", "\u200b", "\ufeff",
    "[bold]vet[/bold]", "[/]", "[link=https://evil.example/login]log in[/link]", ":warning:", "Plan [/bold] x",
    "<script>alert(1)</script>", "=HYPERLINK(\"http://evil\")", "@SUM(A1)", "+1", "-1",
    "x" * 25_000, "[" * 500, "{" * 500, "- " * 300, "&a x", "*a", "!!python/object/apply:os.system [ls]",
    "<<: {a: 1}", "? a\n: b", "9999-01-01", "0001-01-01", "2025-02-30", "2025-13-01", "{{ 7*7 }}", "%(x)s",
]  # fmt: skip
payloads = st.sampled_from(PAYLOADS) | st.text(max_size=40)


@dataclass(frozen=True)
class Outcome:
    code: int
    output: str
    seconds: float
    peak: int


def invoke(args: list[str], allowed: set[int]) -> Outcome:
    """Run the CLI in-process, measuring time and peak memory; assert what every case must hold."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = CliRunner().invoke(cli, args, catch_exceptions=True)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    what = " ".join(a if len(a) < 80 else a[:77] + "..." for a in args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{what}: {type(result.exception).__name__}: {result.exception}"
    )
    assert "Traceback" not in result.output, what
    assert result.exit_code in allowed, f"{what}: exit {result.exit_code}\n{result.output[:2000]}"
    assert seconds < SECONDS, f"{what}: {seconds:.2f} s"
    assert peak < MEMORY, f"{what}: {peak / 1024 / 1024:.1f} MiB"
    assert len(result.output) < 100_000, f"{what}: {len(result.output)} characters of output"
    return Outcome(result.exit_code, result.output, seconds, peak)


@dataclass
class Practice:
    """A practice store holding the example plans, and a place for the generated files."""

    url: str
    folder: Path

    def events(self) -> int:
        with Store.open(self.url) as store:
            return sum(1 for _ in store.events())

    def verified(self) -> None:
        outcome = invoke(["--store", self.url, "verify"], {0})
        assert "intact" in outcome.output


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    folder = tmp_path_factory.mktemp("fuzz")
    url = str(folder / "store.db")
    invoke(["--store", url, "init", "--practice", "--on", "2025-01-06", "--as", "ZK/beheer"], {0})
    invoke(["--store", url, "import", *map(str, EXAMPLES), "--as", ACTOR], {0})
    return Practice(url, folder)


def _import_refused_or_stored(practice: Practice, path: Path) -> None:
    before = practice.events()
    outcome = invoke(["--store", practice.url, "import", str(path), "--as", ACTOR], {0, 2, 3})
    if outcome.code != 0:
        assert before == practice.events(), f"a refused import stored something:\n{outcome.output[:500]}"


# --- plan files -----------------------------------------------------------------------------------

_SCALAR = re.compile(r"^(\s*(?:- )?[a-z_]+: )(.+)$", re.M)


@st.composite
def plan_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """An example plan as YAML or JSON, with one or two hostile changes."""
    source = draw(st.sampled_from(EXAMPLES))
    as_json = draw(st.booleans())
    if as_json:
        text = json.dumps(load_plan(source).model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)
    else:
        text = source.read_text()
    for _ in range(draw(st.integers(1, 2))):
        payload = draw(payloads)
        how = draw(st.sampled_from(["value", "value", "insert", "truncate"]))
        yaml_spots = list(_SCALAR.finditer(text))
        json_spots = list(re.finditer(r'(?<=": )("[^"]*"|[0-9.eE+-]+)', text))
        if how == "value" and not (json_spots if as_json else yaml_spots):
            how = "insert"  # an earlier change left no value to replace
        if how == "value" and not as_json:
            spots = yaml_spots
            spot = spots[draw(st.integers(0, len(spots) - 1))]
            quoted = draw(st.booleans())
            value = json.dumps(payload, ensure_ascii=False) if quoted else payload
            text = text[: spot.start(2)] + value + text[spot.end(2) :]
        elif how == "value":
            spots = json_spots
            spot = spots[draw(st.integers(0, len(spots) - 1))]
            raw = draw(st.booleans())
            value = payload if raw else json.dumps(payload, ensure_ascii=False)
            text = text[: spot.start()] + value + text[spot.end() :]
        elif how == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + payload + text[at:]
        else:
            text = text[: draw(st.integers(0, len(text)))]
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        data += draw(st.binary(min_size=1, max_size=8))  # not UTF-8 at all
    return (".json" if as_json else ".yaml"), data


@given(case=plan_files())
@BUDGET
def test_a_hostile_plan_file_is_read_or_refused_cleanly(practice: Practice, case: tuple[str, bytes]) -> None:
    suffix, data = case
    path = practice.folder / f"plan{suffix}"
    path.write_bytes(data)
    invoke(["zelftoets", str(path)], {0, 1, 2})
    _import_refused_or_stored(practice, path)


# --- programme files ------------------------------------------------------------------------------

PROGRAMME = ROOT / "programme" / "iza.yaml"


@st.composite
def programme_files(draw: st.DrawFn) -> bytes:
    """The shipped programme file with one or two hostile changes: a value replaced, text inserted,
    or the file cut short."""
    text = PROGRAMME.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 2))):
        payload = draw(payloads)
        spots = list(_SCALAR.finditer(text))
        how = draw(st.sampled_from(["value", "value", "insert", "truncate"]))
        if how == "value" and spots:
            spot = spots[draw(st.integers(0, len(spots) - 1))]
            value = json.dumps(payload, ensure_ascii=False) if draw(st.booleans()) else payload
            text = text[: spot.start(2)] + value + text[spot.end(2) :]
        elif how in ("value", "insert"):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + payload + text[at:]
        else:
            text = text[: draw(st.integers(0, len(text)))]
    return text.encode("utf-8", "surrogatepass")


@given(data=programme_files())
@BUDGET
def test_a_hostile_programme_file_is_checked_or_refused_cleanly(practice: Practice, data: bytes) -> None:
    """Checked (exit 0) or refused with file, line and key (exit 2); adopting it either records it
    or stores nothing."""
    path = practice.folder / "programma.yaml"
    path.write_bytes(data)
    invoke(["programme", "check", str(path)], {0, 2})
    before = practice.events()
    outcome = invoke(["--store", practice.url, "programme", "adopt", str(path), "--as", "BO IZA/fuzz",
                      "--reason", "fuzz"], {0, 2, 3})  # fmt: skip
    if outcome.code != 0:
        assert before == practice.events(), f"a refused programme stored something:\n{outcome.output[:500]}"


# --- workbooks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workbook:
    """A filled plan workbook, and the package part of each of its sheets."""

    package: bytes = field(repr=False)
    parts: dict[str, str] = field(repr=False)


@pytest.fixture(scope="module")
def workbook(practice: Practice) -> Workbook:
    path = save_workbook(default_forms()["plan"], practice.folder / "good.xlsx", load_plan(EXAMPLES[0]))
    opened = openpyxl.load_workbook(path, read_only=True)
    parts = {name: str(opened[name]._worksheet_path).lstrip("/") for name in opened.sheetnames}  # type: ignore[attr-defined]
    opened.close()
    return Workbook(path.read_bytes(), parts)


def _with_part(package: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()


def _xml_text(value: str) -> bytes:
    clean = "".join(ch for ch in value if ch in "\t\n" or (" " <= ch and ch not in "\ufffe\uffff"))
    return clean.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8", "replace")


@st.composite
def workbook_changes(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """A sheet, a kind of change and its payload for a filled workbook."""
    kind = draw(st.sampled_from(["cell text", "cell number", "far cell", "dimension", "bytes"]))
    payload = draw(payloads)
    if kind == "cell number":
        payload = draw(st.sampled_from(["1e999999999", "9" * 4_301, "-0", "1e308", "NaN", "1.5e+3", "x"]))
    return kind, payload, draw(st.binary(max_size=16))


@given(
    change=workbook_changes(), sheet=st.sampled_from(["Algemeen", "Partijen", "Middelen", "Mijlpalen", "_formulier"])
)
@BUDGET
def test_a_hostile_workbook_is_read_or_refused_cleanly(
    practice: Practice, workbook: Workbook, change: tuple[str, str, bytes], sheet: str
) -> None:
    package, parts = workbook.package, workbook.parts
    kind, payload, noise = change
    part = parts[sheet]
    cell = re.compile(rb'(<c r="[A-Z]+[0-9]+"[^>]*?)(/>|>.*?</c>)', re.S)
    if kind == "cell text":
        inline = b'\\1 t="inlineStr"><is><t>' + _xml_text(payload).replace(b"\\", b"\\\\") + b"</t></is></c>"
        data = _with_part(package, part, lambda xml: cell.sub(inline, xml.replace(b' t="n"', b""), count=3))
    elif kind == "cell number":
        number = payload.encode()
        data = _with_part(package, part, lambda xml: cell.sub(rb"\1><v>" + number + rb"</v></c>", xml, count=3))
    elif kind == "far cell":
        far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>' + _xml_text(payload) + b"</t></is></c></row>"
        data = _with_part(package, part, lambda xml: xml.replace(b"</sheetData>", far + b"</sheetData>"))
    elif kind == "dimension":
        ref = b"A1:XFD1048576" if noise[:1] < b"\x80" else b"A1:A1"
        data = _with_part(
            package, part, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', xml)
        )
    else:
        at = int.from_bytes(noise[:4] or b"\x00", "big") % len(package)
        data = package[:at] + noise + package[at + len(noise) :]
    path = practice.folder / "plan.xlsx"
    path.write_bytes(data)
    invoke(["zelftoets", str(path)], {0, 1, 2})
    _import_refused_or_stored(practice, path)


# --- arguments ------------------------------------------------------------------------------------

_NUMBERS = st.sampled_from(["0", "-1", "1", "2", "99", "1000001", "9223372036854775808", "1e3", "x", ""]) | st.text(
    max_size=12
)
_DATES = st.sampled_from(["2025-01-06", "2024-12-31", "9999-12-31", "0001-01-01", "2025-02-30", "gisteren", ""])


@st.composite
def arguments(draw: st.DrawFn) -> list[str]:
    plan = draw(st.sampled_from(["TP-CONCEPT-ACUTE-GGZ", "TP-2025-0311", "ONBEKEND"]) | payloads)
    out = "{folder}/uit." + draw(st.sampled_from(["yaml", "json", "xlsx", "pdf", "txt"]))
    templates = [
        ["show", plan],
        ["show", plan, "--version", draw(_NUMBERS)],
        ["export", plan, "--version", draw(_NUMBERS), "-o", out],
        ["export", plan, "-o", out],
        ["letter", plan, "--event", draw(_NUMBERS), "-o", out],
        ["list", "--sector", draw(payloads)],
        ["list", "--status", draw(payloads)],
        ["list", "--region", draw(payloads)],
        ["deadlines", "--on", draw(_DATES)],
        ["history", plan],
        ["submit", plan, "--as", draw(payloads)],
        ["submit", plan, "--as", f"{draw(payloads)}/x", "--on", draw(_DATES)],
        ["withdraw", plan, "--as", f"x/{draw(payloads)}", "--reason", draw(payloads)],
        ["comment", plan, "--as", "Menzis/x", "--role", "other-insurer", "--reason", draw(payloads)],
    ]
    return draw(st.sampled_from(templates))


@given(args=arguments())
@BUDGET
def test_hostile_arguments_get_a_documented_exit_code(practice: Practice, args: list[str]) -> None:
    before = practice.events()
    filled = [a.replace("{folder}", str(practice.folder)) for a in args]
    outcome = invoke(["--store", practice.url, *filled], {0, 1, 2, 3})
    if outcome.code != 0:
        assert before == practice.events()


# --- stored text ----------------------------------------------------------------------------------

_SHOWN = st.sampled_from(
    ["[bold]vet[/bold]", "Plan [/bold] x", "Thuiszorg [fase 2] en [regio]", "[link=https://evil.example]x[/link]",
     ":warning: let op", "=1+1", "@SUM(A1)", "<b>vet</b>", "x" * 300, "Zoë & Anaïs", "{{ 7*7 }}", "%s %d"]
)  # fmt: skip


_NUMBERED = itertools.count(1)


@given(title=_SHOWN, name=_SHOWN)
@BUDGET
def test_stored_hostile_text_is_shown_as_text(practice: Practice, title: str, name: str) -> None:
    plan = load_plan(EXAMPLES[0])
    parties = [plan.parties[0].model_copy(update={"name": name}), *plan.parties[1:]]
    plan_id = f"FUZZ-{next(_NUMBERED)}"
    changed = plan.model_copy(update={"id": plan_id, "title": title, "parties": parties})
    path = practice.folder / "getoond.json"
    path.write_text(changed.model_dump_json(exclude_defaults=True))
    invoke(["--store", practice.url, "import", str(path), "--as", ACTOR], {0})
    shown = invoke(["--store", practice.url, "show", plan_id], {0}).output
    assert title[:40] in shown  # as text: no markup taken out, nothing hidden
    listed = invoke(["--store", practice.url, "list"], {0}).output
    assert plan_id in listed
    overview = practice.folder / "overzicht.xlsx"
    invoke(["--store", practice.url, "overview", "-o", str(overview)], {0})
    opened = openpyxl.load_workbook(overview, read_only=True)
    try:
        titles = [row[1] for row in opened["Plannen"].iter_rows(values_only=True) if len(row) > 1]
    finally:
        opened.close()
    assert title in titles


def test_the_store_is_intact_after_the_fuzzing(practice: Practice) -> None:
    """Runs last in this module: whatever was accepted or refused, the chain and the register hold."""
    practice.verified()
