"""A non-editable install into a fresh virtualenv, run from another directory, finds everything."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel, install it (without dependencies, offline) into a fresh virtualenv.

    The dependencies come from this environment's site-packages through a ``.pth`` line, so the
    test needs no network; the editable install of the checkout is not visible there.
    """
    work = tmp_path_factory.mktemp("install")
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", work / "dist", ROOT,
                 cwd=work)  # fmt: skip
    assert 0 == built.returncode, built.stderr
    [wheel] = (work / "dist").glob("beoordeling-*.whl")
    with zipfile.ZipFile(wheel) as archive:  # the build compiled the Dutch catalog (hatch_build.py)
        names = archive.namelist()
        assert "beoordeling/locale/nl/LC_MESSAGES/beoordeling.mo" in names
        # The web interface's pages and its vendored htmx travel with the package.
        assert "beoordeling/web/templates/plan.html" in names
        assert "beoordeling/web/static/htmx-2.0.11.min.js" in names
        assert "beoordeling/web/static/style.css" in names
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=work).stdout.strip()
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "dependencies.pth").write_text("\n".join(deps) + "\n")
    pip = _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=work)
    assert 0 == pip.returncode, pip.stderr
    return env_dir


def test_installed_copy_runs_from_elsewhere(installed: Path, tmp_path: Path) -> None:
    """The console script works from a foreign directory and uses the installed package."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BEOORDELING_STORE", "LANGUAGE")}
    where = _run(
        installed / "bin" / "python", "-c", "import beoordeling; print(beoordeling.__file__)", cwd=tmp_path, env=env
    )
    assert str(installed) in where.stdout, where.stdout + where.stderr
    demo = _run(installed / "bin" / "beoordeling", "demo", "-o", "out", cwd=tmp_path, env=env)
    assert 0 == demo.returncode, demo.stdout + demo.stderr
    assert "Keten van gebeurtenissen intact: 175 gebeurtenissen" in demo.stdout  # Dutch: the catalog ships
    assert "Zelftoets aan de regels die gelden" in demo.stdout  # rules/ (with overlays/) ships in the wheel
    assert (tmp_path / "out" / "plans" / "TP-2023-0014.yaml").is_file()


def test_installed_copy_carries_rules_policy_forms_and_examples(installed: Path, tmp_path: Path) -> None:
    """rules/, policy/, forms/ and examples/ travel inside the wheel and are found there."""
    code = (
        "from beoordeling.resources import bundled_dir\n"
        "for name in ('rules', 'policy', 'forms', 'examples'):\n"
        "    folder = bundled_dir(name)\n"
        "    print(name, folder, sorted(p.name for p in folder.iterdir())[:2])\n"
    )
    result = _run(installed / "bin" / "python", "-c", code, cwd=tmp_path)
    assert 0 == result.returncode, result.stderr
    for line in result.stdout.splitlines():
        name, folder, _files = line.split(" ", 2)
        assert folder.startswith(str(installed)), line
        assert folder.endswith(f"_bundled/{name}")
    assert "README.md" in result.stdout
