"""The store: versions of plans and the hash-chained event log that records every change."""

from .events import Actor, Event, EventType, NewEvent
from .records import Head, PlanSummary, SaveResult, StoredPlan, VersionInfo
from .store import Store
from .verify import VerifyReport

__all__ = [
    "Actor",
    "Event",
    "EventType",
    "Head",
    "NewEvent",
    "PlanSummary",
    "SaveResult",
    "Store",
    "StoredPlan",
    "VerifyReport",
    "VersionInfo",
]
