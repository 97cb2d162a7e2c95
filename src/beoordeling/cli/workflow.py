"""Commands that move plans through the workflow, and the views of it: history, deadlines, diagram.

Every mutating command names who acts (``--as ORGANISATION/person`` and ``--role``, or
``$BEOORDELING_ACTOR``). The store records when it happens by its own clock; ``--on`` states an
earlier day the action took effect, within the bounds the desk enforces. The policy is the one the
store adopted (``policy adopt``), never a file named on the command line.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from .._files import write_bytes, write_text
from .._i18n import N_
from ..criteria import Outcome, Verdict
from ..desk import ActionResult, Desk, policy_in_force
from ..model import Role
from ..store import Event, Reading, Store
from ..workflow import Trigger, load_policy
from ..workflow.definition import ClockName
from ..workflow.diagram import diagram_dot, diagram_image, diagram_mermaid
from ..workflow.policy import Policy
from ._app import _DATE, FINDINGS, READING, _actor, _day, _store_url, cli, open_store, out
from ._words import _, day, event_label, label_of, moment, ngettext, term

Command = Callable[..., None]


def _stated(on: Any) -> Any:
    return on.date() if on is not None else None


def _report(result: ActionResult) -> None:
    for event in result.events:
        said = _("{plan}: event {seq}, {what}, by {actor}")
        out.print(said.format(plan=result.plan_id, seq=event.seq, what=event_label(event), actor=event.actor))
    out.print(f"{result.plan_id}: {term(result.state)}")
    for event in result.moved:  # the plans funded from the waiting list with the money this gave back
        out.print(said.format(plan=event.plan_id, seq=event.seq, what=event_label(event), actor=event.actor))
    for note in result.notes:
        out.print("  " + _("note: {note}").format(note=note))


def _acting(default_role: Role, *, reason: str = "optional") -> Callable[[Command], Command]:
    """The options every mutating command shares."""

    def wrap(command: Command) -> Command:
        options: list[Callable[[Command], Command]] = [
            click.argument("plan_id", metavar="PLAN"),
            click.option(
                "--as", "identity", metavar="ORGANISATION/person", help="Who acts (default: $BEOORDELING_ACTOR)."
            ),
            click.option(
                "--role",
                type=click.Choice([r.value for r in Role]),
                default=default_role.value,
                show_default=True,
                help="The role acted in.",
            ),
            click.option(
                "--reason",
                required=reason == "required",
                help="Why; kept with the event (required)." if reason == "required" else "Why; kept with the event.",
            ),
            click.option(
                "--on",
                "on",
                type=_DATE,
                metavar="YYYY-MM-DD",
                help="The day the action took effect, if earlier than today: never after the day the store "
                "records it, never before the plan's last event, at most the policy's backdating-days back.",
            ),
            click.pass_context,
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return wrap


def _simple(name: str, trigger: Trigger, role: Role, doc: str, *, reason: str = "optional") -> None:
    """A command that fires one trigger."""

    @_acting(role, reason=reason)
    def command(
        ctx: click.Context, plan_id: str, identity: str | None, role: str, reason: str | None, on: Any,
    ) -> None:  # fmt: skip
        with open_store(ctx, on) as store:
            _report(Desk(store).act(plan_id, trigger, _actor(identity, role), reason=reason, on=_stated(on)))

    command.__doc__ = doc
    cli.command(name)(command)


@cli.command()
@_acting(Role.SUBMITTER)
def submit(
    ctx: click.Context, plan_id: str, identity: str | None, role: str, reason: str | None, on: Any,
) -> None:  # fmt: skip
    """Submit the quick test (a draft) or the worked-out plan (after a positive quick test).

    The latest stored version is submitted and its clock starts: 4 weeks to the quick-test
    outcome, or 4 weeks to the proposed decision.
    """
    with open_store(ctx, on) as store:
        _report(Desk(store).submit(plan_id, _actor(identity, role), reason=reason, on=_stated(on)))


_simple(
    "request-info", Trigger.REQUEST_INFO, Role.COORDINATING_INSURER,
    "Ask the submitters for more information on their quick test (the clock follows the policy).",
    reason="required",
)  # fmt: skip
_simple(
    "answer", Trigger.ANSWER, Role.SUBMITTER,
    "Record that the information was supplied; the latest stored version is the one assessed.",
)  # fmt: skip
_simple(
    "prepare", Trigger.PREPARE, Role.SUBMITTER,
    "Start working out the plan together after a positive quick test or a rework decision.",
)  # fmt: skip
_simple(
    "withdraw", Trigger.WITHDRAW, Role.SUBMITTER, "Withdraw a plan; the submitters' own decision.", reason="required"
)
_simple("fund", Trigger.FUND, Role.NZA, "Record the NZa's budget-fit check: the plan is funded.")
_simple("start", Trigger.START, Role.SUBMITTER, "Start the implementation of an approved (and, if asked, funded) plan.")
_simple("complete", Trigger.COMPLETE, Role.COORDINATING_INSURER, "Close a plan whose milestones are all decided.")


@cli.command()
@_acting(Role.MARKET_LEADER)
@click.argument("criterion")
@click.option("--verdict", type=click.Choice(["pass", "fail"]), required=True, help="The assessor's verdict.")
def judge(
    ctx: click.Context, plan_id: str, identity: str | None, role: str, reason: str | None, on: Any,
    criterion: str, verdict: str,
) -> None:  # fmt: skip
    """Record an assessor's verdict on one criterion for their insurer.

    A 'fail' needs a reason; a 'pass' with a reason on a failed computed check overrides it. A
    judgement counts once both market leaders recorded the same verdict.
    """
    with open_store(ctx, on) as store:
        desk = Desk(store)
        _report(desk.judge(plan_id, criterion, verdict, _actor(identity, role), reason=reason, on=_stated(on)))


@cli.command()
@_acting(Role.MARKET_LEADER)
@click.option("--outcome", type=click.Choice(["approve", "reject", "rework"]), required=True)
def propose(
    ctx: click.Context, plan_id: str, identity: str | None, role: str, reason: str | None, on: Any,
    outcome: str,
) -> None:  # fmt: skip
    """Record a market leader's proposed decision on a submitted plan.

    It takes effect when both market leaders propose the same; the other insurers then have two
    weeks to comment.
    """
    with open_store(ctx, on) as store:
        _report(Desk(store).propose(plan_id, outcome, _actor(identity, role), reason=reason, on=_stated(on)))


@cli.command()
@_acting(Role.MARKET_LEADER)
@click.option(
    "--outcome",
    type=click.Choice(["positive", "negative", "approve", "reject", "rework", "met", "missed"]),
    required=True,
    help="Quick test: positive/negative; final decision: approve/reject/rework; milestone: met/missed.",
)
def decide(
    ctx: click.Context, plan_id: str, identity: str | None, role: str, reason: str | None, on: Any,
    outcome: str,
) -> None:  # fmt: skip
    """Record a market leader's decision in the plan's current step.

    The decision exists when both market leaders record the same outcome; until then it is a vote,
    and a different vote from the other leader blocks the step.
    """
    with open_store(ctx, on) as store:
        _report(Desk(store).decide(plan_id, outcome, _actor(identity, role), reason=reason, on=_stated(on)))


@cli.command()
@_acting(Role.MARKET_LEADER, reason="required")
def escalate(
    ctx: click.Context, plan_id: str, identity: str | None, role: str, reason: str | None, on: Any,
) -> None:  # fmt: skip
    """Put the market leaders' disagreement before the BO IZA, the escalation body; it rules within
    the policy's escalation term (see `deadlines`)."""
    with open_store(ctx, on) as store:
        _report(Desk(store).escalate(plan_id, _actor(identity, role), reason=reason or "", on=_stated(on)))


