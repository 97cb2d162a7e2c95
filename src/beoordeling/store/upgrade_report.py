"""What an upgrade of a store did (returned by :meth:`Store.upgrade`)."""

from __future__ import annotations

from dataclasses import dataclass

from .events import Event

__all__ = ["UpgradeReport"]


@dataclass(frozen=True)
class UpgradeReport:
    """The schema before and after, and the chain's head before the upgrade and after its own event
    (``event`` is None when there was nothing to do)."""

    from_version: str
    to_version: str
    head_before: str
    head_after: str
    event: Event | None
