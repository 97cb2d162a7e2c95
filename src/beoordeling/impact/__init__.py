"""Rules impact: what a change of criteria would do to every plan in the store.

Store ──plans──▶ criteria now ─┐
                               ├─ compare ──▶ Impact (per step, criterion, group; each changed plan)
             ──▶ other criteria ┘                 │
                                 terminal, workbook (.xlsx), JSON ◀┘
"""

from .compare import (
    SPLITS,
    Basis,
    CriterionChange,
    CriterionImpact,
    Direction,
    GroupImpact,
    Impact,
    PlanChange,
    Side,
    StepImpact,
    impact,
)

__all__ = [
    "SPLITS",
    "Basis",
    "CriterionChange",
    "CriterionImpact",
    "Direction",
    "GroupImpact",
    "Impact",
    "PlanChange",
    "Side",
    "StepImpact",
    "impact",
]
