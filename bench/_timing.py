"""Timing shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median(run: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired(baseline: Callable[[], object], ours: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Median times of ``baseline`` and ``ours`` run in turns, and the median of the pairs' ratios.

    Running them in turns, after one warm-up of each, puts both under the same spell of machine
    noise; the ratio of each pair cancels most of what is left."""
    baseline()
    ours()
    bare_times: list[float] = []
    our_times: list[float] = []
    for _ in range(repeat):
        for run, times in ((baseline, bare_times), (ours, our_times)):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    ratios = [o / b for o, b in zip(our_times, bare_times, strict=True)]
    return statistics.median(bare_times), statistics.median(our_times), statistics.median(ratios)
