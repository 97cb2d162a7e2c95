"""The demo: the whole product at work on the example plans, with every output written to one folder.

The library does the work and returns a report; the CLI shows it. Later capabilities (letters,
Excel, statistics) add their steps here, so this stays the one place that shows it all. The store
runs on the demo's own clock, so the example plans walk through the workflow on realistic dates
(2023-2025): it is a declared practice store, and everything it produces says so. The self-check
uses today's rules.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .._time import local_date
from ..accounts import Account, Accounts
from ..charts import plot_forecast
from ..criteria import Assessment, default_rules, evaluate
from ..desk import Deadline, Desk
from ..errors import StoreError
from ..forms import default_forms, form_json_schema, save_workbook
from ..impact import Side, impact
from ..impact.report import save_impact
from ..letters import IssuedLetter, LetterCheck, LetterOffice, verify_letter
from ..model import Plan, Role
from ..money import cents
from ..money.audit import books_problems
from ..money.books import Books
from ..money.budget import Budget, budget
from ..money.forecast import Backtest, backtest
from ..money.spuk import SpukYear, accountability
from ..overview import Sheet, save_overview
from ..planfile import load_plans, plan_json_schema_text, read_plan, save_plan
from ..reference import load_regions
from ..report import FORMATS_BY_SUFFIX, save_report
from ..resources import bundled_dir
from ..stats import evaluate as evaluate_period
from ..stats import period_of
from ..stats.schema import stats_json_schema_text
from ..store import Actor, PlanSummary, SaveResult, Store, VerifyReport
from ..store._engine import normalise_url, sqlite_path
from ..store.store import Clock, system_clock
from ..workflow import default_policy
from ..workflow.diagram import diagram_dot, diagram_mermaid
from ._demo_paths import (
    AS_OF,
    BUDGET_ON,
    FORECAST_ON,
    SPUK_YEAR,
    STATS_QUARTER,
    DemoClock,
    adopt_practice_programme,
    tranches,
    walk_examples,
)
from ._words import _, day

__all__ = ["DemoReport", "run_demo"]

IMPACT_ON = date(2023, 6, 1)
"""The demo's rules impact: what the criteria as they stood on this day (the 2023 edition, before the
June 2025 additions) would make of its plans, against those in force now."""

DEMO_SUBMITTER = Actor("Demo", "Demo-indiener", Role.SUBMITTER)
DEMO_LETTERS = Actor("Demo", "Demo-postkamer", Role.COORDINATING_INSURER)
DEMO_PASSWORD = "oefenen-met-beoordelen"  # noqa: S105 - the practice store's published password
"""The password of the demo store's web accounts (a practice store: it says so on every page)."""
WORKBOOK_EXAMPLE = "TP-2023-0014"
"""The example that arrives as a filled-in plan workbook, the way care providers send it."""


@dataclass
class DemoReport:
    store_url: str
    examples: int
    imported: list[SaveResult]
    revised: SaveResult
    plans: list[PlanSummary]
    verification: VerifyReport
    self_checks: list[Assessment] = field(default_factory=list)
    """The self-check (zelftoets) of every stored plan against the rules in force on the demo's date."""
    outputs: list[Path] = field(default_factory=list)
    walked: list[str] = field(default_factory=list)
    """What each example plan went through in the workflow this run."""
    deadlines: list[Deadline] = field(default_factory=list)
    """The open clocks on the demo's deadline day (:data:`AS_OF`)."""
    letters: list[IssuedLetter] = field(default_factory=list)
    """The decision letters written this run (those not issued before)."""
    letter_check: LetterCheck | None = None
    """The first letter checked against the store, as `verify-letter` does."""
    overview: list[Sheet] = field(default_factory=list)
    as_of: date = AS_OF
    budget: Budget | None = None
    """The budget on :data:`BUDGET_ON`, when the money had run out."""
    backtest: Backtest | None = None
    """The forecast made on :data:`FORECAST_ON`, against what the store shows happened."""
    books: list[str] = field(default_factory=list)
    """What is wrong with the books (empty: they balance)."""
    spuk: list[SpukYear] = field(default_factory=list)
    """The municipal route's figures of :data:`SPUK_YEAR` (the SiSa accountability)."""
    accounts: list[Account] = field(default_factory=list)
    """The web accounts of the demo store, one per organisation its plans name (:data:`DEMO_PASSWORD`)."""


def _fresh_store(out_dir: Path, clock: Clock) -> Store:
    path = out_dir / "beoordeling.db"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    store = Store.open(str(path), create=True, clock=clock)
    system = Actor("Demo", "beoordeling", Role.SYSTEM)
    store.initialise(system, practice=True)
    Desk(store).adopt_policy(default_policy(), system, reason="Meegeleverd beleid bij het aanmaken")
    return store


