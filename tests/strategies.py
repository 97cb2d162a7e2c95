"""Hypothesis strategies in one place: plan text, amounts and whole plans."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from beoordeling.model import CostCategory, Plan, Sector
from beoordeling.model._types import _INVISIBLE

# Anything a submitter may type: any printable text, including YAML- and formula-like values.
# C1 controls and bidi controls are refused by the model, and so is text that shows nothing.
_REFUSED = "".join(chr(c) for c in [*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_chars = st.characters(exclude_categories=["Cs"], exclude_characters="\x00\r\x0b\x0c\u2028\u2029" + _REFUSED)
_ALLOWED_CONTROL = {"\n", "\t"}


def _clean(text: str) -> bool:
    return not _INVISIBLE.fullmatch(text) and all(
        ch in _ALLOWED_CONTROL or not (ord(ch) < 32 or ord(ch) == 127) for ch in text
    )


long_text = st.text(_chars, min_size=1, max_size=300).map(str.strip).filter(lambda s: bool(s) and _clean(s))
short_text = long_text.map(lambda s: " ".join(s.split())[:300]).filter(_clean)
tricky_text = st.sampled_from(
    ["yes", "no", "null", "~", "123", "1.50", "2025-02-01", "- item", "a: b", "#hash", "'quoted'", '"dq"',
     "=SUM(A1)", "@naam", "€ 1.000,00", "regel 1\nregel 2", "  ingesprongen", "Zoë & Anaïs <b>"]
)  # fmt: skip

amounts = st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2, allow_nan=False)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """A valid plan with random text, parties, cost lines and milestones."""
    text = st.one_of(short_text, tricky_text.filter(lambda s: "\n" not in s and s == s.strip()))
    names = draw(st.lists(text, min_size=1, max_size=4, unique_by=str.casefold))
    lines = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "year": st.integers(2023, 2028),
                    "sector": st.sampled_from([s.value for s in Sector]),
                    "party": st.sampled_from(names),
                    "category": st.sampled_from([c.value for c in CostCategory]),
                    "amount": amounts,
                    "description": st.one_of(st.none(), text),
                }
            ),
            max_size=6,
        )
    )
    milestones = [
        {
            "id": f"M{i + 1}",
            "description": draw(st.one_of(long_text, tricky_text)),
            "obligation": draw(st.sampled_from(["inspanning", "resultaat"])),
            "amount": draw(amounts),
            "due": draw(st.dates(date(2023, 1, 1), date(2030, 12, 31))),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    data = {
        "id": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)),
        "title": draw(text),
        "summary": draw(st.one_of(st.none(), long_text, tricky_text)),
        "parties": [{"name": name, "role": "zorgaanbieder"} for name in names],
        "quick_test": {"bottlenecks": draw(st.one_of(st.none(), long_text))},
        "funding": {"lines": lines, "milestones": milestones} if draw(st.booleans()) else None,
    }
    return Plan.model_validate(data)


# A day's worth of workflow: how far the store's clock moves on, which action on which plan, and how
# many days back its actor dates it (negative: a date in the future; None: not stated).
dated_actions = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=9),
        st.sampled_from(["submit", "request-info", "answer", "withdraw", "note"]),
        st.sampled_from([0, 1]),
        st.one_of(st.none(), st.integers(min_value=-3, max_value=20)),
    ),
    min_size=1,
    max_size=14,
)
