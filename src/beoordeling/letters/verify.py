"""Checking a letter against the store: is this the letter the record says was sent?

A letter passes when its document number names a decision in this store, its fingerprint is the
one that decision gives now (same store, same plan version, rules version and event chain), and
the file is byte for byte a letter recorded as issued, or the letter the store produces today.
Anything else is reported with what differs, down to the first line of text that was changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from .._i18n import _, os_reason
from ..errors import DocumentError
from ..store import Event
from .fingerprint import DOCUMENT_PATTERN
from .html import letter_html
from .kinds import letter_for
from .office import ISSUED, LetterOffice
from .pdf import Renderer

__all__ = ["LetterCheck", "read_letter", "verify_letter"]

_FINGERPRINT = re.compile(r"Vingerafdruk:\s*([0-9a-f]{64})")


@dataclass(frozen=True)
class LetterText:
    """What a PDF says about itself: document number, fingerprint and its text."""

    document: str | None
    fingerprint: str | None
    text: str
    sha256: str


@dataclass(frozen=True)
class LetterCheck:
    path: Path
    document: str
    fingerprint: str | None
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    decision: Event | None = None
    issued: Event | None = None

    @property
    def ok(self) -> bool:
        return not self.findings


MAX_LETTER_BYTES = 16 * 1024 * 1024
"""A letter is tens of kilobytes; a file larger than this is not read."""


def read_letter(path: Path) -> LetterText:
    """The document number, fingerprint and text of a PDF; :class:`DocumentError` when it is not a
    PDF this tool can read. The file is bounded in size before it is read, and whatever pypdf raises
    on a damaged or hostile file (its limits, parse errors, anything else) becomes that error."""
    from pypdf import PdfReader  # noqa: PLC0415 - only verification reads PDFs

    try:
        size = path.stat().st_size
        if size > MAX_LETTER_BYTES:
            raise DocumentError(
                _("{path}: the file is larger than {value} MiB; not a letter").format(
                    path=path, value=MAX_LETTER_BYTES // (1024 * 1024)
                )
            )
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(
            _("{path}: cannot read the file ({strerror})").format(path=path, strerror=os_reason(exc))
        ) from exc
    if not data.startswith(b"%PDF-"):
        raise DocumentError(_("{path}: not a PDF (it does not start with %PDF-)").format(path=path))
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # pypdf logs what it repairs; a damaged letter is reported below
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        info: Mapping[str, object] = reader.metadata or {}
        text = _text_of(reader)
    except Exception as exc:  # pypdf raises many kinds (PyPdfError and its limits, ValueError, ...) on a bad file
        raise DocumentError(
            _("{path}: not a readable PDF ({kind}: {value})").format(
                path=path, kind=type(exc).__name__, value=str(exc)[:200]
            )
        ) from exc
    finally:
        quiet.setLevel(level)
    document = _text(info.get("/beoordelingdocument"))
    if document is None and (match := DOCUMENT_PATTERN.search(text)):
        document = match.group(0)
    printed = _FINGERPRINT.search(text)
    fingerprint = _text(info.get("/beoordelingfingerprint")) or (printed.group(1) if printed else None)
    return LetterText(document, fingerprint, text, hashlib.sha256(data).hexdigest())


def _text(value: object) -> str | None:
    return str(value) if value else None


def verify_letter(office: LetterOffice, path: Path, renderer: Renderer | None = None) -> LetterCheck:
    """Check the letter at ``path`` against ``office``'s store."""
    found = read_letter(path)
    if found.document is None:
        raise DocumentError(
            _("{path}: no document number found; this is not a letter made by beoordeling").format(path=path)
        )
    match = DOCUMENT_PATTERN.fullmatch(found.document)
    if match is None:
        raise DocumentError(
            _("{path}: {document!r} is not a document number of beoordeling").format(path=path, document=found.document)
        )
    plan_id, seq = match.group(1), int(match.group(2))
    event = office.store.event(seq)
    if event is None or event.plan_id != plan_id or letter_for(event.type) is None:
        finding = _(
            "document {document} is not a decision in this store: the letter comes from another store, or its "
            "number was changed"
        ).format(document=found.document)
        return LetterCheck(path, found.document, found.fingerprint, [finding])
    letter = office.letter(event)
    check = LetterCheck(path, found.document, found.fingerprint, decision=event)
    if found.fingerprint != letter.fingerprint:
        check.findings.append(
            _(
                "the fingerprint {found} is not the one this store gives document {document} ({expected}): the "
                "letter comes from another store, or the record it was made from was changed"
            ).format(found=found.fingerprint or _("(none)"), document=found.document, expected=letter.fingerprint)
        )
    digest = found.sha256
    issued = [
        e for e in office.store.events(plan_id) if e.type == ISSUED and e.payload.get("document") == found.document
    ]
    same = next((e for e in issued if e.payload.get("sha256") == digest), None)
    if same is not None:
        check.notes.append(_("identical to the letter recorded as issued in event {seq}").format(seq=same.seq))
        return dataclasses.replace(check, issued=same)
    fresh = (renderer or Renderer()).render(letter_html(letter), letter.document)
    if hashlib.sha256(fresh).hexdigest() == digest:
        check.notes.append(_("identical to the letter the store produces now; it was never recorded as issued"))
        return check
    difference = _first_difference(found.text, _pdf_text(fresh))
    if difference is None:
        check.findings.append(
            _(
                "the text is the letter's, but the file is not the one issued: it was re-saved or changed "
                "outside its text"
            )
        )
    else:
        said = _("the file differs from the letter in the store; first difference: {difference}")
        check.findings.append(said.format(difference=difference))
    if not issued:
        check.notes.append(_("no letter for {document} was recorded as issued").format(document=found.document))
    return check


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader  # noqa: PLC0415

    return _text_of(PdfReader(BytesIO(pdf)))


def _text_of(reader: Any) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _first_difference(found: str, expected: str) -> str | None:
    lines = [" ".join(line.split()) for line in found.splitlines() if line.strip()]
    wanted = [" ".join(line.split()) for line in expected.splitlines() if line.strip()]
    for number, (have, want) in enumerate(zip(lines, wanted, strict=False), start=1):
        if have != want:
            return f"line {number} reads {have[:120]!r} where the store's letter reads {want[:120]!r}"
    if len(lines) != len(wanted):
        return f"the letter has {len(lines)} lines of text where the store's letter has {len(wanted)}"
    return None
