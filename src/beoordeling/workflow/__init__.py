"""The workflow: one table of transitions, walked by one shared state machine.

    definition.TRANSITIONS ──▶ machine (transitions, auto_transitions off) ──▶ engine.act
    policy/*.yaml ──load_policy──▶ Policy (dated switches, clock settings, working days)
    events ──PlanRecord.replay──▶ state, clock, votes, judgements (a replay equals the live state)

Pure: nothing here reads or writes the store. :mod:`beoordeling.desk` does that.
"""

from .calendar import is_working_day, legal_holidays, next_working_day
from .definition import DECISIONS, TRANSITIONS, ClockName, Transition, Trigger, states_where, transition_for
from .engine import Draft, SystemActor, act
from .guards import organisations_for
from .policy import (
    ClockSetting,
    Policy,
    PolicyRule,
    default_policy,
    load_policy,
    policy_from_document,
    submission_refusals,
)
from .record import (
    AMSTERDAM,
    VOTE_EVENT,
    Comment,
    Escalation,
    PlanRecord,
    ReplayError,
    RunningClock,
    Vote,
    local_date,
)

__all__ = [
    "AMSTERDAM",
    "DECISIONS",
    "TRANSITIONS",
    "VOTE_EVENT",
    "ClockName",
    "ClockSetting",
    "Comment",
    "Draft",
    "Escalation",
    "PlanRecord",
    "Policy",
    "PolicyRule",
    "ReplayError",
    "RunningClock",
    "SystemActor",
    "Transition",
    "Trigger",
    "Vote",
    "act",
    "default_policy",
    "is_working_day",
    "legal_holidays",
    "load_policy",
    "local_date",
    "next_working_day",
    "organisations_for",
    "policy_from_document",
    "states_where",
    "submission_refusals",
    "transition_for",
]
