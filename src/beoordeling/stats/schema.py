"""The published JSON Schema of the figures as JSON (``stats --format json``, ``-o FILE.json``).

The format is written down once, as typed dictionaries; the schema is generated from them
(:func:`stats_json_schema`), and the tests check every figure the tool writes against it with an
independent validator. A reader of the JSON needs nothing else: amounts are decimal strings in
euros, days are ISO dates, shares are fractions between 0 and 1.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter, with_config
from typing_extensions import TypedDict

from .evaluation import SCHEMA_ID

__all__ = ["stats_json_schema", "stats_json_schema_text"]

_STRICT = ConfigDict(extra="forbid")
Amount = Annotated[str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", description="An amount in euros, two decimals.")]
Day = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="A day (ISO 8601).")]
Share = Annotated[float, Field(ge=0, le=1)]
Count = Annotated[int, Field(ge=0)]


PeriodWithStart = TypedDict("PeriodWithStart", {"label": str, "from": Day | None, "to": Day})
with_config(_STRICT)(PeriodWithStart)


@with_config(_STRICT)
class CountJSON(TypedDict):
    step: Literal["quick-test", "plan", "funds", "milestones", "end"]
    outcome: str
    in_period: Count
    to_date: Count


QuickTestsJSON = TypedDict(
    "QuickTestsJSON",
    {"submitted": Count, "passed": Count, "rejected": Count, "more-information": Count, "open": Count},
)
with_config(_STRICT)(QuickTestsJSON)


@with_config(_STRICT)
class GroupJSON(TypedDict):
    split: Literal["region", "theme", "sector", "submitting-sector", "scale", "insurers"]
    group: Annotated[str, Field(description="The group's name; empty for the plans that do not say.")]
    quick_tests: QuickTestsJSON
    approved: Count
    not_approved: Count
    funded: Count


@with_config(_STRICT)
class ClockJSON(TypedDict):
    clock: Literal["quick-test", "proposed-decision", "final-decision"]
    decided: Count
    in_time: Count
    in_time_share: Share | None
    median_days: float | None
    p90_days: int | None
    late_days: list[int]
    running: Count
    overdue: Count


@with_config(_STRICT)
class OthersJSON(TypedDict):
    decided: Count
    passed: Count


@with_config(_STRICT)
class ComparisonJSON(TypedDict):
    step: Literal["quick-test", "plan"]
    split: str
    group: str
    decided: Count
    passed: Count
    rate: Share | None
    interval: Annotated[list[Share], Field(min_length=2, max_length=2, description="Wilson's 95% interval.")]
    others: OthersJSON
    p_value: Annotated[float | None, Field(description="Fisher's exact test, two-sided; null when too small.")]
    holm: Annotated[float | None, Field(description="Holm's adjusted p-value over every comparison.")]
    verdict: Literal["differs", "no-difference", "too-small"]


@with_config(_STRICT)
class CriterionJSON(TypedDict):
    step: str
    criterion: str
    title: str
    title_en: str
    failed: Count
    incomplete: Count
    decisions: Count


@with_config(_STRICT)
class BurdenJSON(TypedDict):
    decided: Count
    information_requests: Count
    information_requests_per_plan: float | None
    rework_rounds: Count
    rework_rounds_per_plan: float | None
    versions_median: float | None
    versions_max: int | None
    days_on_assessors_median: float | None
    days_on_submitters_median: float | None
    days_on_assessors_total: Count
    days_on_submitters_total: Count
    submitters_share: Share | None


@with_config(_STRICT)
class WaitingJSON(TypedDict):
    plans: Count
    amount: Amount


@with_config(_STRICT)
class MoneyRowJSON(TypedDict):
    dimension: Literal["earmark", "theme", "sector", "year"]
    name: str
    label: str
    label_en: str
    requested: Amount | None
    approved: Amount | None
    committed: Amount | None
    paid: Amount | None
    available: Amount | None
    lapsed: Amount | None


@with_config(_STRICT)
class MoneyJSON(TypedDict):
    on: Day
    total: Amount
    kinds: dict[str, Amount]
    requested: Amount
    approved: Amount
    waiting_list: WaitingJSON
    rows: list[MoneyRowJSON]
    unrecorded: Count
    problems: list[str]


@with_config(_STRICT)
class FiguresJSON(TypedDict):
    period: PeriodWithStart
    reading: Literal["known", "happened"]
    counts: list[CountJSON]
    quick_tests: QuickTestsJSON
    states: dict[str, Count]
    groups: list[GroupJSON]
    clocks: list[ClockJSON]
    comparisons: list[ComparisonJSON]
    criteria: list[CriterionJSON]
    burden: BurdenJSON | None
    money: MoneyJSON | None


EvaluationJSON = TypedDict(
    "EvaluationJSON",
    {
        "$schema": Literal["https://beoordeling.invalid/schemas/stats-1.json"],
        "as_of": str,
        "practice": bool,
        "min_decided": Annotated[int, Field(ge=1)],
        "period": PeriodWithStart,
        "reading": Literal["known", "happened"],
        "counts": list[CountJSON],
        "quick_tests": QuickTestsJSON,
        "states": dict[str, Count],
        "groups": list[GroupJSON],
        "clocks": list[ClockJSON],
        "comparisons": list[ComparisonJSON],
        "criteria": list[CriterionJSON],
        "burden": BurdenJSON | None,
        "money": MoneyJSON | None,
        "previous": FiguresJSON | None,
        "changes": list[str],
    },
)
with_config(_STRICT)(EvaluationJSON)


def stats_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the figures as JSON."""
    schema = TypeAdapter(EvaluationJSON).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "beoordeling: the programme's figures of a period",
        "description": (
            "The quarterly evaluation of the transformation plans (IZA): counts per step and outcome, where every "
            "quick test stands, the clocks, the pass rates per group, the criteria, the administrative burden and "
            "the money, as of the end of a period, with the same figures of the period before it."
        ),
        **{key: value for key, value in schema.items() if key != "title"},
    }


def stats_json_schema_text() -> str:
    return json.dumps(stats_json_schema(), indent=2, ensure_ascii=False) + "\n"
