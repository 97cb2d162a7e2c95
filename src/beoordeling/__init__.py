"""beoordeling: transformation plans through the IZA assessment framework.

The data flows one way: a plan comes in (``model``, ``planfile``), criteria read it, the workflow
moves it, the store remembers it, documents and statistics go out. This module re-exports the
public names; everything else may change without notice.
"""

from .criteria import Assessment, Judgement, RuleBook, Status, Step, evaluate, load_rules, statuses
from .errors import (
    BeoordelingError,
    ConfigurationError,
    ConflictError,
    InputError,
    PlanFileError,
    PlanNotFound,
    Problem,
    RulesError,
    StoreError,
)
from .model import Plan, PlanState, Role
from .planfile import dump_plan, load_plan, load_plans, parse_plan, plan_json_schema, save_plan
from .reference import RegionList, load_regions
from .store import Actor, Event, EventType, NewEvent, Store, VerifyReport

__all__ = [
    "Actor",
    "Assessment",
    "BeoordelingError",
    "ConfigurationError",
    "ConflictError",
    "Event",
    "EventType",
    "InputError",
    "Judgement",
    "NewEvent",
    "Plan",
    "PlanFileError",
    "PlanNotFound",
    "PlanState",
    "Problem",
    "RegionList",
    "Role",
    "RuleBook",
    "RulesError",
    "Status",
    "Step",
    "Store",
    "StoreError",
    "VerifyReport",
    "dump_plan",
    "evaluate",
    "load_plan",
    "load_plans",
    "load_regions",
    "load_rules",
    "parse_plan",
    "plan_json_schema",
    "save_plan",
    "statuses",
]