@cli.command()
@_acting(Role.BO_IZA, reason="required")
@click.option(
    "--outcome",
    type=click.Choice(["positive", "negative", "approve", "reject", "rework", "met", "missed", "send-back"]),
    required=True,
    help="The decision of one of the market leaders that the BO IZA upholds (it takes effect), or send-back: "
    "the market leaders decide again.",
)
def rule(
    ctx: click.Context, plan_id: str, identity: str | None, role: str, reason: str | None, on: Any, outcome: str,
) -> None:  # fmt: skip
    """The BO IZA's ruling on an escalated disagreement of the market leaders."""
    with open_store(ctx, on) as store:
        _report(Desk(store).rule(plan_id, outcome, _actor(identity, role), reason=reason or "", on=_stated(on)))


@cli.command()
@_acting(Role.OTHER_INSURER, reason="required")
def comment(
    ctx: click.Context, plan_id: str, identity: str | None, role: str, reason: str | None, on: Any,
) -> None:  # fmt: skip
    """Record an other insurer's question or remark during the consultation window (--reason is the text)."""
    with open_store(ctx, on) as store:
        result = Desk(store).act(plan_id, Trigger.COMMENT, _actor(identity, role), reason=reason, on=_stated(on))
        _report(result)


@cli.command("report-milestone")
@_acting(Role.SUBMITTER)
@click.argument("milestone")
def report_milestone(
    ctx: click.Context, plan_id: str, identity: str | None, role: str, reason: str | None, on: Any,
    milestone: str,
) -> None:  # fmt: skip
    """Report that a milestone was achieved; the market leaders then decide met or missed."""
    with open_store(ctx, on) as store:
        actor = _actor(identity, role)
        desk = Desk(store)
        _report(desk.act(plan_id, Trigger.REPORT_MILESTONE, actor, reason=reason, milestone=milestone, on=_stated(on)))


