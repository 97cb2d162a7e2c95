"""Plan files: every example loads, and YAML and JSON round-trip exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from beoordeling import Plan, dump_plan, load_plan, parse_plan, plan_json_schema, save_plan
from beoordeling.model import CostCategory

from .conftest import EXAMPLES
from .strategies import plans


def test_there_are_enough_examples(example_plans: dict[str, Plan]) -> None:
    """The examples cover the kinds of plan the issue names, one of them a draft without funds."""
    assert len(example_plans) >= 6
    assert any(plan.funding is None and plan.full_plan.smart_agreements for plan in example_plans.values())
    assert any(not plan.insurers.market_leaders for plan in example_plans.values()), "an incomplete draft"
    assert len({plan.region.name for plan in example_plans.values() if plan.region}) >= 6
    assert len({plan.theme for plan in example_plans.values()}) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_examples_round_trip(path: Path, fmt: str, tmp_path: Path) -> None:
    """Writing an example and reading it back gives an equal plan and the very same text."""
    plan = load_plan(path)
    target = tmp_path / f"plan.{fmt}"
    save_plan(plan, target)
    again = load_plan(target)
    assert plan == again
    assert target.read_text(encoding="utf-8") == dump_plan(again, fmt)  # type: ignore[arg-type]


def test_money_stays_decimal_and_exact(example_plans: dict[str, Plan]) -> None:
    """Amounts are Decimals with their cents, and totals add up per year, sector and party."""
    funding = example_plans["mgn-achterhoek-liemers"].funding
    assert funding is not None
    assert Decimal("15600000.00") == funding.total
    assert funding.total == sum(funding.by_year().values())
    assert funding.total == sum(funding.by_sector().values())
    assert funding.total == sum(funding.by_party().values())
    assert {2025: Decimal("1800000.00"), 2026: Decimal("8800000.00"), 2027: Decimal("3500000.00"),
            2028: Decimal("1500000.00")} == funding.by_year()  # fmt: skip
    assert all(isinstance(line.amount, Decimal) for line in funding.lines)


def test_non_fundable_costs_are_recognisable(example_plans: dict[str, Plan]) -> None:
    """Structural costs (BK §5.6 lid 2) stand out from the fundable one-off costs."""
    funding = example_plans["eerstelijn-zeeland"].funding
    assert funding is not None
    assert ["Huur gezondheidscentra"] == [line.description for line in funding.non_fundable()]
    assert CostCategory.STRUCTURAL.fundable is False
    assert CostCategory.START_UP.fundable is True
    assert CostCategory.PLAN_WRITING.fundable is None


def test_json_amounts_are_exact_text() -> None:
    """JSON written by us carries amounts as exact decimal text; JSON numbers are read exactly too."""
    text = (
        '{"id": "TP-1", "title": "J", "parties": [{"name": "A", "role": "zorgaanbieder"}],'
        ' "funding": {"lines": [{"year": 2025, "sector": "ggz", "party": "A", "category": "opstartkosten",'
        ' "amount": 0.10}]}}'
    )
    plan = parse_plan(text, "plan.json", "json")
    assert plan.funding is not None
    assert Decimal("0.10") == plan.funding.lines[0].amount
    assert "0.10" == json.loads(dump_plan(plan, "json"))["funding"]["lines"][0]["amount"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_any_plan_round_trips_through_yaml_and_json(plan: Plan) -> None:
    """Whatever a submitter types (YAML-like, number-like, multi-line text), files give it back."""
    for fmt in ("yaml", "json"):
        text = dump_plan(plan, fmt)
        again = parse_plan(text, "generated", fmt)
        assert plan == again
        assert text == dump_plan(again, fmt)


def test_schema_describes_the_plan() -> None:
    """The published JSON Schema names the plan's fields and forbids unknown ones."""
    schema = plan_json_schema()
    assert "https://json-schema.org/draft/2020-12/schema" == schema["$schema"]
    assert {"id", "title", "quick_test", "full_plan", "funding", "publication"} <= set(schema["properties"])
    assert ["id", "title"] == sorted(schema["required"])
    assert schema["additionalProperties"] is False


def test_saving_is_atomic(tmp_path: Path, example_plans: dict[str, Plan]) -> None:
    """A failed write leaves the old file in place and no temporary files behind."""
    target = tmp_path / "plan.yaml"
    target.write_text("oud\n")
    with pytest.raises(Exception, match="unknown file type"):
        save_plan(example_plans["concept-acute-ggz"], tmp_path / "plan.txt")
    save_plan(example_plans["concept-acute-ggz"], target)
    assert [target] == list(tmp_path.iterdir())
