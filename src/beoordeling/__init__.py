"""beoordeling: transformation plans through the IZA assessment framework.

The data flows one way: a plan comes in (``model``, ``planfile``), criteria read it, the workflow
moves it, the store remembers it, documents and statistics go out. This module re-exports the
public names; everything else may change without notice.
"""

from .criteria import Assessment, Judgement, RuleBook, Status, Step, evaluate, load_rules, statuses
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
