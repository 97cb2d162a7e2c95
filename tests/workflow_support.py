"""Helpers for the workflow tests: the actors of the home-monitoring example and short walks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from beoordeling import Actor, Plan, Role, Store
from beoordeling.desk import Desk
from beoordeling.workflow import AMSTERDAM

from .conftest import Clock

PLAN_ID = "TP-2023-0014"
SUBMITTER = Actor("A. Bakker", "Ziekenhuis Noordwest", Role.SUBMITTER)
COORDINATOR = Actor("K. Smit", "Coöperatie VGZ", Role.COORDINATING_INSURER)
VGZ = Actor("V. de Wit", "Coöperatie VGZ", Role.MARKET_LEADER)
ZK = Actor("Z. Kok", "Zilveren Kruis", Role.MARKET_LEADER)
CZ = Actor("C. Visser", "CZ", Role.OTHER_INSURER)
NZA = Actor("N. Mulder", "NZa", Role.NZA)
BO_IZA = Actor("B. de Vries", "BO IZA", Role.BO_IZA)
LEADERS = (VGZ, ZK)


def set_day(clock: Clock, day: date) -> None:
    """Move the clock to noon (Dutch time) on ``day``."""
    clock.now = datetime.combine(day, time(12), AMSTERDAM).astimezone(UTC)


def stored_desk(store: Store, plan: Plan, clock: Clock, day: date) -> Desk:
    set_day(clock, day)
    store.save_plan(plan, SUBMITTER)
    return Desk(store)


def judge_all(desk: Desk, plan_id: str = PLAN_ID, verdict: str = "pass") -> None:
    """Both market leaders judge every criterion of the step under assessment that asks for it."""
    reason = None if verdict == "pass" else "onvoldoende onderbouwd"
    for criterion in desk.open_judgements(plan_id):
        for leader in LEADERS:
            desk.judge(plan_id, criterion, verdict, leader, reason=reason)


def both(desk: Desk, method: str, outcome: str, reason: str | None = None, plan_id: str = PLAN_ID) -> None:
    for leader in LEADERS:
        getattr(desk, method)(plan_id, outcome, leader, reason=reason)
