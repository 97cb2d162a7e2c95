"""The public API is a deliberate, sorted list; nothing becomes public by accident."""

from __future__ import annotations

from importlib.resources import files

import beoordeling


def test_public_names() -> None:
    """The names ``beoordeling`` exports, exactly."""
    assert [
        "Actor",
        "Assessment",
        "BeoordelingError",
        "ConfigurationError",
        "ConflictError",
        "Deadline",
        "Desk",
        "Event",
        "EventType",
        "Form",
        "FormError",
        "InputError",
        "Judgement",
        "NewEvent",
        "Plan",
        "PlanFileError",
        "PlanNotFound",
        "PlanReading",
        "PlanRecord",
        "PlanState",
        "Policy",
        "PolicyError",
        "Problem",
        "Refused",
        "RegionList",
        "Role",
        "RuleBook",
        "RulesError",
        "Status",
        "Step",
        "Store",
        "StoreError",
        "Trigger",
        "VerifyReport",
        "dump_plan",
        "evaluate",
        "load_forms",
        "load_plan",
        "load_plans",
        "load_policy",
        "load_regions",
        "load_rules",
        "parse_plan",
        "plan_json_schema",
        "read_plan",
        "read_workbook",
        "save_plan",
        "save_workbook",
        "statuses",
    ] == beoordeling.__all__
    assert sorted(beoordeling.__all__) == beoordeling.__all__
    for name in beoordeling.__all__:
        assert getattr(beoordeling, name) is not None


def test_errors_share_one_base() -> None:
    """The CLI catches one base class; every error the package raises on purpose derives from it."""
    for name in (
        "ConfigurationError", "ConflictError", "InputError", "PlanFileError", "PlanNotFound", "PolicyError", "Refused",
        "StoreError",
    ):  # fmt: skip
        assert issubclass(getattr(beoordeling, name), beoordeling.BeoordelingError)


def test_typed_marker_ships() -> None:
    """py.typed is part of the package, so type checkers use its annotations."""
    assert files("beoordeling").joinpath("py.typed").is_file()
