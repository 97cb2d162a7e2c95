"""Building many small objects at once without the cyclic garbage collector in the way.

CPython's collector runs each time the allocations outnumber the deallocations by a few hundred,
and every so often walks every tracked object there is. A budget over a million postings builds
hundreds of thousands of tuples (accounts, postings, lines) that it keeps: the collector then walks
them again and again and finds nothing, because tuples of strings and numbers make no cycles. It
cost the budget a fifth of its time (``bench/budget_postings.py``). :func:`collector_paused` holds
the collector off while such a build runs and gives it back as it found it, so that a later
collection does the work once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (reference counting frees as always); the
    collector is on again afterwards if it was on before, also when the block raises."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
