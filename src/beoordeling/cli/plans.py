"""Commands for the store and its plans: init, import, list, show, export, schema, verify, demo."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from .. import _dutch
from .._files import write_text
from ..desk import Desk
from ..model import PlanState, Role, Sector
from ..model._types import VERSION_MAX
from ..planfile import load_plans, plan_json_schema_text, save_plan
from ..reference import load_regions
from ..store import Store
from ..store._engine import redact
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
from .demo import run_demo


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
            "a real store starts on the system clock; --on sets the clock of a practice store (--practice)",
            param_hint="'--on'",
        )
    clock = (lambda: noon(on.date())) if on is not None else None
    with Store.open(_store_url(ctx), create=True, clock=clock) as store:
        event = store.initialise(actor, practice=practice)
        adopted = Desk(store).adopt_policy(default_policy(), actor, reason="Meegeleverd beleid bij het aanmaken")
        kind = "practice store" if practice else "store"
        out.print(f"Created {kind} {redact(store.url)}", markup=False)
        out.print(f"store id {event.payload['store_id']}, policy {adopted.payload['stamp']}, head {adopted.hash}")


@cli.command()
@click.option("--as", "identity", metavar="ORGANISATION/person", help="Who upgrades the store.")
@click.pass_context
def upgrade(ctx: click.Context, identity: str | None) -> None:
    """Bring a store made by an earlier release up to this release (every event and hash is kept)."""
    report = Store.upgrade(_store_url(ctx), _actor(identity, Role.SYSTEM.value))
    if report.event is None:
        out.print(f"the store is up to date (schema {report.to_version}); nothing was changed", markup=False)
        return
    out.print(
        f"upgraded from schema {report.from_version} to {report.to_version}: the chain up to head "
        f"{report.head_before} is kept, and event {report.event.seq} records the upgrade (head {report.head_after})",
        markup=False,
    )


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
        what = f"version {result.version}" if result.changed else f"unchanged (version {result.version})"
        out.print(f"{result.plan_id}: {what}")


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
    facts.add_row("Versie", f"{stored.info.version} van {stored.latest_version}")
    facts.add_row("Status", stored.state.label)
    facts.add_row("Thema", plan.theme.label if plan.theme else "-")
    facts.add_row("Schaal", plan.scale.label if plan.scale else "-")
    facts.add_row("Regio", plan.region.name if plan.region else "-")
    facts.add_row("Marktleiders", ", ".join(plan.insurers.market_leaders) or "-")
    facts.add_row("Coördinerend", plan.insurers.coordinating or "-")
    facts.add_row("Sectoren", ", ".join(s.label for s in plan.sectors) or "-")
    facts.add_row("Partijen", str(len(plan.parties)))
    if plan.funding:
        facts.add_row("Gevraagd", _dutch.euro(plan.funding.total))
        for year, amount in plan.funding.by_year().items():
            facts.add_row("", f"{year}: {_dutch.euro(amount)}")
        facts.add_row("Mijlpalen", f"{len(plan.funding.milestones)} ({_dutch.euro(plan.funding.milestone_total)})")
    else:
        facts.add_row("Gevraagd", "geen transformatiemiddelen")
    out.print(facts)
    history = Table("#", "Wanneer", "Wat", "Wie", "Reden", box=None, header_style="bold", title="Gebeurtenissen")
    for event in events:
        history.add_row(
            str(event.seq), _dutch.moment(event.occurred_at), f"{event.type} v{event.plan_version}", str(event.actor),
            event.reason or "",
        )  # fmt: skip
    out.print(history)
    out.print(f"versions: {', '.join(str(v.version) for v in versions)}")


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
    out.print(f"{plan_id} version {stored.info.version} written to {output}")


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
        out.print(f"schema written to {output}")


@cli.command()
@click.option("--expect-head", metavar="HASH", help="A head hash recorded earlier; it must still be in the chain.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def verify(ctx: click.Context, expect_head: str | None, fmt: str) -> None:
    """Recompute the event chain; exit 1 and name the first broken event if it is not intact."""
    with Store.open(_store_url(ctx)) as store:
        report = store.verify(expect_head)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        out.print(f"events: {report.count}")
        out.print(f"head: {report.head_hash}")
        if report.expected_head_at is not None:
            out.print(f"expected head found at event {report.expected_head_at}")
        for problem in report.problems:
            err.print(f"broken: {problem}", markup=False)
        out.print("chain intact" if report.ok else "chain NOT intact")
    sys.exit(OK if report.ok else FINDINGS)


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
    out.print(f"\nStore: {report.store_url}")
    skipped = report.examples - len(report.imported)
    already = f" ({skipped} already in the store)" if skipped else ""
    out.print(f"Imported {len(report.imported)} of {report.examples} example plans{already}")
    out.print(f"Revised the draft: {report.revised.plan_id} is now at version {report.revised.version}")
    _print_register(report.plans)
    if report.self_checks:
        out.print(f"\nZelftoets against the rules in force ({report.self_checks[0].rules_version}):", markup=False)
        for assessment in report.self_checks:
            steps = "; ".join(f"{s.step.label}: {s.outcome.value}" for s in assessment.steps)
            out.print(f"  {assessment.plan_id}: {steps}", markup=False)
    if report.walked:
        out.print("\nWorkflow (the example plans on their own dates):", markup=False)
        for line in report.walked:
            out.print(f"  {line}", markup=False)
    overdue = sum(d.overdue for d in report.deadlines)
    out.print(
        f"\nDeadlines on {report.as_of.isoformat()}: {len(report.deadlines)} open, {overdue} overdue", markup=False
    )
    for d in report.deadlines:
        when = d.due_on.isoformat() if d.due_on else "-"
        state = "OVERDUE" if d.overdue else (d.note or f"{d.days_left} days left")
        out.print(f"  {d.plan_id}: {d.what}, due {when} ({state})", markup=False)
    out.print(f"\nDecision letters written: {len(report.letters)} (PDF/A, in brieven/)", markup=False)
    if report.letter_check is not None:
        check = report.letter_check
        result = "matches the store" if check.ok else "does NOT match the store"
        out.print(f"  verify-letter {check.path.name}: {result}", markup=False)
    if report.overview:
        counts = ", ".join(f"{sheet.name} {len(sheet.rows)}" for sheet in report.overview)
        out.print(f"Overview on {report.as_of.isoformat()} (overzicht.xlsx): {counts}", markup=False)
    verdict = "intact" if report.verification.ok else "NOT intact"
    out.print(f"Event chain {verdict}: {report.verification.count} events, head {report.verification.head_hash}")
    out.print(f"Outputs in {out_dir}/:")
    for path in report.outputs:
        out.print(f"  {path}")
    if not report.verification.ok or (report.letter_check is not None and not report.letter_check.ok):
        sys.exit(FINDINGS)
