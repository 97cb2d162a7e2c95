"""The budget over many postings, vs a hand-written SQL ``SUM ... GROUP BY`` over the same rows.

A SQLite store gets ``--postings`` postings (default 1,000,000) in funding and payment events of
``--plans`` plans: each funding moves a plan's request from the open part to its commitment, each
payment part of it on to paid. The store appends them in transactions of 5,000 events. Then, in turns
(``_timing.paired``): ``budget(Books.balances_of(store))`` as ``beoordeling budget`` computes it
(the database sums the postings between the programme's dated entries, then the ledger applies
those entries and the budget reads the waiting list), and one hand-written SQL query that sums the
same postings per account with SQLite's ``json_each``. Both give the same
balances (checked first). The figure is the ratio of the two times.

    python bench/budget_postings.py [--postings 1000000] [--plans 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import tracemalloc
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from _timing import paired
from beoordeling import Actor, PlanState, Role, Store, load_plan
from beoordeling.money import euros
from beoordeling.money.books import Books
from beoordeling.money.budget import budget
from beoordeling.store import NewEvent, PlanAppend

NZA = Actor("N. Mulder", "NZa", Role.NZA)
HOLDER = "TP-2023-0014"
ROOT = Path(__file__).resolve().parent.parent
SQL = text("""
    SELECT json_extract(p.value, '$[0]') AS kind, json_extract(p.value, '$[2]') AS part,
           SUM(json_extract(p.value, '$[3]')) AS amount
    FROM events, json_each(events.payload, '$.postings') AS p
    WHERE events.type LIKE 'workflow.%'
    GROUP BY kind, part
""")


def _batches(postings: int, plans: int, size: int = 5_000) -> Iterator[list[NewEvent]]:
    """Fundings of ``plans`` plans, then payments, until there are ``postings`` postings (two each)."""
    request = 25_000_00  # EUR 25,000 a plan: 20,000 plans fit in the shipped programme's open part
    batch: list[NewEvent] = []
    for n in range(postings // 2):
        plan_id = f"TP-B-{n % plans:05d}"
        if n < plans:
            moves = [["available", None, "open", -request], ["committed", None, plan_id, request]]
            kind = "workflow.fund"
        else:
            moves = [["committed", None, plan_id, -1], ["paid", None, f"{plan_id}/M{n // plans}", 1]]
            kind = "workflow.pay"
        batch.append(NewEvent(kind, NZA, HOLDER, 1, payload={"postings": moves}))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--plans", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "budget.db"
        engine = create_engine(f"sqlite:///{path}")
        with Store.open(str(path), create=True) as store:
            store.initialise(NZA, practice=True)
            store.save_plan(load_plan(ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml").model_copy(
                update={"id": HOLDER}), NZA)  # fmt: skip
            # The events of many plans' money under one plan of the register: the store appends them in
            # big transactions, and what is measured is reading them.
            last = store.head().count
            for batch in _batches(args.postings, args.plans):
                last = store.append_to_plans([PlanAppend(HOLDER, tuple(batch), last, PlanState.DRAFT)])[-1].seq

            def ours() -> dict[tuple[str, str], int]:
                found = budget(Books.balances_of(store, datetime(2028, 12, 31).date()))
                return {(line.kind.value, line.part): line.amount for line in found.lines if line.amount}

            def by_sql() -> dict[tuple[str, str], int]:
                with engine.connect() as conn:
                    return {(kind, part): int(amount) for kind, part, amount in conn.execute(SQL) if amount}

            sql_found = by_sql()
            plans_part = ("committed", "paid")  # the programme's own entries are not postings of events
            assert {k: v for k, v in ours().items() if k[0] in plans_part} == {
                k: v for k, v in sql_found.items() if k[0] in plans_part
            }, "the budget and the SQL disagree"
            tracemalloc.start()
            ours()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            bare, mine, ratio = paired(by_sql, ours, args.repeat)
    print(
        f"{args.postings:,} postings of {args.plans:,} plans: SQL SUM ... GROUP BY {bare:.2f} s, "
        f"budget {mine:.2f} s, ratio {ratio:.2f} (goal <= 2); budget's peak memory {peak / 2**20:.0f} MiB; "
        f"committed in all EUR {euros(sum(v for (k, _), v in sql_found.items() if k == 'committed')):,}"
    )


if __name__ == "__main__":
    main()
