"""A practice store with accounts for the web tests: the home-monitoring example plan's parties."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from beoordeling import Actor, Plan, Role, Store
from beoordeling.accounts import Accounts
from beoordeling.forms import default_forms, save_workbook
from beoordeling.planfile import load_plan

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml"
PLAN_ID = "TP-2023-0014"
PASSWORD = "oefenen-met-beoordelen"
START = datetime(2024, 3, 4, 11, tzinfo=UTC)

USERS = {
    "noordwest": ("B. Bos", "Ziekenhuis Noordwest", [Role.SUBMITTER]),
    "vgz": ("V. de Wit", "Coöperatie VGZ", [Role.MARKET_LEADER, Role.COORDINATING_INSURER]),
    "zk": ("Z. Kok", "Zilveren Kruis", [Role.MARKET_LEADER]),
    "menzis": ("M. Smit", "Menzis", [Role.OTHER_INSURER]),
    "asr": ("A. Peters", "a.s.r. Zorgverzekeringen", [Role.MARKET_LEADER, Role.OTHER_INSURER]),
    "nza": ("N. Mulder", "NZa", [Role.NZA]),
    "boiza": ("B. de Vries", "BO IZA", [Role.BO_IZA]),
}


@dataclass(frozen=True)
class WebStore:
    url: str
    workbook: Path
    """The quick-test form filled with the example plan, as a care provider would upload it."""
    plan_workbook: Path
    """The worked-out plan's form, filled with the same plan."""


def web_store(folder: Path, url: str | None = None) -> WebStore:
    """A practice store whose clock starts on 4 March 2024, with one account per party of the
    example plan and one of an insurer the plan does not name (a.s.r.)."""
    url = url or str(folder / "web.db")
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


ALERT = re.compile(r'role="alert">(.*?)</div>', re.S)
NOTICE = re.compile(r'class="notice" role="status">(.*?)</div>', re.S)


def words(html: str) -> str:
    """A page's text, tags left out and white space folded (entities stay as written)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


class Session:
    """One signed-in browser, as the forms drive it (Starlette's TestClient)."""

    def __init__(self, app: Any, username: str, password: str = PASSWORD) -> None:
        from starlette.testclient import TestClient  # noqa: PLC0415 - only the web tests need it

        self.client = TestClient(app)
        page = self.client.get("/inloggen")
        response = self.client.post(
            "/inloggen",
            data={"csrf_token": self.token(page.text), "gebruikersnaam": username, "wachtwoord": password},
            follow_redirects=False,
        )
        self.status = response.status_code

    @staticmethod
    def token(html: str) -> str:
        found = CSRF.search(html)
        assert found, "the page has no CSRF token"
        return found.group(1)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def act(self, plan_id: str, **form: str) -> Any:
        """Post one action form of the plan's page (with the page's own token)."""
        page = self.client.get(f"/plannen/{plan_id}")
        return self.client.post(f"/plannen/{plan_id}/handeling", data={"csrf_token": self.token(page.text), **form})

    def open_criteria(self, plan_id: str) -> list[str]:
        """The criteria this account has not judged yet (a judged one is offered for change only)."""
        page = self.client.get(f"/plannen/{plan_id}").text
        forms = [part.split("</form>")[0] for part in page.split("<form")[1:] if 'class="judge"' in part.split(">")[0]]
        return [m.group(1) for f in forms if (m := re.search(r'name="criterium" value="([^"]+)"', f))]

    def judge_all(self, plan_id: str, on: str) -> None:
        for criterion in self.open_criteria(plan_id):
            response = self.act(plan_id, handeling="judge", criterium=criterion, oordeel="pass", datum=on)
            assert response.status_code == 200, words(response.text)

    def selfcheck(self, path: Path, name: str | None = None, data: bytes | None = None) -> Any:
        page = self.client.get("/zelftoets")
        content = path.read_bytes() if data is None else data
        return self.client.post(
            "/zelftoets", data={"csrf_token": self.token(page.text)}, files={"bestand": (name or path.name, content)}
        )

    def submit_checked(self, checked_page: str) -> Any:
        held = re.search(r'name="plan" value="([^"]+)"', checked_page)
        assert held, "the self-check offers no submission"
        return self.client.post("/indienen", data={"csrf_token": self.token(checked_page), "plan": held.group(1)})
