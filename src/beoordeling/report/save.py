"""Saving an evaluation as the file its name asks for: .xlsx, .pdf or .json."""

from __future__ import annotations

import json
from pathlib import Path

from .._files import write_text
from .._i18n import _, speaking
from ..stats import Evaluation
from .content import report_of
from .workbook import write_workbook

__all__ = ["FORMATS_BY_SUFFIX", "save_report"]

FORMATS_BY_SUFFIX = (".xlsx", ".pdf", ".json")


def save_report(evaluation: Evaluation, path: Path) -> Path:
    """Write ``evaluation`` to ``path`` as a workbook, a PDF report or JSON, by its suffix;
    :class:`ValueError` for any other suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_workbook(report_of(evaluation), path)
    if suffix == ".pdf":
        from .pdf import write_pdf  # noqa: PLC0415  (WeasyPrint loads only when a PDF is asked for)

        return write_pdf(report_of(evaluation), path)
    if suffix == ".json":
        with speaking("nl"):
            data = evaluation.as_dict()
        write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return path
    raise ValueError(_("{name}: write the figures to a file ending in .xlsx, .pdf or .json").format(name=path.name))
