"""Read filled-in plan workbooks vs bare openpyxl reading the same files, in one run.

Two workbooks of the plan form: the largest example (5 cost lines, 4 milestones) and the same plan
with every table full (60 parties, 200 cost lines, 40 milestones, 40 SMART agreements), about the
most a form holds. Per file, the two run in turns (``bench/_timing.paired``), median of the repeats:

- baseline: ``openpyxl.load_workbook(read_only=True)`` and every cell of every sheet visited, which
  is the least any reader must do;
- ours: ``beoordeling.forms.read_workbook``: the package check, the same parse, every cell
  classified and converted, the plan validated, the required fields listed.

    python bench/workbook_read.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _timing import paired
from beoordeling import load_plan
from beoordeling.forms import default_forms, read_workbook, save_workbook
from beoordeling.model import (
    CostCategory,
    CostLine,
    FundingRequest,
    Milestone,
    Obligation,
    Party,
    PartyRole,
    Plan,
    Sector,
    SmartAgreement,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "thuismonitoring-ziekenhuizen.yaml"


def full_tables(plan: Plan) -> Plan:
    parties = [Party(name=f"Zorgaanbieder {i}", role=PartyRole.CARE_PROVIDER, sector=Sector.MSZ) for i in range(60)]
    lines = [
        CostLine(
            year=2024 + i % 4, sector=Sector.MSZ, party=f"Zorgaanbieder {i % 60}", category=CostCategory.START_UP,
            amount=Decimal("12345.67"), description=f"Regel {i}",
        )
        for i in range(200)
    ]  # fmt: skip
    milestones = [
        Milestone(
            id=f"M{i}", description=f"Mijlpaal {i}", obligation=Obligation.RESULT, amount=Decimal("61728.35"),
            due=date(2025, 1, 1), evidence="Rapport",
        )
        for i in range(40)
    ]  # fmt: skip
    smart = [
        SmartAgreement(goal=f"Doel {i}", indicator="Aantal", target="100", due=date(2027, 1, 1)) for i in range(40)
    ]
    assert plan.funding is not None
    funding = plan.funding.model_copy(update={"lines": lines, "milestones": milestones})
    return plan.model_copy(
        update={
            "parties": parties,
            "funding": FundingRequest.model_validate(funding.model_dump()),
            "full_plan": plan.full_plan.model_copy(update={"smart_agreements": smart}),
        }
    )


def bare(path: Path) -> int:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    count = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if getattr(cell, "value", None) is not None:
                    count += 1
    workbook.close()
    return count


def ours(path: Path) -> int:
    return len(read_workbook(path).plan.parties)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    form = default_forms()["plan"]
    example = load_plan(EXAMPLE)
    with tempfile.TemporaryDirectory() as folder:
        for name, plan in (("example", example), ("full tables", full_tables(example))):
            path = save_workbook(form, Path(folder) / f"{name}.xlsx", plan)
            assert read_workbook(path).plan == Plan.model_validate(plan.model_dump())
            base, mine, ratio = paired(functools.partial(bare, path), functools.partial(ours, path), args.repeat)
            size = path.stat().st_size // 1024
            timings = f"openpyxl {base * 1000:6.1f} ms  ours {mine * 1000:6.1f} ms"
            print(f"{name:12} {size:4} KiB  {timings}  median ratio of pairs {ratio:.2f}")


if __name__ == "__main__":
    main()
