"""What changed since the previous period, in a few sentences made from the figures alone.

Each sentence sets a figure of the period against the same figure of the period before it (the
previous quarter, or the same number of days before ``--from``): the quick tests and plans
decided, the plans funded, the clocks kept, the money committed and left, the waiting list, and
any group of plans whose pass rate now differs from the rest where it did not before, or no
longer does. A figure that did not change is left out, unless nothing changed at all.
"""

from __future__ import annotations

from decimal import Decimal

from .._dutch import euro, number, reader
from .._i18n import _, ngettext, term
from ..money import AccountKind, euros
from .counts import Figures
from .words import group_name, split, step

__all__ = ["changes"]


def _count(value: int) -> str:
    return number(value, reader())


def _money(amount: int) -> str:
    return euro(Decimal(euros(amount)), reader())


def _moved(now: int, before: int) -> str:
    """'+3', '−2' (a real minus sign)."""
    return f"+{_count(now - before)}" if now >= before else f"\u2212{_count(before - now)}"


def changes(now: Figures, before: Figures) -> list[str]:
    """The sentences that say what changed from ``before`` (the previous period) to ``now``."""
    said: list[str] = []
    steps = (
        (("quick-test", "submitted"), _("Quick tests submitted")),
        (("quick-test", "passed"), _("Quick tests passed")),
        (("quick-test", "rejected"), _("Quick tests rejected")),
        (("plan", "submitted"), _("Plans submitted")),
        (("plan", "approved"), _("Plans approved")),
        (("plan", "not-approved"), _("Plans not approved")),
        (("funds", "funded"), _("Plans funded")),
        (("funds", "waitlisted"), _("Plans put on the waiting list")),
    )
    for key, what in steps:
        a, b = now.in_period.get(key, 0), before.in_period.get(key, 0)
        if a != b:
            said.append(
                _("{what}: {count} in {period}, against {before} in {previous} ({moved}).").format(
                    count=_count(a),
                    what=what,
                    period=now.period.label,
                    before=_count(b),
                    previous=before.period.label,
                    moved=_moved(a, b),
                )
            )
    for clock_now, clock_before in zip(now.clocks, before.clocks, strict=True):
        share, earlier = clock_now.in_time_share, clock_before.in_time_share
        if share is not None and earlier is not None and round(share, 2) != round(earlier, 2):
            said.append(
                _(
                    "{share:.0%} of the decisions on the clock '{clock}' came within their term, against {earlier:.0%}."
                ).format(
                    share=share,
                    clock=term(clock_now.clock),
                    earlier=earlier,
                )
            )
        if clock_now.overdue != clock_before.overdue:
            said.append(
                ngettext(
                    "{count} clock '{clock}' is overdue at the end of {period}, against {before}.",
                    "{count} clocks '{clock}' are overdue at the end of {period}, against {before}.",
                    clock_now.overdue,
                ).format(
                    count=_count(clock_now.overdue),
                    clock=term(clock_now.clock),
                    period=now.period.label,
                    before=_count(clock_before.overdue),
                )
            )
    if now.money is not None and before.money is not None:
        committed = now.money.kinds.get(AccountKind.COMMITTED, 0) + now.money.kinds.get(AccountKind.PAID, 0)
        earlier = before.money.kinds.get(AccountKind.COMMITTED, 0) + before.money.kinds.get(AccountKind.PAID, 0)
        if committed != earlier:
            said.append(
                _("Committed and paid together: {now}, {moved} since the end of {previous}.").format(
                    now=_money(committed), moved=_money_moved(committed, earlier), previous=before.period.label
                )
            )
        left, left_before = (
            now.money.kinds.get(AccountKind.AVAILABLE, 0),
            before.money.kinds.get(AccountKind.AVAILABLE, 0),
        )
        if left != left_before:
            said.append(
                _("Available to commit: {now}, against {before}.").format(now=_money(left), before=_money(left_before))
            )
        if now.money.waiting != before.money.waiting:
            said.append(
                ngettext(
                    "{count} plan waits on the waiting list ({amount}), against {before}.",
                    "{count} plans wait on the waiting list ({amount}), against {before}.",
                    now.money.waiting,
                ).format(
                    count=_count(now.money.waiting),
                    amount=_money(now.money.waiting_amount),
                    before=_count(before.money.waiting),
                )
            )
    differed = {(c.step, c.split, c.group) for c in before.comparisons if c.verdict == "differs"}
    differs = {(c.step, c.split, c.group) for c in now.comparisons if c.verdict == "differs"}
    for at, by, group in sorted(differs - differed):
        said.append(
            _("New: at the step '{step}', the pass rate of {group} ({split}) differs from the rest.").format(
                group=group_name(by, group), split=split(by), step=step(at)
            )
        )
    for at, by, group in sorted(differed - differs):
        said.append(
            _("At the step '{step}', the pass rate of {group} ({split}) no longer differs from the rest.").format(
                group=group_name(by, group), split=split(by), step=step(at)
            )
        )
    if not said:
        said.append(_("Nothing in the figures changed since {previous}.").format(previous=before.period.label))
    return said


def _money_moved(now: int, before: int) -> str:
    return f"+{_money(now - before)}" if now >= before else f"\u2212{_money(before - now)}"
