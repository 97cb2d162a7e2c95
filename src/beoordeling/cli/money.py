"""Commands for the money: the programme file, the budget, the waiting list, payments, the forecast.

``programme check|show`` read a programme file; ``programme adopt`` records one for the store (the
BO IZA's act) and ``programme history`` lists the adoptions. ``budget`` shows where the money is as
of a day, ``waitlist`` the queue with each plan's place and the amount ahead of it (given a plan,
it records the NZa's budget-fit check that puts it there; with ``--move`` the system funds the
heads the money now covers). ``pay`` records a milestone's payment, ``milestones`` lists them, and
``forecast`` says when the funds run out. Everything is read from the library
(:mod:`beoordeling.money`); nothing here computes money.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from .._files import write_text
from .._i18n import N_
from .._numbers import NumberRefused, decimal_from_text
from .._time import local_date
from ..desk import Desk
from ..model import Role
from ..money import AccountKind, LedgerError, cents, euros, load_programme
from ..money.books import PROGRAMME_ADOPTED, Books, programme_in_force
from ..money.budget import KINDS, budget
from ..money.forecast import backtest as run_backtest
from ..money.forecast import forecast, requests_in
from ..money.programme import Programme
from ..money.spuk import accountability
from ..store import Reading, Store
from ..workflow import Trigger
from ._app import _DATE, FINDINGS, READING, _actor, _store_url, cli, open_store, out
from ._words import _, day, euro, moment, ngettext, term
from .workflow import _acting, _report, _stated

__all__ = ["budget_command", "forecast_command", "milestones", "pay", "programme", "reduce_command", "waitlist"]

_KIND_TITLES = {
    AccountKind.AVAILABLE: N_("Available"),
    AccountKind.RESERVED: N_("Reserved"),
    AccountKind.COMMITTED: N_("Committed"),
    AccountKind.ADVANCED: N_("Advanced to municipalities"),
    AccountKind.PAID: N_("Paid"),
    AccountKind.REPAID: N_("Reclaimed from municipalities"),
    AccountKind.LAPSED: N_("Lapsed"),
    AccountKind.TRANSFERRED: N_("Transferred"),
}


def _money(amount: int) -> str:
    """An amount in cents, as the terminal writes euros."""
    return euro(euros(amount))


@cli.group()
def programme() -> None:
    """Check, show and adopt the programme file: the funds, their earmarks and reservations (programme/)."""


@programme.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def programme_check(path: Path | None) -> None:
    """Validate a programme file; each problem names file, line and key (exit 2 on problems)."""
    loaded = load_programme(path)
    said = _("{source}: programme {title}, total {total}, stamp {stamp}: OK")
    spec = loaded.spec
    out.print(said.format(source=loaded.source, title=spec.title, total=euro(spec.total.amount), stamp=loaded.stamp))


def _unconfirmed(entry: Any) -> str:
    return " " + _("(not confirmed by the sources)") if not getattr(entry, "confirmed", True) else ""


def _show(loaded: Programme) -> None:
    spec = loaded.spec
    out.print(f"{spec.title} ({loaded.stamp})", style="bold", markup=False)
    out.print(_("term: {starts} to {ends}").format(starts=day(spec.term.starts), ends=day(spec.term.ends)))
    out.print(f"  {spec.term_source}")
    out.print(_("total: {amount}").format(amount=euro(spec.total.amount)))
    out.print(f"  {spec.total.source}")
    for heading, entries in ((_("Transferred"), spec.transfers), (_("Lapsed"), spec.lapses)):
        for entry in entries:
            title = getattr(entry, "title", entry.id)
            out.print(f"{heading} {day(entry.on)}: {euro(entry.amount)}, {title}{_unconfirmed(entry)}")
            out.print(f"  {entry.source}")
    for earmark in spec.earmarks:
        sectors = ", ".join(term(s) for s in earmark.sectors)
        said = _("earmarked for {sectors} until {until}: {amount}")
        out.print(said.format(sectors=sectors, until=day(earmark.until), amount=euro(earmark.amount)))
        out.print(f"  {earmark.source}")
    for reservation in spec.reservations:
        themes = ", ".join(term(t) for t in reservation.themes)
        said = _("reserved for {themes} from {starts} until {until}: {amount}")
        out.print(
            said.format(themes=themes, starts=day(reservation.on), until=day(reservation.until),
                        amount=euro(reservation.amount)) + _unconfirmed(reservation)
        )  # fmt: skip
        out.print(f"  {reservation.source}")
    if spec.spuk is not None:
        out.print(_("municipal route (SPUK) ceiling: {amount}").format(amount=euro(spec.spuk.ceiling)))
        out.print(f"  {spec.spuk.source}")
    order = {"strict": _("strict: nobody is funded past the head"),
             "fill": _("fill: a plan further down may use money the head cannot")}[spec.waiting_list.order]  # fmt: skip
    key = {"final-approval": _("from the final approval"), "waitlisted": _("from the day it was put on the list")}
    out.print(_("waiting list: first come, first served, {key}; {order}").format(
        key=key[spec.waiting_list.key], order=order))  # fmt: skip


@programme.command("show")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def programme_show(path: Path | None) -> None:
    """The programme's figures, each with its source; an uncertain one says so."""
    _show(load_programme(path))


