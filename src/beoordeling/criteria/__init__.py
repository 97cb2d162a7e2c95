"""Criteria as data: the framework's rules read from ``rules/``, checked against the plan model,
compiled once per rules version and applied to plans with a trace of what they read.

    rules/*.yaml ──load_rules──▶ RuleBook ──edition(on, insurers)──▶ Edition
    Plan + Edition + judgements ──evaluate──▶ Assessment (per step, per criterion)
"""

from .book import Criterion, Edition, RuleBook, default_rules, load_rules
from .carry import carry_over
from .evaluate import (
    check_judgements,
    deciding_insurers,
    default_steps,
    edition_for,
    evaluate,
    statuses,
    step_outcomes,
)
from .results import (
    Assessment,
    Citation,
    CriterionResult,
    EvidenceResult,
    Judgement,
    Outcome,
    Read,
    Status,
    StepResult,
    Verdict,
)
from .spec import Kind, Step

__all__ = [
    "Assessment",
    "Citation",
    "Criterion",
    "CriterionResult",
    "Edition",
    "EvidenceResult",
    "Judgement",
    "Kind",
    "Outcome",
    "Read",
    "RuleBook",
    "Status",
    "Step",
    "StepResult",
    "Verdict",
    "carry_over",
    "check_judgements",
    "deciding_insurers",
    "default_rules",
    "default_steps",
    "edition_for",
    "evaluate",
    "load_rules",
    "statuses",
    "step_outcomes",
]
