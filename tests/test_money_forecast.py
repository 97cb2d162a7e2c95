"""The forecast of the funds on the demo's practice store, its backtest, and its outputs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling import PlanState, Store
from beoordeling.cli import cli
from beoordeling.money import cents
from beoordeling.money.forecast import PRIOR_SHARE, backtest, forecast
from beoordeling.store import Event

from .test_cli_money import demo_store  # noqa: F401 - the module's demo store fixture

QUEUED = "TP-2023-0015"
Known = tuple[list[Event], dict[str, int]]
"""The demo store's events and what each plan asks, in cents."""


@pytest.fixture(scope="module")
def store_events(demo_store: Path) -> Known:  # noqa: F811
    with Store.open(str(demo_store)) as store:
        events = list(store.events())
        asked: dict[str, int] = {}
        for summary in store.plans():
            plan = store.plan(summary.plan_id).plan
            asked[summary.plan_id] = cents(plan.funding.total) if plan.funding else 0
    return events, asked


def test_the_funds_run_out_when_the_next_plan_is_expected_to_be_approved(store_events: Known) -> None:
    """On 1 October 2024 EUR 0.8m is left and the second tranche is being worked out: the store
    shows every plan that got that far approved, in a median of 112 days, so the money runs out
    when it is expected to be approved."""
    events, asked = store_events
    found = forecast(events, date(2024, 10, 1), asked.__getitem__)
    assert (cents("800000.00"), 0, date(2025, 1, 21)) == (found.available, found.queue, found.exhausted_on)
    [claim] = found.claims
    assert (QUEUED, PlanState.QUICK_TEST_POSITIVE, 1.0, False) == (
        claim.plan_id,
        claim.state,
        claim.share,
        claim.funded,
    )
    rates = {rate.stage: (rate.approved, rate.failed, rate.median_days) for rate in found.rates}
    assert {"quick-test": (2, 1, 133), "preparation": (2, 0, 112), "assessment": (2, 0, 42)} == rates
    assert any("2 of 3 plans approved, in a median of 133 days" in a for a in found.assumptions)


def test_a_step_the_store_never_saw_finish_is_assumed_and_said_to_be(store_events: Known) -> None:
    events, asked = store_events
    found = forecast(events, date(2023, 3, 10), asked.__getitem__)
    assert all(rate.share == PRIOR_SHARE for rate in found.rates)
    assert any("no plan has finished this step yet; assumed 50% approved" in a for a in found.assumptions)


def test_the_backtest_compares_with_what_happened(store_events: Known) -> None:
    """Made on 1 October 2024: the claim came as forecast; the money ran out on 24 February 2025
    (the approval of the plan that then had to wait), 34 days after the forecast's day."""
    events, asked = store_events
    tested = backtest(events, date(2024, 10, 1), date(2025, 12, 31), asked.__getitem__)
    assert (cents("24600000.00"), cents("24600000.00"), 0) == (
        tested.predicted_claims, tested.actual_claims, tested.claims_error
    )  # fmt: skip
    assert (date(2025, 2, 24), -34) == (tested.actual_exhausted_on, tested.days_error)


def test_forecast_in_the_terminal_and_as_files(demo_store: Path, tmp_path: Path) -> None:  # noqa: F811
    runner = CliRunner()
    base = ["--store", str(demo_store), "forecast", "--on", "2024-10-01"]
    shown = runner.invoke(cli, [*base, "--backtest"])
    assert 0 == shown.exit_code, shown.output
    assert "the funds run out: 21 January 2025" in shown.output
    assert "forecast made on 1 October 2024" in shown.output
    data = tmp_path / "prognose.json"
    assert 0 == runner.invoke(cli, [*base, "--backtest", "-o", str(data)]).exit_code
    document = json.loads(data.read_text(encoding="utf-8"))
    assert ("2025-01-21", -34) == (document["exhausted_on"], document["backtest"]["days_error"])
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for path in (first, second):
        assert 0 == runner.invoke(cli, [*base, "-o", str(path)]).exit_code
    assert first.read_bytes() == second.read_bytes()  # the same figures, the same file
    assert "Uitgeput: 21 januari 2025" in first.read_text(encoding="utf-8")
    png = tmp_path / "p.png"
    assert 0 == runner.invoke(cli, [*base, "-o", str(png)]).exit_code
    assert png.read_bytes().startswith(b"\x89PNG")
    wrong = runner.invoke(cli, [*base, "-o", str(tmp_path / "p.pdf")])
    assert (2, None) == (wrong.exit_code, None if isinstance(wrong.exception, SystemExit) else wrong.exception)
    assert "expected a .png, .svg or .json file" in wrong.output