@programme.command("adopt")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--as", "identity", metavar="ORGANISATION/person", help="Who adopts (default: $BEOORDELING_ACTOR).")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.BO_IZA.value,
    show_default=True,
    help="The role acted in (adopting a programme is the BO IZA's).",
)
@click.option("--reason", required=True, help="Why this programme is adopted; kept with the event (required).")
@click.pass_context
def programme_adopt(ctx: click.Context, path: Path, identity: str | None, role: str, reason: str) -> None:
    """Adopt a programme file for the store: the books from now on use it (recorded with its hash)."""
    loaded = load_programme(path)
    with open_store(ctx) as store:
        event = Desk(store).adopt_programme(loaded, _actor(identity, role), reason=reason)
    out.print(
        _("{stamp} adopted as event {seq} by {actor}").format(stamp=loaded.stamp, seq=event.seq, actor=event.actor)
    )


@programme.command("history")
@click.pass_context
def programme_history(ctx: click.Context) -> None:
    """The programmes the store adopted: when, by whom, why, and which is in force."""
    with Store.open(_store_url(ctx)) as store:
        events = list(store.events())
    adopted = [event for event in events if event.type == PROGRAMME_ADOPTED]
    current, _seq = programme_in_force(events)
    if not adopted:
        out.print(_("no programme adopted; the books use the shipped programme {stamp}").format(stamp=current.stamp))
        return
    table = Table("#", _("Adopted"), _("Programme"), _("By"), _("Reason"), box=None, header_style="bold")
    for event in adopted:
        table.add_row(
            str(event.seq), moment(event.recorded_at or event.occurred_at), str(event.payload.get("stamp")),
            str(event.actor), event.reason or "",
        )  # fmt: skip
    out.print(table)
    out.print(_("in force: {stamp}").format(stamp=current.stamp))


def _as_of(store: Store, on: Any, reading: str) -> Books:
    return Books.of(store, on.date() if on is not None else None, Reading(reading))


def _reading_said(reading: str) -> str:
    return _("as it happened") if reading == Reading.HAPPENED.value else _("as it was known")


@cli.command("budget")
@click.option("--on", "on", type=_DATE, metavar="YYYY-MM-DD", help="The day to read the books as of (default: today).")
@READING
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def budget_command(ctx: click.Context, on: Any, reading: str, fmt: str) -> None:
    """Where the programme's money is as of a day: available per earmark, reserved per theme,
    committed and paid per plan, lapsed and transferred; exit 1 when the books do not balance."""
    with Store.open(_store_url(ctx)) as store:
        titles = {p.plan_id: p.title for p in store.plans()}
        books = Books.balances_of(store, on.date() if on is not None else None, Reading(reading))
        found = budget(books, lambda plan_id: titles.get(plan_id, plan_id))
    if fmt == "json":
        document = found.as_dict(reading)
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        spec = found.programme.spec
        said = _("{title} ({stamp}) on {day}, {reading}")
        out.print(
            said.format(title=spec.title, stamp=found.programme.stamp, day=day(found.on),
                        reading=_reading_said(reading)),
            style="bold", markup=False,
        )  # fmt: skip
        table = Table(_("Account"), _("Part"), _("Until"), _("Amount"), box=None, header_style="bold")
        table.columns[3].justify = "right"
        for kind in KINDS:
            lines = [line for line in found.lines if line.kind is kind]
            if not lines and kind in (AccountKind.ADVANCED, AccountKind.REPAID):
                continue  # the municipal route was not used
            table.add_row(_(_KIND_TITLES[kind]), "", "", _money(found.of(kind)), style="bold")
            for line in lines:
                table.add_row("", line.label, day(line.until) if line.until else "", _money(line.amount))
        table.add_row(_("Total"), "", "", _money(found.total), style="bold")
        out.print(table)
        waiting = ngettext("{count} plan on the waiting list", "{count} plans on the waiting list", found.waiting)
        out.print(
            _("{waiting}, asking {amount} together").format(
                waiting=waiting.format(count=found.waiting), amount=_money(found.waiting_amount)
            )
        )
        for problem in found.problems:
            out.print(_("the books do not balance: {problem}").format(problem=problem))
    sys.exit(FINDINGS if found.problems else 0)


