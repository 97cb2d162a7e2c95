"""A store in which the example plans went through the workflow (the demo's walks), plus one plan that
went to the waiting list and was funded from it: every kind of letter has a decision to announce."""

from __future__ import annotations

import re
import shutil
from io import BytesIO
from pathlib import Path

import pdfplumber
from pypdf import PdfReader

from beoordeling import Actor, Role, Store, load_plans
from beoordeling.cli._demo_paths import QUEUED, DemoClock, adopt_practice_programme, tranches, walk_examples
from beoordeling.desk import Desk

from .conftest import EXAMPLES
from .workflow_support import SUBMITTER

WAITLISTED = QUEUED
ISSUER = Actor("P. Post", "Coöperatie VGZ", Role.COORDINATING_INSURER)


def build_walked_store(path: Path) -> None:
    story = DemoClock()
    with Store.open(str(path), create=True, clock=story) as store:
        store.initialise(Actor("test", "beoordeling", Role.SYSTEM), practice=True)
        plans = load_plans(EXAMPLES)
        plans = [*plans, *tranches(plans)]
        store.save_plans(plans, SUBMITTER)
        desk = Desk(store)
        adopt_practice_programme(desk)
        walk_examples(desk, story, {p.id for p in plans})


def seq_of(store: Store, plan_id: str, event_type: str) -> int:
    """The number of the plan's (first) event of ``event_type``: the tests name a decision by what it
    is, not by a number that moves when the demo's story gains a step."""
    return next(event.seq for event in store.events(plan_id) if event.type == event_type)


def copy_store(source: Path, target: Path) -> str:
    """A copy of a built store for a test that records letters in it."""
    shutil.copy(source, target)
    return str(target)


# --- what an addressee must never read, and the page it must fit on ---------------------------------

INTERNAL = (
    (re.compile(r"§\s?\d"), "a section number of the team's domain brief"),
    (re.compile(r"domain\.md|beleid: het kader"), "an internal note"),
    (re.compile(r"\bbeoordeling (verify-letter|letter|import|zelftoets)\b|BESTAND\.pdf"), "a command line"),
    (re.compile(r"[.:]\s+\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
                r"december) \d{4}(?!\s+(?:tot|is|een|gestart|uiterlijk|;|,))"), "a dangling date"),
    (re.compile(r"op \(\S+\) \d"), "a citation inside a date"),
    (re.compile(r"afgesproken transformatieafspraken"), "a doubled word"),
)  # fmt: skip
RIGHT_MARGIN_MM = 20.0
"""The stylesheet's right page margin (letter.css: margin 22mm 20mm 24mm 25mm)."""


def letter_problems(pdf: bytes) -> list[str]:
    """What makes a letter unfit to send: internal references, command lines, dangling dates, and
    any character placed past the right margin (read from the PDF's own character positions)."""
    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages).split())
    found = [f"{why}: ...{text[max(m.start() - 40, 0) : m.end() + 20]}..." for rx, why in INTERNAL
             for m in rx.finditer(text)]  # fmt: skip
    with pdfplumber.open(BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            limit = float(page.width) - RIGHT_MARGIN_MM * 72 / 25.4 + 1.0
            beyond = [c["text"] for c in page.chars if float(c["x1"]) > limit and c["text"].strip()]
            if beyond:
                found.append(f"page {number}: {len(beyond)} characters past the right margin: {''.join(beyond)[:60]}")
    return found