def run_demo(
    out_dir: Path,
    store_url: str | None = None,
    *,
    clock: Clock = system_clock,
    progress: Callable[[str], None] = lambda _step: None,
) -> DemoReport:
    """Import the examples, revise the draft, walk the examples through the workflow, list the
    deadlines, write the decision letters and the Excel overview, export and self-check every plan,
    draw the lifecycle, verify the store.

    With ``store_url`` the demo works in that store, creating it as a practice store when it does
    not exist yet, and is safe to repeat: unchanged plans are not stored again (a real store refuses
    the demo's simulated clock). Without it, a fresh SQLite store is made in ``out_dir``. On an
    error, an output folder the demo made is removed again.
    """
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        return _run(out_dir, store_url, clock, progress)
    except BaseException:
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise


def _practice_store(url: str, clock: Clock) -> Store:
    """The configured store, made a practice store first if it does not exist yet."""
    path = sqlite_path(normalise_url(url))
    if path is None or path.exists():
        try:
            return Store.open(url, clock=clock)
        except StoreError:
            if path is not None or _has_meta(url):
                raise  # an existing store (a real one refuses the demo's clock), or one that cannot be opened
    store = Store.open(url, create=True, clock=clock)
    system = Actor("Demo", "beoordeling", Role.SYSTEM)
    store.initialise(system, practice=True)
    Desk(store).adopt_policy(default_policy(), system, reason="Meegeleverd beleid bij het aanmaken")
    return store


def _has_meta(url: str) -> bool:
    """Whether the database at ``url`` holds a store at all (an empty PostgreSQL database does not)."""
    with Store.open(url, create=True) as probe:
        return probe.initialised


def _run(out_dir: Path, store_url: str | None, clock: Clock, progress: Callable[[str], None]) -> DemoReport:
    story = DemoClock()
    store = _practice_store(store_url, story) if store_url else _fresh_store(out_dir, story)
    with store:
        progress(_("Reading the example plans"))
        examples = sorted(bundled_dir("examples").glob("*.yaml"))
        plans = load_plans(examples, load_regions())
        progress(_("Writing the submission forms (Excel) and reading one filled in by its submitters"))
        outputs = _forms(out_dir / "formulieren")
        plans = _by_workbook(plans, out_dir / "formulieren", outputs)
        present = {summary.plan_id for summary in store.plans()}
        plans = [*plans, *tranches(plans)]
        new = [plan for plan in plans if plan.id not in present]
        progress(
            _("Importing {count} plans ({already} already in the store)").format(
                count=len(new), already=len(plans) - len(new)
            )
        )
        imported = store.save_plans(new, DEMO_SUBMITTER, reason="Voorbeeldplannen ingelezen")

        progress(_("Revising the incomplete draft (a new version; the first stays as it was)"))
        draft = store.plan("TP-CONCEPT-ACUTE-GGZ").plan
        revised_quick_test = draft.quick_test.model_copy(
            update={
                "alignment_justification": (
                    "Eén crisisdienst voor twee regio's vraagt dat alle verzekeraars dezelfde dienst "
                    "inkopen; anders blijven er twee roosters bestaan."
                )
            }
        )
        revised = store.save_plan(
            draft.model_copy(update={"quick_test": revised_quick_test}),
            DEMO_SUBMITTER,
            reason="Onderbouwing gelijkgericht handelen toegevoegd",
        )

        progress(_("Walking the example plans through the workflow (2023-2025), on a budget that runs out"))
        desk = Desk(store)
        if "TP-2023-0014" in {result.plan_id for result in imported}:
            adopt_practice_programme(desk)
        walked = walk_examples(desk, story, {result.plan_id for result in imported})
        deadlines = desk.deadlines(AS_OF)

        progress(_("Writing the decision letters (PDF/A), checking one, and the Excel overview"))
        letters, letter_check, overview = _documents(store, out_dir, outputs)

        progress(_("Exporting every plan (YAML, and the plan form filled in for Excel)"))
        outputs.extend(_export_plans(store, out_dir / "plans"))
        progress(_("Self-checking every plan (zelftoets) against the rules in force today"))
        today = clock().date()
        self_checks = []
        for summary in store.plans():
            assessment = evaluate(store.plan(summary.plan_id).plan, today)
            self_checks.append(assessment)
            path = out_dir / "zelftoets" / f"{summary.plan_id}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(assessment.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            outputs.append(path)
        outputs.append(_write_json(out_dir / "deadlines.json", [_deadline_json(d) for d in deadlines]))
        for summary in store.plans():
            events = desk.history(summary.plan_id)
            outputs.append(_write_json(out_dir / "history" / f"{summary.plan_id}.json", [e.as_dict() for e in events]))
        for name, text in (
            ("levensloop.dot", diagram_dot()),
            ("levensloop.md", f"```mermaid\n{diagram_mermaid()}```\n"),
        ):
            (out_dir / name).write_text(text, encoding="utf-8")
            outputs.append(out_dir / name)
        schema_path = out_dir / "plan.schema.json"
        schema_path.write_text(plan_json_schema_text(), encoding="utf-8")
        outputs.append(schema_path)

        found, tested, spuk = _money(store, out_dir, outputs, progress)
        progress(_("Adding a web account for every organisation the plans name"))
        accounts = demo_accounts(store)
        progress(_("Verifying the event chain and the books"))
        verification, books = _verified(store, out_dir, outputs)
        return DemoReport(
            store.url, len(plans), imported, revised, store.plans(), verification, self_checks, outputs, walked,
            deadlines, letters, letter_check, overview, budget=found, backtest=tested, books=books, spuk=spuk,
            accounts=accounts,
        )  # fmt: skip


