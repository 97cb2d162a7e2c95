"""The web interface: Starlette routes over the library, pages from Jinja2 templates.

A thin layer like the CLI: every handler reads the form, finds the account and the role it acts
in, and calls the desk (or the self-check, the letter office, the form templates); what the
library refuses is shown with the library's reasons, in Dutch, never as a server error. Pages are
server-rendered and work without JavaScript; htmx (vendored, see ``static/``) swaps the inbox's
rows when its filter changes and posts the plan page's forms in place.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import logging
import re
import secrets
import tempfile
import time
import traceback
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as day_time
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import _dutch
from .._i18n import speaking, term
from .._labels import event_label
from ..accounts import Account, Accounts, visible_to
from ..criteria import default_steps, evaluate
from ..desk import Desk, PlanCache, policy_in_force
from ..errors import BeoordelingError, InputError, PlanNotFound, Problem, Refused
from ..forms import default_forms, save_workbook
from ..letters import LetterOffice
from ..model import Plan, PlanState, Role
from ..money import load_programme
from ..money.books import PROGRAMME_ADOPTED, programme_in_force
from ..planfile import read_plan
from ..report import save_report
from ..report.pdf import cell_text, chart_svg
from ..store import Reading, Store
from ..workflow import AMSTERDAM, Trigger, load_policy, submission_refusals
from .dashboard import Figures, Money, forecast_svg, last_quarter, queue
from .security import CSRF_FIELD, MAX_BODY, BodyLimit, CsrfError, Headers, Throttle, checked_form, csrf_token
from .views import ACTION_ROLES, Organisations, PlanPage, Records, inbox, plan_page

__all__ = ["Web", "create_app"]

log = logging.getLogger("beoordeling.web")
HERE = Path(__file__).parent
HTMX = "htmx-2.0.11.min.js"
SESSION_HOURS = 8
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"
INBOX_PAGE = 50
"""Plans per page of the inbox (the most pressing first)."""
WORKER_THREADS = 4
"""Threads that run the library's work for requests at once."""
_HELD_MAX, _HELD_SECONDS = 500, 1800
_UPLOAD_SUFFIXES = (".xlsx", ".yaml", ".yml", ".json")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

_moment: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("practice_moment", default=None)
"""Where a practice store's clock stands for the request being served (see :meth:`Web._at`)."""


@dataclass(frozen=True)
class Held:
    """A plan self-checked by an account, kept in memory (never in the store) so that it can be
    submitted without uploading it again."""

    username: str
    plan: Plan
    until: float


class Web:
    """The application's state: the store, the accounts, the throttle, the templates."""

    def __init__(self, store_url: str, *, secret_key: str, https_only: bool = False) -> None:
        self.store = Store.open(store_url)
        self.accounts = Accounts(store_url)
        self.secret_key = secret_key
        self.https_only = https_only
        self.throttle = Throttle()
        self.held: OrderedDict[str, Held] = OrderedDict()
        self.organisations = Organisations()
        self.records = Records()
        self.plans = PlanCache(256)
        self.figures = Figures()
        self.money = Money()
        if self.store.practice:
            self.store.simulate(self._practice_clock)
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters.update(
            day=lambda d: _dutch.day(d) if d else "",
            moment=lambda m: _dutch.moment(m) if m else "",
            euro=lambda amount: _dutch.euro(Decimal(str(amount))),
            term=term,
            event=event_label,
            cell=cell_text,
        )
        self.templates.globals.update(htmx=HTMX, csrf_field=CSRF_FIELD)

    def close(self) -> None:
        self.store.close()
        self.accounts.close()

    # --- time ---------------------------------------------------------------------------------------

    def _practice_clock(self) -> datetime:
        moment = _moment.get()
        return moment if moment is not None else datetime.now(UTC)

    def _at(self, on: date | None) -> None:
        """A practice store's clock for this request: where its last event left it, or noon on
        the day an action states (as the CLI's ``--on``). A real store keeps the system clock."""
        if self.store.practice:
            if on is not None:
                _moment.set(datetime.combine(on, day_time(12), AMSTERDAM))
            else:
                _moment.set(self.store.last_recorded_at() or datetime.now(UTC))

    def desk(self) -> Desk:
        """A desk for one request: its records are read afresh, the decoded plan versions shared."""
        return Desk(self.store, plans=self.plans)

    def plan_page(self, account: Account, plan_id: str, compare: tuple[int, int] | None = None) -> PlanPage:
        self._at(None)
        return plan_page(self.desk(), account, plan_id, compare)

    # --- pages --------------------------------------------------------------------------------------

    def page(
        self, request: Request, name: str, context: Mapping[str, Any] | None = None, *, status: int = 200
    ) -> HTMLResponse:
        account = request.scope.get("account")
        notices = request.session.pop("notices", []) if "session" in request.scope else []
        values = {
            "request": request,
            "account": account,
            "csrf": csrf_token(request.session),
            "practice": self.store.practice,
            "notices": notices,
            "error": None,
            **(context or {}),
        }
        return HTMLResponse(self.templates.get_template(name).render(values), status_code=status)

    def refused(self, request: Request, exc: BeoordelingError, name: str, context: Mapping[str, Any]) -> HTMLResponse:
        """A page with the library's refusal at its top (409 for a refusal, 404 for a plan not
        found, 400 for bad input), never a server error."""
        status = 409 if isinstance(exc, Refused) else 404 if isinstance(exc, PlanNotFound) else 400
        return self.page(request, name, {**context, "error": error_view(exc)}, status=status)

    def hold(self, username: str, plan: Plan) -> str:
        now = time.monotonic()
        for key in [k for k, held in self.held.items() if held.until < now]:
            del self.held[key]
        token = secrets.token_urlsafe(16)
        self.held[token] = Held(username, plan, now + _HELD_SECONDS)
        while len(self.held) > _HELD_MAX:
            self.held.popitem(last=False)
        return token


