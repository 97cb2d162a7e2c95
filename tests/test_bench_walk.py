"""Benchmarks run small: the workflow walk still walks a few plans through the whole lifecycle,
funded and paid, with the same events appended raw; a fresh desk's books are still those of every
event (the figures themselves are the benchmarks', not a test's)."""

from __future__ import annotations

import re
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


def test_the_fresh_books_benchmark_finds_the_same_books_reading_fewer_events() -> None:
    """``bench/books_fresh.py`` asserts that a fresh desk's books equal those of every event."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "books_fresh.py"), "--plans", "300", "--repeat", "1"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert 0 == done.returncode, done.stderr
    found = re.search(r"([\d,]+) events: .*\(([\d,]+) events read\).*\(([\d,]+) read\)", done.stdout)
    assert found is not None, done.stdout
    events, every, fresh = (int(group.replace(",", "")) for group in found.groups())
    assert every == events > fresh > 0
