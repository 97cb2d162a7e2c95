"""The overview's workbook written as SpreadsheetML directly: the few parts an .xlsx needs, each
sheet streamed row by row into the zip, every cell one string.

openpyxl builds a cell object per value and serialises it through an XML library; for the
overview's half a million cells that was most of its time (``bench/overview_write.py``). The
overview needs little of what openpyxl offers: typed values, a handful of fixed styles, column
widths, a frozen header, an autofilter, row heights and print settings. This module writes exactly
those, following ECMA-376 Part 1 (SpreadsheetML), and the tests read every file back with openpyxl
and convert it with LibreOffice.

Text is untrusted: it is written as an inline string, escaped for XML, never as a formula; one that
begins like a formula gets Excel's quote prefix (:mod:`beoordeling._xlsx`). The same sheets give the
same bytes: the parts carry no time, and every zip entry the same fixed date.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape, quoteattr

from .._xlsx import FORMULA_TRIGGERS, clean_text

__all__ = ["Book", "SheetSpec", "write_book"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every entry's date: the earliest a zip can hold, so that the file does not depend on when it was made."""

DATE_FORMAT = "dd-mm-yyyy"
EURO_FORMAT = '"€" #,##0.00;[Red]"€" -#,##0.00'
"""Excel shows it with the reader's separators: € 1.234,56 in a Dutch Excel."""

KINDS = ("header", "text", "wrapped", "date", "euro", "integer", "total")
"""The kinds of cell the overview writes, each with its style (and one with the quote prefix)."""

# Fonts: 0 Calibri 11, 1 Calibri 11 bold (every style names its font: without one LibreOffice falls
# back to a serif). Fills: 0 and 1 are the two SpreadsheetML requires, 2 the header's blue-grey.
# Number formats: 164 the Dutch date, 165 euros.
_XF = {  # kind: (font, fill, number format, wrap, top)
    "header": (1, 2, 0, True, True),
    "text": (0, 0, 0, False, True),
    "wrapped": (0, 0, 0, True, True),
    "date": (0, 0, 164, False, True),
    "euro": (0, 0, 165, False, True),
    "integer": (0, 0, 0, False, True),
    "total": (1, 0, 165, False, False),
}
_STYLE = {kind: 1 + 2 * i for i, kind in enumerate(KINDS)}
"""The cell format (index into ``cellXfs``) of each kind; the next index is the same with the quote prefix."""


@dataclass(frozen=True)
class SheetSpec:
    """One sheet as the writer lays it out: its name, column kinds and widths, its header height
    (None: one line), and its rows, each with its height in points (None: one line)."""

    name: str
    kinds: tuple[str, ...]
    widths: tuple[float, ...]
    header: tuple[str, ...]
    header_height: float | None
    rows: Iterable[tuple[Sequence[Any], float | None]]
    totals: Sequence[Any] | None
    """Written under the rows after an empty one, in the *total* style; outside the autofilter."""
    row_count: int


@dataclass(frozen=True)
class Book:
    sheets: Sequence[SheetSpec]
    creator: str
    title: str | None = None
    keywords: str | None = None


