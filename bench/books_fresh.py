"""A fresh desk's books on a big store, vs the same books folded from every event.

Every command that funds, pays, reduces or withdraws opens a desk of its own, and so does every
page of the web interface that acts; its budget-fit check needs the books as of today. The store is
the one ``bench/stats_quarter.py`` builds: ``--plans`` generated plans (default 20,000) of about ten
events each, most of them ending at the quick test, a few funded, paid, reclaimed or withdrawn.

In turns (``_timing.paired``): :meth:`Folding.read`, as a fresh desk and ``Books.of`` read the
books (the programme's adoptions, the events that may move money, every event of the plans ever
on the waiting list, and the events after the day), and :meth:`Folding.of` over every event of the
store without the stored assessments, as they were read before. Both give the same balances,
postings and waiting list (checked first). The figure is the ratio of the two times, with the
number of events each read.

    python bench/books_fresh.py [--plans 20000] [--repeat 3] [--url URL]
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from _timing import paired
from beoordeling import Store
from beoordeling.money.books import Books, Folding
from beoordeling.store import Event
from stats_quarter import Clock, fill


def _requested(plan_id: str, version: int | None) -> int:
    return 25_000_00


def _events_read(store: Store, run: Callable[[], object]) -> int:
    """How many events ``run`` reads of ``store``."""
    original = store.events
    count = 0

    def counting(*args: Any, **kwargs: Any) -> Iterator[Event]:
        nonlocal count
        for event in original(*args, **kwargs):
            count += 1
            yield event

    store.events = counting  # type: ignore[method-assign]
    try:
        run()
    finally:
        store.events = original  # type: ignore[method-assign]
    return count


def _same(ours: Books, theirs: Books) -> None:
    assert ours.ledger.balances() == theirs.ledger.balances()
    assert ours.postings == theirs.postings
    assert ours.queue == theirs.queue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", help="an empty PostgreSQL database to use instead of a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or str(Path(folder) / "books.db")
        clock = Clock()
        with Store.open(url, create=True, clock=clock) as store:
            fill(store, clock, args.plans)
            events = store.head().count
            today: date = clock.day

            def every_event() -> Books:
                return Folding.of(store.events(without=("assessment",)), today, _requested).books()

            def fresh() -> Books:
                return Folding.read(store, today, _requested).books()

            _same(fresh(), every_event())
            read_by = {"fresh": _events_read(store, fresh), "every": _events_read(store, every_event)}
            bare, ours, ratio = paired(every_event, fresh, args.repeat)
    where = "PostgreSQL" if args.url else "SQLite"
    print(
        f"{where}, {args.plans:,} plans, {events:,} events: books folded from every event {bare:.2f} s "
        f"({read_by['every']:,} events read), a fresh desk's books {ours:.2f} s ({read_by['fresh']:,} read), "
        f"ratio {ratio:.2f}"
    )


if __name__ == "__main__":
    main()
