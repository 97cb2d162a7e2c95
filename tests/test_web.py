"""The web interface through its forms (Starlette's TestClient): the whole assessment, and what
it refuses: a forged post, another organisation's plan, a closed window, hostile text."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from beoordeling import Store
from beoordeling.accounts import Accounts
from beoordeling.letters import LetterOffice, verify_letter
from beoordeling.web import create_app
from beoordeling.web.views import ACTION_ROLES

from .conftest import ROOT
from .web_support import ALERT, PLAN_ID, Session, WebStore, web_store, words


@pytest.fixture
def site(tmp_path: Path) -> WebStore:
    return web_store(tmp_path)


@pytest.fixture
def app(site: WebStore) -> Iterator[Starlette]:
    made = create_app(site.url, secret_key="test-key")
    yield made
    made.state.web.close()


def _events(site: WebStore) -> list[str]:
    with Store.open(site.url) as store:
        return [e.type for e in store.events()]


def _to_plan_submitted(app: Starlette, site: WebStore) -> dict[str, Session]:
    """The quick test uploaded, self-checked, submitted, judged and passed; the worked-out plan
    uploaded and submitted."""
    users = {name: Session(app, name) for name in ("noordwest", "vgz", "zk", "menzis", "asr")}
    submitter = users["noordwest"]
    checked = submitter.selfcheck(site.workbook)
    assert checked.status_code == 200
    assert "Snelle toets: wacht op oordeel" in words(checked.text)
    assert _events(site) == ["store.initialised"], "a self-check stores nothing"
    submitted = submitter.submit_checked(checked.text)
    assert submitted.status_code == 200
    assert f"{PLAN_ID} is ingediend." in words(submitted.text)
    for leader in ("vgz", "zk"):
        users[leader].judge_all(PLAN_ID, "2024-03-11")
    for leader in ("vgz", "zk"):
        assert (
            users[leader].act(PLAN_ID, handeling="decide", uitkomst="positive", datum="2024-03-12").status_code == 200
        )
    assert submitter.act(PLAN_ID, handeling="prepare", datum="2024-03-13").status_code == 200
    plan_checked = submitter.selfcheck(site.plan_workbook)
    assert submitter.submit_checked(plan_checked.text).status_code == 200
    return users


@pytest.fixture
def any_site(store_url: str, tmp_path: Path) -> WebStore:
    """The practice store on each database the tests reach (SQLite; PostgreSQL when set up)."""
    return web_store(tmp_path, store_url)


@pytest.fixture
def any_app(any_site: WebStore) -> Iterator[Starlette]:
    """The application on :func:`any_site`, its connections closed afterwards (PostgreSQL's
    database is dropped then)."""
    made = create_app(any_site.url, secret_key="test-key")
    yield made
    made.state.web.close()


def test_the_whole_assessment_through_the_forms(any_app: Starlette, any_site: WebStore) -> None:
    app, site = any_app, any_site
    users = _to_plan_submitted(app, site)
    vgz, zk, menzis = users["vgz"], users["zk"], users["menzis"]
    vgz.judge_all(PLAN_ID, "2024-04-22")
    zk.judge_all(PLAN_ID, "2024-04-22")
    first = vgz.act(PLAN_ID, handeling="propose", uitkomst="approve", datum="2024-04-23")
    assert "wacht tot de andere marktleider hetzelfde besluit vastlegt" in words(first.text)
    assert "Stand: Consultatie overige verzekeraars" in words(
        zk.act(PLAN_ID, handeling="propose", uitkomst="approve", datum="2024-04-23").text
    )

    within = menzis.act(PLAN_ID, handeling="comment", reden="Graag de ritten per kwartaal.", datum="2024-04-25")
    assert within.status_code == 200
    assert "Graag de ritten per kwartaal." in words(within.text)
    stored = len(_events(site))
    late = menzis.act(PLAN_ID, handeling="comment", reden="Nog een vraag.", datum="2024-05-20")
    assert late.status_code == 409
    (alert,) = ALERT.findall(late.text)
    assert "de consultatie sloot op 7 mei 2024" in words(alert)
    assert len(_events(site)) == stored, "a refused action stores nothing"

    for leader in (vgz, zk):
        assert leader.act(PLAN_ID, handeling="decide", uitkomst="approve", datum="2024-05-21").status_code == 200
    page = zk.get(f"/plannen/{PLAN_ID}").text
    assert "Stand: <strong>Goedgekeurd</strong>" in page
    content = words(page)
    assert "Inhoud van versie 2" in content
    assert "(a) Knelpunten in de zorg De vraag naar ziekenhuiszorg voor chronisch zieken groeit" in content
    assert "Ziekenhuis Rivierenland-Oost Zorgaanbieder Medisch-specialistische zorg (MSZ)" in content
    assert "workflow.approve" in _events(site)

    letters = re.findall(rf'/plannen/{PLAN_ID}/brieven/(\d+)"', page)
    pdf = zk.client.post(f"/plannen/{PLAN_ID}/brieven/{letters[-1]}", data={"csrf_token": zk.token(page)})
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert "definitief-besluit.pdf" in pdf.headers["content-disposition"]
    path = site.workbook.parent / "brief.pdf"
    path.write_bytes(pdf.content)
    with Store.open(site.url) as store:
        assert verify_letter(LetterOffice(store), path).ok
        issued = [e for e in store.events(PLAN_ID) if e.type == "letter.issued"]
    assert issued[-1].actor.organisation == "Zilveren Kruis", "the download is recorded as issued, by whom"


def test_a_forged_post_is_refused_and_stores_nothing(app: Starlette, site: WebStore) -> None:
    users = _to_plan_submitted(app, site)
    vgz = users["vgz"]
    before = _events(site)
    url = f"/plannen/{PLAN_ID}/handeling"
    form = {"handeling": "judge", "criterium": "C6", "oordeel": "pass"}
    assert vgz.client.post(url, data=form).status_code == 403
    assert vgz.client.post(url, data={**form, "csrf_token": "forged"}).status_code == 403
    token = vgz.token(vgz.get(f"/plannen/{PLAN_ID}").text)
    elsewhere = vgz.client.post(url, data={**form, "csrf_token": token}, headers={"origin": "https://evil.example"})
    assert elsewhere.status_code == 403
    assert "beveiligingskenmerk" in words(elsewhere.text)
    assert _events(site) == before
    by_header = vgz.client.post(url, data=form, headers={"x-csrf-token": token, "hx-request": "true"})
    assert by_header.status_code == 200, "htmx sends the token in a header"


def test_another_organisation_neither_sees_nor_acts_on_the_plan(app: Starlette, site: WebStore) -> None:
    users = _to_plan_submitted(app, site)
    outsider = users["asr"]
    assert PLAN_ID not in outsider.get("/").text
    assert outsider.get(f"/plannen/{PLAN_ID}").status_code == 404
    token = outsider.token(outsider.get("/").text)
    before = _events(site)
    acted = outsider.client.post(
        f"/plannen/{PLAN_ID}/handeling", data={"csrf_token": token, "handeling": "propose", "uitkomst": "approve"}
    )
    assert acted.status_code == 404
    assert outsider.client.post(f"/plannen/{PLAN_ID}/brieven/11", data={"csrf_token": token}).status_code == 404
    assert _events(site) == before
    # The other insurer sees the plan, but may not act as a market leader on it.
    menzis = users["menzis"]
    assert PLAN_ID in menzis.get("/").text
    refused = menzis.act(PLAN_ID, handeling="propose", uitkomst="approve")
    assert refused.status_code == 400
    (alert,) = ALERT.findall(refused.text)
    assert "Marktleider zorgverzekeraar" in words(alert)
    assert "Overige zorgverzekeraar" in words(alert)


def test_a_refusal_is_shown_with_its_reasons_not_as_a_server_error(app: Starlette, site: WebStore) -> None:
    users = _to_plan_submitted(app, site)
    early = users["vgz"].act(PLAN_ID, handeling="propose", uitkomst="approve")
    assert early.status_code == 409
    (alert,) = ALERT.findall(early.text)
    assert "Geweigerd: propose-approval op plan TP-2023-0014" in words(alert)
    assert "Kan door zodra de beoordelaars C6, C7, C8, C9, C11 en C12 hebben beoordeeld." in words(alert)
    no_reason = users["vgz"].act(PLAN_ID, handeling="judge", criterium="C6", oordeel="fail")
    assert no_reason.status_code == 400
    assert "een negatief oordeel over C6 vraagt een reden" in words(no_reason.text)
    bad_date = users["vgz"].act(PLAN_ID, handeling="judge", criterium="C6", oordeel="pass", datum="morgen")
    assert bad_date.status_code == 400
    assert "is geen datum" in words(bad_date.text)


def test_every_page_carries_the_security_headers_and_no_inline_script(app: Starlette, site: WebStore) -> None:
    users = _to_plan_submitted(app, site)
    vgz = users["vgz"]
    for url in ("/", f"/plannen/{PLAN_ID}", "/zelftoets", "/sjablonen", "/inloggen"):
        response = vgz.get(url)
        assert response.status_code == 200, url
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe" not in csp, "no 'unsafe-eval' or 'unsafe-inline': the vendored htmx cannot eval"
        assert '"allowEval":false' in response.text
        assert '"allowScriptTags":false' in response.text
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
        html = response.text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), f"{url}: an inline script"
        assert not re.search(r"\sstyle=|\son[a-z]+=", html), f"{url}: an inline style or handler"
        assert re.search(r"<h1[^>]*>", html), f"{url}: a page has a heading"
        for field in re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html):
            assert f'for="{field}"' in html, f"{url}: field {field} has no label"
    htmx = vgz.get("/static/htmx-2.0.11.min.js")
    assert htmx.status_code == 200
    digest = hashlib.sha256(htmx.content).hexdigest()
    assert digest == "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717", "htmx as vendored"
    assert "cache-control" not in htmx.headers or htmx.headers["cache-control"] != "no-store"


def test_sign_in_is_throttled_after_failures(app: Starlette) -> None:
    for _ in range(5):
        assert Session(app, "vgz", "not-the-password").status == 401
    assert Session(app, "vgz").status == 429, "even the right password waits once the limit is reached"
    assert Session(app, "zk").status == 303, "another user name is not held up"


def test_a_disabled_account_is_signed_out(app: Starlette, site: WebStore) -> None:
    vgz = Session(app, "vgz")
    assert vgz.get("/").status_code == 200
    with Accounts(site.url) as accounts:
        accounts.disable("vgz")
    assert vgz.get("/", follow_redirects=False).headers["location"] == "/inloggen"
    assert Session(app, "vgz").status == 401


def test_a_body_beyond_the_limit_is_refused_before_it_is_read(app: Starlette) -> None:
    vgz = Session(app, "vgz")
    big = vgz.client.post("/zelftoets", content=b"x" * (9 * 1024 * 1024), headers={"content-type": "text/plain"})
    assert big.status_code == 413


def test_hostile_text_stays_text(app: Starlette, site: WebStore) -> None:
    users = _to_plan_submitted(app, site)
    script = "<script>alert('x')</script> <img src=x onerror=alert(1)>"
    users["vgz"].act(PLAN_ID, handeling="judge", criterium="C6", oordeel="fail", reden=script)
    page = users["vgz"].get(f"/plannen/{PLAN_ID}").text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_a_bad_upload_is_named_and_nothing_is_stored(app: Starlette, site: WebStore) -> None:
    submitter = Session(app, "noordwest")
    wrong = submitter.selfcheck(site.workbook, name="notities.txt")
    assert wrong.status_code == 400
    assert "notities.txt: kies een ingevulde werkmap" in words(wrong.text)
    broken = submitter.selfcheck(site.workbook, name="plan.yaml", data=b"id: TP-1\ntitle: [unclosed\n")
    assert broken.status_code == 400
    assert "plan.yaml" in words(broken.text)
    not_a_workbook = submitter.selfcheck(site.workbook, name="plan.xlsx", data=b"PK\x03\x04 not a zip")
    assert not_a_workbook.status_code == 400
    assert _events(site) == ["store.initialised"]


def test_only_a_party_may_submit_what_it_checked(app: Starlette, site: WebStore) -> None:
    insurer = Session(app, "vgz")
    checked = insurer.selfcheck(site.workbook)
    assert checked.status_code == 200
    assert 'name="plan"' not in checked.text
    assert "Indienen kan alleen een partij van dit plan." in words(checked.text)
    stolen = Session(app, "noordwest")
    stolen_token = re.search(r'name="plan" value="([^"]+)"', stolen.selfcheck(site.workbook).text)
    assert stolen_token
    page = insurer.get("/zelftoets").text
    theft = insurer.client.post("/indienen", data={"csrf_token": insurer.token(page), "plan": stolen_token.group(1)})
    assert theft.status_code == 400, "a held self-check is its account's only"
    assert _events(site) == ["store.initialised"]


def test_the_inbox_filter_answers_htmx_with_its_rows_only(app: Starlette, site: WebStore) -> None:
    users = _to_plan_submitted(app, site)
    vgz = users["vgz"]
    partial = vgz.get("/?stand=plan-ingediend", headers={"hx-request": "true", "hx-target": "postbak"})
    assert partial.text.lstrip().startswith('<div id="postbak">')
    assert PLAN_ID in partial.text
    none = vgz.get("/?stand=goedgekeurd", headers={"hx-request": "true", "hx-target": "postbak"})
    assert "Geen plannen in de stand Goedgekeurd." in words(none.text)
    full = vgz.get("/?stand=plan-ingediend")
    assert "<html" in full.text


def test_templates_download_as_workbooks(app: Starlette) -> None:
    submitter = Session(app, "noordwest")
    listing = submitter.get("/sjablonen").text
    for form_id in ("quick-test", "plan"):
        assert f'href="/sjablonen/{form_id}.xlsx"' in listing
        response = submitter.get(f"/sjablonen/{form_id}.xlsx")
        assert response.status_code == 200
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames
    assert submitter.get("/sjablonen/onbekend.xlsx").status_code == 404


def test_signed_out_requests_go_to_the_sign_in_page(app: Starlette) -> None:
    client = TestClient(app)
    assert client.get("/", follow_redirects=False).headers["location"] == "/inloggen"
    assert client.post(f"/plannen/{PLAN_ID}/handeling", data={}).status_code == 401


def test_an_unexpected_error_is_a_dutch_page_and_the_log_keeps_no_content(
    app: Starlette, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    vgz = Session(app, "vgz")

    def broken(*_args: object) -> object:
        raise RuntimeError("Geheime planinhoud van Ziekenhuis Noordwest")

    monkeypatch.setattr("beoordeling.web.app.inbox", broken)
    with caplog.at_level("ERROR", logger="beoordeling.web"):
        response = vgz.get("/")
    assert response.status_code == 500
    assert "Er ging iets mis op de server" in response.text
    assert "Geheime" not in response.text
    assert "RuntimeError" in caplog.text
    assert "Geheime" not in caplog.text


def test_the_nza_and_the_bo_iza_see_the_figures_and_the_waiting_list(app: Starlette, site: WebStore) -> None:
    users = _to_plan_submitted(app, site)
    boiza = users.get("boiza") or Session(app, "boiza")
    page = boiza.get("/cijfers?kwartaal=2024Q1")
    assert page.status_code == 200
    text = words(page.text)
    assert "Cijfers 2024Q1 (1 januari 2024 tot en met 31 maart 2024)" in text
    assert "Snelle toetsen tot en met 31 maart 2024: 1 ingediend, waarvan 1 positief" in text
    charts = re.findall(r'<img src="([^"]+)"', page.text)
    assert charts
    chart = boiza.get(charts[0].replace("&amp;", "&"))
    assert chart.headers["content-type"] == "image/svg+xml"
    assert chart.content.lstrip().startswith(b"<?xml") or b"<svg" in chart.content[:400]
    assert "unsafe-inline" in chart.headers["content-security-policy"], "the chart's own styles, as an image only"
    workbook = openpyxl.load_workbook(io.BytesIO(boiza.get("/cijfers/2024Q1.xlsx").content))
    assert len(workbook.sheetnames) > 3
    assert boiza.get("/cijfers/2024Q1.pdf").content.startswith(b"%PDF-")
    figures = json.loads(boiza.get("/cijfers/2024Q1.json?lezing=happened").content)
    assert figures["reading"] == "happened"
    assert boiza.get("/cijfers?kwartaal=2024Q7").status_code == 400
    assert "is geen kwartaal" in words(boiza.get("/cijfers?kwartaal=2024Q7").text)
    queue = Session(app, "nza").get("/wachtrij")
    assert queue.status_code == 200
    assert "Niemand staat op de wachtrij." in words(queue.text)
    assert users["vgz"].get("/cijfers").status_code == 403
    assert users["vgz"].get("/wachtrij").status_code == 403


def test_the_budget_and_the_forecast_for_the_iza_parties(app: Starlette, site: WebStore) -> None:
    users = _to_plan_submitted(app, site)
    boiza = Session(app, "boiza")
    page = boiza.get("/geld")
    assert page.status_code == 200, words(page.text)
    text = words(page.text)
    assert "in totaal" in text
    assert "Prognose" in text
    assert "Aannames" in text
    plot = boiza.get("/geld/prognose.svg")
    assert plot.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in plot.content[:1000]
    assert users["vgz"].get("/geld").status_code == 403


def test_a_streamed_body_beyond_the_limit_is_cut_off(app: Starlette) -> None:
    vgz = Session(app, "vgz")

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * (1024 * 1024)

    big = vgz.client.post("/zelftoets", content=chunks(), headers={"content-type": "multipart/form-data; boundary=x"})
    assert big.status_code == 413


def test_the_bo_iza_adopts_a_policy_and_a_programme_file(app: Starlette, site: WebStore) -> None:
    boiza = Session(app, "boiza")
    page = boiza.get("/vaststellen")
    assert page.status_code == 200
    token = boiza.token(page.text)
    policy = (ROOT / "policy" / "iza.yaml").read_bytes()
    adopted = boiza.client.post(
        "/vaststellen",
        data={"csrf_token": token, "soort": "beleid", "reden": "Beleid voor 2024"},
        files={"bestand": ("iza.yaml", policy)},
    )
    assert adopted.status_code == 200
    assert "Beleid iza" in words(adopted.text)
    with Store.open(site.url) as store:
        event = next(e for e in store.events() if e.type == "policy.adopted" and e.reason == "Beleid voor 2024")
    assert event.payload["file"] == "iza.yaml", "the event names the file as uploaded"
    assert event.actor.organisation == "BO IZA"
    broken = boiza.client.post(
        "/vaststellen",
        data={"csrf_token": token, "soort": "programma", "reden": "Nieuw"},
        files={"bestand": ("oefen.yaml", b"format: 1\nprogramme: [\n")},
    )
    assert broken.status_code == 400
    assert "oefen.yaml" in words(broken.text)
    programme = (ROOT / "programme" / "oefen.yaml").read_bytes()
    done = boiza.client.post(
        "/vaststellen",
        data={"csrf_token": token, "soort": "programma", "reden": "Oefenprogramma"},
        files={"bestand": ("oefen.yaml", programme)},
    )
    assert done.status_code == 200
    assert "vastgesteld, gebeurtenis" in words(done.text)
    assert Session(app, "vgz").get("/vaststellen").status_code == 403
    nza = Session(app, "nza")
    assert nza.get("/vaststellen").status_code == 403


def test_serve_runs_the_interface_on_the_store(site: WebStore) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "BEOORDELING_SECRET_KEY": "serve-test"}
    command = [sys.executable, "-m", "beoordeling", "--store", site.url, "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        page = None
        while time.monotonic() < deadline and page is None:
            try:
                page = httpx2.get(f"http://127.0.0.1:{port}/inloggen", timeout=2)
            except httpx2.TransportError:
                time.sleep(0.1)
        assert page is not None, "the server did not answer"
        assert page.status_code == 200
        assert "Inloggen" in page.text
        assert "server" not in page.headers, "no server banner"
    finally:
        server.terminate()
        output, errors = server.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in output.decode()
    assert b"Traceback" not in errors


def test_a_malformed_form_is_a_client_error(app: Starlette) -> None:
    vgz = Session(app, "vgz")
    token = vgz.token(vgz.get("/").text)
    # A file where the form takes none, and a multipart body without its boundary.
    extra = vgz.client.post(
        f"/plannen/{PLAN_ID}/handeling", data={"csrf_token": token}, files={"bestand": ("x.txt", b"x")}
    )
    assert extra.status_code == 400
    broken = vgz.client.post("/zelftoets", content=b"--x\r\n", headers={"content-type": "multipart/form-data"})
    assert broken.status_code == 400


_FIELD = st.text(max_size=60) | st.sampled_from(
    ["positive", "approve", "rework", "C6", "C7", "pass", "fail", "M1", "2024-03-11", "2024-02-30", "<script>", ""]
)
_ACTIONS = st.sampled_from([*sorted(ACTION_ROLES), "onbekend"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_ACTIONS, st.dictionaries(st.sampled_from(["uitkomst", "criterium", "oordeel", "reden", "datum", "mijlpaal"]),
                                 _FIELD, max_size=6))  # fmt: skip
def test_no_action_form_gives_a_server_error(app: Starlette, site: WebStore, action: str, form: dict[str, str]) -> None:
    """Any combination of the action form's fields, on a plan under assessment (the examples share
    the store, so it moves as some of them succeed): an answer or a refusal, never a server error."""
    if not hasattr(app.state, "vgz"):
        app.state.vgz = _to_plan_submitted(app, site)["vgz"]
    vgz = app.state.vgz
    token = vgz.token(vgz.get("/").text)
    response = vgz.client.post(f"/plannen/{PLAN_ID}/handeling", data={"csrf_token": token, "handeling": action, **form})
    assert response.status_code in (200, 400, 404, 409), (form, response.status_code)
