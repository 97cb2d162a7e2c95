"""The Excel overview of 10,000 plans vs an openpyxl write-only baseline writing the same cells.

The store holds 10,000 plans (copies of the examples) whose quick test was submitted, so every
sheet but the decisions has rows: the register, a deadline per plan, the milestones of every plan
that asks for funds. Both run in turns; medians of the repeats and of the pairs' ratios:

- baseline: openpyxl's write-only mode appending the same values, row by row, to the same sheets
  (no styles, no widths, no filters), the rows computed beforehand;
- ours: ``save_overview``: one pass over the events, the plans' milestones read from the store,
  the rows made, typed and styled cells written, the file moved into place.

    python bench/overview_write.py [--plans 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import paired
from beoordeling import Actor, Role, Store, load_plans
from beoordeling.desk import Desk
from beoordeling.overview import overview_sheets, save_overview
from beoordeling.workflow import Trigger

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
ON = date(2025, 3, 31)


def filled_store(path: Path, count: int) -> None:
    moment = datetime(2025, 3, 3, 10, tzinfo=UTC)
    with Store.open(str(path), create=True, clock=lambda: moment) as store:
        store.initialise(Actor("bench", "beoordeling", Role.SYSTEM), practice=True)
        examples = [p for p in load_plans(EXAMPLES) if p.parties and p.insurers.coordinating]
        plans = [examples[i % len(examples)].model_copy(update={"id": f"TP-B-{i:05d}"}) for i in range(count)]
        store.save_plans(plans, Actor("bench", "bench", Role.SUBMITTER))
        desk = Desk(store)
        for plan in plans:
            desk.act(plan.id, Trigger.SUBMIT_QUICK_TEST, Actor("intake", plan.insurers.coordinating or "-",
                                                               Role.COORDINATING_INSURER))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        filled_store(folder / "store.db", args.plans)
        print(f"store of {args.plans} plans built in {time.perf_counter() - started:.0f} s")
        with Store.open(str(folder / "store.db")) as store:
            sheets = overview_sheets(store, on=ON)

            def baseline() -> None:
                workbook = Workbook(write_only=True)
                for sheet in sheets:
                    ws = workbook.create_sheet(sheet.name)
                    ws.append([column.header for column in sheet.columns])
                    for row in sheet.rows:
                        ws.append(row)
                workbook.save(folder / "baseline.xlsx")

            bare, ours, ratio = paired(baseline, lambda: save_overview(store, folder / "ours.xlsx", on=ON), args.repeat)
    cells = sum(len(s.rows) * len(s.columns) for s in sheets)
    rows = ", ".join(f"{s.name} {len(s.rows)}" for s in sheets)
    print(f"rows: {rows} ({cells:,} cells)")
    print(f"openpyxl write-only, same cells: {bare:.2f} s")
    print(f"ours (events read, rows made, typed cells written): {ours:.2f} s, median ratio of pairs {ratio:.2f}")


if __name__ == "__main__":
    main()
