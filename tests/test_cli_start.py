"""The CLI starts fast: `--help` loads only click and the root group; commands load when used."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

from click.testing import CliRunner

from beoordeling.cli import cli
from beoordeling.cli._root import SECTIONS

HEAVY = ("sqlalchemy", "openpyxl", "weasyprint", "pydantic", "rich", "transitions", "yaml", "babel", "pypdf")
OURS = ("beoordeling.store", "beoordeling.criteria", "beoordeling.desk", "beoordeling.letters", "beoordeling.forms")


def _loaded_by(args: list[str]) -> set[str]:
    code = (
        "import json, sys\n"
        "from beoordeling.cli import cli\n"
        f"try:\n    cli({args!r}, prog_name='beoordeling')\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_loads_none_of_the_heavy_libraries() -> None:
    loaded = _loaded_by(["--help"])
    assert [] == sorted(m for m in loaded if m.split(".")[0] in HEAVY or m.startswith(OURS))


def test_a_command_loads_what_it_needs_when_it_runs() -> None:
    loaded = _loaded_by(["schema", "--help"])
    assert "beoordeling.cli.plans" in loaded
    assert "pydantic" in loaded


def test_every_command_is_in_the_help_once_with_its_own_summary() -> None:
    for module in {module for _, commands in SECTIONS for _, module, _ in commands}:
        importlib.import_module(f"beoordeling.cli.{module}")
    listed = [name for _, commands in SECTIONS for name, _, _ in commands]
    assert sorted(listed) == sorted(cli.commands)
    assert len(listed) == len(set(listed))
    for _, commands in SECTIONS:
        for name, module, summary in commands:
            command = cli.commands[name]
            assert summary == command.get_short_help_str(limit=1_000), name
            assert command.callback is not None
            assert f"beoordeling.cli.{module}" == command.callback.__module__, name


def test_help_shows_the_sections_and_whole_summaries() -> None:
    text = CliRunner().invoke(cli, ["--help"], terminal_width=200).output
    for section, commands in SECTIONS:
        assert f"{section}:" in text
        for name, _, summary in commands:
            assert summary in " ".join(text.split()), name
