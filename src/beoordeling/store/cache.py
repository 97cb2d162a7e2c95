"""Decoded plan versions kept in memory, in two tiers.

A stored version of a plan never changes, so a decoded one can be kept for as long as memory
allows. A decoded plan takes about 37 KiB; reading and decoding one from the store costs about
half a millisecond, and more in a long run, where the many objects of each decoded plan are also
freed again. The cache therefore keeps the plans used last as they are and, behind them, many more
packed: pickled and compressed, about 4.6 KB each. In the workflow walk over 1,500 plans with
1,024 kept decoded (``bench/workflow_walk.py``), every round missed every plan: the walk took 117 s
reading them from the store, 94 s unpacking them, and 65 s with every plan kept decoded.

A batch that goes round more plans than the first tier holds is therefore quickest with a cache
that keeps all of them decoded (``PlanCache(decoded=...)``, at 37 KiB a plan); the default keeps
1,024 (some 37 MiB) and packs up to 64 MiB more (some 14,000 versions).

The packed bytes are made here, from plans this process decoded itself, and never leave the
process: no pickle is ever read from the store, a file or a request. Even so they are unpacked
by an unpickler that finds only the plan model's own classes, dates and decimals (``_Unpacker``),
so that nothing else could be called while unpacking; a version it cannot unpack is read from
the store again.
"""

from __future__ import annotations

import io
import pickle
import threading
import zlib
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from ..model import Plan

if TYPE_CHECKING:
    from .store import Store

__all__ = ["PlanCache"]

DECODED = 1024
"""How many plan versions the first tier keeps decoded (about 37 KiB each, some 37 MiB in all)."""

PACKED_BYTES = 64 * 1024 * 1024
"""How many bytes of packed plan versions the second tier keeps (some 14,000 versions)."""

_Key = tuple[str, int]


class PlanCache:
    """Stored plan versions, decoded: the ``decoded`` used last as they are, and behind them up to
    ``packed`` bytes of versions packed. One cache may serve many desks on the same store (the
    web interface shares one between its requests); it is safe to use from several threads."""

    def __init__(self, decoded: int = DECODED, packed: int = PACKED_BYTES) -> None:
        self.decoded = decoded
        self.packed = packed
        self._plans: OrderedDict[_Key, Plan] = OrderedDict()
        self._packs: OrderedDict[_Key, bytes] = OrderedDict()
        self._packed_size = 0
        self._lock = threading.Lock()

    def get(self, store: Store, plan_id: str, version: int) -> Plan:
        """Version ``version`` of the plan: from memory when it is kept, else read from ``store``."""
        key = (plan_id, version)
        with self._lock:
            plan = self._plans.get(key)
            if plan is not None:
                self._plans.move_to_end(key)
                return plan
            pack = self._packs.get(key)
            if pack is not None:
                self._packs.move_to_end(key)
        plan = _unpacked(pack) if pack is not None else None
        refused = pack is not None and plan is None
        if plan is None:
            plan = store.plan_version(plan_id, version)
        with self._lock:
            if refused and self._packs.get(key) is pack:  # dropped, to be packed afresh
                self._packed_size -= len(self._packs.pop(key))
            self._plans[key] = plan
            while len(self._plans) > self.decoded:
                old_key, old = self._plans.popitem(last=False)  # the plan used longest ago
                if old_key not in self._packs:  # packed once: a version never changes
                    self._pack(old_key, old)
        return plan

    def __len__(self) -> int:
        """How many versions the cache keeps, in either tier."""
        with self._lock:
            return len(self._packs.keys() | self._plans.keys())

    def _pack(self, key: _Key, plan: Plan) -> None:
        pack = zlib.compress(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL), 1)
        if len(pack) > self.packed:
            return
        self._packs[key] = pack
        self._packed_size += len(pack)
        while self._packed_size > self.packed:
            _old, dropped = self._packs.popitem(last=False)
            self._packed_size -= len(dropped)


_MODEL = "beoordeling.model."
_ALSO = frozenset({("datetime", "date"), ("datetime", "datetime"), ("decimal", "Decimal")})


class _Unpacker(pickle.Unpickler):
    """Unpickles a packed plan, finding only the classes a plan is made of."""

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith(_MODEL) or (module, name) in _ALSO:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a packed plan does not hold {module}.{name}")


def _unpacked(pack: bytes) -> Plan | None:
    """The packed plan, or None when it holds anything but a plan's classes (then read it afresh)."""
    try:
        plan = _Unpacker(io.BytesIO(zlib.decompress(pack))).load()
    except (pickle.UnpicklingError, zlib.error):
        return None
    return plan if isinstance(plan, Plan) else None
