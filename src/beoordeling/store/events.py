"""Events: the store's only record of change, each hashed and chained to the one before.

An event says what happened to which plan version, who did it for which organisation in which
role, when, why, and with which rules version. Its hash covers all of that plus the previous hash,
so changing, removing or reordering any stored event breaks the chain from that point on.

An event has two times. ``recorded_at`` is when the store wrote it, by the store's own clock (UTC),
never a value an actor typed; ``occurred_at`` is the moment the event takes effect, which an actor
may state (``--on``) within bounds the desk enforces and the store checks: never after
``recorded_at``. Clocks, dated policies and the rules edition count from ``occurred_at``. In a
practice store (``init --practice``) the store's clock is a simulated one, and every event's hash
says so: a practice event can never pass for a real one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from .._canonical import sha256_hex
from .._i18n import _
from ..errors import InputError, Problem
from ..model import Plan, Role

__all__ = ["GENESIS_HASH", "Actor", "Event", "EventType", "NewEvent", "event_hash", "plan_groups"]

GENESIS_HASH = "0" * 64


class EventType(StrEnum):
    """What an event records. The workflow adds its own types; these are the store's."""

    STORE_INITIALISED = "store.initialised"
    STORE_UPGRADED = "store.upgraded"
    POLICY_ADOPTED = "policy.adopted"
    PROGRAMME_ADOPTED = "programme.adopted"
    PLAN_CREATED = "plan.created"
    PLAN_REVISED = "plan.revised"


@dataclass(frozen=True)
class Actor:
    """Who acts, for which organisation, in which role."""

    name: str
    organisation: str
    role: Role

    def __post_init__(self) -> None:
        if not isinstance(self.role, Role):
            object.__setattr__(self, "role", Role(self.role))

    @classmethod
    def parse(cls, identity: str, role: Role | str) -> Actor:
        """Read ``ORGANISATION/person`` (as the CLI's ``--as`` takes it)."""
        organisation, sep, name = identity.partition("/")
        if not sep or not organisation.strip() or not name.strip():
            raise InputError(
                [
                    Problem(
                        _(
                            "expected ORGANISATION/person, for example 'Zilveren Kruis/J. Jansen'; found {identity!r}"
                        ).format(identity=identity)
                    )
                ]
            )
        try:
            return cls(name.strip(), organisation.strip(), Role(role))
        except ValueError:
            roles = ", ".join(r.value for r in Role)
            raise InputError(
                [Problem(_("unknown role {role!r}; expected one of {roles}").format(role=role, roles=roles))]
            ) from None

    def __str__(self) -> str:
        return f"{self.organisation}/{self.name} ({self.role.value})"


@dataclass(frozen=True)
class NewEvent:
    """An event to append; the store assigns its number, its recorded time and its hashes.
    ``occurred_at`` is the moment it takes effect when an actor stated one (default: when it is
    recorded)."""

    type: str
    actor: Actor
    plan_id: str | None = None
    plan_version: int | None = None
    reason: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)
    groups: Mapping[str, Any] = field(default_factory=dict)
    rules_version: str | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """A stored event. ``occurred_at`` is when it took effect (what clocks count from);
    ``recorded_at`` when the store wrote it (None only for events written before the store kept
    it, schema 1)."""

    seq: int
    type: str
    actor: Actor
    occurred_at: datetime
    plan_id: str | None
    plan_version: int | None
    reason: str | None
    payload: dict[str, Any]
    groups: dict[str, Any]
    rules_version: str | None
    prev_hash: str
    hash: str
    recorded_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """The event as JSON data (``history --format json``, the demo's history files)."""
        return {
            "seq": self.seq,
            "type": self.type,
            "occurred_at": self.occurred_at.isoformat(),
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "actor": self.actor.name,
            "organisation": self.actor.organisation,
            "role": self.actor.role.value,
            "plan_id": self.plan_id,
            "plan_version": self.plan_version,
            "reason": self.reason,
            "rules_version": self.rules_version,
            "payload": self.payload,
            "hash": self.hash,
        }


def utc_text(moment: datetime) -> str:
    """The one text of a moment that hashes use: UTC, microseconds, explicit offset."""
    if moment.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(  # noqa: PLR0917  (positional on purpose, see docstring)
    seq: int,
    type: str,
    actor: str,
    organisation: str,
    role: str,
    occurred_at: str,
    plan_id: str | None,
    plan_version: int | None,
    reason: str | None,
    payload: str,
    groups: str,
    rules_version: str | None,
    prev_hash: str,
    recorded_at: str | None = None,
    practice: bool = False,
) -> str:
    """SHA-256 over an event's stored fields and the previous hash, in the order of the table.

    Each field is written as ``<length>:<text>`` (``-`` for a missing value), one after the other:
    a prefix code, so no two different events give the same text. The recorded time comes last,
    tagged ``R`` for the store's real clock and ``P`` for a practice store's simulated one; an event
    written before the store kept that time (schema 1) has none, and hashes as it always did.
    ``payload`` and ``groups`` are their stored canonical JSON texts, so the hash can be checked
    from the database row as it is, on any database, without parsing. Positional on purpose: it
    runs once per appended event.
    """
    n = str(seq)
    v = "-" if plan_version is None else f"{len(str(plan_version))}:{plan_version}"
    p = "-" if plan_id is None else f"{len(plan_id)}:{plan_id}"
    r = "-" if reason is None else f"{len(reason)}:{reason}"
    rv = "-" if rules_version is None else f"{len(rules_version)}:{rules_version}"
    text = (
        f"{len(n)}:{n}{len(type)}:{type}{len(actor)}:{actor}{len(organisation)}:{organisation}"
        f"{len(role)}:{role}{len(occurred_at)}:{occurred_at}{p}{v}{r}{len(payload)}:{payload}"
        f"{len(groups)}:{groups}{rv}{len(prev_hash)}:{prev_hash}"
    )
    if recorded_at is not None:
        text += f"{'P' if practice else 'R'}{len(recorded_at)}:{recorded_at}"
    return sha256_hex(text)


def plan_groups(plan: Plan) -> dict[str, Any]:
    """The groups a plan's events count under in the statistics: region, theme, sectors, the
    submitting sector (*indienende sector*, one of the dimensions the published overviews split by:
    the sector of the lead party, listed first), scale and insurers."""
    lead = plan.parties[0].sector if plan.parties else None
    return {
        "region": plan.region.name if plan.region else None,
        "region_reference": plan.region.reference if plan.region else None,
        "theme": plan.theme.value if plan.theme else None,
        "sectors": [sector.value for sector in plan.sectors],
        **({"submitting_sector": lead.value} if lead else {}),
        **({"scale": plan.scale.value} if plan.scale else {}),
        "market_leaders": list(plan.insurers.market_leaders),
        "coordinating": plan.insurers.coordinating,
        "insurers": plan.insurers.all,
        "requests_funds": plan.requests_funds,
    }