@cli.command()
@click.argument("plan_id", metavar="PLAN")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def history(ctx: click.Context, plan_id: str, fmt: str) -> None:
    """Every event of one plan: what happened, when it took effect and when the store recorded it, by whom
    in which role, why, and on which rules."""
    with Store.open(_store_url(ctx)) as store:
        events = Desk(store).history(plan_id)
    if fmt == "json":
        click.echo(json.dumps([e.as_dict() for e in events], ensure_ascii=False, indent=2))
        return
    table = Table(
        "#", _("Date"), _("Recorded"), _("What"), _("Who"), _("Role"), _("Details"), box=None, header_style="bold"
    )
    for event in events:
        recorded = moment(event.recorded_at) if event.recorded_at else "-"
        table.add_row(
            str(event.seq), moment(event.occurred_at), recorded, event_label(event),
            f"{event.actor.organisation}/{event.actor.name}", term(event.actor.role), _detail(event),
        )  # fmt: skip
    out.print(table)


def _day_text(value: object) -> str:
    try:
        return day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _detail(event: Event) -> str:
    parts = []
    payload = event.payload
    if "criterion" in payload:
        parts.append(f"{payload['criterion']}: {label_of(Verdict, payload['verdict'])}")
    if event.reason:
        parts.append(event.reason)
    clock = payload.get("clock")
    if clock and clock.get("suspended_on"):
        parts.append(_("clock suspended on {day}").format(day=_day_text(clock["suspended_on"])))
    elif clock:
        parts.append(_("clock runs until {day}").format(day=_day_text(clock["due_on"])))
    if "assessment" in payload:
        outcome = label_of(Outcome, payload["assessment"]["outcome"])
        parts.append(_("criteria: {outcome} ({rules})").format(outcome=outcome, rules=event.rules_version))
    for name, kept in (payload.get("deadlines") or {}).items():
        parts.append((_("{clock}: within its term") if kept else _("{clock}: past its term")).format(clock=name))
    return "; ".join(parts)


@cli.command()
@click.option("--on", "on", type=_DATE, metavar="YYYY-MM-DD", help="The date to count from (default: today).")
@READING
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def deadlines(ctx: click.Context, on: Any, reading: str, fmt: str) -> None:
    """Open clocks and dated deadlines: due date, days left or overdue, who is responsible; overdue first.

    Exit 1 when anything is overdue, so that a scheduled job can alert on it.
    """
    with Store.open(_store_url(ctx)) as store:
        desk = Desk(store)
        found = desk.deadlines(_day(on) if on is not None else desk.today(), Reading(reading))
    if fmt == "json":
        rows = [
            {
                "plan": d.plan_id, "title": d.title, "state": d.state.value, "what": d.what,
                "due_on": d.due_on.isoformat() if d.due_on else None, "days_left": d.days_left,
                "overdue": d.overdue, "responsible": list(d.responsible), "note": d.note,
            }
            for d in found
        ]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        table = Table(
            _("Plan"), _("Deadline"), _("Due"), _("Days"), _("Responsible"), _("Note"), box=None, header_style="bold"
        )
        overdue = sum(d.overdue for d in found)
        counted = ngettext("{count} open deadline", "{count} open deadlines", len(found)).format(count=len(found))
        out.print(_("{counted}, of which {overdue} overdue").format(counted=counted, overdue=overdue))
        for d in found:
            if d.days_left is None or d.halted:  # suspended, or stopped by a policy: it cannot run late
                days = "-"
            elif d.overdue:  # the same test as the count above: every row it counts says so
                days = ngettext("{count} day late", "{count} days late", -d.days_left).format(count=-d.days_left)
            else:
                days = ngettext("{count} day", "{count} days", d.days_left).format(count=d.days_left)
            due = day(d.due_on) if d.due_on else "-"
            table.add_row(
                d.plan_id, term(d.clock) if d.clock else d.what, due, days, ", ".join(d.responsible), d.note or ""
            )
        out.print(table)
    sys.exit(FINDINGS if any(d.overdue for d in found) else 0)


@cli.command()
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="File to write: .svg or .png (drawn by Graphviz), .dot (Graphviz), .mmd or .md (Mermaid). "
    "Without it, the Mermaid text goes to standard output.",
)  # fmt: skip
def diagram(output: Path | None) -> None:
    """Draw the lifecycle from the workflow's transition table."""
    if output is None:
        click.echo(diagram_mermaid(), nl=False)
        return
    suffix = output.suffix.lower()
    if suffix in (".svg", ".png"):
        write_bytes(output, diagram_image(suffix[1:]))
    elif suffix == ".dot":
        write_text(output, diagram_dot())
    elif suffix == ".mmd":
        write_text(output, diagram_mermaid())
    elif suffix == ".md":
        write_text(output, f"```mermaid\n{diagram_mermaid()}```\n")
    else:
        expected = _("{name}: expected a .svg, .png, .dot, .mmd or .md file").format(name=output.name)
        raise click.BadParameter(expected, param_hint="--output")
    out.print(_("diagram written to {path}").format(path=output))


