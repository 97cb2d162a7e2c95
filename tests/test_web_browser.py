"""The web interface in a real browser: headless Chromium (Debian's ``chromium``, launched by
path; never ``playwright install``) through Playwright, against the server on loopback.

One flow end to end, as the people in it click it: the care provider uploads the quick-test
workbook, reads the self-check and submits; both market leaders judge and decide, the worked-out
plan follows, they judge and propose; the other insurer comments within its window and is refused
after it; both leaders decide; the letter downloads and verifies against the store. Along the way
every main page is photographed at desktop and phone width (``test-artefacts/screenshots/``) and
checked with axe-core (no serious or critical violation), and the browser reports no blocked
script or style (the content security policy allows no inline code).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from beoordeling import Store
from beoordeling.letters import LetterOffice, verify_letter
from beoordeling.web import create_app

from .conftest import ROOT
from .web_support import PASSWORD, PLAN_ID, WebStore, web_store

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("BEOORDELING_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
AXE = ROOT / "tests" / "vendor" / "axe-4.14.1.min.js"
SHOTS = ROOT / "test-artefacts" / "screenshots"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "smal": {"width": 390, "height": 844}}

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (scripts/system-packages)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """The application under uvicorn in a thread, on a free loopback port."""

    def __init__(self, site: WebStore) -> None:
        self.port = _free_port()
        self.app = create_app(site.url, secret_key="browser-test")
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.app.state.web.close()


@pytest.fixture
def site(tmp_path: Path) -> WebStore:
    return web_store(tmp_path)


@pytest.fixture
def server(site: WebStore) -> Iterator[Server]:
    with Server(site) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


class Person:
    """One user's browser context, signed in by keyboard."""

    def __init__(self, browser: Any, server: Server, username: str) -> None:
        self.server = server
        self.context = browser.new_context(viewport=WIDTHS["desktop"], accept_downloads=True, locale="nl-NL")
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.page.on("console", self._console)
        self.page.goto(f"{server.url}/inloggen")
        self.page.keyboard.press("Tab")  # the skip link comes first
        for _ in range(10):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("document.activeElement.id") == "gebruikersnaam":
                break
        else:
            raise AssertionError("the user name field cannot be reached with the keyboard")
        self.page.keyboard.type(username)
        self.page.keyboard.press("Tab")
        self.page.keyboard.type(PASSWORD)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        assert self.page.locator("h1").inner_text() == "Postbak"

    def check_and_submit(self, workbook: Path) -> None:
        """Upload a workbook to the self-check, then store and submit what it checked."""
        self.page.goto(f"{self.server.url}/zelftoets")
        self.page.set_input_files("#bestand", str(workbook))
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Zelftoets uitvoeren").click()
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Opslaan en indienen").click()

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.blocked.append(f"{message.text} at {message.location} on {self.page.url}")

    def plan(self) -> None:
        self.page.goto(f"{self.server.url}/plannen/{PLAN_ID}")

    def post(self, form: Any) -> None:
        """Submit a form of the plan page (htmx posts it and swaps the page in)."""
        old = form.element_handle()
        with self.page.expect_response(lambda r: r.request.method == "POST"):
            form.locator("button[type=submit]").click()
        old.wait_for_element_state("hidden")  # the page that answered has been swapped in

    def action(
        self, name: str, *, outcome: str | None = None, reason: str | None = None, on: str | None = None
    ) -> None:
        form = self.page.locator(f"form.action:has(input[name=handeling][value='{name}'])")
        if outcome:
            form.locator("select[name=uitkomst]").select_option(outcome)
        if reason:
            form.locator("textarea[name=reden]").fill(reason)
        if on:
            form.locator("input[name=datum]").fill(on)
        self.post(form)

    def judge_all(self, on: str) -> int:
        judged = 0
        while True:
            forms = self.page.locator("form.judge:not(.herzien)")
            if forms.count() == 0:
                return judged
            form = forms.first
            form.locator("input[value=pass]").check()
            self.post(form)
            judged += 1
            assert judged < 40, "judging does not end"

    def alert(self) -> str:
        return str(self.page.locator("[role=alert]").inner_text())

    def photograph(self, name: str, axe: str) -> None:
        """Both widths, and axe-core's check of the page (in a context that lets the test's own
        script in; the page's policy is otherwise kept)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        for width, size in WIDTHS.items():
            self.page.set_viewport_size(size)
            self.page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            wide = self.page.evaluate("document.documentElement.scrollWidth")
            assert wide <= size["width"], f"{name}: {wide} px wide on a {size['width']} px screen"
        self.page.set_viewport_size(WIDTHS["desktop"])
        self.page.evaluate(axe)
        found = self.page.evaluate("async () => (await axe.run(document)).violations.map("
                                   "v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))")  # fmt: skip
        serious = [v for v in found if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{name}: {serious}"


@pytest.fixture(scope="module")
def axe() -> str:
    return AXE.read_text(encoding="utf-8")


def test_the_assessment_end_to_end_in_a_browser(browser: Any, server: Server, site: WebStore, axe: str) -> None:
    submitter = Person(browser, server, "noordwest")
    submitter.photograph("postbak-leeg", axe)
    submitter.page.get_by_role("link", name="Zelftoets").click()
    submitter.page.set_input_files("#bestand", str(site.workbook))
    with submitter.page.expect_navigation():
        submitter.page.get_by_role("button", name="Zelftoets uitvoeren").click()
    assert "Snelle toets: wacht op oordeel" in submitter.page.inner_text("main")
    submitter.photograph("zelftoets", axe)
    with submitter.page.expect_navigation():
        submitter.page.get_by_role("button", name="Opslaan en indienen").click()
    assert f"{PLAN_ID} is ingediend." in submitter.page.inner_text("[role=status]")

    leaders = [Person(browser, server, name) for name in ("vgz", "zk")]
    leaders[0].photograph("postbak", axe)
    for leader in leaders:
        leader.plan()
        assert leader.judge_all("2024-03-11") > 0
    leaders[0].photograph("plan-snelle-toets", axe)
    for leader in leaders:
        leader.action("decide", outcome="positive", on="2024-03-12")
    assert "Snelle toets positief" in leaders[1].page.inner_text(".state")

    submitter.plan()
    submitter.action("prepare", on="2024-03-13")
    submitter.check_and_submit(site.plan_workbook)
    assert "Plan ingediend" in submitter.page.inner_text(".state")

    for leader in leaders:
        leader.plan()
        assert leader.judge_all("2024-04-22") > 0
    for leader in leaders:
        leader.plan()
        leader.action("propose", outcome="approve", on="2024-04-23")
    assert "Consultatie overige verzekeraars" in leaders[1].page.inner_text(".state")

    other = Person(browser, server, "menzis")
    other.plan()
    other.action("comment", reason="Graag de ritten per kwartaal.", on="2024-04-25")
    assert "Graag de ritten per kwartaal." in other.page.inner_text("main")
    other.action("comment", reason="Nog een vraag.", on="2024-05-20")
    assert "de consultatie sloot op 7 mei 2024" in other.alert()
    other.photograph("plan-geweigerd", axe)

    for leader in leaders:
        leader.plan()
        leader.action("decide", outcome="approve", on="2024-05-21")
    assert "Goedgekeurd" in leaders[1].page.inner_text(".state")
    leaders[1].photograph("plan-goedgekeurd", axe)

    with leaders[1].page.expect_download() as download:
        leaders[1].page.get_by_role("button", name="Brief: Definitief besluit: goedgekeurd").first.click()
    path = site.workbook.parent / download.value.suggested_filename
    download.value.save_as(path)
    with Store.open(site.url) as store:
        assert verify_letter(LetterOffice(store), path).ok

    council = Person(browser, server, "boiza")
    council.page.get_by_role("link", name="Cijfers").click()
    council.page.fill("#kwartaal", "2024Q2")
    with council.page.expect_navigation():
        council.page.get_by_role("button", name="Tonen").click()
    assert "Cijfers 2024Q2" in council.page.locator("h1").inner_text()
    council.page.wait_for_load_state("load")
    charts = council.page.locator("img.chart")
    assert charts.count() > 0
    assert all(charts.nth(i).evaluate("img => img.naturalWidth") > 0 for i in range(charts.count()))
    council.photograph("cijfers", axe)
    with council.page.expect_download() as sheet:
        council.page.get_by_role("link", name="Excel").click()
    assert sheet.value.suggested_filename == "cijfers-2024Q2.xlsx"
    council.page.get_by_role("link", name="Geld").click()
    council.page.wait_for_load_state("load")
    assert council.page.locator("img.chart").evaluate("img => img.naturalWidth") > 0
    council.photograph("geld", axe)

    for person in (submitter, *leaders, other, council):
        assert person.blocked == [], "\n".join(person.blocked)
        person.context.close()


def test_a_forged_form_and_another_organisation_in_a_browser(browser: Any, server: Server, site: WebStore) -> None:
    submitter = Person(browser, server, "noordwest")
    submitter.check_and_submit(site.workbook)

    leader = Person(browser, server, "vgz")
    leader.plan()
    form = leader.page.locator("form.action:has(input[name=handeling][value='withdraw'])")
    assert form.count() == 0, "a market leader is not offered the submitters' withdrawal"
    judge = leader.page.locator("form.judge").first
    judge.locator("input[name=csrf_token]").evaluate("input => input.value = 'forged'")
    leader.page.evaluate("document.body.removeAttribute('hx-headers')")
    judge.locator("input[value=pass]").check()
    with leader.page.expect_navigation():
        judge.evaluate("form => form.submit()")  # a plain post, as a forged page would send it
    assert "Verzoek geweigerd" in leader.page.locator("h1").inner_text()

    outsider = Person(browser, server, "asr")
    assert PLAN_ID not in outsider.page.inner_text("main")
    response = outsider.page.goto(f"{server.url}/plannen/{PLAN_ID}")
    assert response is not None
    assert response.status == 404
    assert "Plan niet gevonden" in outsider.page.locator("h1").inner_text()
    for person in (submitter, leader, outsider):
        person.context.close()
