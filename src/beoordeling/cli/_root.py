"""The root command group: cheap to start, commands loaded when they are used.

``beoordeling --help`` should answer at once, so this module imports only click, gettext and the
package's errors. The help lists the commands by what the user is doing, from the table below; a command's
module (and with it the store, SQLAlchemy, openpyxl, WeasyPrint or the criteria engine) is imported
only when that command runs or shows its own help. ``tests/test_cli_start.py`` checks that the
summaries here are the commands' own and that ``--help`` imports none of those libraries.

Everything the terminal shows passes through :mod:`.._i18n`: the help of every command and option
is translated when it is shown (so the catalog is read only then, in the language of that
moment), and click's own words (Usage, Options, its error messages) are read from the same
catalog, in place of click's English.
"""

from __future__ import annotations

import contextlib
import gettext
import importlib
import inspect
import sys
from collections.abc import Iterator
from typing import Any

import click

from .._i18n import N_, _, ngettext
from ..errors import BeoordelingError

__all__ = ["SECTIONS", "cli"]

SECTIONS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    (N_("Plans"), (
        ("import", "plans", N_("Store plan files (YAML, JSON or a filled-in form workbook .xlsx) as new versions.")),
        ("export", "plans", N_("Write a stored plan to a file (YAML, JSON or a workbook), to edit and import again.")),
        ("list", "plans", N_("The plan register, with filters.")),
        ("show", "plans", N_("One plan: its content, versions and events.")),
        ("history", "workflow", N_("Every event of one plan: what happened, when it took effect and when the store "
                                   "recorded it, by whom in which role, why, and on which rules.")),
        ("schema", "plans", N_("JSON Schema of a plan file, for editors.")),
    )),
    (N_("Self-check and forms"), (
        ("zelftoets", "criteria", N_("Self-check a plan before submitting it: what is complete, and what is missing "
                                     "or failing.")),
        ("form", "forms", N_("Check the form definitions (forms/) and make Excel templates and JSON Schemas from "
                             "them.")),
        ("rules", "criteria", N_("Check and show the criteria of the framework (rules/), and what other criteria "
                                 "would do to the stored plans.")),
    )),
    (N_("Submitting and assessing"), (
        ("submit", "workflow", N_("Submit the quick test (a draft) or the worked-out plan (after a positive quick "
                                  "test).")),
        ("request-info", "workflow", N_("Ask the submitters for more information on their quick test (the clock "
                                        "follows the policy).")),
        ("answer", "workflow", N_("Record that the information was supplied; the latest stored version is the one "
                                  "assessed.")),
        ("prepare", "workflow", N_("Start working out the plan together after a positive quick test or a rework "
                                   "decision.")),
        ("judge", "workflow", N_("Record an assessor's verdict on one criterion for their insurer.")),
        ("comment", "workflow", N_("Record an other insurer's question or remark during the consultation window "
                                   "(--reason is the text).")),
        ("deadlines", "workflow", N_("Open clocks and dated deadlines: due date, days left or overdue, who is "
                                     "responsible; overdue first.")),
    )),
    (N_("Deciding"), (
        ("propose", "workflow", N_("Record a market leader's proposed decision on a submitted plan.")),
        ("decide", "workflow", N_("Record a market leader's decision in the plan's current step.")),
        ("escalate", "workflow", N_("Put the market leaders' disagreement before the BO IZA, the escalation body; it "
                                    "rules within the policy's escalation term (see `deadlines`).")),
        ("rule", "workflow", N_("The BO IZA's ruling on an escalated disagreement of the market leaders.")),
        ("withdraw", "workflow", N_("Withdraw a plan; the submitters' own decision.")),
    )),
    (N_("Money and implementation"), (
        ("fund", "workflow", N_("Record the NZa's budget-fit check: the plan is funded.")),
        ("waitlist", "money", N_("The waiting list: each plan's place, since when, what it asks and the amount ahead "
                                 "of it.")),
        ("budget", "money", N_("Where the programme's money is as of a day: available per earmark, reserved per "
                               "theme, committed and paid per plan, lapsed and transferred; exit 1 when the books do "
                               "not balance.")),
        ("start", "workflow", N_("Start the implementation of an approved (and, if asked, funded) plan.")),
        ("report-milestone", "workflow", N_("Report that a milestone was achieved; the market leaders then decide met "
                                            "or missed.")),
        ("pay", "money", N_("Record that the paying insurer paid a milestone found met; its amount moves from the "
                            "commitment to paid.")),
        ("reduce", "money", N_("Record that a milestone needs less than approved (the plan turned out cheaper): "
                               "that much of the commitment goes back to the funds, and the waiting list moves.")),
        ("milestones", "money", N_("The milestones of the funded plans: amount, due date, kind, and whether paid, "
                                   "due, missed or open; exit 1 when one is late (open past its date, or met and "
                                   "unpaid past its payment's date).")),
        ("complete", "workflow", N_("Close a plan whose milestones are all decided.")),
        ("spuk", "money", N_("The municipal route's yearly figures (SiSa): per plan the advance, the year's "
                             "milestones as the insurers found them, and what was repaid.")),
        ("forecast", "money", N_("When the funds run out: from the waiting list, the pipeline and the pass rates and "
                                 "step durations the store itself shows; which queued and pipeline plans the money "
                                 "would cover.")),
    )),
    (N_("Figures"), (
        ("stats", "stats", N_("The programme's figures of a period: plans per step and outcome, in the period and "
                              "up to its end, where every quick test stands, and whether the clocks were kept.")),
    )),
    (N_("Documents"), (
        ("letter", "documents", N_("Write the decision letter of one plan (PDF/A, Dutch) and record it as issued.")),
        ("letters", "documents", N_("Write every pending decision letter into a folder and record them as issued.")),
        ("verify-letter", "documents", N_("Check a letter against the store: its document, fingerprint and file "
                                          "(exit 1 when it does not match).")),
        ("overview", "documents", N_("Write the Excel overview: plans, decisions, deadlines, milestones, payments, the "
                                     "funds, the waiting list and the quarter's counts so far, one sheet each.")),
        ("diagram", "workflow", N_("Draw the lifecycle from the workflow's transition table.")),
        ("profiles", "documents", N_("Check the organisation profiles the letters take their sender and signatures "
                                     "from (profiles/).")),
    )),
    (N_("Web interface"), (
        ("serve", "web", N_("Run the web interface on the store: the assessors' inbox and plan pages, the "
                            "submitters' self-check, the letters.")),
        ("user", "web", N_("Manage the web interface's accounts: add, list, disable.")),
    )),
    (N_("Administration"), (
        ("init", "plans", N_("Create a new, empty store, with the shipped policy adopted.")),
        ("upgrade", "plans", N_("Bring a store made by an earlier release up to this release (every event and hash "
                                "is kept).")),
        ("verify", "plans", N_("Recompute the event chain and check the books; exit 1 and name the first broken "
                               "event, or what does not balance, if they are not intact.")),
        ("policy", "workflow", N_("Check and show the dated policy switches and clock settings (policy/).")),
        ("programme", "money", N_("Check, show and adopt the programme file: the funds, their earmarks and "
                                  "reservations (programme/).")),
        ("demo", "plans", N_("Show the whole product at work on the example plans.")),
    )),
)  # fmt: skip
"""The commands by what the user is doing: name, the module under ``cli/`` that defines it, and its
summary (the first paragraph of its help, checked by a test)."""

