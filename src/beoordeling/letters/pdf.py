"""Letters as PDF (WeasyPrint): safe, archivable, and fast in batches.

Safety. The HTML comes from an autoescaped template, so submitter text never becomes markup. On
top of that the renderer fetches nothing it does not own: its URL fetcher serves the package's own
``assets/`` and refuses everything else (files, http(s), data, redirects, attachments) by stopping
the render; presentational hints are off; each render runs under a time limit.

Archiving. Letters are PDF/A-2a: PDF/A-2 is the archival format on the Dutch "pas toe of leg uit"
list (Forum Standaardisatie) and embeds every font; level "a" adds the tagged structure and
reading order that screen readers use. PDF/UA-1 alone is accessible but not archival; PDF/A-3
would allow arbitrary embedded files, which a decision letter has no use for; PDF/A-4 needs PDF
2.0, which older readers handle poorly. The variant is a setting of :class:`Renderer`.

Speed. One :class:`Renderer` keeps one font configuration and the parsed stylesheet for all its
letters (a new configuration per letter costs time and grows memory). WeasyPrint subsets fonts
with HarfBuzz when Debian's ``libharfbuzz-subset0`` is installed and silently falls back to
fontTools, about 2.3 times slower, when it is not: :func:`font_subsetter` says which is active.
"""

from __future__ import annotations

import gc
import hashlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from types import FrameType
from typing import Any

from .._i18n import _
from ..errors import DocumentError

__all__ = ["ASSET_BASE", "LOGOS", "PDF_VARIANT", "Renderer", "SafeFetcher", "font_subsetter", "register_logo"]

PDF_VARIANT = "pdf/a-2a"
ASSET_BASE = "https://assets.beoordeling.invalid/"
"""The base URL of the package's own assets; nothing is ever fetched from the network for it."""
TIME_LIMIT = 20.0
"""Seconds one render may take (a two-page letter takes about 0.15 s)."""

_ASSET_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".ttf": "font/ttf"}


def _weasyprint() -> Any:
    """WeasyPrint, imported on first use: it loads Pango and HarfBuzz, which the rest of the tool does not need."""
    import weasyprint  # noqa: PLC0415

    return weasyprint


def font_subsetter() -> str:
    """'harfbuzz' when WeasyPrint subsets fonts with HarfBuzz, 'fonttools' when it falls back."""
    _weasyprint()
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset  # noqa: PLC0415

    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
        return "harfbuzz"
    return "fonttools"


LOGOS: dict[str, tuple[bytes, str]] = {}
"""The organisations' logos, by asset name (``logo-<sha256>.png``): registered from the profiles
when a letter is composed, served by the fetcher like a package asset, and handed to worker
processes when they start. Nothing else outside the package is ever served."""


def register_logo(data: bytes, mime: str) -> str:
    """Register a logo's bytes and return the asset name a letter refers to it by."""
    suffix = ".png" if mime == "image/png" else ".svg"
    name = f"logo-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    LOGOS[name] = (data, mime)
    return name


class SafeFetcher:
    """Builds WeasyPrint's URL fetcher that serves only ``assets/`` and counts every attempt."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self.refused: list[str] = []
        self.fetcher = self._make()

    def _make(self) -> Any:
        urls = _weasyprint().urls
        owner = self

        class _Fetcher(urls.URLFetcher):  # type: ignore[misc, name-defined]
            def __init__(self) -> None:
                super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=True)

            def fetch(self, url: str, headers: Any = None) -> Any:
                return owner.fetch(url)

        return _Fetcher()

    def fetch(self, url: str) -> Any:
        self.attempts.append(url)
        name = url.removeprefix(ASSET_BASE) if url.startswith(ASSET_BASE) else None
        if name in LOGOS:
            data, mime = LOGOS[name]
            return _weasyprint().urls.URLFetcherResponse(url, data, {"Content-Type": mime})
        if name is None or "/" in name or name.startswith(".") or not any(name.endswith(s) for s in _ASSET_TYPES):
            self.refused.append(url)
            raise PermissionError(f"a letter may only use the package's own assets; refused {url[:200]!r}")
        resource = files("beoordeling.letters").joinpath("assets", name)
        if not resource.is_file():
            self.refused.append(url)
            raise PermissionError(f"no such asset: {name!r}")
        mime = _ASSET_TYPES[name[name.rindex(".") :]]
        return _weasyprint().urls.URLFetcherResponse(url, resource.read_bytes(), {"Content-Type": mime})


class _Expired(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` inside WeasyPrint swallows it."""


