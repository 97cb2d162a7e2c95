"""``beoordeling rules impact`` in the terminal: the counts per step, the criteria behind them,
optionally the groups of one split, and the first changed plans (the outputs hold them all)."""

from __future__ import annotations

from rich.table import Table

from .._i18n import N_
from ..impact import Basis, Direction, Impact, Side
from ..stats.words import group_name
from ._app import out
from ._words import _, day, moment, ngettext, number, term

__all__ = ["print_impact"]

SHOWN = 20
"""Changed plans listed in the terminal; -o FILE.xlsx or --format json has every one."""

_DIRECTIONS = {
    Direction.NO_LONGER_PASSES: N_("no longer passes"),
    Direction.NEWLY_PASSES: N_("newly passes"),
    Direction.OTHER: N_("changes otherwise"),
}


def _side(side: Side) -> str:
    return _("{rules} on {day} ({stamp})").format(rules=side.source, day=day(side.on), stamp=side.stamp)


def print_impact(found: Impact, split: str | None) -> None:
    out.print(
        _("The other criteria against those in force: {current} against {other}").format(
            current=_side(found.current), other=_side(found.other)
        ),
        style="bold",
    )
    versions = _("latest versions") if found.basis is Basis.LATEST else _("the versions the latest decisions were on")
    out.print(
        ngettext(
            "{count} plan ({versions}), as the store held it at {moment} ({events} events); nothing in the store "
            "was changed.",
            "{count} plans ({versions}), as the store held them at {moment} ({events} events); nothing in the store "
            "was changed.",
            found.plans,
        ).format(count=number(found.plans), versions=versions, moment=moment(found.as_of), events=number(found.head))
    )
    if found.states is not None:
        out.print(_("Only the plans now in: {states}").format(states=", ".join(term(s) for s in found.states)))
    if found.practice:
        out.print(_("A practice store: these are not the programme's plans."))
    steps = Table(
        _("Step"), _("Evaluated"), _("Unchanged"), _("No longer pass"), _("Newly pass"), _("Change otherwise"),
        box=None, header_style="bold",
    )  # fmt: skip
    for column in range(1, 6):
        steps.columns[column].justify = "right"
    for s in found.steps:
        steps.add_row(term(s.step), *(number(n) for n in (s.evaluated, s.unchanged, s.no_longer, s.newly, s.other)))
    out.print(steps)
    causes = [c for c in found.criteria if c.no_longer or c.newly]
    if causes:
        out.print(_("The criteria behind the changes:"))
        table = Table(
            _("Step"), _("Criterion"), _("Title"), _("No longer pass"), _("Newly pass"), box=None, header_style="bold"
        )
        for column in (3, 4):
            table.columns[column].justify = "right"
        for c in causes[:10]:
            table.add_row(term(c.step), c.criterion, c.title, number(c.no_longer), number(c.newly))
        out.print(table)
    elif not found.changes:
        out.print(_("The other criteria change nothing for any plan."))
    if split is not None:
        groups = Table(
            _("Group"), _("Step"), _("Evaluated"), _("No longer pass"), _("Newly pass"), _("Change otherwise"),
            box=None, header_style="bold",
        )  # fmt: skip
        for column in range(2, 6):
            groups.columns[column].justify = "right"
        for g in (g for g in found.groups if g.split == split):
            groups.add_row(group_name(split, g.group), term(g.step),
                           *(number(n) for n in (g.evaluated, g.no_longer, g.newly, g.other)))  # fmt: skip
        out.print(groups)
    if found.changes:
        listed = Table(_("Plan"), _("State"), _("Step"), _("Now"), _("Other"), _("Change"), _("Criteria"), box=None,
                       header_style="bold")  # fmt: skip
        for change in found.changes[:SHOWN]:
            criteria = ", ".join(c.criterion + ("*" if c.cause else "") for c in change.criteria)
            listed.add_row(
                f"{change.plan_id} v{change.version}", term(change.state), term(change.step), term(change.before),
                term(change.after), _(_DIRECTIONS[change.direction]), criteria,
            )  # fmt: skip
        out.print(listed)
        rest = len(found.changes) - SHOWN
        tail = _("* the criterion the change is put down to.")
        if rest > 0:
            tail += " " + ngettext(
                "{count} more change: every one is in -o FILE.xlsx and --format json.",
                "{count} more changes: every one is in -o FILE.xlsx and --format json.",
                rest,
            ).format(count=number(rest))
        out.print(tail)
