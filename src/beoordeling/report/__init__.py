"""The quarterly report of the programme's figures: as an Excel workbook, a PDF and JSON.

:func:`report_of` words an :class:`~beoordeling.stats.Evaluation` in Dutch (:mod:`.content`);
:func:`write_workbook` and :func:`.pdf.write_pdf` lay it out, :func:`save_report` picks the one a
file's name asks for. The JSON is the evaluation's own data, with its published schema
(:func:`beoordeling.stats.schema.stats_json_schema`).
"""

from __future__ import annotations

from .content import Chart, Column, Report, Table, report_of
from .save import FORMATS_BY_SUFFIX, save_report
from .workbook import write_workbook

__all__ = ["FORMATS_BY_SUFFIX", "Chart", "Column", "Report", "Table", "report_of", "save_report", "write_workbook"]
