"""Checking a store: recompute the hash chain, then hold the versions and the register against it.

The chain proves that no stored event was changed, removed or moved. It cannot see events cut off
at the end, or a chain recomputed from scratch; a head hash recorded elsewhere (a letter carries
one) can: ``expect_head`` must still be a link of the chain.

Time is checked as well: from the first event that has a recorded time (schema 2 on) every event
has one, recorded times never run backwards, no event takes effect after it was recorded, and a
plan's events take effect in the order they were recorded (by Dutch calendar day).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from .._canonical import sha256_hex
from .._i18n import _
from .._time import local_date
from ..model import Plan, PlanState
from .events import GENESIS_HASH, EventType, event_hash, utc_text
from .records import projection_row

__all__ = ["VerifyReport", "verify_records"]


@dataclass(frozen=True)
class VerifyReport:
    """What verification found. ``ok`` only when there is nothing in ``problems``."""

    count: int
    head_hash: str
    store_id: str | None
    first_broken: int | None = None
    expected_head_at: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON data (``verify --format json`` and the demo's verify.json)."""
        return {
            "ok": self.ok,
            "events": self.count,
            "head": self.head_hash,
            "store_id": self.store_id,
            "first_broken": self.first_broken,
            "expected_head_at": self.expected_head_at,
            "problems": self.problems,
        }


def _row_hash(row: Row[Any], practice: bool) -> str:
    return event_hash(
        row.seq, row.type, row.actor, row.organisation, row.role, row.occurred_at_text, row.plan_id,
        row.plan_version, row.reason, row.payload, row.groups, row.rules_version, row.prev_hash,
        row.recorded_at_text, practice,
    )  # fmt: skip


def _describe(row: Row[Any]) -> str:
    if row.plan_id:
        return _("event {seq} ({type} of plan {plan} v{version})").format(
            seq=row.seq, type=row.type, plan=row.plan_id, version=row.plan_version
        )
    return _("event {seq} ({type})").format(seq=row.seq, type=row.type)


def _check_row(row: Row[Any], expected_seq: int, prev_hash: str, practice: bool) -> str | None:
    if row.seq != expected_seq:
        message = (
            _("events {first}-{last} are missing: the chain jumps from {before} to {seq}")
            if row.seq - expected_seq > 1
            else _("event {first} is missing: the chain jumps from {before} to {seq}")
        )
        return message.format(first=expected_seq, last=row.seq - 1, before=expected_seq - 1, seq=row.seq)
    if row.prev_hash != prev_hash:
        return _("{row} does not follow event {before}: events were removed, inserted or reordered").format(
            row=_describe(row), before=row.seq - 1
        )
    if _row_hash(row, practice) != row.hash:
        if row.recorded_at_text is not None and _row_hash(row, not practice) == row.hash:
            message = (
                _("{row} was recorded as a practice store's (simulated clock), which this store is not")
                if not practice
                else _("{row} was recorded as a real store's, which this store is not")
            )
            return message.format(row=_describe(row))
        return _("{row} was altered: its content no longer matches its hash").format(row=_describe(row))
    for column in ("occurred_at", "recorded_at"):
        moment, text = getattr(row, column), getattr(row, f"{column}_text")
        if (moment is None) != (text is None):
            return _("{row} was altered: its {column} column differs from the hashed time").format(
                row=_describe(row), column=column
            )
        if moment is not None and utc_text(moment if moment.tzinfo else moment.replace(tzinfo=UTC)) != text:
            return _("{row} was altered: its {column} column differs from the hashed time").format(
                row=_describe(row), column=column
            )
    return None


