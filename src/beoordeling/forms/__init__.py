"""Submission forms: definitions in ``forms/``, Excel workbooks made from them, and their safe import.

definition  the catalogue of fields and the forms, checked against the plan model
layout      where each field, label and total sits in the workbook
cells       values between cells and the model (Dutch dates and amounts, labels for choices)
template    writes the blank or filled workbook
safety      refuses hostile packages before any XML is parsed
reader      reads a filled workbook back into a plan, every problem with its sheet and cell
schema      the JSON Schema of a form
"""

from .definition import STEP_LABELS, Form, FormField, Forms, FormTable, Section, default_forms, load_forms
from .reader import WorkbookReading, read_workbook
from .safety import Limits
from .schema import form_json_schema
from .template import save_workbook, write_workbook

__all__ = [
    "STEP_LABELS",
    "Form",
    "FormField",
    "FormTable",
    "Forms",
    "Limits",
    "Section",
    "WorkbookReading",
    "default_forms",
    "form_json_schema",
    "load_forms",
    "read_workbook",
    "save_workbook",
    "write_workbook",
]
