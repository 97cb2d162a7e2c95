"""The store: versions of plans and the hash-chained event log that records every change."""

from .asof import Reading, events_as_of
from .events import Actor, Event, EventType, NewEvent
from .records import Head, PlanSummary, SaveResult, StoredPlan, VersionInfo
from .store import PlanAppend, Selection, Store, UpgradeReport
from .verify import VerifyReport

__all__ = [
    "Actor",
    "Event",
    "EventType",
    "Head",
    "NewEvent",
    "PlanAppend",
    "PlanSummary",
    "Reading",
    "SaveResult",
    "Selection",
    "Store",
    "StoredPlan",
    "UpgradeReport",
    "VerifyReport",
    "VersionInfo",
    "events_as_of",
]
