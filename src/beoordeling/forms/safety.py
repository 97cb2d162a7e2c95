"""Checks a workbook file as a zip package before any XML in it is parsed.

An .xlsx file is a zip of XML parts, and everything about it comes from the submitter. Before
openpyxl reads a byte of XML, the package is refused when it is too large, when a part inflates to
more than a workbook needs or by more than a workbook compresses (a zip bomb), when any part
declares a DTD (the door to entity expansion), or when it carries macros, external links, data
connections or embedded objects. Only the zip directory and the first bytes of each XML part are
read here, so a hostile file costs little time and memory.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

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


DEFAULT_LIMITS = Limits()

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ROOT = re.compile(rb"<[A-Za-z_]")
_FORBIDDEN = (
    (re.compile(r"(^|/)vbaProject\.bin$|(^|/)vbaData\.xml$", re.I), "it contains macros (VBA)"),
    (re.compile(r"^xl/externalLinks/", re.I), "it links to other workbooks (external links)"),
    (re.compile(r"^xl/connections\.xml$", re.I), "it contains data connections"),
    (re.compile(r"^xl/(embeddings|activeX)/", re.I), "it contains embedded objects"),
)
_SAVE_AS = "save it as an Excel workbook (.xlsx) without macros, links or a password"


class PackageRefused(BeoordelingError, ValueError):
    """The file is refused as a package; the message says why."""


def _too_large(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB"


def _prologue_problem(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> str | None:
    with archive.open(info) as part:
        head = part.read(limits.prologue)
    root = _ROOT.search(head)
    before = head[: root.start()] if root else head
    if b"<!DOCTYPE" in before or b"<!ENTITY" in before:
        return f"the part {info.filename} declares a DTD, which workbooks never need (entity expansion is refused)"
    if root is None and len(head) == limits.prologue:
        return f"the part {info.filename} does not start its XML within {limits.prologue // 1024} KiB"
    return None


def check_package(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise :class:`PackageRefused` when ``path`` is not a workbook this tool will parse."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise PackageRefused(f"the file is larger than {_too_large(limits.file_bytes)}")
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == _OLE_MAGIC:
        raise PackageRefused("this is an old Excel file (.xls) or a password-protected workbook; " + _SAVE_AS)
    if not zipfile.is_zipfile(path):
        raise PackageRefused("not an Excel workbook (.xlsx): the file is not a zip package")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > limits.parts:
                raise PackageRefused(f"the package has {len(infos)} parts; a workbook has at most {limits.parts}")
            total = 0
            for info in infos:
                for pattern, why in _FORBIDDEN:
                    if pattern.search(info.filename):
                        raise PackageRefused(f"refused because {why} ({info.filename}); {_SAVE_AS}")
                if info.flag_bits & 0x1:
                    raise PackageRefused(f"the part {info.filename} is encrypted; {_SAVE_AS}")
                if info.file_size > limits.part_bytes:
                    raise PackageRefused(
                        f"the part {info.filename} unpacks to more than {_too_large(limits.part_bytes)}"
                    )
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > limits.ratio_from and ratio > limits.ratio:
                    raise PackageRefused(
                        f"the part {info.filename} unpacks {ratio:.0f} times larger than it is packed "
                        f"(at most {limits.ratio} allowed): a zip bomb is refused"
                    )
                total += info.file_size
                if total > limits.total_bytes:
                    raise PackageRefused(f"the package unpacks to more than {_too_large(limits.total_bytes)}")
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise PackageRefused("not an Excel workbook (.xlsx): the zip has no workbook in it")
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    problem = _prologue_problem(archive, info, limits)
                    if problem:
                        raise PackageRefused(problem)
            content_types = archive.read("[Content_Types].xml")
            if b"macroEnabled" in content_types:
                raise PackageRefused(f"refused because it is a macro-enabled workbook; {_SAVE_AS}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        # zipfile raises NotImplementedError for a compression method it cannot unpack (e.g. deflate64)
        raise PackageRefused(f"the zip package is damaged or unsupported ({exc})") from exc