class _Finalisers:
    """Tells the alarm when Python is running finalisers, where an exception must not be raised.

    Python ignores (and prints) an exception raised in a finaliser, and the finaliser stops half
    way: a font configuration of an earlier render would keep its temporary files. So the alarm
    waits while a cyclic collection runs (``gc.callbacks``) or a ``__del__`` is on the stack.
    """

    def __init__(self) -> None:
        self.collecting = False

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        self.collecting = phase == "start"

    def running(self, frame: FrameType | None) -> bool:
        if self.collecting:
            return True
        while frame is not None:
            if frame.f_code.co_name == "__del__":
                return True
            frame = frame.f_back
        return False


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Stop the render after ``seconds`` (a SIGALRM timer; only in a process's main thread)."""
    usable = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if not seconds or not usable:
        yield
        return
    finalisers = _Finalisers()

    def expired(_signum: int, frame: FrameType | None) -> None:
        if not finalisers.running(frame):
            raise _Expired

    previous = signal.signal(signal.SIGALRM, expired)
    gc.callbacks.append(finalisers)
    # After the first alarm, repeat every 50 ms until one lands outside a finaliser.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        gc.callbacks.remove(finalisers)


class Renderer:
    """Renders letter HTML to PDF bytes; keep one per process and reuse it."""

    def __init__(
        self, *, variant: str | None = PDF_VARIANT, time_limit: float | None = TIME_LIMIT, stylesheet: str | None = None
    ) -> None:
        """``stylesheet`` is the CSS every document gets (default: the letters' house style)."""
        weasyprint = _weasyprint()
        from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415

        self.variant = variant
        self.time_limit = time_limit
        self.safe = SafeFetcher()
        self.font_config = FontConfiguration()
        css = stylesheet or files("beoordeling.letters").joinpath("assets", "letter.css").read_text(encoding="utf-8")
        self.stylesheet = weasyprint.CSS(
            string=css, base_url=ASSET_BASE, url_fetcher=self.safe.fetcher, font_config=self.font_config
        )

    def render(self, html: str, name: str) -> bytes:
        """The PDF of ``html``; :class:`DocumentError` naming ``name`` when it fetches, fails or takes too long."""
        weasyprint = _weasyprint()
        refused_before = len(self.safe.refused)
        try:
            with _time_limit(self.time_limit):
                document = weasyprint.HTML(string=html, base_url=ASSET_BASE, url_fetcher=self.safe.fetcher)
                pdf: bytes = document.write_pdf(
                    stylesheets=[self.stylesheet],
                    font_config=self.font_config,
                    presentational_hints=False,
                    pdf_variant=self.variant,
                    custom_metadata=True,
                    attachments=[],
                )
        except _Expired:
            raise DocumentError(
                _("{name}: rendering took longer than {time_limit:g} s and was stopped").format(
                    name=name, time_limit=self.time_limit
                )
            ) from None
        except weasyprint.urls.FatalURLFetchingError as exc:
            raise DocumentError(f"{name}: {exc.__cause__ or exc}") from None
        except Exception as exc:
            raise DocumentError(
                _("{name}: WeasyPrint could not render the letter: {exc}").format(name=name, exc=exc)
            ) from exc
        if len(self.safe.refused) > refused_before:
            raise DocumentError(
                _("{name}: the letter asked for {value!r}, which was refused").format(
                    name=name, value=self.safe.refused[-1][:200]
                )
            )
        return pdf
