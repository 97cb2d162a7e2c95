"""What the store hands back: its records as frozen data classes, and how a table row becomes one."""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from ..model import Plan, PlanState, Role
from .events import Actor, Event, plan_groups

__all__ = [
    "Head",
    "PlanSummary",
    "SaveResult",
    "StoredPlan",
    "VersionInfo",
    "aware",
    "event_of",
    "event_reader",
    "summary_of",
    "version_info_of",
]


@dataclass(frozen=True)
class Head:
    """The end of the chain: how many events, and the hash of the last one."""

    count: int
    hash: str


@dataclass(frozen=True)
class SaveResult:
    plan_id: str
    version: int
    changed: bool
    event: Event | None


@dataclass(frozen=True)
class VersionInfo:
    plan_id: str
    version: int
    content_hash: str
    created_at: datetime
    created_seq: int


@dataclass(frozen=True)
class StoredPlan:
    """A stored version of a plan; ``plan.version`` is set to it."""

    plan: Plan
    info: VersionInfo
    state: PlanState
    latest_version: int


@dataclass(frozen=True)
class PlanSummary:
    """One line of the plan register."""

    plan_id: str
    title: str
    latest_version: int
    state: PlanState
    region: str | None
    theme: str | None
    sectors: tuple[str, ...]
    insurers: tuple[str, ...]
    requests_funds: bool
    amount_requested: str | None
    updated_at: datetime


def aware(moment: datetime) -> datetime:
    """The moment in UTC; SQLite hands back naive UTC, PostgreSQL its session's zone."""
    zone = moment.tzinfo
    if zone is UTC:
        return moment
    return moment.replace(tzinfo=UTC) if zone is None else moment.astimezone(UTC)


_ACTORS: dict[tuple[str, str, str], Actor] = {}
"""The actors met so far: a store has few, and its events name them again and again (an actor is
frozen, so one can stand in every event that names it)."""
_MAX_ACTORS = 10_000


def _actor(name: str, organisation: str, role: str) -> Actor:
    key = (name, organisation, role)
    found = _ACTORS.get(key)
    if found is None:
        if len(_ACTORS) >= _MAX_ACTORS:
            _ACTORS.clear()
        found = _ACTORS[key] = Actor(name, organisation, Role(role))
    return found


def version_info_of(row: Row[Any]) -> VersionInfo:
    return VersionInfo(row.plan_id, row.version, row.content_hash, aware(row.created_at), row.created_seq)


def summary_of(row: Row[Any]) -> PlanSummary:
    return PlanSummary(
        plan_id=row.plan_id,
        title=row.title,
        latest_version=row.latest_version,
        state=PlanState(row.state),
        region=row.region,
        theme=row.theme,
        sectors=tuple(json.loads(row.sectors)),
        insurers=tuple(json.loads(row.insurers)),
        requests_funds=bool(row.requests_funds),
        amount_requested=row.amount_requested,
        updated_at=aware(row.updated_at),
    )


_FIELDS = (
    "seq", "type", "actor", "organisation", "role", "occurred_at_text", "plan_id", "plan_version", "reason",
    "payload", "groups", "rules_version", "prev_hash", "hash", "recorded_at_text",
)  # fmt: skip
"""The columns an event is made of, its moments as their exact text."""
_MAX_GROUPS = 4_096


def event_of(row: Row[Any]) -> Event:
    """The event of a row of the events table (any columns that include :data:`_FIELDS`)."""
    return event_reader(row._fields)(row)


def event_reader(names: Sequence[str]) -> Callable[[Sequence[Any]], Event]:
    """What makes the events of one stream of rows of the columns ``names`` (:meth:`Store.events`).
    It picks the values by position (a row's attributes cost nearly a microsecond each), and parses
    each distinct text of groups once: plans share their region, theme, sectors and insurers, so
    the events of one stream share their groups dicts (read them, never change them), as the events
    of one append already do (bench/stats_quarter.py)."""
    pick = operator.itemgetter(*(names.index(name) for name in _FIELDS))
    parsed: dict[str, dict[str, Any]] = {}

    def read(row: Sequence[Any]) -> Event:
        (seq, kind, actor, organisation, role, occurred, plan_id, plan_version, reason, payload, groups,
         rules_version, prev_hash, hash_, recorded) = pick(row)  # fmt: skip
        found = parsed.get(groups)
        if found is None:
            if len(parsed) >= _MAX_GROUPS:
                parsed.clear()
            found = parsed[groups] = json.loads(groups)
        return Event(
            seq=seq,
            type=kind,
            actor=_actor(actor, organisation, role),
            occurred_at=aware(datetime.fromisoformat(occurred)),
            plan_id=plan_id,
            plan_version=plan_version,
            reason=reason,
            payload=json.loads(payload),
            groups=found,
            rules_version=rules_version,
            prev_hash=prev_hash,
            hash=hash_,
            recorded_at=aware(datetime.fromisoformat(recorded)) if recorded is not None else None,
        )

    return read


def projection_row(plan: Plan, version: int, event: Event) -> dict[str, Any]:
    """The plan register's row for ``plan`` at ``version``, as ``event`` left it."""
    groups = plan_groups(plan)
    return {
        "plan_id": plan.id,
        "title": plan.title,
        "latest_version": version,
        "region": groups["region"],
        "region_reference": groups["region_reference"],
        "theme": groups["theme"],
        "sectors": json.dumps(groups["sectors"]),
        "insurers": json.dumps(groups["insurers"], ensure_ascii=False),
        "requests_funds": plan.requests_funds,
        "amount_requested": format(plan.funding.total, "f") if plan.funding else None,
        "updated_at": event.occurred_at,
        "last_seq": event.seq,
    }
