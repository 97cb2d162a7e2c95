"""`rules impact` of the 2025 edition against the 2023 one over 100,000 stored plan versions, vs the
bare evaluations it consists of, in one run.

A practice store is filled with generated plan variants (tests/plan_variants.py, each its own
plan, one version each). Then, in turns (``bench/_timing.paired``):

- bare: every plan read from the store (``Store.latest_plans``, the same reading impact does) and
  evaluated twice with ``beoordeling.criteria.statuses``, once under the edition in force on
  1 July 2025 and once under the one of 1 June 2023; nothing is compared or kept;
- impact: ``beoordeling.impact.impact`` with the same two editions: per step the outcomes and
  statuses compared, counted per step, criterion and group, every changed plan kept.

The goal is impact at most 1.2 times the bare evaluations. The run also reports how much of the bare
time is reading the plans, and the peak memory of one impact (tracemalloc, in a run of its own).

    python bench/rules_impact.py [--plans 100000] [--repeat 3] [--store PATH]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.plan_variants import example_data, variant

from _timing import paired
from beoordeling import Actor, Role, Store
from beoordeling.criteria import default_rules, statuses
from beoordeling.impact import Side, impact

NOW, THEN = date(2025, 7, 1), date(2023, 6, 1)
SUBMITTER = Actor("A. Bakker", "Ziekenhuis Noordwest", Role.SUBMITTER)


def fill(url: str, count: int) -> None:
    rng = random.Random(20251207)
    bases = example_data()
    with Store.open(url, create=True) as store:
        store.initialise(Actor("bench", "beoordeling", Role.SYSTEM), practice=True)
        for start in range(0, count, 1000):
            batch = [
                variant(rng.choice(bases), rng).model_copy(update={"id": f"TP-BENCH-{i:06d}"})
                for i in range(start, min(start + 1000, count))
            ]
            store.save_plans(batch, SUBMITTER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, help="Keep the generated store here (reused when it exists).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = args.store or Path(scratch) / "impact.db"
        url = f"sqlite:///{path}"
        if not path.exists():
            started = time.perf_counter()
            fill(url, args.plans)
            print(f"{args.plans} plans stored in {time.perf_counter() - started:.0f} s")
        rules = default_rules()
        now, then = Side(rules, NOW, "rules/"), Side(rules, THEN, "rules/")
        with Store.open(url) as store:

            def read() -> None:
                for _plan in store.latest_plans():
                    pass

            def bare() -> None:
                for plan, _state in store.latest_plans():
                    statuses(plan, NOW)
                    statuses(plan, THEN)

            def ours() -> None:
                impact(store, now, then)

            found = impact(store, now, then)
            print(f"{found.plans} plans; changed steps: {len(found.changes)}; "
                  + ", ".join(f"{s.step.value} {s.no_longer} no longer / {s.newly} newly / {s.other} other"
                              for s in found.steps))  # fmt: skip
            t_read, t_bare, _times = paired(read, bare, args.repeat)
            t_bare2, t_ours, ratio = paired(bare, ours, args.repeat)
            tracemalloc.start()
            impact(store, now, then)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    print(f"reading the plans {t_read:.1f} s of the bare {t_bare:.1f} s ({t_read / t_bare:.0%})")
    print(f"bare {t_bare2:.1f} s   impact {t_ours:.1f} s   ({found.plans / t_ours:,.0f} plans/s)")
    print(f"median ratio {ratio:.2f}x (goal <= 1.2); peak memory of one impact {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
