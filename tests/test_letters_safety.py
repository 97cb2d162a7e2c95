"""Untrusted text stays text: hostile payloads in every text a letter shows render as text and fetch nothing."""

from __future__ import annotations

import dataclasses
import gc
import re
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pypdf import PdfReader

from beoordeling import Store
from beoordeling.errors import DocumentError
from beoordeling.letters import Letter, LetterOffice, Renderer
from beoordeling.letters.html import letter_html
from beoordeling.letters.pdf import _Expired, _time_limit
from beoordeling.letters.verify import read_letter

from .letters_support import build_walked_store, letter_problems

HOSTILE = (
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:8000/x.css">',
    "<style>@import url('http://169.254.169.254/latest/meta-data/');</style>",
    '<object data="file:///etc/shadow"></object>',
    '<embed src="http://localhost/secret">',
    '<svg><image href="file:///etc/hostname"/></svg>',
    '<a rel="attachment" href="file:///etc/passwd">bijlage</a>',
    '<iframe src="http://[::1]/"></iframe>',
    "<div style=\"background: url('http://127.0.0.1/b.png')\">x</div>",
    "]]><script>alert(1)</script>",
)


@pytest.fixture(scope="module")
def letter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Letter]:
    path = tmp_path_factory.mktemp("safety") / "store.db"
    build_walked_store(path)
    with Store.open(str(path)) as store:
        office = LetterOffice(store)
        rework = [e for e in office.decisions("TP-2025-0311") if e.type == "workflow.request-rework"][-1]
        yield office.letter(rework)  # the final decision to send the plan back, with its reason


def _poisoned(value: Any, payload: str) -> Any:
    """``value`` with every string in it replaced by ``payload`` (through dataclasses and tuples)."""
    if isinstance(value, str):
        return payload
    if isinstance(value, tuple):
        return tuple(_poisoned(item, payload) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _poisoned(getattr(value, f.name), payload) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_text_renders_as_text_and_fetches_nothing(letter: Letter, payload: str) -> None:
    """Every text of the letter (plan title, parties, reasons, criteria, amounts' labels) carries the payload."""
    poisoned = dataclasses.replace(
        _poisoned(letter, payload), kind=letter.kind, audience=letter.audience, document=letter.document
    )
    html = letter_html(poisoned)
    assert payload not in html  # escaped, never markup
    renderer = Renderer()
    pdf = renderer.render(html, "hostile")
    assert [] == renderer.safe.attempts
    text = " ".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages)
    assert " ".join(payload.split()) in " ".join(text.split())


@pytest.mark.parametrize(
    ("html", "url"),
    [
        ('<img src="file:///etc/passwd">', "file:///etc/passwd"),
        ('<link rel="stylesheet" href="http://127.0.0.1:9/x.css">', "http://127.0.0.1:9/x.css"),
        ("<style>@import url('https://example.org/a.css');</style>", "https://example.org/a.css"),
        ('<img src="data:image/svg+xml,<svg/>">', "data:image/svg+xml,<svg/>"),
        ('<img src="../../../etc/passwd">', "https://assets.beoordeling.invalid/etc/passwd"),
    ],
)
def test_the_fetcher_refuses_anything_but_package_assets(html: str, url: str) -> None:
    """Even markup that reached the renderer cannot make it read a file or the network: the render stops."""
    renderer = Renderer()
    with pytest.raises(DocumentError) as refused:
        renderer.render(html, "brief.pdf")
    assert [url] == renderer.safe.attempts == renderer.safe.refused
    assert str(refused.value).startswith("brief.pdf: ")


def test_the_fetcher_serves_the_package_stylesheet() -> None:
    renderer = Renderer()
    pdf = renderer.render('<link rel="stylesheet" href="letter.css"><p>Tekst</p>', "asset")
    assert pdf.startswith(b"%PDF-")
    assert ["https://assets.beoordeling.invalid/letter.css"] == renderer.safe.attempts
    assert [] == renderer.safe.refused


def test_a_render_that_takes_too_long_is_stopped() -> None:
    renderer = Renderer(time_limit=0.05)
    rows = "".join(f"<tr><td>{i}</td><td>{'tekst ' * 40}</td></tr>" for i in range(1500))
    with pytest.raises(DocumentError) as stopped:
        renderer.render(f"<table>{rows}</table>", "lang.pdf")
    assert "lang.pdf: rendering took longer than 0.05 s and was stopped" == str(stopped.value)
    renderer.time_limit = 10.0
    assert renderer.render("<p>kort</p>", "kort").startswith(b"%PDF-")  # the renderer is still usable


