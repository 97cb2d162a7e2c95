"""beoordeling: transformation plans through the IZA assessment framework.

The data flows one way: a plan comes in (``model``, ``planfile``), criteria read it, the workflow
moves it, the store remembers it, documents and statistics go out. This module re-exports the
public names; everything else may change without notice.

Importing the package is cheap: each public name is imported from its module when it is first used
(PEP 562), so that ``beoordeling --help`` does not load the store, SQLAlchemy, WeasyPrint, openpyxl
or the criteria engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from .criteria import Assessment, Judgement, RuleBook, Status, Step, evaluate, load_rules, statuses  # type: ignore[no-redef]  # mypy also counts the submodule criteria.evaluate
    from .desk import Deadline, Desk
    from .errors import (
        BeoordelingError,
        ConfigurationError,
        ConflictError,
        FormError,
        InputError,
        PlanFileError,
        PlanNotFound,
        PolicyError,
        Problem,
        Refused,
        RulesError,
        StoreError,
    )
    from .forms import Form, load_forms, read_workbook, save_workbook
    from .model import Plan, PlanState, Role
    from .planfile import (
        PlanReading,
        dump_plan,
        load_plan,
        load_plans,
        parse_plan,
        plan_json_schema,
        read_plan,
        save_plan,
    )
    from .reference import RegionList, load_regions
    from .store import Actor, Event, EventType, NewEvent, Store, VerifyReport
    from .workflow import PlanRecord, Policy, Trigger, load_policy

_EXPORTS = {
    # criteria
    "Assessment": ".criteria",
    "Judgement": ".criteria",
    "RuleBook": ".criteria",
    "Status": ".criteria",
    "Step": ".criteria",
    "evaluate": ".criteria",
    "load_rules": ".criteria",
    "statuses": ".criteria",
    # desk
    "Deadline": ".desk",
    "Desk": ".desk",
    # errors
    "BeoordelingError": ".errors",
    "ConfigurationError": ".errors",
    "ConflictError": ".errors",
    "FormError": ".errors",
    "InputError": ".errors",
    "PlanFileError": ".errors",
    "PlanNotFound": ".errors",
    "PolicyError": ".errors",
    "Problem": ".errors",
    "Refused": ".errors",
    "RulesError": ".errors",
    "StoreError": ".errors",
    # forms
    "Form": ".forms",
    "load_forms": ".forms",
    "read_workbook": ".forms",
    "save_workbook": ".forms",
    # model
    "Plan": ".model",
    "PlanState": ".model",
    "Role": ".model",
    # planfile
    "PlanReading": ".planfile",
    "dump_plan": ".planfile",
    "load_plan": ".planfile",
    "load_plans": ".planfile",
    "parse_plan": ".planfile",
    "plan_json_schema": ".planfile",
    "read_plan": ".planfile",
    "save_plan": ".planfile",
    # reference
    "RegionList": ".reference",
    "load_regions": ".reference",
    # store
    "Actor": ".store",
    "Event": ".store",
    "EventType": ".store",
    "NewEvent": ".store",
    "Store": ".store",
    "VerifyReport": ".store",
    # workflow
    "PlanRecord": ".workflow",
    "Policy": ".workflow",
    "Trigger": ".workflow",
    "load_policy": ".workflow",
}

__all__ = [
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
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'beoordeling' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # once imported, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
