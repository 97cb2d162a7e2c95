"""``beoordeling stats``: the programme's figures of a period, read from the event log.

Everything is counted by the library (:mod:`beoordeling.stats`); this module only reads the
options and prints the figures, in the terminal's language.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from .._i18n import english
from ..money import AccountKind, euros
from ..report import FORMATS_BY_SUFFIX, save_report
from ..stats import MIN_DECIDED, OUTCOMES, SPLITS, Burden, Comparison, CriterionCount, Money, evaluate, period_of
from ..stats.schema import stats_json_schema_text
from ..stats.words import STEP_WORDS, VERDICT_WORDS, group_name, outcome, step
from ..stats.words import split as split_word
from ..store import Reading, Store
from ._app import _DATE, _store_url, cli, err, out
from ._words import _, day, euro, ngettext, number, term

__all__ = ["stats_command"]


@cli.command("stats")
@click.option("--quarter", metavar="YYYYQn", help="A quarter, such as 2024Q1.")
@click.option("--from", "start", type=_DATE, metavar="YYYY-MM-DD", help="The first day of the period (with --to).")
@click.option("--to", "end", type=_DATE, metavar="YYYY-MM-DD", help="The last day of the period.")
@click.option("--on", "on", type=_DATE, metavar="YYYY-MM-DD", help="Everything up to and including this day.")
@click.option(
    "--reading", type=click.Choice([r.value for r in Reading]), default=Reading.KNOWN.value, show_default=True,
    help="'known' counts what the store had recorded by the period's end, so the answer never changes; "
    "'happened' counts by the dates the actors stated, including events entered later.",
)  # fmt: skip
@click.option(
    "--by", "split", type=click.Choice(SPLITS),
    help="Also the figures per region, theme, sector, submitting sector (of the lead party), scale or pair of "
    "market leaders (the JSON has them all).",
)  # fmt: skip
@click.option(
    "--min-decided", type=click.IntRange(1, 10_000), default=MIN_DECIDED, show_default=True,
    help="The fewest decided plans a group needs before its pass rate is compared with the rest's.",
)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the figures to FILE.xlsx (a sheet per table, with charts), FILE.pdf (the Dutch report) or "
    "FILE.json (with its published schema); may be given more than once.",
)  # fmt: skip
@click.option(
    "--schema", is_flag=True, expose_value=False, is_eager=True, callback=lambda ctx, _p, value: _schema(ctx, value),
    help="Print the JSON Schema of the figures as JSON, and stop.",
)  # fmt: skip
@click.pass_context
def stats_command(
    ctx: click.Context, quarter: str | None, start: Any, end: Any, on: Any, reading: str, split: str | None,
    min_decided: int, fmt: str, outputs: tuple[Path, ...],
) -> None:  # fmt: skip
    """The programme's figures of a period: plans per step and outcome, in the period and up to its
    end, where every quick test stands, and whether the clocks were kept."""
    try:
        period = period_of(
            quarter, start=start.date() if start else None, end=end.date() if end else None,
            on=on.date() if on else None,
        )  # fmt: skip
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    for output in outputs:
        if output.suffix.lower() not in FORMATS_BY_SUFFIX:
            raise click.BadParameter(
                _("expected a file name ending in .xlsx, .pdf or .json; found {name!r}").format(name=output.name),
                param_hint="'-o'",
            )
    with Store.open(_store_url(ctx)) as store:
        evaluation = evaluate(store, period, Reading(reading), min_decided=min_decided)
    for output in outputs:
        save_report(evaluation, output)
        said = _("{path}: the figures of {period}").format(path=output, period=period.label)
        (err if fmt == "json" else out).print(said, highlight=False)  # the JSON on standard output stays JSON
    found = evaluation.figures
    if fmt == "json":
        click.echo(json.dumps(evaluation.as_dict(), ensure_ascii=False, indent=2))
        return
    said = _("as the store had recorded it by the end of {day}") if reading == Reading.KNOWN else _(
        "as it happened by {day}, by the dates the actors stated (including events entered later)"
    )  # fmt: skip
    since = _("{first} to {last}").format(first=day(period.start), last=day(period.end)) if period.start else _(
        "up to and including {last}"
    ).format(last=day(period.end))  # fmt: skip
    named = f"{period.label} ({since})" if quarter else since
    out.print(_("Figures of {period}, {reading}").format(period=named, reading=said.format(day=day(period.end))),
              style="bold")  # fmt: skip
    table = Table(_("Step"), _("Outcome"), _("In the period"), _("Up to its end"), box=None, header_style="bold")
    for column in (2, 3):
        table.columns[column].justify = "right"
    for at, result in OUTCOMES.values():
        table.add_row(step(at), outcome(result), str(found.in_period.get((at, result), 0)),
                      str(found.to_date.get((at, result), 0)))  # fmt: skip
    out.print(table)
    q = found.quick_tests
    out.print(
        _(
            "Quick tests: {submitted} submitted, of which {passed} passed, {rejected} rejected, {asked} with more "
            "information requested and {open} open"
        ).format(submitted=q.submitted, passed=q.passed, rejected=q.rejected, asked=q.more_information, open=q.open)
    )
    clocks = Table(
        _("Clock"), _("Decided"), _("Within the term"), _("Median days"), _("90% within days"), _("Late (days)"),
        _("Running"), _("Overdue"), box=None, header_style="bold",
    )  # fmt: skip
    for column in range(1, 8):
        clocks.columns[column].justify = "right"
    for c in found.clocks:
        share = f"{c.in_time} ({c.in_time_share:.0%})" if c.in_time_share is not None else "-"
        late = ", ".join(str(days) for days in c.late_days[:5]) + (" …" if len(c.late_days) > 5 else "") or "-"
        clocks.add_row(
            term(c.clock), str(c.decided), share, "-" if c.median_days is None else f"{c.median_days:g}",
            "-" if c.p90_days is None else str(c.p90_days), late, str(c.running), str(c.overdue),
        )  # fmt: skip
    out.print(clocks)
    _print_criteria(found.criteria)
    _print_comparisons(found.comparisons, split, min_decided)
    if split is not None:
        groups = Table(
            _("Group"), _("Quick tests"), outcome("passed"), outcome("rejected"), outcome("more-information"),
            _("open"), outcome("approved"), outcome("funded"),
            box=None, header_style="bold",
        )  # fmt: skip
        for column in range(1, 8):
            groups.columns[column].justify = "right"
        for group in (g for g in found.groups if g.split == split):
            g = group.quick_tests
            counts = (g.submitted, g.passed, g.rejected, g.more_information, g.open, group.approved, group.funded)
            groups.add_row(group_name(split, group.name), *(str(n) for n in counts))
        out.print(groups)
    if found.states:
        out.print(_("Plans per state: {states}").format(
            states=", ".join(f"{term(state)} {count}" for state, count in found.states.items())))  # fmt: skip
    if found.burden is not None:
        _print_burden(found.burden)
    if found.money is not None:
        _print_money(found.money)
    if evaluation.changes:
        previous = evaluation.previous.period.label if evaluation.previous else ""
        out.print(_("Since {previous}:").format(previous=previous), style="bold")
        for sentence in evaluation.changes:
            out.print(f"- {sentence}", highlight=False)


def _schema(ctx: click.Context, wanted: bool) -> None:
    if wanted:
        click.echo(stats_json_schema_text(), nl=False)
        ctx.exit(0)


def _print_comparisons(comparisons: Sequence[Comparison], split: str | None, min_decided: int) -> None:
    """How many groups were compared, the differences found, and with ``split`` every group of it."""
    tested = [c for c in comparisons if c.verdict != "too-small"]
    differs = [c for c in tested if c.verdict == "differs"]
    out.print(
        _(
            "Pass rates per group: {tested} compared with the rest, {differs} with a difference (Fisher's exact test, "
            "Holm-corrected, p < 0.05); {small} too small to conclude anything (fewer than {least} decided plans)"
        ).format(tested=len(tested), differs=len(differs), small=len(comparisons) - len(tested), least=min_decided)
    )
    shown = [c for c in comparisons if c.split == split] if split is not None else differs
    if not shown:
        return
    table = Table(
        _("Step"), _("Group"), _("Decided"), outcome("passed"), _("95% interval"), _("p (Holm)"),
        _("Conclusion"), box=None, header_style="bold",
    )  # fmt: skip
    for column in (2, 3, 5):
        table.columns[column].justify = "right"
    for c in shown:
        rate = f"{c.passed} ({c.rate:.0%})" if c.rate is not None else "-"
        table.add_row(
            step(c.step), group_name(c.split, c.group), str(c.decided), rate, f"{c.low:.0%}–{c.high:.0%}",
            "-" if c.adjusted is None else f"{c.adjusted:.3f}", _(VERDICT_WORDS[c.verdict]),
        )  # fmt: skip
    out.print(table)


def _print_criteria(criteria: Sequence[CriterionCount], most: int = 5) -> None:
    """Per step, the criteria that did not hold most often in the period's decisions."""
    shown = []
    order = list(STEP_WORDS)
    for at in sorted({c.step for c in criteria}, key=lambda s: order.index(s) if s in order else len(order)):
        shown += [c for c in criteria if c.step == at and c.failed + c.incomplete][:most]
    if not shown:
        return
    out.print(_("The criteria that did not hold most often in the decisions of the period:"))
    table = Table(
        _("Step"), _("Criterion"), _("Failed"), _("Incomplete"), _("Of decisions"), box=None, header_style="bold"
    )  # fmt: skip
    for column in (2, 3, 4):
        table.columns[column].justify = "right"
    for c in shown:
        title = c.title_en if english() and c.title_en else c.title
        table.add_row(step(c.step), f"{c.criterion} {title}", str(c.failed), str(c.incomplete), str(c.decisions))
    out.print(table)