@cli.command("waitlist")
@click.argument("plan_id", metavar="[PLAN]", required=False)
@click.option("--as", "identity", metavar="ORGANISATION/person", help="Who acts (default: $BEOORDELING_ACTOR).")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.NZA.value, show_default=True,
              help="The role acted in.")  # fmt: skip
@click.option("--reason", help="Why; kept with the event.")
@click.option(
    "--on", "on", type=_DATE, metavar="YYYY-MM-DD",
    help="Without PLAN: the day to read the list as of. With PLAN: the day the action took effect, if earlier "
    "than today.",
)  # fmt: skip
@click.option(
    "--move", is_flag=True,
    help="Fund the plans at the head that the money now covers (after a reservation's deadline or an earmark's "
    "end); for a daily job.",
)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def waitlist(
    ctx: click.Context, plan_id: str | None, identity: str | None, role: str, reason: str | None, on: Any,
    move: bool, fmt: str,
) -> None:  # fmt: skip
    """The waiting list: each plan's place, since when, what it asks and the amount ahead of it.

    With PLAN: record the NZa's budget-fit check that puts the approved plan on the waiting list
    (refused when its request fits the available funds). With --move: fund the plans at its head
    that the money now covers, by the system, in one transaction.
    """
    if plan_id is not None:
        with open_store(ctx, on) as store:
            _report(Desk(store).act(plan_id, Trigger.WAITLIST, _actor(identity, role), reason=reason, on=_stated(on)))
        return
    if move:
        with open_store(ctx, on) as store:
            results = Desk(store).move_waiting_list(_stated(on))
            waiting = bool(Books.of(store, _stated(on)).queue) if not results else True
        for result in results:
            _report(result)
        if not results:
            out.print(
                _("nothing moves: the money does not cover the plan at the head of the waiting list")
                if waiting
                else _("nothing moves: nobody is on the waiting list")
            )
        return
    with Store.open(_store_url(ctx)) as store:
        books = _as_of(store, on, Reading.HAPPENED.value)
        titles = {p.plan_id: p.title for p in store.plans()}
        rows = []
        ahead = 0
        for place, queued in enumerate(books.queue, start=1):
            plan = store.plan(queued.plan_id, queued.version).plan
            could = books.available_for(plan)
            rows.append((place, queued, ahead, could))
            ahead += queued.requested
    if fmt == "json":
        document = [
            {
                "place": place, "plan": queued.plan_id, "title": titles.get(queued.plan_id, ""),
                "since": queued.since.isoformat(), "requested": str(euros(queued.requested)),
                "ahead": str(euros(before)), "available_now": str(euros(could)),
            }
            for place, queued, before, could in rows
        ]  # fmt: skip
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    said = ngettext(
        "{count} plan on the waiting list on {day}", "{count} plans on the waiting list on {day}", len(rows)
    )
    out.print(said.format(count=len(rows), day=day(books.on)))
    if not rows:
        return
    table = Table(
        "#", _("Plan"), _("Title"), _("Since"), _("Requested"), _("Ahead of it"), _("Available now"),
        box=None, header_style="bold",
    )  # fmt: skip
    for column in table.columns[4:]:
        column.justify = "right"
    for place, queued, before, could in rows:
        table.add_row(
            str(place), queued.plan_id, titles.get(queued.plan_id, ""), moment(queued.since),
            _money(queued.requested), _money(before), _money(could),
        )  # fmt: skip
    out.print(table)


