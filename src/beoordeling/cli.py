"""The command line: a thin layer of commands over the library.

Exit codes: 0 ok, 1 findings (a broken chain), 2 bad input or usage. Input that cannot be used is
reported as one clear message naming the file and field path, never as a traceback.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.table import Table

from . import _dutch
from ._report import assessment_report, edition_report
from .criteria import Step, default_steps, evaluate, load_rules
from .demo import run_demo
from .errors import BeoordelingError, InputError, RulesError
from .model import PlanState, Role, Sector
from .planfile import load_plans, plan_json_schema_text, save_plan
from .reference import load_regions
from .store import Actor, PlanSummary, Store

OK, FINDINGS, BAD_INPUT = 0, 1, 2

# Piped output (files, CI logs) gets room for the whole register instead of a guessed 80 columns.
_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=None if sys.stderr.isatty() else 160)


def _fail(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", markup=True)
    sys.exit(BAD_INPUT)


class _Group(click.Group):
    """Turns the package's errors into a message and exit code 2, without a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            if len(exc.problems) == 1:
                _fail(str(exc.problems[0]).replace("[", r"\["))
            err.print(f"[bold red]error:[/] {len(exc.problems)} problems found; nothing was changed", markup=True)
            for problem in exc.problems:
                err.print(f"  {problem}", markup=False)
            sys.exit(BAD_INPUT)
        except BeoordelingError as exc:
            _fail(str(exc).replace("[", r"\["))
        except OSError as exc:
            # A file or folder named on the command line that cannot be read or written.
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}")


def _store_url(ctx: click.Context) -> str | None:
    url: str | None = ctx.find_root().params.get("store")
    return url


def _actor(identity: str | None, role: str) -> Actor:
    identity = identity or os.environ.get("BEOORDELING_ACTOR") or f"lokaal/{getpass.getuser()}"
    return Actor.parse(identity, role)


_ROLE_CHOICE = click.Choice([role.value for role in Role])


def _print_register(plans: Sequence[PlanSummary]) -> None:
    table = Table(box=None, header_style="bold")
    table.add_column("Plan", no_wrap=True)
    table.add_column("Titel", no_wrap=True, overflow="ellipsis", max_width=44)
    table.add_column("Versie", justify="right")
    table.add_column("Status", no_wrap=True)
    table.add_column("Regio", no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column("Gevraagd", justify="right", no_wrap=True, min_width=15)
    for p in plans:
        amount = _dutch.euro(Decimal(p.amount_requested)) if p.amount_requested else "geen middelen"
        table.add_row(p.plan_id, p.title, str(p.latest_version), p.state.label, p.region or "-", amount)
    out.print(table)
    out.print(f"{len(plans)} plan(s)")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--store",
    envvar="BEOORDELING_STORE",
    metavar="URL",
    help="Store to use: a SQLite file path or sqlite:///FILE or postgresql://USER@HOST/DB "
    "(default: $BEOORDELING_STORE, else beoordeling.db in this directory).",
)
@click.version_option(package_name="beoordeling")
def cli(store: str | None) -> None:
    """Carry transformation plans (transformatieplannen) through the IZA assessment framework."""


@cli.command()
@click.option("--as", "identity", metavar="ORGANISATION/person", help="Who creates the store.")
@click.pass_context
def init(ctx: click.Context, identity: str | None) -> None:
    """Create a new, empty store."""
    actor = _actor(identity, Role.SYSTEM.value)
    with Store.open(_store_url(ctx), create=True) as store:
        event = store.initialise(actor)
        out.print(f"Created store {store!r}")
        out.print(f"store id {event.payload['store_id']}, head {event.hash}")


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--as", "identity", metavar="ORGANISATION/person", help="Who imports (default: $BEOORDELING_ACTOR).")
@click.option("--role", type=_ROLE_CHOICE, default=Role.SUBMITTER.value, show_default=True, help="Role acted in.")
@click.option("--reason", help="Why these versions are stored; kept with the event.")
@click.option(
    "--regions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="BEOORDELING_REGIONS",
    help="Region list to check region.reference against (default: the shipped zorgkantoorregio's).",
)
@click.pass_context
def import_(
    ctx: click.Context,
    files: Sequence[Path],
    identity: str | None,
    role: str,
    reason: str | None,
    regions: Path | None,
) -> None:
    """Store plan files (YAML or JSON) as new versions. All files are stored, or none."""
    actor = _actor(identity, role)
    plans = load_plans(files, load_regions(regions))
    with Store.open(_store_url(ctx)) as store:
        results = store.save_plans(plans, actor, reason=reason)
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
@click.option("--version", "version", type=click.IntRange(min=1), help="Show this version (default: latest).")
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
    help="File to write; .yaml, .yml or .json.",
)
@click.option("--version", "version", type=click.IntRange(min=1), help="Export this version (default: latest).")
@click.pass_context
def export(ctx: click.Context, plan_id: str, output: Path, version: int | None) -> None:
    """Write a stored plan to a file, to edit and import again."""
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
        output.write_text(text, encoding="utf-8")
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
    verdict = "intact" if report.verification.ok else "NOT intact"
    out.print(f"Event chain {verdict}: {report.verification.count} events, head {report.verification.head_hash}")
    out.print(f"Outputs in {out_dir}/:")
    for path in report.outputs:
        out.print(f"  {path}")
    if not report.verification.ok:
        sys.exit(FINDINGS)