_MODULES = {name: module for _, commands in SECTIONS for name, module, _ in commands}


@contextlib.contextmanager
def _translated(*items: click.Command | click.Parameter) -> Iterator[None]:
    """Shows the help of ``items`` in the terminal's language while click formats it."""
    written = [(item, item.help) for item in items if item.help]
    for item, text in written:
        item.help = _(inspect.cleandoc(text))
    try:
        yield
    finally:
        for item, text in written:
            item.help = text


class _Translated(click.Command):
    """A command whose help, and the help of its options and arguments, is read in the terminal's
    language when it is shown."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self):
            super().format_help_text(ctx, formatter)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(*self.get_params(ctx)):
            super().format_options(ctx, formatter)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None and option.help != _(N_("Show this message and exit.")):
            option.help = N_("Show this message and exit.")  # click made it once, in the language of that moment
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated(self):
            return super().get_short_help_str(limit)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [_(piece) if piece in _USAGE_WORDS else piece for piece in super().collect_usage_pieces(ctx)]


_USAGE_WORDS = frozenset((N_("[OPTIONS]"), N_("COMMAND [ARGS]...")))
"""The words of click's usage line that are not a parameter's own metavar."""


class _Group(_Translated, click.Group):
    """A group of commands (``form``, ``rules``, ``policy``, ``profiles``) whose commands and
    subgroups are translated too."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(*self.get_params(ctx)):
            click.Command.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)


_Group.command_class = _Translated
_Group.group_class = _Group


class _Root(_Group):
    """Loads a command's module when the command is asked for, groups the help by section, and turns
    the package's errors into a message and an exit code, without a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _MODULES:
            importlib.import_module(f"{__package__}.{_MODULES[cmd_name]}")  # its commands register on `cli`
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        for section, commands in SECTIONS:
            with formatter.section(_(section)):
                formatter.write_dl([(name, _(summary)) for name, _module, summary in commands])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (BeoordelingError, OSError) as exc:
            from ._app import report_error  # noqa: PLC0415 - a command ran, so its helpers are loaded

            report_error(exc)


def _speak_for_click() -> None:
    """Click writes its own words (Usage, Options, 'Missing argument') through the standard
    ``gettext``; its modules read them from our catalog instead, in the terminal's language."""
    for name, module in list(sys.modules.items()):
        if name == "click" or name.startswith("click."):
            if getattr(module, "_", None) is gettext.gettext:
                module._ = _  # type: ignore[attr-defined]
            if getattr(module, "ngettext", None) is gettext.ngettext:
                module.ngettext = ngettext  # type: ignore[attr-defined]


_speak_for_click()


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--store",
    envvar="BEOORDELING_STORE",
    metavar="URL",
    help="Store to use: a SQLite file path or sqlite:///FILE or postgresql://USER@HOST/DB "
    "(default: $BEOORDELING_STORE, else beoordeling.db in this directory).",
)
@click.version_option(package_name="beoordeling", help=N_("Show the version and exit."))
def cli(store: str | None) -> None:
    """Carry transformation plans (transformatieplannen) through the IZA assessment framework."""
