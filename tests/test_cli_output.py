"""Output goes only where it may: -o replaces a regular file or makes a new one in an existing folder."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling.cli import cli

from .conftest import EXAMPLES


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "s.db")
    assert 0 == run("--store", path, "init", "--as", "VGZ/x")[0]
    assert 0 == run("--store", path, "import", str(EXAMPLES[0]), "--as", "x/y")[0]
    return path


def _targets(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    folder = tmp_path / "map"
    folder.mkdir()
    fifo = tmp_path / "pijp"
    os.mkfifo(fifo)
    real = tmp_path / "echt.yaml"
    real.write_text("oud")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    device = tmp_path / "apparaat.yaml"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        device = Path("/dev/null")
    return {
        "folder": (folder, "is a directory"),  # click refuses a folder before we see it
        "fifo": (fifo, "this is a named pipe; output replaces only a regular file"),
        "symlink": (link, "this is a symbolic link; output replaces only a regular file"),
        "device": (device, "this is a character device; output replaces only a regular file"),
        "missing folder": (tmp_path / "nergens" / "plan.yaml", f"the folder {tmp_path}/nergens does not exist"),
    }


@pytest.mark.parametrize("kind", ["folder", "fifo", "symlink", "device", "missing folder"])
@pytest.mark.parametrize(
    "command",
    [
        ["export", "TP-CONCEPT-ACUTE-GGZ", "-o", "{target}"],
        ["schema", "-o", "{target}"],
        ["diagram", "-o", "{target}"],
        ["overview", "-o", "{target}"],
        ["form", "template", "plan", "-o", "{target}"],
    ],
    ids=["export", "schema", "diagram", "overview", "form-template"],
)
def test_output_is_refused_where_it_may_not_go(db: str, tmp_path: Path, kind: str, command: list[str]) -> None:
    target, message = _targets(tmp_path)[kind]
    suffix = {"diagram": ".dot", "overview": ".xlsx", "form": ".xlsx"}.get(command[0], ".yaml")
    if target.suffix != suffix and target != Path("/dev/null"):
        renamed = target.with_name(target.stem + suffix)
        if target.is_symlink() or target.exists():
            target.rename(renamed)
        target = renamed if kind != "missing folder" else target.with_suffix(suffix)
    before = target.lstat() if os.path.lexists(target) else None
    code, output = run("--store", db, *(part.format(target=target) for part in command))
    assert 2 == code, output
    assert str(target) in output
    assert message in output
    if before is not None:
        assert before.st_mode == target.lstat().st_mode
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


def test_a_regular_file_is_replaced(db: str, tmp_path: Path) -> None:
    target = tmp_path / "plan.yaml"
    target.write_text("oud")
    assert 0 == run("--store", db, "export", "TP-CONCEPT-ACUTE-GGZ", "-o", str(target))[0]
    assert "TP-CONCEPT-ACUTE-GGZ" in target.read_text(encoding="utf-8")
