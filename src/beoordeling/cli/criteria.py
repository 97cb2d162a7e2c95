"""Commands for the criteria: rules check, rules show, zelftoets."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..criteria import Step, default_steps, evaluate, load_rules
from ..errors import Problem, RulesError, format_loc
from ..model import PlanState
from ..planfile import read_plan
from ..workflow import Trigger, default_policy, load_policy, submission_refusals
from ._app import _DATE, FINDINGS, OK, _day, cli, err, exit_with_findings, out
from ._report import assessment_report, edition_report
from ._words import _, day, ngettext

_RULES_OPTION = click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
    help="A rules folder or file to use instead of the shipped rules/.",
)


@cli.group()
def rules() -> None:
    """Check and show the criteria of the framework (rules/), and what other criteria would do to the stored plans."""


@rules.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def rules_check(path: Path | None) -> None:
    """Validate every rules file; each problem names file, line and key (exit 1 on findings)."""
    try:
        book = load_rules(path)
    except RulesError as exc:
        exit_with_findings(_("rules"), exc)
    overlays = ", ".join(o.insurer for o in book.overlays) or _("none")
    changes = ", ".join(day(d) for d in book.change_dates())
    files = ngettext("{count} rules file", "{count} rules files", len(book.files)).format(count=len(book.files))
    out.print(_("{files}, {count} criteria: OK").format(files=files, count=len(book.criteria)))
    out.print(_("editions start on {days}; insurer overlays: {overlays}").format(days=changes, overlays=overlays))
    out.print(_("content hash {hash}").format(hash=book.content_hash))


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
        out.print(
            _("Note: no overlay for {names} (overlays exist for: {known})").format(
                names=", ".join(unknown), known=known
            )
        )
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
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A policy file whose dated policies apply (default: the shipped policy/iza.yaml).",
)
def zelftoets(
    plan_file: Path, step: str | None, on: Any, fmt: str, rules_path: Path | None, policy_path: Path | None
) -> None:
    """Self-check a plan before submitting it: what is complete, and what is missing or failing.

    PLAN is a YAML or JSON file or a filled-in form workbook (.xlsx); for a workbook the cells its
    form still needs are listed first. The dated policies apply too: on a day when intake is closed
    or assessments are halted, the plan cannot be submitted. No store is needed. Exit 0 when nothing
    blocks the step(s), 1 when something does, 2 for a plan file that cannot be read.
    """
    reading = read_plan(plan_file)
    plan = reading.plan
    book = load_rules(rules_path) if rules_path else None
    policy = load_policy(policy_path) if policy_path else default_policy()
    today = _day(on)
    steps = (Step(step),) if step else default_steps(plan)
    assessment = evaluate(plan, today, steps, rules=book)
    closed = submission_refusals(policy, plan, steps, today)
    too_large = policy.amount_refusals(plan)
    if fmt == "json":
        report = assessment.as_dict() | {
            "form_missing": [_missing(p) for p in reading.missing],
            "policy_refusals": [
                {"policy": rule.id, "title": rule.title, "trigger": trigger.value, "source": rule.source}
                for trigger, rule in closed
            ],
            "amount_refusals": [{"field": format_loc(loc), "reason": why} for loc, why in too_large],
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        if reading.missing:
            out.print(_("Still empty in the workbook ({count}):").format(count=len(reading.missing)), style="bold")
            for problem in reading.missing:
                out.print(f"  {problem.sheet} {problem.cell}: {problem.message}")
        for trigger, rule in closed:
            if trigger is Trigger.SUBMIT_QUICK_TEST:
                said = _("The quick test cannot be submitted on {day}: policy {id}, {title} ({since}; {source})")
            else:
                said = _(
                    "The transformation plan cannot be submitted on {day}: policy {id}, {title} ({since}; {source})"
                )
            since = _since(rule, today)
            out.print(
                said.format(day=day(today), id=rule.id, title=rule.title, since=since, source=rule.source), style="bold"
            )
        for loc, why in too_large:
            out.print(f"{format_loc(loc)}: {why}", style="bold")
        out.print(assessment_report(plan, assessment))
    sys.exit(FINDINGS if assessment.outcome.blocks or reading.missing or closed or too_large else OK)


def _since(rule: Any, today: date) -> str:
    if rule.before is not None and today < rule.before:
        return _("only from {day}").format(day=day(rule.before))
    return _("since {day}").format(day=day(rule.starts)) if rule.starts else _("now")


def _missing(problem: Problem) -> dict[str, Any]:
    return {"sheet": problem.sheet, "cell": problem.cell, "field": format_loc(problem.loc), "message": problem.message}


@rules.command("impact")
@_RULES_OPTION
@click.option(
    "--on", "on", type=_DATE, metavar="YYYY-MM-DD",
    help="The date whose edition of the other rules applies (default: today); without --rules, the edition of "
    "the shipped rules in force on that date.",
)  # fmt: skip
@click.option(
    "--decided", is_flag=True,
    help="Evaluate the version each plan's latest decision was based on (for the steps that decision assessed), "
    "not its latest version.",
)  # fmt: skip
@click.option(
    "--state", "states", multiple=True, type=click.Choice([state.value for state in PlanState]),
    help="Only the plans in this state now (repeatable), for example the pipeline: snelle-toets-ingediend, "
    "plan-ingediend.",
)  # fmt: skip
@click.option(
    "--by", "split", type=click.Choice(["region", "theme", "sector", "insurers"]),
    help="Also the changes per region, theme, sector or pair of market leaders (the outputs have them all).",
)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the impact to FILE.xlsx (a summary, then the steps, criteria, groups and one row per changed "
    "plan and criterion) or FILE.json; may be given more than once.",
)  # fmt: skip
@click.pass_context
def rules_impact(
    ctx: click.Context, rules_path: Path | None, on: Any, decided: bool, states: tuple[str, ...], split: str | None,
    fmt: str, outputs: tuple[Path, ...],
) -> None:  # fmt: skip
    """What other criteria would do to every plan in the store: per step the plans that would no longer
    pass or would newly pass, and the criteria that cause it; nothing in the store changes."""
    from ..impact import Basis, Side, impact  # noqa: PLC0415 - loaded when this command runs
    from ..impact.report import FORMATS_BY_SUFFIX, save_impact  # noqa: PLC0415 - as above
    from ..store import Store  # noqa: PLC0415 - as above
    from ._app import _store_url  # noqa: PLC0415 - as above
    from .impact import print_impact  # noqa: PLC0415 - as above

    if rules_path is None and on is None:
        raise click.UsageError(_("name the other criteria: --rules (a rules folder), --on (a date) or both"))
    for output in outputs:
        if output.suffix.lower() not in FORMATS_BY_SUFFIX:
            raise click.BadParameter(
                _("expected a file name ending in .xlsx or .json; found {name!r}").format(name=output.name),
                param_hint="'-o'",
            )
    today = date.today()
    shipped = load_rules()
    other_book = load_rules(rules_path) if rules_path is not None else shipped
    current = Side(shipped, today, "rules/")
    other = Side(other_book, _day(on) if on is not None else today, str(rules_path) if rules_path else "rules/")
    with Store.open(_store_url(ctx)) as store:
        found = impact(
            store, current, other, basis=Basis.DECIDED if decided else Basis.LATEST,
            states=[PlanState(state) for state in states] if states else None,
        )  # fmt: skip
    for output in outputs:
        save_impact(found, output)
        said = _("{path}: the impact on {count} plans").format(path=output, count=found.plans)
        (err if fmt == "json" else out).print(said, highlight=False)
    if fmt == "json":
        click.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
        return
    print_impact(found, split)
