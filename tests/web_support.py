"""A practice store with accounts for the web tests: the home-monitoring example plan's parties."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher

from beoordeling import Actor, Plan, Role, Store
from beoordeling.accounts import Accounts
from beoordeling.forms import default_forms, save_workbook
from beoordeling.planfile import load_plan

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml"
PLAN_ID = "TP-2023-0014"
PASSWORD = "oefenen-met-beoordelen"  # noqa: S105 - the practice accounts' password
START = datetime(2024, 3, 4, 11, tzinfo=UTC)

USERS = {
    "noordwest": ("B. Bos", "Ziekenhuis Noordwest", [Role.SUBMITTER]),
    "vgz": ("V. de Wit", "Coöperatie VGZ", [Role.MARKET_LEADER, Role.COORDINATING_INSURER]),
    "zk": ("Z. Kok", "Zilveren Kruis", [Role.MARKET_LEADER]),
    "menzis": ("M. Smit", "Menzis", [Role.OTHER_INSURER]),
    "asr": ("A. Peters", "a.s.r. Zorgverzekeringen", [Role.MARKET_LEADER, Role.OTHER_INSURER]),
}


@dataclass(frozen=True)
class WebStore:
    url: str
    workbook: Path
    """The quick-test form filled with the example plan, as a care provider would upload it."""
    plan_workbook: Path
    """The worked-out plan's form, filled with the same plan."""


def web_store(folder: Path) -> WebStore:
    """A practice store whose clock starts on 4 March 2024, with one account per party of the
    example plan and one of an insurer the plan does not name (a.s.r.)."""
    url = str(folder / "web.db")
    with Store.open(url, create=True, clock=lambda: START) as store:
        store.initialise(Actor("Oefenleider", "beoordeling", Role.SYSTEM), practice=True)
    with Accounts(url, hasher=PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)) as accounts:
        for username, (name, organisation, roles) in USERS.items():
            accounts.add(username, name, organisation, roles, password=PASSWORD)
    workbook = folder / "snelle-toets-noordwest.xlsx"
    save_workbook(default_forms()["quick-test"], workbook, example_plan())
    plan_workbook = folder / "transformatieplan-noordwest.xlsx"
    save_workbook(default_forms()["plan"], plan_workbook, example_plan())
    return WebStore(url, workbook, plan_workbook)


def example_plan() -> Plan:
    return load_plan(PLAN)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
