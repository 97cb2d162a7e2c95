"""Storing a plan version: its content, the event that records it and the register's row, in the
caller's write transaction (:meth:`Store.save_plans`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from .._canonical import canonical_json, sha256_hex
from .._i18n import _
from ..errors import ConflictError, StoreError
from ..model import Plan, PlanState
from . import _tables as t
from ._diff import changes
from .events import Actor, Event, EventType, NewEvent, plan_groups
from .records import SaveResult, projection_row

__all__ = ["save_version"]

Append = Callable[[Connection, Sequence[NewEvent]], list[Event]]


def _same_plan(stored: dict[str, Any], content: dict[str, Any]) -> bool:
    """Whether a stored version, read by today's model, is the plan being saved: a version written
    by an earlier release (an amount stored as ``1500`` before amounts were kept in cents) is not
    changed by importing it again unchanged."""
    try:
        return Plan.model_validate(stored).content() == content
    except ValueError:  # a stored version today's model no longer reads: then it differs
        return False


def save_version(
    conn: Connection, append: Append, plan: Plan, actor: Actor, *, reason: str | None, occurred_at: datetime | None
) -> SaveResult:
    """Store ``plan`` as its next version (version 1 when new); unchanged content stores nothing, and
    a change based on a version that is no longer the latest is a :class:`ConflictError`."""
    content = plan.content()
    text = canonical_json(content)
    digest = sha256_hex(text)
    current = conn.execute(select(t.plans).where(t.plans.c.plan_id == plan.id)).first()
    if current is None and plan.version is not None:
        raise StoreError(
            _(
                "plan {id!r} says it is based on version {version}, but this store does not hold that "
                "plan; remove the `version` line to import it as a new plan"
            ).format(id=plan.id, version=plan.version)
        )
    before: dict[str, Any] | None = None
    if current is not None:
        latest = conn.execute(
            select(t.plan_versions.c.content, t.plan_versions.c.content_hash).where(
                t.plan_versions.c.plan_id == plan.id, t.plan_versions.c.version == current.latest_version
            )
        ).one()
        if latest.content_hash == digest:
            return SaveResult(plan.id, current.latest_version, False, None)
        before = json.loads(latest.content)
        if _same_plan(before, content):
            return SaveResult(plan.id, current.latest_version, False, None)
        if plan.version != current.latest_version:
            raise ConflictError(plan.id, plan.version, current.latest_version)
    version = 1 if current is None else current.latest_version + 1
    event_type = EventType.PLAN_CREATED if version == 1 else EventType.PLAN_REVISED
    payload: dict[str, Any] = {"version": version, "content_hash": digest, "title": plan.title}
    if before is not None:
        payload["based_on"] = version - 1
        payload["changes"] = changes(before, content)
    [event] = append(
        conn,
        [NewEvent(event_type, actor, plan.id, version, reason, payload, plan_groups(plan), None, occurred_at)],
    )
    conn.execute(
        t.plan_versions.insert(),
        {
            "plan_id": plan.id,
            "version": version,
            "content": text,
            "content_hash": digest,
            "created_seq": event.seq,
            "created_at": event.recorded_at or event.occurred_at,
        },
    )
    summary = projection_row(plan, version, event)
    if current is None:
        conn.execute(t.plans.insert(), {**summary, "state": PlanState.DRAFT.value, "created_at": event.occurred_at})
    else:
        conn.execute(t.plans.update().where(t.plans.c.plan_id == plan.id), summary)
    return SaveResult(plan.id, version, True, event)