def _username(organisation: str) -> str:
    """'Coöperatie VGZ' -> 'cooperatie-vgz'."""
    plain = unicodedata.normalize("NFKD", organisation).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:64] or "organisatie"


def demo_accounts(store: Store) -> list[Account]:
    """A web account for every organisation the demo's plans name: each insurer in every insurer
    role (a market leader in one region is an other insurer in the next), each party as a
    submitter, and the NZa and the BO IZA; all with :data:`DEMO_PASSWORD`. Kept when present."""
    wanted: dict[str, tuple[str, tuple[Role, ...]]] = {
        "NZa": ("toetser", (Role.NZA,)),
        "BO IZA": ("secretaris", (Role.BO_IZA,)),
    }
    insurer_roles = (Role.MARKET_LEADER, Role.COORDINATING_INSURER, Role.OTHER_INSURER)
    for plan, _state in store.latest_plans():
        insurers = plan.insurers
        for name in [
            *insurers.market_leaders,
            *([insurers.coordinating] if insurers.coordinating else []),
            *insurers.others,
        ]:
            wanted.setdefault(name, ("beoordelaar", insurer_roles))
        for party in plan.parties:
            wanted.setdefault(party.name, ("projectleider", (Role.SUBMITTER,)))
    made: list[Account] = []
    with Accounts(store.url) as accounts:
        for organisation, (person, roles) in sorted(wanted.items()):
            username = _username(organisation)
            found = accounts.get(username)
            if found is None:
                found = accounts.add(username, person, organisation, roles, password=DEMO_PASSWORD)
            made.append(found)
    return made


def _money(
    store: Store, out_dir: Path, outputs: list[Path], progress: Callable[[str], None]
) -> tuple[Budget, Backtest, list[SpukYear]]:
    progress(_("Drawing up the budget"))
    found = _budget(store, out_dir, outputs)
    progress(_("Forecasting when the funds run out, and checking it against what happened"))
    tested = _forecast(store, out_dir, outputs)
    progress(_("The municipal route's figures of {year}").format(year=SPUK_YEAR))
    spuk = _spuk(store, out_dir, outputs)
    progress(_("The programme's figures of {quarter}: the quarterly report as Excel, PDF and JSON").format(
        quarter=STATS_QUARTER))  # fmt: skip
    evaluation = evaluate_period(store, period_of(STATS_QUARTER))
    for suffix in FORMATS_BY_SUFFIX:
        outputs.append(save_report(evaluation, out_dir / f"cijfers-{STATS_QUARTER}{suffix}"))
    (out_dir / "cijfers.schema.json").write_text(stats_json_schema_text(), encoding="utf-8")
    outputs.append(out_dir / "cijfers.schema.json")
    progress(_("What the criteria of {day} would do to these plans").format(day=day(IMPACT_ON)))
    rules = default_rules()
    today = local_date(store.now())
    found_impact = impact(store, Side(rules, today, "rules/"), Side(rules, IMPACT_ON, "rules/"))
    for suffix in (".xlsx", ".json"):
        outputs.append(save_impact(found_impact, out_dir / f"regelimpact-{IMPACT_ON.year}{suffix}"))
    return found, tested, spuk


def _spuk(store: Store, out_dir: Path, outputs: list[Path]) -> list[SpukYear]:
    """The municipal route's figures of :data:`SPUK_YEAR`, as ``spuk --format json`` gives them."""
    found = accountability(store.events(), lambda plan_id, version: store.plan(plan_id, version).plan, SPUK_YEAR)
    outputs.append(_write_json(out_dir / f"spuk-{SPUK_YEAR}.json", [y.as_dict() for y in found]))
    return found


def _budget(store: Store, out_dir: Path, outputs: list[Path]) -> Budget:
    """The budget on the day the money had run out, written as ``budget.json``."""
    titles = {p.plan_id: p.title for p in store.plans()}
    found = budget(Books.of(store, BUDGET_ON), lambda plan_id: titles.get(plan_id, plan_id))
    path = out_dir / "budget.json"
    path.write_text(json.dumps(found.as_dict("happened"), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    outputs.append(path)
    return found


def _forecast(store: Store, out_dir: Path, outputs: list[Path]) -> Backtest:
    """The forecast of :data:`FORECAST_ON` as a plot and as figures, with its backtest."""
    events = list(store.events())
    asked = {}
    for summary in store.plans():
        funding = store.plan(summary.plan_id).plan.funding
        asked[summary.plan_id] = cents(funding.total) if funding else 0
    tested = backtest(events, FORECAST_ON, local_date(store.now()), asked.__getitem__)
    plot_forecast(tested.forecast, out_dir / "prognose.svg")
    path = out_dir / "prognose.json"
    path.write_text(json.dumps(tested.forecast.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    outputs.extend([out_dir / "prognose.svg", path])
    return tested


def _verified(store: Store, out_dir: Path, outputs: list[Path]) -> tuple[VerifyReport, list[str]]:
    """The event chain and the books checked, as ``verify`` does, written as ``verify.json``."""
    verification = store.verify()
    books = books_problems(store.events(), date.max) if verification.ok else []
    path = out_dir / "verify.json"
    document = {**verification.as_dict(), "ok": verification.ok and not books, "books": books}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    outputs.append(path)
    return verification, books


def _documents(
    store: Store, out_dir: Path, outputs: list[Path]
) -> tuple[list[IssuedLetter], LetterCheck | None, list[Sheet]]:
    """Every pending letter (one checked against the store as `verify-letter` does) and the overview."""
    office = LetterOffice(store)
    letters = office.produce(office.pending(), out_dir / "brieven", DEMO_LETTERS, workers=2)
    outputs.extend(letter.path for letter in letters)
    letter_check = verify_letter(office, letters[0].path) if letters else None
    overview = save_overview(store, out_dir / "overzicht.xlsx", on=AS_OF)
    outputs.append(out_dir / "overzicht.xlsx")
    return letters, letter_check, overview


def _export_plans(store: Store, folder: Path) -> list[Path]:
    """Every plan as YAML and as its filled-in plan form, to edit and import again."""
    folder.mkdir(exist_ok=True)
    written = []
    for summary in store.plans():
        stored = store.plan(summary.plan_id)
        for suffix in (".yaml", ".xlsx"):
            written.append(save_plan(stored.plan, folder / f"{summary.plan_id}{suffix}"))
    return written


def _forms(folder: Path) -> list[Path]:
    """The blank workbooks and the JSON Schema of every form, for care providers and portals."""
    written: list[Path] = []
    folder.mkdir(parents=True, exist_ok=True)
    forms = default_forms()
    for form_id in forms.ids:
        form = forms[form_id]
        written.append(save_workbook(form, folder / f"{form_id}.xlsx"))
        written.append(_write_json(folder / f"{form_id}.schema.json", form_json_schema(form)))
    return written


def _by_workbook(plans: list[Plan], folder: Path, outputs: list[Path]) -> list[Plan]:
    """The plans, with :data:`WORKBOOK_EXAMPLE` as read back from its filled-in plan workbook."""
    chosen = next(plan for plan in plans if plan.id == WORKBOOK_EXAMPLE)
    workbook = save_workbook(default_forms()["plan"], folder / f"{WORKBOOK_EXAMPLE}.xlsx", chosen)
    outputs.append(workbook)
    return [read_plan(workbook).plan if plan.id == WORKBOOK_EXAMPLE else plan for plan in plans]


def _write_json(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _deadline_json(deadline: Deadline) -> dict[str, object]:
    return {
        "plan": deadline.plan_id,
        "state": deadline.state.value,
        "what": deadline.what,
        "due_on": deadline.due_on.isoformat() if deadline.due_on else None,
        "days_left": deadline.days_left,
        "overdue": deadline.overdue,
        "responsible": list(deadline.responsible),
        "note": deadline.note,
    }