@cli.command()
@_acting(Role.COORDINATING_INSURER)
@click.argument("milestone")
def pay(
    ctx: click.Context, plan_id: str, milestone: str, identity: str | None, role: str, reason: str | None, on: Any
) -> None:
    """Record that the paying insurer paid a milestone found met; its amount moves from the commitment to paid."""
    with open_store(ctx, on) as store:
        _report(Desk(store).pay(plan_id, milestone, _actor(identity, role), reason=reason, on=_stated(on)))


class _Euros(click.ParamType):  # type: ignore[type-arg]
    """An amount in euros as a person writes it (``125000`` or ``125000.50``), read as whole cents:
    bounded before it is converted, never through a float."""

    name = "euros"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        try:
            return cents(decimal_from_text(text))
        except NumberRefused as exc:
            self.fail(str(exc), param, ctx)
        except LedgerError:
            self.fail(_("{text} is not an amount in whole cents").format(text=text[:20]), param, ctx)


@cli.command("reduce")
@_acting(Role.COORDINATING_INSURER, reason="required")
@click.argument("milestone")
@click.argument("amount", type=_Euros(), metavar="EUROS")
def reduce_command(
    ctx: click.Context, plan_id: str, milestone: str, amount: int, identity: str | None, role: str,
    reason: str | None, on: Any,
) -> None:  # fmt: skip
    """Record that a milestone needs less than approved (the plan turned out cheaper): that much of the
    commitment goes back to the funds, and the waiting list moves."""
    with open_store(ctx, on) as store:
        desk = Desk(store)
        _report(desk.reduce(plan_id, milestone, amount, _actor(identity, role), reason=reason, on=_stated(on)))


