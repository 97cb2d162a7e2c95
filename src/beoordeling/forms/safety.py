"""Checks a workbook file as a zip package before any XML in it is parsed.

An .xlsx file is a zip of XML parts, and everything about it comes from the submitter. Before
openpyxl reads a byte of XML, the package is refused when it is too large, when a part inflates to
more than a workbook needs or by more than a workbook compresses (a zip bomb), when any part
declares a DTD (the door to entity expansion), or when it carries macros, external links, data
connections or embedded objects, or when its XML parts hold more elements than any filled form
needs (every element costs the XML parser time, whatever the sheet's declared size says). Only the zip
directory and the XML parts' bytes are read here, streamed in chunks and never parsed, so a hostile
file costs little time and memory.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .._i18n import N_, _
from ..errors import BeoordelingError

__all__ = ["Limits", "PackageRefused", "check_package"]


@dataclass(frozen=True)
class Limits:
    """How large a submitted workbook may be. A filled plan workbook is about 60 KiB zipped and
    1 MiB unzipped; the limits leave room for long texts and full tables."""

    file_bytes: int = 16 * 1024 * 1024
    total_bytes: int = 64 * 1024 * 1024
    part_bytes: int = 32 * 1024 * 1024
    parts: int = 400
    ratio: int = 100
    """Largest compression ratio of a part bigger than ``ratio_from`` bytes."""
    ratio_from: int = 1024 * 1024
    prologue: int = 64 * 1024
    """Bytes of an XML part searched for its root element; a DTD would stand before it."""
    elements: int = 100_000
    """XML elements (cells, rows, strings, styles) in all parts together, counted before parsing. A
    blank plan template has about 8,000; the limit keeps the worst case within a second and 32 MiB."""


DEFAULT_LIMITS = Limits()

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ROOT = re.compile(rb"<[A-Za-z_]")
_FORBIDDEN = (
    (re.compile(r"(^|/)vbaProject\.bin$|(^|/)vbaData\.xml$", re.I), N_("it contains macros (VBA)")),
    (re.compile(r"^xl/externalLinks/", re.I), N_("it links to other workbooks (external links)")),
    (re.compile(r"^xl/connections\.xml$", re.I), N_("it contains data connections")),
    (re.compile(r"^xl/(embeddings|activeX)/", re.I), N_("it contains embedded objects")),
)
_SAVE_AS = N_("save it as an Excel workbook (.xlsx) without macros, links or a password")


class PackageRefused(BeoordelingError, ValueError):
    """The file is refused as a package; the message says why."""


def _too_large(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB"


_CHUNK = 1024 * 1024


def _xml_problem(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, counted: int
) -> tuple[str | None, int]:
    """Check an XML part's prologue for a DTD and count its elements (start and empty-element tags)
    on top of ``counted``; the part is streamed, never parsed. Comments and CDATA holding ``<`` count
    too, which only errs on the strict side."""
    with archive.open(info) as part:
        head = part.read(limits.prologue)
        root = _ROOT.search(head)
        before = head[: root.start()] if root else head
        if b"<!DOCTYPE" in before or b"<!ENTITY" in before:
            return (
                f"the part {info.filename} declares a DTD, which workbooks never need (entity expansion is refused)",
                counted,
            )
        if root is None and len(head) == limits.prologue:
            return f"the part {info.filename} does not start its XML within {limits.prologue // 1024} KiB", counted
        chunk, last = head, b""
        while chunk:
            joined = last + chunk
            counted += chunk.count(b"<") - joined.count(b"</") - joined.count(b"<?") - joined.count(b"<!")
            if counted > limits.elements:
                return (
                    f"the workbook holds more than {limits.elements:,} XML elements (cells, rows, texts, styles; "
                    f"the limit was passed in {info.filename}); a filled form needs far fewer",
                    counted,
                )
            last, chunk = chunk[-1:], part.read(_CHUNK)
    return None, counted


def check_package(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise :class:`PackageRefused` when ``path`` is not a workbook this tool will parse."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise PackageRefused(_("the file is larger than {file_bytes}").format(file_bytes=_too_large(limits.file_bytes)))
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == _OLE_MAGIC:
        raise PackageRefused(
            _("this is an old Excel file (.xls) or a password-protected workbook; {save_as}").format(
                save_as=_(_SAVE_AS)
            )
        )
    if not zipfile.is_zipfile(path):
        raise PackageRefused(_("not an Excel workbook (.xlsx): the file is not a zip package"))
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > limits.parts:
                raise PackageRefused(
                    _("the package has {infos} parts; a workbook has at most {parts}").format(
                        infos=len(infos), parts=limits.parts
                    )
                )
            total = 0
            for info in infos:
                for pattern, why in _FORBIDDEN:
                    if pattern.search(info.filename):
                        raise PackageRefused(
                            _("refused because {why} ({filename}); {save_as}").format(
                                why=_(why), filename=info.filename, save_as=_(_SAVE_AS)
                            )
                        )
                if info.flag_bits & 0x1:
                    raise PackageRefused(
                        _("the part {filename} is encrypted; {save_as}").format(
                            filename=info.filename, save_as=_(_SAVE_AS)
                        )
                    )
                if info.file_size > limits.part_bytes:
                    raise PackageRefused(
                        _("the part {filename} unpacks to more than {part_bytes}").format(
                            filename=info.filename, part_bytes=_too_large(limits.part_bytes)
                        )
                    )
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > limits.ratio_from and ratio > limits.ratio:
                    raise PackageRefused(
                        _(
                            "the part {filename} unpacks {ratio:.0f} times larger than it is packed (at most "
                            "{ratio2} allowed): a zip bomb is refused"
                        ).format(filename=info.filename, ratio=ratio, ratio2=limits.ratio)
                    )
                total += info.file_size
                if total > limits.total_bytes:
                    raise PackageRefused(
                        _("the package unpacks to more than {total_bytes}").format(
                            total_bytes=_too_large(limits.total_bytes)
                        )
                    )
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise PackageRefused(_("not an Excel workbook (.xlsx): the zip has no workbook in it"))
            elements = 0
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    problem, elements = _xml_problem(archive, info, limits, elements)
                    if problem:
                        raise PackageRefused(problem)
            content_types = archive.read("[Content_Types].xml")
            if b"macroEnabled" in content_types:
                raise PackageRefused(
                    _("refused because it is a macro-enabled workbook; {save_as}").format(save_as=_(_SAVE_AS))
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, zlib.error) as exc:
        # zipfile raises NotImplementedError for a compression method it cannot unpack (e.g. deflate64),
        # and zlib.error for a damaged deflate stream found while a part is read
        raise PackageRefused(_("the zip package is damaged or unsupported ({exc})").format(exc=exc)) from exc