@dataclass
class _Times:
    """What the time checks remember while walking the chain."""

    recorded_from: int | None = None
    last_recorded: str | None = None
    last_effective: dict[str, tuple[Any, int]] = field(default_factory=dict)

    def check(self, row: Row[Any]) -> str | None:
        recorded = row.recorded_at_text
        if recorded is None:
            if self.recorded_from is not None:
                return _(
                    "{row} has no recorded time, but every event from event {recorded_from} on must have one"
                ).format(row=_describe(row), recorded_from=self.recorded_from)
            return None
        if self.recorded_from is None:
            self.recorded_from = row.seq
        if self.last_recorded is not None and recorded < self.last_recorded:
            return _("{row} is recorded at {recorded}, before the event ahead of it ({last_recorded})").format(
                row=_describe(row), recorded=recorded, last_recorded=self.last_recorded
            )
        self.last_recorded = recorded
        if row.occurred_at_text > recorded:
            return _("{row} takes effect at {occurred_at_text}, after it was recorded ({recorded})").format(
                row=_describe(row), occurred_at_text=row.occurred_at_text, recorded=recorded
            )
        if row.plan_id is not None:
            effective = local_date(datetime.fromisoformat(row.occurred_at_text))
            before = self.last_effective.get(row.plan_id)
            if before is not None and effective < before[0]:
                return _("{row} takes effect on {date}, before event {before} of the same plan ({before_date})").format(
                    row=_describe(row), date=effective.isoformat(), before=before[1], before_date=before[0].isoformat()
                )
            self.last_effective[row.plan_id] = (effective, row.seq)
        return None


def verify_records(
    event_rows: Iterable[Row[Any]],
    versions: Iterable[Row[Any]],
    register: Iterable[Row[Any]],
    store_id: str | None,
    expect_head: str | None,
    *,
    practice: bool = False,
    policies: Iterable[Row[Any]] = (),
) -> VerifyReport:
    problems: list[str] = []
    times = _Times()
    adopted: dict[int, str] = {}
    prev_hash, count, first_broken, expected_at = GENESIS_HASH, 0, None, None
    created: dict[tuple[str, int], str] = {}
    latest: dict[str, int] = {}
    states: dict[str, str] = {}
    moves: dict[str, _Moves] = {}
    for row in event_rows:
        problem = _check_row(row, count + 1, prev_hash, practice) or times.check(row)
        if problem:
            problems.append(problem)
            first_broken = count + 1
            break
        count, prev_hash = row.seq, row.hash
        if expect_head is not None and row.hash == expect_head:
            expected_at = row.seq
        if row.seq == 1:
            genesis = json.loads(row.payload)
            if row.type != EventType.STORE_INITIALISED or genesis.get("store_id") != store_id:
                problems.append(
                    _("event 1 does not name this store: the log was copied from, or mixed with, another store")
                )
            elif bool(genesis.get("practice", False)) != practice:
                problems.append(
                    _("event 1 made a practice store, but the store's settings say otherwise")
                    if genesis.get("practice")
                    else _("event 1 made a real store, but the store's settings say otherwise")
                )
        if row.plan_id and row.type.startswith(_REGISTERED):
            moves.setdefault(row.plan_id, _Moves(_aware(row.occurred_at))).last = (row.seq, _aware(row.occurred_at))
        if row.type in (EventType.PLAN_CREATED, EventType.PLAN_REVISED):
            created[(row.plan_id, row.plan_version)] = json.loads(row.payload)["content_hash"]
            latest[row.plan_id] = max(latest.get(row.plan_id, 0), row.plan_version)
        elif row.type == EventType.POLICY_ADOPTED:
            adopted[row.seq] = json.loads(row.payload).get("content_hash", "")
        elif row.type.startswith("workflow.") and row.plan_id:
            moved_to = json.loads(row.payload).get("to")
            if moved_to:
                states[row.plan_id] = moved_to

    if expect_head is not None and expected_at is None and first_broken is None:
        problems.append(
            _(
                "the expected head {value}... is not in the chain: events were cut off at the end, or "
                "the whole chain was recomputed"
            ).format(value=expect_head[:16])
        )
    if first_broken is None:
        versions = list(versions)
        problems.extend(_check_versions(versions, created))
        problems.extend(_check_policies(policies, adopted))
        # Only versions whose content still matches its hash say what the register should hold.
        contents = {(v.plan_id, v.version): v.content for v in versions if sha256_hex(v.content) == v.content_hash}
        problems.extend(_check_register(register, latest, states, contents, moves))
    return VerifyReport(count, prev_hash, store_id, first_broken, expected_at, problems)


