"""The README stays true: every command is documented, has help, and the setup commands exist."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from beoordeling.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
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


def _shell_blocks(markdown: str) -> list[str]:
    """The README's ```sh blocks, except the set-up one (make demo, make test), which CI runs itself."""
    blocks = re.findall(r"^```sh\n(.*?)^```$", markdown, flags=re.MULTILINE | re.DOTALL)
    return [block for block in blocks if not block.lstrip().startswith("make ")]


def _console_commands(markdown: str) -> list[str]:
    """The commands of the README's ```console blocks (their `$ ` lines)."""
    blocks = re.findall(r"^```console\n(.*?)^```$", markdown, flags=re.MULTILINE | re.DOTALL)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def _scratch(tmp_path: Path) -> dict[str, str]:
    """A folder with the examples and the rules, as a user's clone has them; the installed command first on PATH."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEOORDELING_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_every_readme_shell_block_runs_as_written(tmp_path: Path) -> None:
    """Each ```sh block of the README runs in a fresh folder, every command exiting 0 (bash -e)."""
    blocks = _shell_blocks(README)
    assert len(blocks) >= 2
    for number, block in enumerate(blocks):
        folder = tmp_path / f"block{number}"
        folder.mkdir()
        env = _scratch(folder)
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block], cwd=folder, env=env, capture_output=True, text=True, check=False
        )
        assert 0 == result.returncode, f"README block {number} failed:\n{block}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr


def test_every_readme_console_command_runs(tmp_path: Path) -> None:
    """The README's `$ ` commands run as written: a finding may exit 1, never bad input (2) or a traceback."""
    commands = _console_commands(README)
    assert commands
    env = _scratch(tmp_path)
    for command in commands:
        result = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode in (0, 1), f"{command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr
