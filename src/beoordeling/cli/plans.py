"""Commands for the store and its plans: init, import, list, show, export, schema, verify, demo."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from .._files import write_text
from ..desk import Desk
from ..model import PlanState, Role, Sector
from ..model._types import VERSION_MAX
from ..money import AccountKind, euros
from ..money.audit import books_problems
from ..planfile import load_plans, plan_json_schema_text, save_plan
from ..reference import load_regions
from ..store import Store
from ..store._engine import redact, sqlite_path
from ..workflow import default_policy
from ._app import (
    _DATE,
    _ROLE_CHOICE,
    FINDINGS,
    OK,
    _actor,
    _print_register,
    _store_url,
    cli,
    err,
    noon,
    open_store,
    out,
)
from ._words import _, day, euro, event_label, moment, ngettext, term
from .demo import DEMO_PASSWORD, DemoReport, run_demo


@cli.command()
@click.option("--as", "identity", metavar="ORGANISATION/person", help="Who creates the store.")
@click.option(
    "--practice",
    is_flag=True,
    help="A practice store (demo, training): its clock follows --on, and everything it produces is marked "
    "as an example (voorbeeld). A real store always records by the system clock.",
)
@click.option(
    "--on",
    "on",
    type=_DATE,
    metavar="YYYY-MM-DD",
    help="For a practice store: the day its simulated clock starts (default: today).",
)
@click.pass_context
def init(ctx: click.Context, identity: str | None, practice: bool, on: Any) -> None:
    """Create a new, empty store, with the shipped policy adopted."""
    actor = _actor(identity, Role.SYSTEM.value)
    if on is not None and not practice:
        raise click.BadParameter(
            _("a real store starts on the system clock; --on sets the clock of a practice store (--practice)"),
            param_hint="'--on'",
        )
    clock = (lambda: noon(on.date())) if on is not None else None
    with Store.open(_store_url(ctx), create=True, clock=clock) as store:
        event = store.initialise(actor, practice=practice)
        adopted = Desk(store).adopt_policy(default_policy(), actor, reason="Meegeleverd beleid bij het aanmaken")
        made = _("Created practice store {url}") if practice else _("Created store {url}")
        out.print(made.format(url=redact(store.url)), markup=False)
        out.print(
            _("store id {id}, policy {stamp}, head {head}").format(
                id=event.payload["store_id"], stamp=adopted.payload["stamp"], head=adopted.hash
            )
        )


@cli.command()
@click.option("--as", "identity", metavar="ORGANISATION/person", help="Who upgrades the store.")
@click.pass_context
def upgrade(ctx: click.Context, identity: str | None) -> None:
    """Bring a store made by an earlier release up to this release (every event and hash is kept)."""
    report = Store.upgrade(_store_url(ctx), _actor(identity, Role.SYSTEM.value))
    if report.event is None:
        out.print(_("the store is up to date (schema {schema}); nothing was changed").format(schema=report.to_version))
        return
    out.print(
        _(
            "upgraded from schema {old} to {new}: the chain up to head {before} is kept, and event {seq} "
            "records the upgrade (head {after})"
        ).format(
            old=report.from_version, new=report.to_version, before=report.head_before, seq=report.event.seq,
            after=report.head_after,
        )
    )  # fmt: skip


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--as", "identity", metavar="ORGANISATION/person", help="Who imports (default: $BEOORDELING_ACTOR).")
@click.option("--role", type=_ROLE_CHOICE, default=Role.SUBMITTER.value, show_default=True, help="Role acted in.")
@click.option("--reason", help="Why these versions are stored; kept with the event.")
@click.option(
    "--on",
    "on",
    type=_DATE,
    metavar="YYYY-MM-DD",
    help="The day the versions took effect, if earlier than today (bounded as for every action).",
)
@click.option(
    "--regions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="BEOORDELING_REGIONS",
    help="Region list to check region.reference against (default: the shipped zorgkantoorregio's).",
)
@click.option(
    "--draft",
    is_flag=True,
    help="Store a workbook even when fields its form requires for the step are still empty.",
)
@click.pass_context
def import_(
    ctx: click.Context,
    files: Sequence[Path],
    identity: str | None,
    role: str,
    reason: str | None,
    on: Any,
    regions: Path | None,
    draft: bool,
) -> None:
    """Store plan files (YAML, JSON or a filled-in form workbook .xlsx) as new versions. All files
    are stored, or none."""
    actor = _actor(identity, role)
    plans = load_plans(files, load_regions(regions), complete_forms=not draft)
    with open_store(ctx, on) as store:
        results = Desk(store).save_plans(plans, actor, reason=reason, on=on.date() if on else None)
    for result in results:
        what = _("version {version}") if result.changed else _("unchanged (version {version})")
        out.print(f"{result.plan_id}: {what.format(version=result.version)}")


@cli.command("list")
@click.option("--status", type=click.Choice([s.value for s in PlanState]), help="Only plans in this state.")
@click.option("--region", help="Only plans whose region contains this text.")
@click.option("--insurer", help="Only plans that involve an insurer whose name contains this text.")
@click.option("--sector", type=click.Choice([s.value for s in Sector]), help="Only plans touching this sector.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def list_(
    ctx: click.Context,
    status: str | None,
    region: str | None,
    insurer: str | None,
    sector: str | None,
    fmt: str,
) -> None:
    """The plan register, with filters."""
    with Store.open(_store_url(ctx)) as store:
        found = store.plans(state=PlanState(status) if status else None, region=region, insurer=insurer, sector=sector)
    if fmt == "json":
        rows = [
            {
                "id": p.plan_id,
                "title": p.title,
                "version": p.latest_version,
                "status": p.state.value,
                "region": p.region,
                "theme": p.theme,
                "sectors": list(p.sectors),
                "insurers": list(p.insurers),
                "amount_requested": p.amount_requested,
                "updated_at": p.updated_at.isoformat(),
            }
            for p in found
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    _print_register(found)


@cli.command()
@click.argument("plan_id", metavar="PLAN")
@click.option("--version", "version", type=click.IntRange(1, VERSION_MAX), help="Show this version (default: latest).")
@click.pass_context
def show(ctx: click.Context, plan_id: str, version: int | None) -> None:
    """One plan: its content, versions and events."""
    with Store.open(_store_url(ctx)) as store:
        stored = store.plan(plan_id, version)
        versions = store.versions(plan_id)
        events = list(store.events(plan_id))
    plan = stored.plan
    out.print(f"{plan.id}  {plan.title}", style="bold", markup=False)
    facts = Table.grid(padding=(0, 2))
    facts.add_row(
        _("Version"), _("{version} of {latest}").format(version=stored.info.version, latest=stored.latest_version)
    )
    facts.add_row(_("State"), term(stored.state))
    facts.add_row(_("Theme"), term(plan.theme) if plan.theme else "-")
    facts.add_row(_("Scale"), term(plan.scale) if plan.scale else "-")
    facts.add_row(_("Region"), plan.region.name if plan.region else "-")
    facts.add_row(_("Market leaders"), ", ".join(plan.insurers.market_leaders) or "-")
    facts.add_row(_("Coordinating"), plan.insurers.coordinating or "-")
    facts.add_row(_("Sectors"), ", ".join(term(s) for s in plan.sectors) or "-")
    facts.add_row(_("Parties"), str(len(plan.parties)))
    if plan.funding:
        facts.add_row(_("Requested"), euro(plan.funding.total))
        for year, amount in plan.funding.by_year().items():
            facts.add_row("", f"{year}: {euro(amount)}")
        facts.add_row(_("Milestones"), f"{len(plan.funding.milestones)} ({euro(plan.funding.milestone_total)})")
    else:
        facts.add_row(_("Requested"), _("no transformation funds"))
    out.print(facts)
    history = Table("#", _("When"), _("What"), _("Who"), _("Reason"), box=None, header_style="bold", title=_("Events"))
    for event in events:
        history.add_row(
            str(event.seq), moment(event.occurred_at), event_label(event), str(event.actor), event.reason or "",
        )  # fmt: skip
    out.print(history)
    out.print(_("versions: {versions}").format(versions=", ".join(str(v.version) for v in versions)))


@cli.command()
@click.argument("plan_id", metavar="PLAN")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write: .yaml, .yml, .json, or .xlsx for a filled-in workbook of the plan form.",
)
@click.option(
    "--version", "version", type=click.IntRange(1, VERSION_MAX), help="Export this version (default: latest)."
)
@click.pass_context
def export(ctx: click.Context, plan_id: str, output: Path, version: int | None) -> None:
    """Write a stored plan to a file (YAML, JSON or a workbook), to edit and import again."""
    with Store.open(_store_url(ctx)) as store:
        stored = store.plan(plan_id, version)
    save_plan(stored.plan, output)
    out.print(
        _("{plan} version {version} written to {path}").format(plan=plan_id, version=stored.info.version, path=output)
    )


@cli.command()
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
def schema(output: Path | None) -> None:
    """JSON Schema of a plan file, for editors."""
    text = plan_json_schema_text()
    if output is None:
        click.echo(text, nl=False)
    else:
        write_text(output, text)
        out.print(_("schema written to {path}").format(path=output))


@cli.command()
@click.option("--expect-head", metavar="HASH", help="A head hash recorded earlier; it must still be in the chain.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def verify(ctx: click.Context, expect_head: str | None, fmt: str) -> None:
    """Recompute the event chain and check the books; exit 1 and name the first broken event, or what does
    not balance, if they are not intact."""
    with Store.open(_store_url(ctx)) as store:
        report = store.verify(expect_head)
        books = books_problems(store.events(), date.max) if report.ok else []
    if fmt == "json":
        click.echo(json.dumps({**report.as_dict(), "ok": report.ok and not books, "books": books}, indent=2))
    else:
        out.print(_("events: {count}").format(count=report.count))
        out.print(_("head: {hash}").format(hash=report.head_hash))
        if report.expected_head_at is not None:
            out.print(_("expected head found at event {seq}").format(seq=report.expected_head_at))
        for problem in report.problems:
            err.print(_("broken: {problem}").format(problem=problem), markup=False)
        out.print(_("chain intact") if report.ok else _("chain NOT intact"))
        for problem in books:
            err.print(_("books: {problem}").format(problem=problem), markup=False)
        if report.ok:
            out.print(_("the books balance") if not books else _("the books do NOT balance"))
    sys.exit(OK if report.ok and not books else FINDINGS)


def _print_money(report: DemoReport) -> None:
    """The demo's budget on the day the money had run out, and its forecast against what happened."""
    if report.budget is not None:
        found = report.budget
        said = _("Budget on {day} (budget.json): available {available}, committed {committed}; {waiting}")
        waiting = ngettext("{count} plan on the waiting list", "{count} plans on the waiting list", found.waiting)
        out.print(said.format(
            day=day(found.on), available=euro(euros(found.of(AccountKind.AVAILABLE))),
            committed=euro(euros(found.of(AccountKind.COMMITTED))), waiting=waiting.format(count=found.waiting),
        ))  # fmt: skip
    if report.spuk:
        said = _("Municipal route in {year} (spuk-{year}.json): {counted}, advanced {granted}, repaid {repaid}")
        counted = ngettext("{count} plan", "{count} plans", len(report.spuk)).format(count=len(report.spuk))
        out.print(said.format(
            year=report.spuk[0].year, counted=counted, granted=euro(euros(sum(y.granted for y in report.spuk))),
            repaid=euro(euros(sum(y.repaid_in_year for y in report.spuk))),
        ))  # fmt: skip
    if report.backtest is not None:
        tested = report.backtest
        ran_out = tested.forecast.exhausted_on
        said = _("Forecast on {day} (prognose.svg): the funds run out {when}; in fact {actual}")
        out.print(said.format(
            day=day(tested.forecast.on), when=day(ran_out) if ran_out else _("not within the horizon"),
            actual=day(tested.actual_exhausted_on) if tested.actual_exhausted_on else _("not by then"),
        ))  # fmt: skip


@cli.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for everything the demo writes.",
)
@click.pass_context
def demo(ctx: click.Context, out_dir: Path) -> None:
    """Show the whole product at work on the example plans.

    Uses the configured store (--store or $BEOORDELING_STORE) if there is one, else a fresh SQLite
    store in the output folder.
    """
    report = run_demo(out_dir, _store_url(ctx), progress=lambda step: out.print(f"- {step}"))
    out.print("\n" + _("Store: {url}").format(url=report.store_url))
    skipped = report.examples - len(report.imported)
    imported = _("Imported {count} of {total} example plans").format(count=len(report.imported), total=report.examples)
    already = _(" ({count} already in the store)").format(count=skipped) if skipped else ""
    out.print(imported + already)
    out.print(
        _("Revised the draft: {plan} is now at version {version}").format(
            plan=report.revised.plan_id, version=report.revised.version
        )
    )
    _print_register(report.plans)
    if report.self_checks:
        rules = report.self_checks[0].rules_version
        out.print("\n" + _("Self-check (zelftoets) against the rules in force ({rules}):").format(rules=rules))
        for assessment in report.self_checks:
            steps = "; ".join(f"{term(s.step)}: {term(s.outcome)}" for s in assessment.steps)
            out.print(f"  {assessment.plan_id}: {steps}")
    if report.walked:
        out.print("\n" + _("Workflow (the example plans on their own dates):"))
        for line in report.walked:
            out.print(f"  {line}")
    overdue = sum(d.overdue for d in report.deadlines)
    out.print(
        "\n"
        + _("Deadlines on {day}: {open} open, {overdue} overdue").format(
            day=day(report.as_of), open=len(report.deadlines), overdue=overdue
        )
    )
    for d in report.deadlines:
        when = day(d.due_on) if d.due_on else "-"
        if d.overdue:
            state = _("OVERDUE")
        else:
            state = d.note or ngettext("{count} day left", "{count} days left", d.days_left or 0).format(
                count=d.days_left
            )
        what = term(d.clock) if d.clock else d.what
        if d.due_on is None or when in what:  # a policy's deadline names its date in its title
            out.print(f"  {d.plan_id}: {what} ({state})")
        else:
            out.print(f"  {d.plan_id}: " + _("{what}, due {day} ({state})").format(what=what, day=when, state=state))
    out.print("\n" + _("Decision letters written: {count} (PDF/A, in brieven/)").format(count=len(report.letters)))

    if report.letter_check is not None:
        check = report.letter_check
        result = _("matches the store") if check.ok else _("does NOT match the store")
        out.print(f"  verify-letter {check.path.name}: {result}")
    if report.overview:
        counts = ", ".join(f"{sheet.name} {len(sheet.rows)}" for sheet in report.overview)
        out.print(_("Overview on {day} (overzicht.xlsx): {counts}").format(day=day(report.as_of), counts=counts))
    _print_money(report)
    if report.accounts:
        example = next((a for a in report.accounts if a.organisation == "Coöperatie VGZ"), report.accounts[0])
        out.print(
            "\n"
            + _(
                "Web interface: beoordeling --store {url} serve, then sign in at http://127.0.0.1:8000/ as one of "
                "{count} practice accounts (beoordeling user list), for example {username}, password {password}"
            ).format(url=sqlite_path(report.store_url) or report.store_url, count=len(report.accounts),
                     username=example.username, password=DEMO_PASSWORD),
            markup=False,
        )  # fmt: skip
    for problem in report.books:
        err.print(_("the books do not balance: {problem}").format(problem=problem), markup=False)
    chain = _("Event chain intact") if report.verification.ok else _("Event chain NOT intact")
    out.print(
        _("{chain}: {count} events, head {head}").format(
            chain=chain, count=report.verification.count, head=report.verification.head_hash
        )
    )
    out.print(_("Outputs in {folder}/:").format(folder=out_dir))
    for path in report.outputs:
        out.print(f"  {path}")
    if not report.verification.ok or report.books or (report.letter_check is not None and not report.letter_check.ok):
        sys.exit(FINDINGS)
