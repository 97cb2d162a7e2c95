"""Evaluate the full rule set for 10,000 generated plans vs the same checks written by hand, in one run.

Three timings over the same plans (variants of the examples with parts left out and values changed,
see tests/plan_variants.py), on 1 July 2025 (every criterion of quick test, plan and funding in
force, the VGZ overlay where VGZ decides):

- hand: the checks of rules/ written directly in Python, giving the status per criterion;
- statuses: ``beoordeling.criteria.statuses`` (generated code, no traces); goal at most 1.5x hand;
- evaluate: ``beoordeling.criteria.evaluate`` (the full traced evaluation: per criterion its status,
  the evidence present, the values read and the values its explanation names); goal at most 3x.
  Result objects, Dutch explanations and read summaries are written out when a reader asks;
- evaluate, all read: the same, with every result written out (``Assessment.as_dict``), which is
  what storing a decision does; reported, no goal.

Each engine runs in turns with the hand-written checks (``bench/_timing.paired``), and the ratio is
the median of the pairs. Before timing, the hand-written statuses are compared with the engine's
for every plan, so the baseline checks exactly what the rules check.

    python bench/criteria_eval.py [--plans 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.plan_variants import example_data, variant

from _timing import paired
from beoordeling.criteria import Status, default_rules, evaluate, statuses
from beoordeling.model import Plan

ON = date(2025, 7, 1)
P, F, INC, J, NA = Status.PASS, Status.FAIL, Status.INCOMPLETE, Status.NEEDS_JUDGEMENT, Status.NOT_APPLICABLE
VGZ = {"vgz", "coöperatie vgz", "cooperatie vgz"}
PRIORITY = {"mgn", "zorgcoordinatie", "spreiding-en-concentratie"}
SUSTAINABLE = ("zonnepane", "zonne-energie", "zonnecollector", "isolatie", "isoleren", "warmtepomp", "ledverlichting",
               "led-verlichting", "verduurzam", "energiebesparing", "energielabel", "hr++", "laadpa")  # fmt: skip


def present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value)
    return True


def plus_five(day: date) -> date:
    try:
        return day.replace(year=day.year + 5)
    except ValueError:
        return day.replace(year=day.year + 5, day=28)


def hand(plan: Plan) -> dict[str, Status]:  # noqa: PLR0915 - the point is to write it out
    """The rules of rules/ (edition 2025-06-16) as plain Python: the baseline."""
    qt, fp, fu = plan.quick_test, plan.full_plan, plan.funding
    out: dict[str, Status] = {}
    out["A1"] = NA if fu is None else (J if present(fu.no_other_route) else INC)
    out["C0"] = P if all(map(present, (qt.bottlenecks, qt.regional_fit, qt.long_term_effects,
                                       qt.appropriate_care))) else INC  # fmt: skip
    substantiated = [present(c.substantiation) for c in qt.impact]
    out["C1"] = J if any(substantiated) and all(substantiated) else INC
    rf = qt.regional_fit
    out["C2"] = P if rf is not None and (rf.links or present(rf.explanation)) else INC
    u = qt.urgency
    urgent = u is not None and present(u.description) and u.involved_parties and present(u.burden_shifting)
    providers = any(p.role == "zorgaanbieder" for p in plan.parties)
    out["C3"] = J if urgent and providers else INC
    out["C3P"] = P if any(p.role == "patientenorganisatie" for p in plan.parties) else F
    out["C4"] = J if present(qt.alignment_justification) else INC
    out["P1"] = P if len(plan.insurers.market_leaders) == 2 and present(plan.insurers.coordinating) else INC
    out["T1"] = INC if plan.theme is None else (P if plan.theme in PRIORITY else F)
    deciding = [*plan.insurers.market_leaders, plan.insurers.coordinating or ""]
    if any(name.casefold() in VGZ for name in deciding):
        out["C5"] = P if any(c.insurer.casefold() in VGZ for c in qt.insurer_contacts) else INC
    agreements = fp.smart_agreements
    smart = (
        agreements
        and all(present(a.indicator) and present(a.target) for a in agreements)
        and all(a.due is not None for a in agreements)
        and all(present(a.responsible) for a in agreements)
        and present(fp.approach)
    )
    out["C6"] = J if smart else INC
    bc = fp.business_case
    out["C7"] = J if bc is not None and present(bc.summary) and present(bc.costs_and_returns) else INC
    ia = fp.impact_analysis
    out["C8"] = J if ia is not None and all(map(present, (ia.patients, ia.providers, ia.chain, ia.context))) else INC
    im = fp.implementation
    hospital = any(p.sector == "msz" and p.role == "zorgaanbieder" for p in plan.parties)
    done = im is not None and all(map(present, (im.project_organisation, im.capacity, im.milestone_planning,
                                                im.decision_making, im.commitment)))  # fmt: skip
    out["C9"] = J if done and (not hospital or (im is not None and present(im.msb_agreement))) else INC
    if fp.start is None or fp.end is None:
        out["C10"] = INC
    else:
        limit = plus_five(fp.start)
        within = fp.end < limit and all(a.due is None or a.due < limit for a in agreements)
        out["C10"] = P if within else F
    out["C11"] = J if present(fp.sustainability) else INC
    sit = fp.situational
    c12 = plan.scale is not None and present(plan.scale_reasoning)
    c12 = c12 and sit is not None and present(sit.contract_agreements)
    if plan.scale in ("individueel", "lokaal"):
        c12 = c12 and sit is not None and present(sit.scaling_up)
    if plan.theme == "digitale-zorg":
        c12 = c12 and sit is not None and present(sit.digital_links)
    out["C12"] = J if c12 else INC
    if fu is not None:
        lines = fu.lines
        out["F1"] = J if present(fu.no_other_route) else INC
        if not lines:
            out["F2"] = INC
        else:
            structural = any(line.nature == "structureel" or line.category == "structureel" for line in lines)
            out["F2"] = P if not structural else F
        if not lines or fp.start is None or fp.end is None:
            out["F9"] = INC
        else:
            start, end = fp.start, fp.end
            in_years = all(start.year <= line.year <= end.year for line in lines)
            in_period = all(m.due is None or start <= m.due <= end for m in fu.milestones)
            out["F9"] = P if in_years and in_period else F
        if fu.milestones:
            paid: dict[int, Decimal] = {}
            budget: dict[int, Decimal] = {}
            for m in fu.milestones:
                if m.due is not None:
                    paid[m.due.year] = paid.get(m.due.year, Decimal(0)) + m.amount
            for line in lines:
                budget[line.year] = budget.get(line.year, Decimal(0)) + line.amount
            out["F10"] = P if all(amount <= budget.get(y, Decimal(0)) for y, amount in paid.items()) else F
        else:
            out["F10"] = NA
        if not fu.milestones or not all(present(m.evidence) for m in fu.milestones):
            out["F3"] = INC
        else:
            out["F3"] = P if fu.milestone_total == fu.total else F
        out["F4"] = P if present(fu.allocation) and lines else INC
        out["F5"] = INC if fu.double_funding is None else (P if fu.double_funding.declared else F)
        out["F6"] = F if any(line.category == "duurzaamheidsinvestering" for line in lines) else P
        if any(line.category == "planvorming" for line in lines):
            agreed = fu.plan_writing_agreed_on
            out["F7"] = INC if agreed is None else (P if agreed <= ON else F)
        else:
            out["F7"] = NA
        others = [line for line in lines if line.category == "overig"]
        out["F8"] = (J if all(present(line.description) for line in others) else INC) if others else NA
        named = [
            line for line in lines
            if line.category != "duurzaamheidsinvestering" and line.description
            and any(word in line.description.casefold() for word in SUSTAINABLE)
        ]  # fmt: skip
        out["F11"] = J if named else NA
    return out


def _over(run: Callable[[Plan], object], plans: list[Plan]) -> Callable[[], None]:
    def every() -> None:
        for plan in plans:
            run(plan)

    return every


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    rng = random.Random(20251123)
    bases = example_data()
    plans = [variant(rng.choice(bases), rng) for _ in range(args.plans)]
    default_rules()  # load and compile once, outside the timing

    mismatches = [p.id for p in plans if hand(p) != statuses(p, ON)]
    if mismatches:
        sys.exit(f"the hand-written checks disagree with the rules for {len(mismatches)} plans, e.g. {mismatches[0]}")
    failing = sum(1 for p in plans if any(s in (F, INC) for s in hand(p).values()))
    print(f"{len(plans)} plans ({failing} with a failing or incomplete criterion); hand == statuses for all")

    def fast(plan: Plan) -> object:
        return statuses(plan, ON)

    def traced(plan: Plan) -> object:
        return evaluate(plan, ON)

    def written(plan: Plan) -> object:
        return evaluate(plan, ON).as_dict()

    per_plan = 1e6 / len(plans)
    baseline = _over(hand, plans)
    figures = []
    for name, run in (("statuses", fast), ("evaluate", traced), ("evaluate, all read", written)):
        t_hand, t_ours, ratio = paired(baseline, _over(run, plans), args.repeat)
        figures.append(ratio)
        print(f"hand {t_hand * per_plan:7.1f} µs/plan   {name} {t_ours * per_plan:7.1f} µs/plan   ratio {ratio:5.2f}x")
    print(
        f"median ratio without traces {figures[0]:.2f}x (goal <= 1.5), with traces {figures[1]:.2f}x (goal <= 3); "
        f"with every result written out {figures[2]:.2f}x"
    )


if __name__ == "__main__":
    main()