def write_book(book: Book, target: Path | BinaryIO) -> None:
    """Write ``book`` as an .xlsx file to ``target``."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:

        def put(name: str, text: str) -> None:
            archive.writestr(_entry(name), text.encode("utf-8"))

        put("[Content_Types].xml", _content_types(len(book.sheets)))
        put("_rels/.rels", _root_rels())
        put("docProps/core.xml", _core(book))
        put("docProps/app.xml", _app(book))
        put("xl/workbook.xml", _workbook(book))
        put("xl/_rels/workbook.xml.rels", _workbook_rels(len(book.sheets)))
        put("xl/styles.xml", _styles())
        for number, sheet in enumerate(book.sheets, start=1):
            with archive.open(_entry(f"xl/worksheets/sheet{number}.xml"), "w") as stream:
                _write_sheet(sheet, stream.write)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


# --- a sheet -------------------------------------------------------------------------------------


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _write_sheet(sheet: SheetSpec, write: Callable[[bytes], Any]) -> None:
    letters = [_column_letter(i) for i in range(1, len(sheet.kinds) + 1)]
    last = f"{letters[-1]}{sheet.row_count + 1}"
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width:g}" customWidth="1"/>' for i, width in enumerate(sheet.widths, 1)
    )
    write(
        (
            f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<dimension ref="A1:{last}"/>'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
            '</sheetView></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            f"<cols>{cols}</cols><sheetData>"
        ).encode()
    )  # fmt: skip
    header = _row(1, ["header"] * len(sheet.kinds), sheet.header, sheet.header_height, letters, styled=True)
    chunk = [header]
    number = 1
    for number, (values, height) in enumerate(sheet.rows, start=2):
        chunk.append(_row(number, sheet.kinds, values, height, letters, styled=height is not None))
        if len(chunk) >= 500:
            write("".join(chunk).encode("utf-8"))
            chunk = []
    if sheet.totals is not None:
        chunk.append(f'<row r="{number + 1}"/>')
        chunk.append(_row(number + 2, ["total"] * len(sheet.kinds), sheet.totals, None, letters, styled=True))
    chunk.append("</sheetData>")
    chunk.append(f'<autoFilter ref="A1:{last}"/>')
    chunk.append(
        '<printOptions horizontalCentered="0"/>'
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup orientation="landscape" paperSize="9" fitToWidth="1" fitToHeight="0"/>'
        "</worksheet>"
    )
    write("".join(chunk).encode("utf-8"))


def _row(
    number: int, kinds: Sequence[str], values: Sequence[Any], height: float | None, letters: Sequence[str],
    *, styled: bool,
) -> str:  # fmt: skip
    """One ``<row>``: ``styled`` gives plain text and whole numbers their kind's style too (aligned
    to the top, for a row made taller by wrapped text; a header or total row)."""
    cells = [
        _cell(f"{letter}{number}", kind, value, styled)
        for letter, kind, value in zip(letters, kinds, values, strict=True)
        if value is not None
    ]
    tall = f' ht="{height:g}" customHeight="1"' if height is not None else ""
    return f'<row r="{number}"{tall}>{"".join(cells)}</row>'


def _cell(ref: str, kind: str, value: Any, styled: bool) -> str:
    """One ``<c>``. Plain text and whole numbers go in the default style (Calibri, General) unless
    ``styled``; whole numbers keep the General format, since they are versions, days and event
    numbers, which a thousands separator would only garble (event 1.234)."""
    if isinstance(value, str) or kind in ("text", "wrapped", "header"):
        text = clean_text(str(value))
        if text.startswith(FORMULA_TRIGGERS):
            style = f' s="{_STYLE[kind] + 1}"'  # the quote prefix: Excel shows it as text, never a formula
        elif kind == "text" and not styled:
            style = ""
        else:
            style = f' s="{_STYLE[kind]}"'
        if not text:
            return f'<c r="{ref}"{style}/>'  # an empty text: the cell is there, with nothing in it
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() or "\n" in text else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{_STYLE[kind]}" t="b"><v>{int(value)}</v></c>'
    if kind == "integer" and not styled and isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" s="{_STYLE[kind]}"><v>{_number(value)}</v></c>'


_EPOCH = datetime(1899, 12, 30)
"""Day 0 of Excel's 1900 date system, as it counts the days after February 1900."""


def _number(value: Any) -> str:
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return f"{delta.days + delta.seconds / 86_400 + delta.microseconds / 86_400_000_000:.10g}"
    if isinstance(value, date):
        return str((value - _EPOCH.date()).days)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return repr(value)
    raise TypeError(f"a cell holds text, a number or a date, not {type(value).__name__}")


# --- the parts around the sheets -----------------------------------------------------------------


def _content_types(sheets: int) -> str:
    parts = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        f"{parts}</Types>"
    )


def _root_rels() -> str:
    return (
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )


def _core(book: Book) -> str:
    title = f"<dc:title>{escape(book.title)}</dc:title>" if book.title else ""
    keywords = f"<cp:keywords>{escape(book.keywords)}</cp:keywords>" if book.keywords else ""
    return (
        f"{_HEAD}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{escape(book.creator)}</dc:creator>{title}{keywords}</cp:coreProperties>"
    )


def _app(book: Book) -> str:
    return (
        f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{escape(book.creator)}</Application></Properties>"
    )


def _sheet_ref(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _workbook(book: Book) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(sheet.name)} sheetId="{n}" r:id="rId{n}"/>' for n, sheet in enumerate(book.sheets, 1)
    )
    names = []
    for index, sheet in enumerate(book.sheets):
        ref = _sheet_ref(sheet.name)
        last = f"${_column_letter(len(sheet.kinds))}${sheet.row_count + 1}"
        names.append(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
            f"{escape(ref)}!$A$1:{last}</definedName>"
        )
        names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{escape(ref)}!$1:$1</definedName>')
    return (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets><definedNames>{''.join(names)}</definedNames>"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_rels(sheets: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}{styles}</Relationships>'


def _styles() -> str:
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
    for kind in KINDS:
        font, fill, number_format, wrap, top = _XF[kind]
        for quoted in (False, True):
            alignment = "".join((' wrapText="1"' if wrap else "", ' vertical="top"' if top else ""))
            xfs.append(
                f'<xf numFmtId="{number_format}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
                + (' quotePrefix="1"' if quoted else "")
                + (' applyNumberFormat="1"' if number_format else "")
                + (' applyFont="1"' if font else "")
                + (' applyFill="1"' if fill else "")
                + (f' applyAlignment="1"><alignment{alignment}/></xf>' if alignment else "/>")
            )
    return (
        f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
        '<numFmts count="2">'
        f'<numFmt numFmtId="164" formatCode={quoteattr(DATE_FORMAT)}/>'
        f'<numFmt numFmtId="165" formatCode={quoteattr(EURO_FORMAT)}/>'
        "</numFmts>"
        '<fonts count="2">'
        '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        "</fonts>"
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="FFDCE6F0"/><bgColor indexed="64"/></patternFill></fill>'
        "</fills>"
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
