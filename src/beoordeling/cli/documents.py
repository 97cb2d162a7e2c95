"""Commands that produce documents from the store: decision letters (PDF) and the overview (Excel)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..desk import Desk
from ..letters import IssuedLetter, LetterOffice, verify_letter
from ..letters.kinds import LetterKind
from ..letters.profiles import load_profiles
from ..model import Role
from ..overview import save_overview
from ..store import Reading
from ._app import _DATE, FINDINGS, READING, _actor, _day, cli, err, open_store, out
from ._words import _, label_of, ngettext

_OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)


def _identity(command: Any) -> Any:
    """Who issues the letters (recorded with each)."""
    options = [
        click.option(
            "--as", "identity", metavar="ORGANISATION/person", help="Who issues (default: $BEOORDELING_ACTOR)."
        ),
        click.option(
            "--role",
            type=click.Choice([r.value for r in Role]),
            default=Role.COORDINATING_INSURER.value,
            show_default=True,
            help="The role issued in.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _office(store: Any) -> LetterOffice:
    return LetterOffice(store)


def _issued(letter: IssuedLetter) -> str:
    recorded = _("recorded as event {seq}").format(seq=letter.event.seq) if letter.event else _("already recorded")
    return f"{letter.path}: {letter.document} ({label_of(LetterKind, letter.kind)}), {recorded}"


@cli.command()
@click.argument("plan_id", metavar="PLAN")
@click.option(
    "--event",
    "seq",
    type=click.IntRange(1, 2**63 - 1),
    metavar="N",
    help="The decision event (default: the plan's latest letter).",
)
@click.option("-o", "--output", type=_OUTPUT, required=True, help="The PDF to write.")
@_identity
@click.pass_context
def letter(
    ctx: click.Context, plan_id: str, seq: int | None, output: Path, identity: str | None, role: str,
) -> None:  # fmt: skip
    """Write the decision letter of one plan (PDF/A, Dutch) and record it as issued.

    Without --event, the letter of the plan's latest decision that calls for one.
    """
    with open_store(ctx) as store:
        office = _office(store)
        out.print(_issued(office.write(office.decision(plan_id, seq), output, _actor(identity, role))), markup=False)


@cli.command()
@click.option("--pending", is_flag=True, required=True, help="Every letter not yet recorded as issued.")
@click.option(
    "-o", "--output", "directory", type=click.Path(file_okay=False, path_type=Path), required=True,
    help="The folder to write the letters into.",
)  # fmt: skip
@click.option(
    "--workers", type=click.IntRange(1, 64), default=lambda: min(2, os.cpu_count() or 1), show_default="2",
    help="Processes that render in parallel.",
)  # fmt: skip
@_identity
@click.pass_context
def letters(
    ctx: click.Context, pending: bool, directory: Path, workers: int, identity: str | None, role: str,
) -> None:  # fmt: skip
    """Write every pending decision letter into a folder and record them as issued."""
    with open_store(ctx) as store:
        office = _office(store)
        todo = office.pending()
        if not todo:
            out.print(_("no letters pending"))
            return
        columns = (TextColumn(_("letters")), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=err, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task(_("letters"), total=len(todo))
            done = office.produce(
                todo, directory, _actor(identity, role), workers=workers, progress=lambda _l: bar.advance(task)
            )
        for item in done:
            out.print(_issued(item), markup=False)
        said = ngettext("{count} letter written to {folder}", "{count} letters written to {folder}", len(done))
        out.print(said.format(count=len(done), folder=directory))


@cli.command("verify-letter")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def verify_letter_command(ctx: click.Context, path: Path) -> None:
    """Check a letter against the store: its document, fingerprint and file (exit 1 when it does not match)."""
    with open_store(ctx) as store:
        check = verify_letter(_office(store), path)
    for note in check.notes:
        out.print(f"{path}: {note}")
    if check.ok:
        out.print(f"{path}: " + _("letter {document} matches the store").format(document=check.document))
        return
    for finding in check.findings:
        err.print(f"{path}: {finding}")
    sys.exit(FINDINGS)


@cli.command()
@click.option("-o", "--output", type=_OUTPUT, required=True, help="The .xlsx file to write.")
@click.option(
    "--on", "on", type=_DATE, metavar="YYYY-MM-DD", help="The store as it stood on this day (default: today)."
)
@READING
@click.pass_context
def overview(ctx: click.Context, output: Path, on: Any, reading: str) -> None:
    """Write the Excel overview: plans, decisions, deadlines, milestones, payments, the funds, the waiting list and
    the quarter's counts so far, one sheet each."""
    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter(
            _("expected a .xlsx file name; found {name!r}").format(name=output.name), param_hint="'-o'"
        )
    with open_store(ctx) as store:
        as_of = _day(on) if on is not None else Desk(store).today()
        sheets = save_overview(store, output, on=as_of, reading=Reading(reading))
    counts = ", ".join(f"{sheet.name} {len(sheet.rows)}" for sheet in sheets)
    out.print(f"{output}: {counts}")


@cli.group()
def profiles() -> None:
    """Check the organisation profiles the letters take their sender and signatures from (profiles/)."""


@profiles.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def profiles_check(path: Path | None) -> None:
    """Validate a profiles file (default: $BEOORDELING_PROFILES, else the shipped examples); each
    problem names file, line and key (exit 2 on problems)."""
    loaded = load_profiles(path)
    count = len(loaded.organisations)
    if loaded.example:
        said = ngettext("{source}: {count} example profile: OK", "{source}: {count} example profiles: OK", count)
    else:
        said = ngettext("{source}: {count} profile: OK", "{source}: {count} profiles: OK", count)
    out.print(said.format(source=loaded.source, count=count))
    for profile in loaded.organisations:
        signs = f"{profile.signatory.name}, {profile.signatory.function}" if profile.signatory else _("no signatory")
        out.print(f"  {profile.name}: {signs}")
