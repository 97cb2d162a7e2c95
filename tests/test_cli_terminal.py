"""The terminal shows text: stored text never becomes rich markup, an emoji, a hyperlink or a control sequence."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling import Actor, Role, Store, load_plan
from beoordeling._terminal import visible
from beoordeling.cli import cli
from beoordeling.planfile import save_plan
from beoordeling.store import NewEvent

from .conftest import EXAMPLES

TITLES = [
    "Plan [/bold] met een losse sluittag",
    "Thuiszorg [fase 2] en [regio]",
    "[link=https://evil.example/login]Klik hier[/link]",
    ":warning: dringend",
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.mark.parametrize("title", TITLES)
def test_markup_in_a_title_is_shown_as_written(title: str, tmp_path: Path) -> None:
    """list and show print the title literally, and never fail for the whole store."""
    plan = load_plan(next(p for p in EXAMPLES if p.stem == "thuismonitoring-ziekenhuizen"))
    path = save_plan(plan.model_copy(update={"title": title}), tmp_path / "plan.yaml")
    db = str(tmp_path / "s.db")
    assert 0 == run("--store", db, "init", "--as", "VGZ/x")[0]
    assert 0 == run("--store", db, "import", str(path), "--as", "Ziekenhuis Noordwest/A. Bakker")[0]
    code, shown = run("--store", db, "show", "TP-2023-0014")
    assert 0 == code
    assert title in shown
    code, listed = run("--store", db, "list")
    assert 0 == code
    assert title[:20] in listed
    assert "\x1b]8;" not in shown + listed  # no hyperlink escape
    assert "⚠" not in shown + listed


@pytest.mark.parametrize(
    ("identity", "reason", "what"),
    [
        ("Ziekenhuis Noordwest/A. Bakker", "weg\x1b]0;pwned\x07", "the reason"),
        ("Ziekenhuis Noordwest/A. Bakker\x1b[31m", "weg", "the actor's name"),
        ("Ziekenhuis Noordwest\u202e/A. Bakker", "weg", "the actor's organisation"),
    ],
)
def test_actors_and_reasons_are_plain_text(identity: str, reason: str, what: str, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    plan = str(next(p for p in EXAMPLES if p.stem == "thuismonitoring-ziekenhuizen"))
    assert 0 == run("--store", db, "init", "--as", "VGZ/x")[0]
    assert 0 == run("--store", db, "import", plan, "--as", "Ziekenhuis Noordwest/A. Bakker")[0]
    code, output = run("--store", db, "withdraw", "TP-2023-0014", "--as", identity, "--reason", reason)
    assert 2 == code
    assert f"error: {what} contains a control or invisible character" in output
    assert "\x1b" not in output
    with Store.open(db) as store:
        assert 3 == len(list(store.events()))


def test_control_sequences_already_stored_are_shown_escaped(tmp_path: Path) -> None:
    """Text that reached the store by another route (an older release, a foreign writer) is printed
    with its control characters made visible."""
    db = str(tmp_path / "s.db")
    plan = str(next(p for p in EXAMPLES if p.stem == "thuismonitoring-ziekenhuizen"))
    assert 0 == run("--store", db, "init", "--as", "VGZ/x")[0]
    assert 0 == run("--store", db, "import", plan, "--as", "Ziekenhuis Noordwest/A. Bakker")[0]
    with Store.open(db) as store:
        actor = Actor("A\x1b[2J", "Ziekenhuis Noordwest", Role.SUBMITTER)
        store.append([NewEvent("test.note", actor, "TP-2023-0014", 1, reason="opmerking\x1b]0;titel\x07")])
    code, output = run("--store", db, "show", "TP-2023-0014")
    assert 0 == code
    assert "\x1b" not in output
    assert "\\x1b[2J" in output
    assert "opmerking\\x1b]0;titel\\x07" in output


def test_visible_keeps_newlines_and_tabs() -> None:
    assert "a\nb\tc\\x1b\\u202e\\u200b" == visible("a\nb\tc\x1b\u202e\u200b")
