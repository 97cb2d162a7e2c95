"""The cache of decoded plan versions: the ones used last as they are, many more packed behind
them, each version read from the store once while it is kept, and bounded in count and bytes."""

from __future__ import annotations

import pickle
import threading
import zlib
from typing import Any

import pytest

from beoordeling import Plan, Store
from beoordeling.desk import Desk
from beoordeling.store.cache import PlanCache

from .workflow_support import SUBMITTER


class _Counting:
    """A store that counts the versions read from it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.reads: list[tuple[str, int]] = []

    def plan_version(self, plan_id: str, version: int) -> Plan:
        self.reads.append((plan_id, version))
        return self.store.plan_version(plan_id, version)


@pytest.fixture
def stored(store: Store, example_plans: dict[str, Plan]) -> tuple[_Counting, list[str]]:
    plans = list(example_plans.values())
    for plan in plans:
        store.save_plan(plan, SUBMITTER)
    return _Counting(store), [plan.id for plan in plans]


def test_each_version_is_read_once_while_the_packed_tier_holds_it(stored: Any) -> None:
    counting, ids = stored
    cache = PlanCache(decoded=1)
    first = [cache.get(counting, plan_id, 1) for plan_id in ids]
    again = [cache.get(counting, plan_id, 1) for plan_id in ids]
    assert [(plan_id, 1) for plan_id in ids] == counting.reads
    assert first == again  # unpacked as they were decoded
    assert [counting.store.plan_version(plan_id, 1) for plan_id in ids] == again
    assert all(plan.version == 1 for plan in again)
    assert len(ids) == len(cache)


def test_the_plan_used_last_is_the_same_object(stored: Any) -> None:
    counting, ids = stored
    cache = PlanCache(decoded=2)
    assert cache.get(counting, ids[0], 1) is cache.get(counting, ids[0], 1)


def test_without_room_for_packs_a_version_is_read_again(stored: Any) -> None:
    counting, ids = stored
    cache = PlanCache(decoded=1, packed=0)
    for _round in range(2):
        for plan_id in ids:
            cache.get(counting, plan_id, 1)
    assert 2 * len(ids) == len(counting.reads)
    assert 1 == len(cache)


def test_the_packed_tier_keeps_within_its_bytes_dropping_the_one_used_longest_ago(stored: Any) -> None:
    counting, ids = stored
    assert len(ids) >= 3
    probe = PlanCache(decoded=0)
    for plan_id in ids[:3]:
        probe.get(counting, plan_id, 1)
    size = {key[0]: len(pack) for key, pack in probe._packs.items()}
    cache = PlanCache(decoded=0, packed=size[ids[1]] + size[ids[2]])  # room for the last two only
    for plan_id in ids[:3]:
        cache.get(counting, plan_id, 1)
    assert cache._packed_size <= cache.packed
    assert [(ids[1], 1), (ids[2], 1)] == list(cache._packs)  # the one used longest ago dropped first
    counting.reads.clear()
    cache.get(counting, ids[0], 1)
    assert [(ids[0], 1)] == counting.reads


def test_threads_sharing_one_cache_get_equal_plans(stored: Any) -> None:
    counting, ids = stored
    cache = PlanCache(decoded=1)
    expected = {plan_id: counting.store.plan_version(plan_id, 1) for plan_id in ids}
    wrong: list[str] = []

    def work() -> None:
        for _round in range(5):
            for plan_id in ids:
                if cache.get(counting, plan_id, 1) != expected[plan_id]:
                    wrong.append(plan_id)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [] == wrong


def test_a_desk_keeps_its_plans_in_the_cache_it_is_given_even_an_empty_one(stored: Any) -> None:
    counting, ids = stored
    cache = PlanCache()
    Desk(counting.store, plans=cache).plan(ids[0], 1)
    Desk(counting.store, plans=cache).plan(ids[0], 1)
    assert 1 == len(cache)


CALLED: list[str] = []


def _called() -> None:
    CALLED.append("unpacked")


class _Hostile:
    """A pickle that would call a function of its choosing when it is loaded."""

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return (_called, ())


def test_a_pack_that_holds_anything_but_a_plan_is_not_loaded_and_the_store_is_read(stored: Any) -> None:
    counting, ids = stored
    cache = PlanCache(decoded=0)
    hostile = zlib.compress(pickle.dumps(_Hostile()))
    cache._packs[(ids[0], 1)] = hostile
    cache._packed_size += len(hostile)
    plan = cache.get(counting, ids[0], 1)
    assert [] == CALLED
    assert [(ids[0], 1)] == counting.reads
    assert counting.store.plan_version(ids[0], 1) == plan
    assert hostile not in cache._packs.values()
    assert cache.get(counting, ids[0], 1) == plan  # packed afresh from the plan read
    assert [(ids[0], 1)] == counting.reads
