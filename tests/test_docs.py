"""The README stays true: every command is documented, has help, and the setup commands exist."""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.testing import CliRunner

from beoordeling.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in group.commands.items():
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


def test_every_command_has_help_and_is_in_the_readme() -> None:
    """Each CLI command, and each subcommand of a group, has help text and a row in the README."""
    for words, command in _commands(cli):
        name = " ".join(words)
        assert command.help, f"{name} has no help text"
        assert f"`beoordeling {name}" in README, f"{name} is missing from the README"
        result = CliRunner().invoke(cli, [*words, "--help"])
        assert 0 == result.exit_code


def test_readme_setup_commands_are_make_targets() -> None:
    """`make demo` and `make test`, as the README says, exist; CI runs the README's test command."""
    makefile = (ROOT / "Makefile").read_text()
    for target in re.findall(r"^make (\w+)", README, flags=re.MULTILINE):
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), target
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_error_example_is_real(tmp_path: Path) -> None:
    """The error shown in the README is what the tool prints for that file."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "id: TP-1\ntitle: Voorbeeld\nparties:\n  - name: A\n    role: zorgaanbieder\nfunding:\n  lines:\n"
        "    - year: 2025\n      sector: ggz\n      party: A\n      category: opstartkosten\n      amount: 12.345\n"
        "full_plan:\n  smart_agreements: []\n  approach: x\n  business_case: {summary: y}\n  impact_analysis: {}\n"
        "  start: 2025-02-30\n"
    )
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s.db"), "import", str(plan)])
    shown = [line.strip() for line in README.splitlines() if line.strip().startswith("plan.yaml:")]
    printed = [line.strip().replace(str(tmp_path) + "/", "") for line in result.output.splitlines()[1:]]
    assert shown == printed