def _check_versions(versions: Iterable[Row[Any]], created: dict[tuple[str, int], str]) -> list[str]:
    problems = []
    seen = set()
    for row in versions:
        key = (row.plan_id, row.version)
        seen.add(key)
        if sha256_hex(row.content) != row.content_hash:
            problems.append(
                _("version {version} of plan {plan_id} was altered: its content does not match its hash").format(
                    version=row.version, plan_id=row.plan_id
                )
            )
        elif created.get(key) != row.content_hash:
            problems.append(
                _("version {version} of plan {plan_id} is not the version its event recorded").format(
                    version=row.version, plan_id=row.plan_id
                )
            )
    for plan_id, version in sorted(set(created) - seen):
        problems.append(
            _("version {version} of plan {plan_id} was recorded by an event but is missing").format(
                version=version, plan_id=plan_id
            )
        )
    return problems


def _check_policies(policies: Iterable[Row[Any]], adopted: dict[int, str]) -> list[str]:
    """Each stored policy must be the one its policy.adopted event recorded, and each adoption stored."""
    problems = []
    seen = set()
    for row in policies:
        seen.add(row.seq)
        if sha256_hex(row.document) != row.content_hash:
            problems.append(
                _("the policy adopted by event {seq} was altered: its content does not match its hash").format(
                    seq=row.seq
                )
            )
        elif adopted.get(row.seq) != row.content_hash:
            problems.append(
                _("the policy stored for event {seq} is not the one that event adopted").format(seq=row.seq)
            )
    for seq in sorted(set(adopted) - seen):
        problems.append(_("the policy adopted by event {seq} is missing").format(seq=seq))
    return problems


_REGISTERED = ("plan.", "workflow.")
"""The events that write the register (plan versions and workflow moves); notes and other events leave it."""


@dataclass
class _Moves:
    created_at: datetime
    last: tuple[int, datetime] = (0, datetime.min)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_COLUMNS = ("title", "region", "region_reference", "theme", "sectors", "insurers", "requests_funds",
            "amount_requested", "created_at", "updated_at", "last_seq")  # fmt: skip


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_register(
    register: Iterable[Row[Any]],
    latest: dict[str, int],
    states: dict[str, str],
    contents: dict[tuple[str, int], str],
    moves: dict[str, _Moves],
) -> list[str]:
    """The register must list each plan at the version and in the state its events give, and every
    other column as a replay of its events and its latest version gives it, column by column."""
    problems = []
    listed = {}
    for row in register:
        listed[row.plan_id] = row.latest_version
        replayed = states.get(row.plan_id, PlanState.DRAFT.value)
        if row.state != replayed:
            problems.append(
                _("the register lists plan {plan_id} as {state}, its events as {replayed}").format(
                    plan_id=row.plan_id, state=row.state, replayed=replayed
                )
            )
        content = contents.get((row.plan_id, latest.get(row.plan_id, 0)))
        moved = moves.get(row.plan_id)
        if content is None or moved is None:
            continue  # reported below as a version the register and the events disagree on
        expected = _expected_row(content, row.latest_version, moved)
        for column in _COLUMNS:
            found = getattr(row, column)
            if isinstance(found, datetime):
                found = _aware(found)
            if column == "requests_funds":
                found = bool(found)
            if found != expected[column]:
                problems.append(
                    _(
                        "the register's {column} of plan {plan_id} is {found}, but its events and latest version "
                        "give {value}: the register was changed outside beoordeling"
                    ).format(column=column, plan_id=row.plan_id, found=_shown(found), value=_shown(expected[column]))
                )
    for plan_id in sorted(set(listed) | set(latest)):
        if listed.get(plan_id) != latest.get(plan_id):
            problems.append(
                _("the register lists plan {plan_id} at version {listed}, the events at {latest}").format(
                    plan_id=plan_id, listed=listed.get(plan_id), latest=latest.get(plan_id)
                )
            )
    return problems


def _expected_row(content: str, version: int, moved: _Moves) -> dict[str, Any]:
    """The register row that the plan's latest version and its last registered event give."""
    plan = Plan.model_validate(json.loads(content))
    seq, moment = moved.last
    row = projection_row(plan, version, _Moment(seq, moment))  # type: ignore[arg-type]
    row["created_at"] = moved.created_at
    return row


@dataclass(frozen=True)
class _Moment:
    """What projection_row reads of an event."""

    seq: int
    occurred_at: datetime
