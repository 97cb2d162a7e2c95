"""The command group, its shared options and helpers, and the one place errors become exit codes."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._i18n import os_reason
from .._terminal import visible
from ..errors import BeoordelingError, InputError, Refused
from ..model import Role
from ..store import Actor, PlanSummary, Reading, Store
from ..workflow import AMSTERDAM
from ._root import cli
from ._words import _, euro, ngettext, term

__all__ = ["cli"]  # the root group lives in _root (cheap to import); commands register on it from here

OK, FINDINGS, BAD_INPUT, REFUSED = 0, 1, 2, 3


class _TextConsole(Console):
    """A console that shows text as text: no markup, no emoji codes, no highlighting unless a call
    asks for its own markup, and every control sequence made visible (:mod:`.._terminal`), in
    printed strings and table cells alike."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(visible(text), **kwargs)


# Piped output (files, CI logs) gets room for the whole register instead of a guessed 80 columns.
_WIDTH = None if sys.stdout.isatty() else 160
_PLAIN: dict[str, Any] = {"highlight": False, "markup": False, "emoji": False, "soft_wrap": True}
out = _TextConsole(width=_WIDTH, **_PLAIN)
err = _TextConsole(stderr=True, width=None if sys.stderr.isatty() else 160, **_PLAIN)


def _label(word: str) -> None:
    """'error:' or 'refused:' in bold red, then the message on the same line."""
    err.print(Text(word + " ", style="bold red"), end="")


def _fail(message: str) -> NoReturn:
    _label(_("error:"))
    err.print(message)
    sys.exit(BAD_INPUT)


def exit_with_findings(what: str, exc: InputError) -> NoReturn:
    """A `check` command's findings: every problem on its own line, exit 1."""
    count = len(exc.problems)
    err.print(
        ngettext("{count} problem in the {what}:", "{count} problems in the {what}:", count).format(
            count=count, what=what
        ),
        markup=False,
    )
    for problem in exc.problems:
        err.print(f"  {problem}", markup=False)
    sys.exit(FINDINGS)


def report_error(exc: BeoordelingError | OSError) -> NoReturn:
    """The one place the package's errors become a message and an exit code: a bad input 2, a
    refusal 3, any other error of ours 2; a file named on the command line that cannot be read or
    written 2. Never a traceback."""
    if isinstance(exc, InputError):
        if len(exc.problems) == 1:
            _fail(str(exc.problems[0]))
        found = _("{count} problems found; nothing was changed").format(count=len(exc.problems))
        _label(_("error:"))
        err.print(found, markup=False)
        for problem in exc.problems:
            err.print(f"  {problem}", markup=False)
        sys.exit(BAD_INPUT)
    if isinstance(exc, Refused):
        _label(_("refused:"))
        err.print(exc.what, markup=False)
        for reason in exc.reasons:
            err.print(f"  - {reason}", markup=False)
        sys.exit(REFUSED)
    if isinstance(exc, BeoordelingError):
        _fail(str(exc))
    where = f"{exc.filename}: " if exc.filename else ""
    _fail(f"{where}{os_reason(exc)}")


def _store_url(ctx: click.Context) -> str | None:
    url: str | None = ctx.find_root().params.get("store")
    return url


def open_store(ctx: click.Context, on: Any = None) -> Store:
    """The store. A practice store's simulated clock stands where its last event left it, and a
    stated date (``--on``) moves it there (noon, Dutch time), so that a training session walks a
    plan through on its own dates; a real store records by the system clock whatever is stated."""
    store = Store.open(_store_url(ctx))
    if store.practice:
        moment = noon(on.date()) if on is not None else store.last_recorded_at() or store.now()
        store.simulate(lambda: moment)
    return store


def noon(day: date) -> datetime:
    """Noon on ``day``, Dutch time: the moment a practice store's clock is set to for that day."""
    return datetime.combine(day, time(12, 0), AMSTERDAM)


def _actor(identity: str | None, role: str) -> Actor:
    identity = identity or os.environ.get("BEOORDELING_ACTOR") or f"lokaal/{getpass.getuser()}"
    return Actor.parse(identity, role)


_ROLE_CHOICE = click.Choice([role.value for role in Role])


def _print_register(plans: Sequence[PlanSummary]) -> None:
    table = Table(box=None, header_style="bold")
    table.add_column(_("Plan"), no_wrap=True)
    table.add_column(_("Title"), no_wrap=True, overflow="ellipsis", max_width=44)
    table.add_column(_("Version"), justify="right")
    table.add_column(_("State"), no_wrap=True)
    table.add_column(_("Region"), no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column(_("Requested"), justify="right", no_wrap=True, min_width=15)
    for p in plans:
        amount = euro(Decimal(p.amount_requested)) if p.amount_requested else _("no funds")
        table.add_row(p.plan_id, p.title, str(p.latest_version), term(p.state), p.region or "-", amount)
    out.print(table)
    out.print(ngettext("{count} plan", "{count} plans", len(plans)).format(count=len(plans)))


_DATE = click.DateTime(formats=["%Y-%m-%d"])

READING = click.option(
    "--reading",
    type=click.Choice([r.value for r in Reading]),
    default=Reading.HAPPENED.value,
    show_default=True,
    help="As of --on: 'happened' reads events by the day they took effect (the history as the record tells "
    "it now); 'known' by the day the store recorded them (what could be seen that day).",
)


def _day(value: Any) -> date:
    return value.date() if value is not None else date.today()
