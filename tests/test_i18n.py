"""One language on the terminal: Dutch by default, English under an English locale, every message in both."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling import _i18n
from beoordeling.cli import cli
from beoordeling.cli._catalog import catalog_problems, gather
from beoordeling.model._types import LabelledEnum

ROOT = Path(__file__).resolve().parent.parent
PLAN = str(ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml")


def _all_subclasses(kind: type[LabelledEnum]) -> list[type[LabelledEnum]]:
    found: list[type[LabelledEnum]] = []
    for sub in kind.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def test_every_message_has_its_dutch_translation() -> None:
    """Every message the terminal can show is in the Dutch catalog, translated, not fuzzy, with the
    same placeholders and citations as the English."""
    assert [] == catalog_problems("nl")


def test_the_gathered_messages_include_helps_click_and_the_refusals() -> None:
    """The catalog is fed from the code's calls, click's own words and the commands' help."""
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in gather() if m.id}
    assert {"Usage:", "Missing argument", "Show this message and exit."} <= ids  # click
    assert "Self-check a plan before submitting it: what is complete, and what is missing or failing." in ids
    assert "name the criterion and the verdict" in ids  # a refusal of the workflow
    assert "Who acts (default: $BEOORDELING_ACTOR)." in ids  # an option's help


def test_every_term_has_a_dutch_and_an_english_label() -> None:
    """The framework's terms (states, roles, themes, steps...) carry both labels; a missing English
    label would fall back to the Dutch one, so the two must differ."""
    import beoordeling.criteria  # noqa: PLC0415 - registers their enums
    import beoordeling.letters  # noqa: PLC0415
    import beoordeling.workflow  # noqa: F401, PLC0415

    kinds = _all_subclasses(LabelledEnum)
    assert len(kinds) >= 15
    for kind in kinds:
        for member in kind:
            assert member.label.strip(), f"{kind.__name__}.{member.name}"
            assert member.label_en != member.label, f"{kind.__name__}.{member.name} has no English label"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "nl"),
        ({"LANG": "C.UTF-8"}, "nl"),
        ({"LC_ALL": "POSIX"}, "nl"),
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "de_DE.UTF-8"}, "nl"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US"}, "en"),
        ({"LANGUAGE": "en:nl", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LC_ALL": "nl_NL.UTF-8", "LANG": "en_GB.UTF-8"}, "nl"),
        ({"LANG": "english"}, "nl"),
    ],
)
def test_the_language_follows_the_first_locale_set(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert expected == _i18n.language()


def _help(env: dict[str, str]) -> str:
    result = CliRunner().invoke(cli, ["--help"], env=env, terminal_width=200, prog_name="beoordeling")
    assert 0 == result.exit_code, result.output
    return " ".join(result.output.split())


def test_help_is_dutch_by_default_and_english_under_an_english_locale() -> None:
    """The same --help, in each language: sections, summaries, options and click's own words."""
    dutch = _help({"LANGUAGE": "", "LANG": "C.UTF-8"})
    for expected in ("Gebruik: beoordeling", "Opties:", "Toon deze hulp en stop.", "Plannen:", "Besluiten:",
                     "Geld en implementatie:", "Toets een plan zelf voordat u het indient"):  # fmt: skip
        assert expected in dutch
    assert "Usage:" not in dutch
    english = _help({"LANGUAGE": "en_GB"})
    for expected in ("Usage: beoordeling", "Options:", "Show this message and exit.", "Plans:", "Deciding:",
                     "Money and implementation:", "Self-check a plan before submitting it"):  # fmt: skip
        assert expected in english


def test_a_command_and_its_options_are_translated_in_their_own_help() -> None:
    dutch = CliRunner().invoke(cli, ["judge", "--help"], env={"LANGUAGE": ""}, terminal_width=200).output
    assert "Leg het oordeel van een beoordelaar over één criterium vast" in dutch
    assert "Wie handelt (standaard: $BEOORDELING_ACTOR)." in dutch
    assert "[standaard: market-leader]" in dutch


def test_click_usage_errors_are_dutch_too() -> None:
    result = CliRunner().invoke(cli, ["show"], env={"LANGUAGE": ""}, prog_name="beoordeling")
    assert 2 == result.exit_code
    assert "Fout: Ontbrekend argument 'PLAN'." in result.output
    assert "Probeer 'beoordeling show --help' voor hulp." in result.output


def test_a_refusal_is_told_in_the_terminals_language(tmp_path: Path) -> None:
    """The same refused action: its frame, state and reason (with the framework's name for the
    source) in Dutch by default, in English under an English locale."""
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    assert 0 == runner.invoke(cli, ["--store", db, "init", "--practice", "--on", "2024-03-01"]).exit_code
    assert 0 == runner.invoke(cli, ["--store", db, "import", PLAN, "--on", "2024-03-01"]).exit_code
    runner.invoke(cli, ["--store", db, "submit", "TP-2023-0014", "--as", "Ziekenhuis Noordwest/A. Bakker"])
    decide = ["--store", db, "decide", "TP-2023-0014", "--outcome", "positive", "--as", "CZ/C. Visser",
              "--role", "other-insurer"]  # fmt: skip
    dutch = runner.invoke(cli, decide, env={"LANGUAGE": ""})
    assert 3 == dutch.exit_code
    assert [
        "geweigerd: pass-quick-test op plan TP-2023-0014 (status: Snelle toets ingediend)",
        "- pass-quick-test vraagt de rol market-leader in de status 'Snelle toets ingediend', omdat de twee "
        "marktleiders besluiten voor alle zorgverzekeraars (Beoordelingskader, rol van de marktleiders); "
        "CZ/C. Visser handelt als other-insurer",
    ] == [line.strip() for line in dutch.output.splitlines()]
    english = runner.invoke(cli, decide, env={"LANGUAGE": "en"})
    assert "refused: pass-quick-test on plan TP-2023-0014 (state: Quick test submitted)" in english.output


def test_tables_counts_dates_and_amounts_follow_the_language(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    runner.invoke(cli, ["--store", db, "init", "--practice", "--on", "2024-03-01"])
    runner.invoke(cli, ["--store", db, "import", PLAN, "--on", "2024-03-01"])
    dutch = runner.invoke(cli, ["--store", db, "show", "TP-2023-0014"], env={"LANGUAGE": ""}).output
    assert "Gevraagd" in dutch
    assert "€\xa024.600.000,00" in dutch
    assert "Plan vastgelegd (v1)" in dutch
    english = runner.invoke(cli, ["--store", db, "show", "TP-2023-0014"], env={"LANGUAGE": "en"}).output
    assert "Requested" in english
    assert "€24,600,000.00" in english
    assert "Plan recorded (v1)" in english
    assert "1 plan" in runner.invoke(cli, ["--store", db, "list"], env={"LANGUAGE": ""}).output
    assert "Concept" in runner.invoke(cli, ["--store", db, "list"], env={"LANGUAGE": ""}).output
    assert "Draft" in runner.invoke(cli, ["--store", db, "list"], env={"LANGUAGE": "en"}).output


def test_a_stale_or_missing_compiled_catalog_reads_the_po(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A source checkout whose .mo is older than its .po (or absent) still speaks Dutch: the .po is
    read directly."""
    folder = tmp_path / "nl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = _i18n.LOCALEDIR / "nl" / "LC_MESSAGES" / "beoordeling.po"
    (folder / "beoordeling.po").write_bytes(po.read_bytes())
    monkeypatch.setattr(_i18n, "LOCALEDIR", tmp_path)
    monkeypatch.delenv("LANGUAGE")
    _i18n._catalog.cache_clear()
    try:
        assert "Opties" == _i18n._("Options")
    finally:
        _i18n._catalog.cache_clear()


BROKEN = ROOT / "tests" / "broken"


def _problem_lines(output: str) -> list[str]:
    """The problems of a refused input, one per line, without the frame around them."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return [line.split(": ", 1)[1] if line.startswith(("fout:", "error:")) else line for line in lines[-50:]]


def _broken_inputs(tmp_path: Path) -> list[list[str]]:
    commands = [["zelftoets", str(path)] for path in sorted((BROKEN / "plans").iterdir())]
    commands += [["policy", "check", str(path)] for path in sorted((BROKEN / "policy").iterdir())]
    commands += [["programme", "check", str(path)] for path in sorted((BROKEN / "programme").iterdir())]
    for path in sorted((BROKEN / "rules").iterdir()):
        folder = tmp_path / path.stem
        folder.mkdir()
        (folder / path.name).write_bytes(path.read_bytes())
        commands.append(["rules", "check", str(folder)])
    return commands


def test_every_refused_input_is_told_in_dutch(tmp_path: Path) -> None:
    """Every broken plan, policy, programme and rules file of the suite: each problem reads differently in Dutch
    than in English (no English message in a Dutch frame), with the same place, and the exit codes agree."""
    runner = CliRunner()
    commands = _broken_inputs(tmp_path)
    assert len(commands) > 50
    for command in commands:
        dutch = runner.invoke(cli, command, env={"LANGUAGE": ""})
        english = runner.invoke(cli, command, env={"LANGUAGE": "en"})
        assert dutch.exit_code == english.exit_code, command
        assert 0 != dutch.exit_code, command
        assert dutch.exception is None or isinstance(dutch.exception, SystemExit), command
        said, says = _problem_lines(dutch.output), _problem_lines(english.output)
        assert len(said) == len(says), command
        for nl, en in zip(said, says, strict=True):
            assert nl != en, (command, en)
            place = en.split(": ")[0]
            if place.startswith(str(BROKEN)) or place.startswith(str(tmp_path)):
                assert nl.startswith(place), (command, nl, en)
