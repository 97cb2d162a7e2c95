"""Real processes against one store: concurrent writers, and a writer killed mid-batch."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from beoordeling import ConflictError, Store

from .conftest import SUBMITTER

pytestmark = pytest.mark.slow


def _edit_at_barrier(url: str, summary: str, barrier: multiprocessing.synchronize.Barrier, results: object) -> None:
    """Read version 1, wait for the other process, then both try to store their change."""
    with Store.open(url) as store:
        plan = store.plan("TP-CONCEPT-ACUTE-GGZ").plan
        barrier.wait(timeout=30)
        try:
            result = store.save_plan(plan.model_copy(update={"summary": summary}), SUBMITTER)
            results.put(("ok", result.version))  # type: ignore[attr-defined]
        except ConflictError as exc:
            results.put(("conflict", exc.latest))  # type: ignore[attr-defined]


def test_two_processes_editing_one_version(store: Store, example_plans: dict[str, object]) -> None:
    """Of two processes changing the same version at the same moment, exactly one succeeds."""
    store.save_plan(example_plans["concept-acute-ggz"], SUBMITTER)  # type: ignore[arg-type]
    context = multiprocessing.get_context("spawn")
    for round_ in range(3):
        barrier = context.Barrier(2)
        results = context.Queue()
        workers = [
            context.Process(target=_edit_at_barrier, args=(store.url, f"ronde {round_} proces {n}", barrier, results))
            for n in range(2)
        ]
        latest = store.plan("TP-CONCEPT-ACUTE-GGZ").info.version
        # Each round both processes start from the version that is latest now.
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
            assert 0 == worker.exitcode
        outcomes = sorted(results.get(timeout=5) for _ in workers)
        assert [("conflict", latest + 1), ("ok", latest + 1)] == outcomes
    report = store.verify()
    assert report.ok, report.problems
    assert [1, 2, 3, 4] == [v.version for v in store.versions("TP-CONCEPT-ACUTE-GGZ")]


WRITER = textwrap.dedent(
    """
    import sys
    from beoordeling.store import Actor, NewEvent, Store
    from beoordeling.model import Role

    url, progress = sys.argv[1], sys.argv[2]
    actor = Actor("Schrijver", "Test", Role.SYSTEM)
    with Store.open(url) as store:
        batch = 0
        while True:
            events = store.append([NewEvent("test.batch", actor, payload={"batch": batch, "i": i}) for i in range(50)])
            with open(progress, "w") as handle:
                handle.write(str(events[-1].seq))
            batch += 1
    """
)


def test_killed_writer_leaves_an_intact_chain(store: Store, tmp_path: Path) -> None:
    """Killing a writer mid-batch loses only the uncommitted batch; the chain stays intact."""
    progress = tmp_path / "progress"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    writer = subprocess.Popen([sys.executable, str(script), store.url, str(progress)], env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            written = progress.read_text() if progress.exists() else ""  # read once: the writer truncates it
            if written.strip() and int(written) >= 1_000:
                break
            assert writer.poll() is None, "the writer stopped by itself"
            time.sleep(0.02)
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
    finally:
        if writer.poll() is None:
            writer.kill()
    committed = int(progress.read_text() or 0)  # empty if killed between truncating and writing
    report = store.verify()
    assert report.ok, report.problems
    assert report.count >= committed
    assert 0 == (report.count - 1) % 50, "only whole batches are stored"