@cli.group()
def policy() -> None:
    """Check and show the dated policy switches and clock settings (policy/)."""


_ON_REQUEST = {
    "suspend": N_("on a request for information the quick-test clock stands still until the answer"),
    "restart": N_("on a request for information the quick-test clock starts again at the answer"),
    "continue": N_("on a request for information the quick-test clock runs on"),
}


@policy.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def policy_check(path: Path | None) -> None:
    """Validate a policy file; each problem names file, line and key (exit 2 on problems)."""
    loaded = load_policy(path)
    count = len(loaded.spec.policies)
    said = ngettext(
        "{source}: {count} policy, stamp {stamp}: OK", "{source}: {count} policies, stamp {stamp}: OK", count
    )
    out.print(said.format(source=loaded.source, count=count, stamp=loaded.stamp))


@policy.command("show")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def policy_show(path: Path | None) -> None:
    """The clocks and the dated policies, with their sources."""
    loaded: Policy = load_policy(path)
    clocks = loaded.clocks
    out.print(f"{loaded.spec.title} ({loaded.stamp})", style="bold", markup=False)
    if clocks.working_days == "algemene-termijnenwet":
        out.print(_("a term that ends on a Saturday, Sunday or public holiday moves to the next working day"))
    else:
        out.print(_("terms are counted in calendar days"))
    out.print(_(_ON_REQUEST[clocks.on_information_request]))
    for name in ("quick_test", "proposed_decision", "consultation", "final_decision", "escalation"):
        setting = getattr(clocks, name)
        length = ngettext("{count} week", "{count} weeks", setting.weeks).format(count=setting.weeks)
        out.print(f"  {term(ClockName(name.replace('_', '-')))}: {length} ({setting.reference})")
    for label, weeks in ((_("answering a request for information"), clocks.answer_weeks),
                         (_("paying a milestone found met"), clocks.payment_weeks)):  # fmt: skip
        out.print(f"  {label}: " + ngettext("{count} week", "{count} weeks", weeks).format(count=weeks))
    days = clocks.backdating_days
    out.print("  " + ngettext(
        "an action may be dated at most {count} day before it is recorded",
        "an action may be dated at most {count} days before it is recorded", days).format(count=days))  # fmt: skip
    for rule in loaded.spec.policies:
        named = ((_("before"), rule.before), (_("from"), rule.starts), (_("deadline"), rule.deadline))
        dates = ", ".join(f"{k} {day(v)}" for k, v in named if v)
        out.print(f"- {rule.id}: {rule.title} [{dates}]")
        if rule.refuses:
            refused = ", ".join(t.value for t in rule.refuses)
            out.print("    " + _("refuses: {actions}").format(actions=refused))
        out.print(f"    {rule.source}")


@policy.command("adopt")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--as", "identity", metavar="ORGANISATION/person", help="Who adopts (default: $BEOORDELING_ACTOR).")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.BO_IZA.value,
    show_default=True,
    help="The role acted in (adopting a policy is the BO IZA's).",
)
@click.option("--reason", required=True, help="Why this policy is adopted; kept with the event (required).")
@click.pass_context
def policy_adopt(ctx: click.Context, path: Path, identity: str | None, role: str, reason: str) -> None:
    """Adopt a policy file for the store: every action from now on uses it (recorded with its hash)."""
    loaded = load_policy(path)
    with Store.open(_store_url(ctx)) as store:
        event = Desk(store).adopt_policy(loaded, _actor(identity, role), reason=reason)
    out.print(
        _("{stamp} adopted as event {seq} by {actor}").format(stamp=loaded.stamp, seq=event.seq, actor=event.actor)
    )


@policy.command("history")
@click.pass_context
def policy_history(ctx: click.Context) -> None:
    """The policies the store adopted: when, by whom, why, and which is in force."""
    with Store.open(_store_url(ctx)) as store:
        adopted = store.adopted_policies()
        current = policy_in_force(store)
    if not adopted:
        out.print(_("no policy adopted; actions use the shipped policy {stamp}").format(stamp=current.stamp))
        return
    table = Table("#", _("Adopted"), _("Policy"), _("By"), _("Reason"), box=None, header_style="bold")
    for event, _document in adopted:
        table.add_row(
            str(event.seq), moment(event.recorded_at or event.occurred_at), str(event.payload.get("stamp")),
            str(event.actor), event.reason or "",
        )  # fmt: skip
    out.print(table)
    out.print(_("in force: {stamp}").format(stamp=current.stamp))