_DATE = click.DateTime(formats=["%Y-%m-%d"])
_RULES_OPTION = click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
    help="A rules folder or file to use instead of the shipped rules/.",
)


def _day(value: Any) -> date:
    return value.date() if value is not None else date.today()


@cli.group()
def rules() -> None:
    """Check and show the criteria of the framework (rules/)."""


@rules.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def rules_check(path: Path | None) -> None:
    """Validate every rules file; each problem names file, line and key (exit 1 on findings)."""
    try:
        book = load_rules(path)
    except RulesError as exc:
        err.print(f"{len(exc.problems)} problem(s) in the rules:", markup=False)
        for problem in exc.problems:
            err.print(f"  {problem}", markup=False)
        sys.exit(FINDINGS)
    overlays = ", ".join(o.insurer for o in book.overlays) or "none"
    changes = ", ".join(d.isoformat() for d in book.change_dates())
    out.print(f"{len(book.files)} rules file(s), {len(book.criteria)} criteria: OK", markup=False)
    out.print(f"editions start on {changes}; insurer overlays: {overlays}", markup=False)
    out.print(f"content hash {book.content_hash}", markup=False)


@rules.command("show")
@click.option("--on", "on", type=_DATE, metavar="YYYY-MM-DD", help="The date (default: today).")
@click.option("--insurer", "insurers", multiple=True, metavar="NAME", help="Add this insurer's overlay (repeatable).")
@click.option("--step", type=click.Choice([s.value for s in Step]), help="Only this step.")
@_RULES_OPTION
def rules_show(on: Any, insurers: tuple[str, ...], step: str | None, rules_path: Path | None) -> None:
    """The criteria in force on a date, per step, with their kind, dates, source and fields read."""
    book = load_rules(rules_path)
    unknown = [name for name in insurers if not book.overlays_for([name])]
    if unknown:
        known = ", ".join(n for o in book.overlays for n in o.names)
        out.print(f"Note: no overlay for {', '.join(unknown)} (overlays exist for: {known})", markup=False)
    edition = book.edition(_day(on), insurers)
    out.print(edition_report(edition, (Step(step),) if step else tuple(Step)))


@cli.command()
@click.argument("plan_file", metavar="PLAN", type=click.Path(path_type=Path))
@click.option(
    "--step",
    type=click.Choice([Step.QUICK_TEST.value, Step.PLAN.value, Step.FUNDING.value]),
    help="Check this step only (default: every step the plan goes through).",
)
@click.option(
    "--on", "on", type=_DATE, metavar="YYYY-MM-DD", help="Submission date whose rules apply (default: today)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_RULES_OPTION
def zelftoets(plan_file: Path, step: str | None, on: Any, fmt: str, rules_path: Path | None) -> None:
    """Self-check a plan before submitting it: what is complete, and what is missing or failing.

    No store is needed. Exit 0 when nothing blocks the step(s), 1 when something does, 2 for a
    plan file that cannot be read.
    """
    (plan,) = load_plans([plan_file])
    book = load_rules(rules_path) if rules_path else None
    steps = (Step(step),) if step else default_steps(plan)
    assessment = evaluate(plan, _day(on), steps, rules=book)
    if fmt == "json":
        click.echo(json.dumps(assessment.as_dict(), ensure_ascii=False, indent=2))
    else:
        out.print(assessment_report(plan, assessment))
    sys.exit(FINDINGS if assessment.outcome.blocks else OK)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="beoordeling")