@cli.command()
@click.option("--on", "on", type=_DATE, metavar="YYYY-MM-DD", help="The day to read them as of (default: today).")
@click.option("--due-before", type=_DATE, metavar="YYYY-MM-DD", help="Only milestones due before this day.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def milestones(ctx: click.Context, on: Any, due_before: Any, fmt: str) -> None:
    """The milestones of the funded plans: amount, due date, kind, and whether paid, due, missed or open;
    exit 1 when one is late (open past its date, or met and unpaid past its payment's date)."""
    with Store.open(_store_url(ctx)) as store:
        desk = Desk(store)
        day_ = _stated(on) or desk.today()
        found = desk.milestones(day_)
    if due_before is not None:
        found = [line for line in found if line.due < due_before.date()]
    late = [line for line in found if line.late(day_)]
    if fmt == "json":
        rows = [
            {
                "plan": m.plan_id, "milestone": m.milestone, "obligation": m.obligation.value,
                "amount": str(m.amount), "due": m.due.isoformat(), "status": m.status.value,
                "payment_due": m.payment_due.isoformat() if m.payment_due else None,
                "paid_on": m.paid_on.isoformat() if m.paid_on else None, "payer": m.payer, "late": m.late(day_),
            }
            for m in found
        ]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        counted = ngettext("{count} milestone", "{count} milestones", len(found)).format(count=len(found))
        out.print(_("{counted} on {day}, of which {late} late").format(counted=counted, day=day(day_), late=len(late)))
        table = Table(
            _("Plan"), _("Milestone"), _("Kind"), _("Amount"), _("Due"), _("Status"), _("Payment due"), _("Paid"),
            box=None, header_style="bold",
        )  # fmt: skip
        table.columns[3].justify = "right"
        for m in found:
            status = term(m.status) + (" (" + _("late") + ")" if m.late(day_) else "")
            table.add_row(
                m.plan_id, m.milestone, term(m.obligation), euro(m.amount), day(m.due), status,
                day(m.payment_due) if m.payment_due else "", day(m.paid_on) if m.paid_on else "",
            )  # fmt: skip
        out.print(table)
    sys.exit(FINDINGS if late else 0)


@cli.command("spuk")
@click.option("--year", type=click.IntRange(2023, 2035), required=True, help="The year accounted for.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def spuk_command(ctx: click.Context, year: int, fmt: str) -> None:
    """The municipal route's yearly figures (SiSa): per plan the advance, the year's milestones as the
    insurers found them, and what was repaid."""
    with Store.open(_store_url(ctx)) as store:
        found = accountability(store.events(), lambda plan_id, version: store.plan(plan_id, version).plan, year)
    if fmt == "json":
        rows = [y.as_dict() for y in found]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    counted = ngettext("{count} plan on the municipal route", "{count} plans on the municipal route", len(found))
    out.print(_("{counted} in {year}").format(counted=counted.format(count=len(found)), year=year))
    table = Table(
        _("Plan"), _("Municipalities"), _("Granted"), _("Advance for the year"), _("Milestones of the year"),
        _("Repaid in the year"), _("Repaid to date"), _("Last report"), box=None, header_style="bold",
    )  # fmt: skip
    for column in (2, 3, 5, 6):
        table.columns[column].justify = "right"
    found_said = {True: _("achieved"), False: _("not achieved"), None: _("not decided")}
    for y in found:
        milestones_said = ", ".join(f"{mid}: {found_said[met]}" for mid, met in y.milestones_due) or "-"
        table.add_row(
            y.plan_id, ", ".join(y.municipalities), _money(y.granted), _money(y.advance_for_year), milestones_said,
            _money(y.repaid_in_year), _money(y.repaid_to_date), _("yes") if y.final else _("no"),
        )  # fmt: skip
    out.print(table)


@cli.command("forecast")
@click.option(
    "--on", "on", type=_DATE, metavar="YYYY-MM-DD",
    help="The day to forecast from, reading the store as it was known then (default: today).",
)  # fmt: skip
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the forecast: .png or .svg (the plot) or .json (the figures and assumptions).",
)  # fmt: skip
@click.option("--backtest", is_flag=True, help="Compare the forecast with what the store shows happened after --on.")
@click.pass_context
def forecast_command(ctx: click.Context, on: Any, output: Path | None, backtest: bool) -> None:
    """When the funds run out: from the waiting list, the pipeline and the pass rates and step durations
    the store itself shows; which queued and pipeline plans the money would cover."""
    if output is not None and output.suffix.lower() not in (".png", ".svg", ".json"):
        raise click.BadParameter(
            _("{name}: expected a .png, .svg or .json file").format(name=output.name), param_hint="--output"
        )
    with Store.open(_store_url(ctx)) as store:
        events = list(store.events())
        day_ = _stated(on) or local_date(store.now())
        requested = requests_in(store)
        found = forecast(events, day_, requested)
        tested = run_backtest(events, day_, local_date(store.now()), requested) if backtest else None
    ran_out = day(found.exhausted_on) if found.exhausted_on else _("not within the horizon")
    said = _("Forecast on {day}: available and reserved {available}, waiting list {queue}; the funds run out: {when}")
    out.print(
        said.format(day=day(found.on), available=_money(found.available), queue=_money(found.queue), when=ran_out)
    )
    table = Table(
        _("Plan"),
        _("State"),
        _("Requested"),
        _("Chance"),
        _("Expected on"),
        _("Covered"),
        box=None,
        header_style="bold",
    )
    table.columns[2].justify = table.columns[3].justify = "right"
    for claim in found.claims:
        table.add_row(
            claim.plan_id, term(claim.state), _money(claim.requested), f"{claim.share:.0%}", day(claim.on),
            _("yes") if claim.funded else _("no, waits"),
        )  # fmt: skip
    if found.claims:
        out.print(table)
    out.print(_("Assumptions:"))
    for assumption in found.assumptions:
        out.print(f"  - {assumption}")
    if tested is not None:
        out.print(tested.summary())
    if output is not None:
        if output.suffix.lower() == ".json":
            document = found.as_dict()
            if tested is not None:
                document["backtest"] = {
                    "until": tested.until.isoformat(), "predicted_claims": str(euros(tested.predicted_claims)),
                    "actual_claims": str(euros(tested.actual_claims)),
                    "actual_exhausted_on": (
                        tested.actual_exhausted_on.isoformat() if tested.actual_exhausted_on else None
                    ),
                    "days_error": tested.days_error,
                }  # fmt: skip
            write_text(output, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        else:
            from ..charts import plot_forecast  # noqa: PLC0415 - matplotlib only when a plot is asked for

            plot_forecast(found, output)
        out.print(_("forecast written to {path}").format(path=output))
