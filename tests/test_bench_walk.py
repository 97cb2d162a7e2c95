"""The workflow walk's benchmark still walks: a few plans through the whole lifecycle, funded and
paid, with the same events appended raw (the figures themselves are the benchmark's, not a test's)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.parametrize("flags", [(), ("--default-cache",)])
def test_the_walk_benchmark_runs_every_plan_to_completion(flags: tuple[str, ...]) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "workflow_walk.py"), "--plans", "3", *flags],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert 0 == done.returncode, done.stderr
    assert "3 plans, 174 events in 168 actions" in done.stdout
