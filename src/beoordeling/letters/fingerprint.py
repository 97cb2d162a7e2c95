"""A letter's document number and fingerprint: what ties the paper to the record.

The fingerprint is a SHA-256 over the store's identity, the document number, the plan version (and
its content hash), the rules version and the decision event (its number and chained hash). The
event hash already covers every earlier event of the store, so a letter's fingerprint can only be
recomputed from the store it came from, as it stood when the decision was recorded.
"""

from __future__ import annotations

import re

from .._canonical import canonical_json, sha256_hex
from ..store import Event
from .kinds import LetterKind

__all__ = ["DOCUMENT_PATTERN", "document_number", "fingerprint"]

DOCUMENT_PATTERN = re.compile(r"\b([A-Z0-9][A-Z0-9-]{2,60})-B(\d{5,})\b")
"""How a document number reads in a letter's text: the plan id, ``-B`` and the event number."""


def document_number(plan_id: str, seq: int) -> str:
    """The letter of event ``seq`` of plan ``plan_id``: ``TP-2023-0014-B00041``."""
    return f"{plan_id}-B{seq:05d}"


def fingerprint(store_id: str, kind: LetterKind, event: Event, plan_hash: str) -> str:
    if event.plan_id is None:
        raise ValueError(f"event {event.seq} concerns no plan; it has no letter")
    record = {
        "store": store_id,
        "document": document_number(event.plan_id, event.seq),
        "kind": kind.value,
        "plan": {"id": event.plan_id, "version": event.plan_version, "content_hash": plan_hash},
        "rules_version": event.rules_version,
        "event": {"seq": event.seq, "type": event.type, "hash": event.hash},
    }
    return sha256_hex(canonical_json(record))
