"""Untrusted text stays text: hostile payloads in every text a letter shows render as text and fetch nothing."""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Iterator
from io import BytesIO
from typing import Any, ClassVar

import pytest
from pypdf import PdfReader

from beoordeling import Store
from beoordeling.errors import DocumentError
from beoordeling.letters import Letter, LetterOffice, Renderer
from beoordeling.letters.html import letter_html
from beoordeling.letters.pdf import _Expired, _time_limit

from .letters_support import build_walked_store

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
        yield office.letter(office.decision("TP-2025-0311", 100))


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