def _busy(seconds: float) -> None:
    """Keep the interpreter running Python code (not sleeping) so that an alarm lands in it."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


class _SlowFinaliser:
    finished: ClassVar[list[str]] = []

    def __init__(self, name: str, *, cyclic: bool) -> None:
        self.name = name
        if cyclic:
            self.me = self  # only the cyclic collector frees it

    def __del__(self) -> None:
        _busy(0.3)  # well past the limit
        _SlowFinaliser.finished.append(self.name)


def _drop_then_spin(held: list[_SlowFinaliser], how: str) -> None:
    held.clear()  # the last reference: without a cycle, __del__ runs here
    if how == "collector":
        gc.collect()  # __del__ runs inside the collection
    _busy(5.0)  # the next alarm stops this


@pytest.mark.parametrize("how", ["refcount", "collector"])
def test_the_time_limit_never_interrupts_a_finaliser(how: str) -> None:
    """An exception in a finaliser is only printed and leaves the finaliser half done: the alarm waits."""
    _SlowFinaliser.finished.clear()
    held = [_SlowFinaliser(how, cyclic=how == "collector")]  # made before the clock starts
    hooks_before = list(gc.callbacks)
    with pytest.raises(_Expired), _time_limit(0.05):
        _drop_then_spin(held, how)
    assert [how] == _SlowFinaliser.finished
    assert hooks_before == gc.callbacks


def test_letters_are_pdf_a_2a_with_their_number_in_the_metadata(letter: Letter) -> None:
    """Archivable (PDF/A-2, level a: tagged) and carrying its document number and fingerprint."""
    pdf = Renderer().render(letter_html(letter), letter.document)
    reader = PdfReader(BytesIO(pdf))
    metadata = reader.metadata
    assert metadata is not None
    assert letter.document == str(metadata["/beoordelingdocument"])
    assert letter.fingerprint == str(metadata["/beoordelingfingerprint"])
    root: Any = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="2" pdfaid:conformance="A"' in xmp
    assert "/StructTreeRoot" in root
    assert "nl" == root["/Lang"]


_MARGINS = re.compile(r"^(VOORBEELD · .*|Kenmerk \S+ Pagina \d+ van \d+)$")


def _body_text(pdf: bytes) -> list[str]:
    """The letter's lines of text, without the page margins' header and footer."""
    lines = []
    for page in PdfReader(BytesIO(pdf)).pages:
        lines += [line for line in (page.extract_text() or "").splitlines() if not _MARGINS.match(line.strip())]
    return lines


def test_a_long_unbroken_reason_wraps_and_keeps_every_character(letter: Letter) -> None:
    """A 20,000-character token once showed 81 characters; the rest ran off the right margin."""
    token = "0123456789" * 2_000
    started = time.perf_counter()
    pdf = Renderer().render(letter_html(dataclasses.replace(letter, reason=token)), "lang")
    assert time.perf_counter() - started < 10
    lines = _body_text(pdf)
    assert max(len(line) for line in lines if line.isdigit()) <= 110
    assert token in "".join(lines)
    assert [] == [p for p in letter_problems(pdf) if "right margin" in p]


def test_verify_reads_a_letter_with_a_60000_character_reason(letter: Letter, tmp_path: Path) -> None:
    """Unwrapped, such a letter held one text array longer than pypdf reads (LimitReachedError)."""
    path = tmp_path / "lang.pdf"
    path.write_bytes(Renderer().render(letter_html(dataclasses.replace(letter, reason="x" * 60_000)), "lang"))
    assert "x" * 1_000 in "".join(read_letter(path).text.split())


def _pdf_with_content(content: bytes) -> bytes:
    """A one-page PDF (without a cross-reference table; pypdf rebuilds it) whose page draws ``content``."""
    return (
        b"%%PDF-1.7\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
        b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>> endobj\n"
        b"5 0 obj <</Type/Font/Subtype/Type1/BaseFont/Helvetica>> endobj\n"
        b"4 0 obj <</Length %d>> stream\n%s\nendstream endobj\ntrailer <</Root 1 0 R>>\nstartxref\n0\n%%%%EOF\n"
        % (len(content), content)
    )


@pytest.mark.parametrize(
    ("content", "raised"),
    [
        (b"BT /F1 12 Tf [" + b"(a) " * 200_000 + b"] TJ ET", "LimitReachedError: Reached maximum array element count."),
        (b"BT /F1 12 Tf " + b"[" * 5_000 + b" ET", None),
    ],
)
def test_whatever_pypdf_raises_on_a_hostile_pdf_becomes_our_error(
    content: bytes, raised: str | None, tmp_path: Path
) -> None:
    path = tmp_path / "vijandig.pdf"
    path.write_bytes(_pdf_with_content(content))
    if raised is None:
        assert "" == read_letter(path).text.strip()  # pypdf gives up on the page quietly: nothing escapes
        return
    with pytest.raises(DocumentError) as caught:
        read_letter(path)
    assert f"{path}: not a readable PDF ({raised})" == str(caught.value)


def test_a_file_too_large_to_be_a_letter_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "groot.pdf"
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(17 * 1024 * 1024)
    with pytest.raises(DocumentError, match="larger than 16 MiB"):
        read_letter(path)