def _print_burden(burden: Burden) -> None:
    """The administrative burden of the plans decided in the period."""
    if not burden.decided:
        out.print(_("Administrative burden: no plan was decided in the period."))
        return
    requests, rework = burden.per_plan
    share = burden.submitters_share
    out.print(
        _(
            "Administrative burden of the {decided} plans decided in the period: {requests} information requests "
            "({per_request:.1f} per plan), {rework} rework rounds ({per_rework:.1f} per plan), at most {versions} "
            "versions submitted; days waited from the first submission to the decision: {assessors} on the assessors "
            "and {submitters} on the submitters ({share} of them on the submitters)."
        ).format(
            decided=burden.decided,
            requests=burden.information_requests,
            per_request=requests or 0.0,
            rework=burden.rework_rounds,
            per_rework=rework or 0.0,
            versions=max(burden.versions, default=0),
            assessors=number(sum(burden.days_on_assessors)),
            submitters=number(sum(burden.days_on_submitters)),
            share="-" if share is None else f"{share:.0%}",
        )
    )


def _print_money(money: Money) -> None:
    """Where the money stands at the period's end, in total and per earmark, theme, sector and year."""

    def amount(cents: int | None) -> str:
        return "-" if cents is None else euro(euros(cents))

    kinds = money.kinds
    out.print(
        _(
            "Money on {day}: of {total}, {committed} committed and {paid} paid; {available} available; {lapsed} "
            "lapsed. Requested by the plans submitted: {requested}, approved: {approved}; waiting: {waiting}."
        ).format(
            day=day(money.on),
            total=amount(money.total),
            committed=amount(kinds.get(AccountKind.COMMITTED, 0)),
            paid=amount(kinds.get(AccountKind.PAID, 0)),
            available=amount(kinds.get(AccountKind.AVAILABLE, 0)),
            lapsed=amount(kinds.get(AccountKind.LAPSED, 0)),
            requested=amount(money.requested),
            approved=amount(money.approved),
            waiting=ngettext("{count} plan asking {amount}", "{count} plans asking {amount}", money.waiting).format(
                count=money.waiting, amount=amount(money.waiting_amount)
            ),
        )
    )
    table = Table(
        _("Split"), _("Part"), _("Requested"), _("Approved"), _("Committed"), _("Paid"), _("Available"), _("Lapsed"),
        box=None, header_style="bold",
    )  # fmt: skip
    for column in range(2, 8):
        table.columns[column].justify = "right"
    for row in money.rows:
        table.add_row(
            split_word(row.dimension), group_name(row.dimension, row.label_en if english() else row.label),
            amount(row.requested),
            amount(row.approved), amount(row.committed), amount(row.paid), amount(row.available), amount(row.lapsed),
        )  # fmt: skip
    out.print(table)
    if money.unrecorded:
        out.print(
            _("{count} plans were submitted by an earlier release that did not record their request: not counted.")
            .format(count=money.unrecorded)
        )  # fmt: skip