@dataclass(frozen=True)
class ErrorView:
    title: str
    lines: tuple[str, ...]


def error_view(exc: BeoordelingError) -> ErrorView:
    """The refusal as the CLI shows it: what was refused, then each reason."""
    if isinstance(exc, Refused):
        return ErrorView("Geweigerd: " + exc.what, exc.reasons)
    if isinstance(exc, InputError):
        return ErrorView("Niet verwerkt", tuple(str(p) for p in exc.problems))
    return ErrorView("Niet verwerkt", (str(exc),))


def _account(web: Web, request: Request) -> Account | None:
    username = request.session.get("user")
    if not isinstance(username, str):
        return None
    account = web.accounts.get(username)
    if account is None or account.disabled:
        request.session.clear()
        return None
    request.scope["account"] = account
    return account


def _signed_in(handler: Callable[[Web, Request, Account], Any]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        web: Web = request.app.state.web
        account = await run_in_threadpool(_account, web, request)
        if account is None:
            if request.method != "GET":
                return HTMLResponse("Niet ingelogd.", status_code=401)
            return RedirectResponse("/inloggen", status_code=303)
        with speaking("nl"):
            try:
                response: Response = await handler(web, request, account)
            except CsrfError:
                response = web.page(request, "fout.html", {"title": "Verzoek geweigerd", "lines": [
                    "Dit formulier kwam niet van deze pagina (het beveiligingskenmerk ontbreekt of klopt niet). "
                    "Laad de pagina opnieuw en probeer het nog eens."]}, status=403)  # fmt: skip
        return response

    return endpoint


def _day(text: object) -> date | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError([Problem(f"de datum {text[:40]!r} is geen datum (JJJJ-MM-DD)")]) from None


def _text(form: Mapping[str, Any], name: str) -> str | None:
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.replace("\r\n", "\n").strip()
    return value or None


# --- sign-in --------------------------------------------------------------------------------------


async def login_page(request: Request) -> Response:
    web: Web = request.app.state.web
    with speaking("nl"):
        return web.page(request, "inloggen.html", {"username": ""})


async def login(request: Request) -> Response:
    web: Web = request.app.state.web
    with speaking("nl"):
        try:
            form = await checked_form(request)
        except CsrfError:
            return web.page(request, "inloggen.html", {"username": "", "failed": "Laad de pagina opnieuw."}, status=403)
        username = (_text(form, "gebruikersnaam") or "")[:64]
        password = form.get("wachtwoord")
        password = password if isinstance(password, str) else ""
        client = request.client.host if request.client else "?"
        keys = {f"user:{username}": 1, f"addr:{client}": 4}
        if web.throttle.blocked(keys):
            return web.page(request, "inloggen.html", {"username": username, "failed":
                "Te veel mislukte pogingen; probeer het over een kwartier opnieuw."}, status=429)  # fmt: skip
        account = await run_in_threadpool(web.accounts.authenticate, username, password)
        if account is None:
            web.throttle.failed(keys)
            return web.page(request, "inloggen.html", {"username": username, "failed":
                "Gebruikersnaam of wachtwoord onjuist (of het account is uitgeschakeld)."}, status=401)  # fmt: skip
        web.throttle.succeeded(f"user:{username}")
        request.session.clear()  # a new session: nothing of the one before sign-in carries over
        request.session["user"] = account.username
        csrf_token(request.session)
        log.info("signed in: %s", account.username)
        return RedirectResponse("/", status_code=303)


async def logout(request: Request) -> Response:
    web: Web = request.app.state.web
    try:
        await checked_form(request)
    except CsrfError:
        with speaking("nl"):
            return web.page(request, "inloggen.html", {"username": "", "failed": "Laad de pagina opnieuw."}, status=403)
    request.session.clear()
    return RedirectResponse("/inloggen", status_code=303)


# --- the inbox and the plan page ------------------------------------------------------------------


async def _inbox(web: Web, request: Request, account: Account) -> Response:
    chosen = request.query_params.get("stand") or None
    state = PlanState(chosen) if chosen in {s.value for s in PlanState} else None

    def read() -> Any:
        web._at(None)
        return inbox(web.desk(), account, state, web.organisations, web.records)

    rows = await run_in_threadpool(read)
    pages = max(1, -(-len(rows) // INBOX_PAGE))
    try:
        number = min(max(1, int(request.query_params.get("pagina", "1"))), pages)
    except ValueError:
        number = 1
    shown = rows[(number - 1) * INBOX_PAGE : number * INBOX_PAGE]
    context = {"rows": shown, "total": len(rows), "page": number, "pages": pages, "states": list(PlanState),
               "chosen": state}  # fmt: skip
    name = (
        "_postbak.html"
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "postbak"
        else "postbak.html"
    )
    return web.page(request, name, context)


def _compare(request: Request) -> tuple[int, int] | None:
    try:
        return int(request.query_params["van"]), int(request.query_params["naar"])
    except (KeyError, ValueError):
        return None


async def _plan(web: Web, request: Request, account: Account) -> Response:
    plan_id = request.path_params["plan_id"]

    try:
        page = await run_in_threadpool(web.plan_page, account, plan_id, _compare(request))
    except BeoordelingError as exc:
        return web.refused(request, exc, "fout.html", {"title": "Plan niet gevonden", "lines": []})
    return web.page(request, "plan.html", {"page": page})


def _act(web: Web, account: Account, plan_id: str, form: Mapping[str, Any]) -> list[str]:
    """One action on the plan, through the desk; returns what happened, in words."""
    action = _text(form, "handeling") or ""
    role = ACTION_ROLES.get(action)
    if role is None:
        raise InputError([Problem(f"onbekende handeling {action[:40]!r}")])
    on = _day(form.get("datum"))
    web._at(on)
    desk = web.desk()
    plan = desk.plan(plan_id)
    if not visible_to(account, plan):
        raise PlanNotFound(plan_id)
    actor = account.actor(account.role_for(plan, [role]) or role)
    reason = _text(form, "reden")
    outcome = _text(form, "uitkomst") or ""
    if action == "judge":
        result = desk.judge(plan_id, _text(form, "criterium") or "", _text(form, "oordeel") or "", actor,
                            reason=reason, on=on)  # fmt: skip
    elif action == "propose":
        result = desk.propose(plan_id, outcome, actor, reason=reason, on=on)
    elif action == "decide":
        result = desk.decide(plan_id, outcome, actor, reason=reason, on=on)
    elif action == "submit":
        result = desk.submit(plan_id, actor, reason=reason, on=on)
    elif action == "escalate":
        result = desk.escalate(plan_id, actor, reason=reason or "", on=on)
    elif action == "rule":
        result = desk.rule(plan_id, outcome, actor, reason=reason or "", on=on)
    else:
        trigger = Trigger(action)
        milestone = _text(form, "mijlpaal")
        result = desk.act(plan_id, trigger, actor, reason=reason, on=on, milestone=milestone)
    said = [f"{event_label(e)}, gebeurtenis {e.seq}" for e in result.events]
    return [*said, f"Stand: {term(result.state)}", *result.notes]


async def _action(web: Web, request: Request, account: Account) -> Response:
    plan_id = request.path_params["plan_id"]
    form = await checked_form(request)
    try:
        said = await run_in_threadpool(_act, web, account, plan_id, form)
    except BeoordelingError as exc:
        try:
            page = await run_in_threadpool(web.plan_page, account, plan_id)
        except BeoordelingError as missing:
            return web.refused(request, missing, "fout.html", {"title": "Plan niet gevonden", "lines": []})
        return web.refused(request, exc, "plan.html", {"page": page})
    request.session["notices"] = said
    return RedirectResponse(f"/plannen/{plan_id}", status_code=303)


async def _letter(web: Web, request: Request, account: Account) -> Response:
    plan_id = request.path_params["plan_id"]
    seq = int(request.path_params["seq"])
    await checked_form(request)

    def write() -> tuple[str, bytes]:
        web._at(None)
        plan = web.store.plan(plan_id).plan
        if not visible_to(account, plan):
            raise PlanNotFound(plan_id)
        office = LetterOffice(web.store)
        event = office.decision(plan_id, seq)
        role = account.role_for(plan, account.roles) or account.roles[0]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "brief.pdf"
            issued = office.write(event, path, account.actor(role))
            return f"{issued.document}-{issued.kind}.pdf", path.read_bytes()

    try:
        name, pdf = await run_in_threadpool(write)
    except BeoordelingError as exc:
        return web.refused(request, exc, "fout.html", {"title": "Brief niet gemaakt", "lines": []})
    return Response(
        pdf, media_type="application/pdf", headers={"content-disposition": f'attachment; filename="{name}"'}
    )


# --- the self-check and submitting ----------------------------------------------------------------


async def _selfcheck_page(web: Web, request: Request, account: Account) -> Response:
    return web.page(request, "zelftoets.html", {"result": None})


def _read_upload(filename: str, data: bytes) -> Any:
    """The uploaded plan, read from a file of its own name (so that a message names it) in a
    folder of its own, removed at once."""
    name = Path(filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in _UPLOAD_SUFFIXES:
        raise InputError([Problem(f"{name}: kies een ingevulde werkmap (.xlsx) of een planbestand (.yaml, .json)")])
    safe = _SAFE_NAME.sub("_", Path(name).stem)[:80] or "plan"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{safe}{suffix}"
        path.write_bytes(data)
        return read_plan(path)


async def _selfcheck(web: Web, request: Request, account: Account) -> Response:
    form = await checked_form(request, files=1)
    upload = form.get("bestand")
    if not isinstance(upload, UploadFile):
        await form.close()
        return web.refused(request, InputError([Problem("kies een bestand")]), "zelftoets.html", {"result": None})
    data = await upload.read(MAX_BODY + 1)
    filename = upload.filename or "plan"
    await form.close()  # the spooled upload is read: let it go now, not when it is collected

    def check() -> dict[str, Any]:
        web._at(None)
        reading = _read_upload(filename, data)
        plan = reading.plan
        today = web.desk().today()
        steps = default_steps(plan)
        policy = policy_in_force(web.store)
        assessment = evaluate(plan, today, steps)
        closed = submission_refusals(policy, plan, steps, today)
        return {"plan": plan, "assessment": assessment, "missing": reading.missing, "closed": closed,
                "too_large": policy.amount_refusals(plan), "on": today}  # fmt: skip

    try:
        result = await run_in_threadpool(check)
    except BeoordelingError as exc:
        return web.refused(request, exc, "zelftoets.html", {"result": None})
    party = account.role_for(result["plan"], [Role.SUBMITTER]) is not None
    token = web.hold(account.username, result["plan"]) if party else None
    return web.page(request, "zelftoets.html", {"result": result, "token": token})


def _submit_held(web: Web, account: Account, held: Held) -> str:
    plan = held.plan
    web._at(None)
    desk = web.desk()
    actor = account.actor(Role.SUBMITTER)
    if plan.version is None:
        # A workbook that names no version is the next version of a plan already stored (the store
        # still refuses one that names an older version: someone else changed the plan since).
        latest = {p.plan_id: p.latest_version for p in web.store.plans()}.get(plan.id)
        plan = plan.model_copy(update={"version": latest}) if latest else plan
    desk.save_plans([plan], actor)
    desk.submit(plan.id, actor)
    return plan.id


async def _submit(web: Web, request: Request, account: Account) -> Response:
    form = await checked_form(request)
    token = _text(form, "plan") or ""
    held = web.held.get(token)
    if held is None or held.username != account.username or held.until < time.monotonic():
        error = InputError([Problem("deze zelftoets is verlopen; laad het bestand opnieuw")])
        return web.refused(request, error, "zelftoets.html", {"result": None})
    try:
        plan_id = await run_in_threadpool(_submit_held, web, account, held)
    except BeoordelingError as exc:
        return web.refused(request, exc, "zelftoets.html", {"result": None})
    web.held.pop(token, None)
    request.session["notices"] = [f"{plan_id} is ingediend."]
    return RedirectResponse(f"/plannen/{plan_id}", status_code=303)


# --- the waiting list and the quarterly figures ---------------------------------------------------

_FIGURES_ROLES = (Role.NZA, Role.BO_IZA)
_DOWNLOADS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def _not_for(web: Web, request: Request) -> Response:
    return web.page(request, "fout.html", {"title": "Niet voor uw rol", "lines": [
        "Deze pagina is voor de NZa en het BO IZA."]}, status=403)  # fmt: skip


async def _queue(web: Web, request: Request, account: Account) -> Response:
    if not set(account.roles) & set(_FIGURES_ROLES):
        return _not_for(web, request)

    def read() -> Any:
        web._at(None)
        today = web.desk().today()
        return today, queue(web.store, today)

    today, rows = await run_in_threadpool(read)
    return web.page(request, "wachtrij.html", {"rows": rows, "on": today})


def _quarter(web: Web, request: Request, given: str | None) -> tuple[str, Reading]:
    web._at(None)
    quarter = (given or request.query_params.get("kwartaal") or "").strip() or last_quarter(web.desk().today())
    reading = Reading.HAPPENED if request.query_params.get("lezing") == "happened" else Reading.KNOWN
    return quarter[:10], reading


async def _figures(web: Web, request: Request, account: Account) -> Response:
    if not set(account.roles) & set(_FIGURES_ROLES):
        return _not_for(web, request)
    quarter, reading = _quarter(web, request, None)
    try:
        evaluation, report = await run_in_threadpool(web.figures.of, web.store, quarter, reading)
    except ValueError as exc:
        error = InputError([Problem(str(exc))])
        return web.refused(request, error, "cijfers.html", {"report": None, "quarter": quarter, "reading": reading})
    charts = {table.key for table in report.tables if table.chart is not None and table.rows}
    context = {"report": report, "quarter": evaluation.figures.period.label, "reading": reading, "charts": charts}
    return web.page(request, "cijfers.html", context)


async def _figures_file(web: Web, request: Request, account: Account) -> Response:
    if not set(account.roles) & set(_FIGURES_ROLES):
        return _not_for(web, request)
    kind = request.path_params["kind"]
    if kind not in _DOWNLOADS:
        return web.page(request, "fout.html", {"title": "Onbekend bestandstype", "lines": []}, status=404)
    quarter, reading = _quarter(web, request, request.path_params["quarter"])

    def make() -> bytes:
        evaluation, _report = web.figures.of(web.store, quarter, reading)
        with tempfile.TemporaryDirectory() as folder:
            return save_report(evaluation, Path(folder) / f"cijfers.{kind}").read_bytes()

    try:
        data = await run_in_threadpool(make)
    except ValueError as exc:
        return web.refused(
            request, InputError([Problem(str(exc))]), "fout.html", {"title": "Geen cijfers", "lines": []}
        )
    name = f"cijfers-{quarter}.{kind}"
    return Response(
        data, media_type=_DOWNLOADS[kind], headers={"content-disposition": f'attachment; filename="{name}"'}
    )


async def _figures_chart(web: Web, request: Request, account: Account) -> Response:
    if not set(account.roles) & set(_FIGURES_ROLES):
        return _not_for(web, request)
    quarter, reading = _quarter(web, request, request.path_params["quarter"])

    def draw() -> str | None:
        _evaluation, report = web.figures.of(web.store, quarter, reading)
        table = next((t for t in report.tables if t.key == request.path_params["key"]), None)
        return chart_svg(table) if table is not None else None

    try:
        svg = await run_in_threadpool(draw)
    except ValueError:
        svg = None
    if svg is None:
        return Response("", status_code=404)
    # Loaded as an image, never inline: matplotlib's SVG carries its own styles, which only this
    # document's policy allows; an image runs no script.
    return Response(svg, media_type="image/svg+xml", headers={"content-security-policy": CHART_CSP})


async def _money(web: Web, request: Request, account: Account) -> Response:
    if not set(account.roles) & set(_FIGURES_ROLES):
        return _not_for(web, request)

    def read() -> Any:
        web._at(None)
        today = web.desk().today()
        return today, *web.money.of(web.store, today)

    try:
        today, found, predicted = await run_in_threadpool(read)
    except BeoordelingError as exc:
        return web.refused(request, exc, "fout.html", {"title": "Geen begroting", "lines": []})
    return web.page(request, "geld.html", {"on": today, "budget": found, "forecast": predicted})


async def _forecast_chart(web: Web, request: Request, account: Account) -> Response:
    if not set(account.roles) & set(_FIGURES_ROLES):
        return _not_for(web, request)

    def draw() -> str:
        web._at(None)
        _found, predicted = web.money.of(web.store, web.desk().today())
        return forecast_svg(predicted)

    svg = await run_in_threadpool(draw)
    return Response(svg, media_type="image/svg+xml", headers={"content-security-policy": CHART_CSP})


def _adoption_context(web: Web) -> dict[str, Any]:
    programme, _seq = programme_in_force(web.store.events(types=[PROGRAMME_ADOPTED]))
    return {"policy": policy_in_force(web.store), "programme": programme}


async def _adopt_page(web: Web, request: Request, account: Account) -> Response:
    if Role.BO_IZA not in account.roles:
        return _not_for(web, request)
    return web.page(request, "vaststellen.html", await run_in_threadpool(_adoption_context, web))


def _adopt_file(web: Web, account: Account, kind: str, upload: tuple[str, bytes], reason: str) -> str:
    """Read the uploaded file strictly (as `policy check` or `programme check` does) and adopt it;
    the event names the file as it was uploaded, not where it was read from."""
    filename, data = upload
    name = Path(filename).name
    if Path(name).suffix.lower() not in (".yaml", ".yml"):
        raise InputError([Problem(f"{name}: kies een beleids- of programmabestand (.yaml)")])
    web._at(None)
    desk = web.desk()
    actor = account.actor(Role.BO_IZA)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (_SAFE_NAME.sub("_", Path(name).stem)[:80] + Path(name).suffix.lower())
        path.write_bytes(data)
        if kind == "beleid":
            policy = dataclasses.replace(load_policy(path), source=name)
            event = desk.adopt_policy(policy, actor, reason=reason)
            return f"Beleid {policy.stamp} vastgesteld, gebeurtenis {event.seq}."
        programme = dataclasses.replace(load_programme(path), source=name)
        event = desk.adopt_programme(programme, actor, reason=reason)
        return f"Programma {programme.stamp} vastgesteld, gebeurtenis {event.seq}."


async def _adopt(web: Web, request: Request, account: Account) -> Response:
    if Role.BO_IZA not in account.roles:
        return _not_for(web, request)
    form = await checked_form(request, files=1)
    kind = _text(form, "soort") or ""
    upload = form.get("bestand")
    reason = _text(form, "reden") or ""
    filename, data = "", b""
    if isinstance(upload, UploadFile):
        filename, data = upload.filename or "bestand.yaml", await upload.read(MAX_BODY + 1)
    await form.close()
    try:
        if kind not in ("beleid", "programma") or not filename:
            raise InputError([Problem("kies een beleids- of programmabestand")])
        said = await run_in_threadpool(_adopt_file, web, account, kind, (filename, data), reason)
    except BeoordelingError as exc:
        return web.refused(request, exc, "vaststellen.html", await run_in_threadpool(_adoption_context, web))
    request.session["notices"] = [said]
    return RedirectResponse("/vaststellen", status_code=303)


# --- form templates -------------------------------------------------------------------------------


async def _templates(web: Web, request: Request, account: Account) -> Response:
    forms = default_forms()
    return web.page(request, "sjablonen.html", {"forms": [forms[i] for i in forms.ids]})


async def _template(web: Web, request: Request, account: Account) -> Response:
    forms = default_forms()
    form_id = request.path_params["form_id"]
    if form_id not in forms.ids:
        return web.page(request, "fout.html", {"title": "Sjabloon niet gevonden", "lines": []}, status=404)

    def make() -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            return save_workbook(forms[form_id], Path(folder) / "sjabloon.xlsx").read_bytes()

    data = await run_in_threadpool(make)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, media_type=media, headers={"content-disposition": f'attachment; filename="{form_id}.xlsx"'})


def _wrap(handler: Callable[[Web, Request, Account], Any]) -> Callable[[Request], Any]:
    return _guarded(_signed_in(handler))


def create_app(store_url: str, *, secret_key: str | None = None, https_only: bool = False) -> Starlette:
    """The application on the store at ``store_url``. ``secret_key`` signs the session cookies
    (a random one by default: sessions then end when the server stops)."""
    web = Web(store_url, secret_key=secret_key or secrets.token_urlsafe(32), https_only=https_only)
    routes = [
        Route("/", _wrap(_inbox)),
        Route("/inloggen", _guarded(login_page), methods=["GET"]),
        Route("/inloggen", _guarded(login), methods=["POST"]),
        Route("/uitloggen", _guarded(logout), methods=["POST"]),
        Route("/plannen/{plan_id}", _wrap(_plan)),
        Route("/plannen/{plan_id}/handeling", _wrap(_action), methods=["POST"]),
        Route("/plannen/{plan_id}/brieven/{seq:int}", _wrap(_letter), methods=["POST"]),
        Route("/zelftoets", _wrap(_selfcheck_page), methods=["GET"]),
        Route("/zelftoets", _wrap(_selfcheck), methods=["POST"]),
        Route("/indienen", _wrap(_submit), methods=["POST"]),
        Route("/wachtrij", _wrap(_queue)),
        Route("/cijfers", _wrap(_figures)),
        Route("/cijfers/{quarter}.{kind}", _wrap(_figures_file)),
        Route("/cijfers/{quarter}/grafiek/{key}.svg", _wrap(_figures_chart)),
        Route("/geld", _wrap(_money)),
        Route("/geld/prognose.svg", _wrap(_forecast_chart)),
        Route("/vaststellen", _wrap(_adopt_page), methods=["GET"]),
        Route("/vaststellen", _wrap(_adopt), methods=["POST"]),
        Route("/sjablonen", _wrap(_templates)),
        Route("/sjablonen/{form_id}.xlsx", _wrap(_template)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(Headers),
        Middleware(BodyLimit),
        Middleware(
            SessionMiddleware,
            secret_key=web.secret_key,
            session_cookie="beoordeling_sessie",
            max_age=SESSION_HOURS * 3600,
            same_site="lax",
            https_only=https_only,
        ),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # A page's work is Python that holds the interpreter lock: a few threads at a time serve the
        # queue of requests sooner than forty that take the lock from each other (bench/web_load.py).
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        yield
        web.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.web = web
    return app


def _failed(request: Request, exc: Exception) -> Response:
    """A server error as the reader meets it (a Dutch page, no detail), and in the log only what
    went wrong and where: the exception's type and the frames, never its message, the form, the
    plan or the session (a message can quote what was posted)."""
    frames = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__))
    log.error("error on %s %s: %s\n%s", request.method, request.url.path, type(exc).__name__, frames)
    body = (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Fout</title></head>'
        "<body><h1>Er ging iets mis</h1><p>Er ging iets mis op de server; het is gemeld.</p></body></html>"
    )
    return HTMLResponse(body, status_code=500)


def _guarded(endpoint: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """Every route: what it does not handle becomes :func:`_failed`, not a traceback in the log."""

    async def guarded(request: Request) -> Response:
        try:
            response: Response = await endpoint(request)
        except HTTPException:
            raise  # Starlette's own answer (a malformed form is 400), not a failure
        except Exception as exc:
            return _failed(request, exc)
        return response

    return guarded
