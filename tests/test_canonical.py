"""Canonical JSON and event hashes: the same text everywhere, and no two events alike."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from beoordeling._canonical import canonical_json
from beoordeling.store.events import event_hash

json_data = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(json_data)
def test_fast_encoder_matches_the_standard_one(data: object) -> None:
    """The fast path gives exactly the text of json.dumps with canonical options."""
    expected = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    assert expected == canonical_json(data)


optional_text = st.none() | st.text(max_size=6)


@given(
    st.tuples(st.text(max_size=6), optional_text, optional_text),
    st.tuples(st.text(max_size=6), optional_text, optional_text),
)
def test_different_fields_give_different_hashes(a: tuple[str, ...], b: tuple[str, ...]) -> None:
    """Moving text between fields, or None versus empty text, never gives the same hash."""

    def digest(fields: tuple[str | None, ...]) -> str:
        type_, reason, rules = fields
        return event_hash(1, str(type_), "a", "o", "r", "t", None, None, reason, "{}", "{}", rules, "0" * 64)

    assert (a == b) == (digest(a) == digest(b))
