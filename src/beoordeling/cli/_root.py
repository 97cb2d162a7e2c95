"""The root command group: cheap to start, commands loaded when they are used.

``beoordeling --help`` should answer at once, so this module imports only click and the package's
errors. The help lists the commands by what the user is doing, from the table below; a command's
module (and with it the store, SQLAlchemy, openpyxl, WeasyPrint or the criteria engine) is imported
only when that command runs or shows its own help. ``tests/test_cli_start.py`` checks that the
summaries here are the commands' own and that ``--help`` imports none of those libraries.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from ..errors import BeoordelingError

__all__ = ["SECTIONS", "cli"]

SECTIONS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("Plans", (
        ("import", "plans", "Store plan files (YAML, JSON or a filled-in form workbook .xlsx) as new versions."),
        ("export", "plans", "Write a stored plan to a file (YAML, JSON or a workbook), to edit and import again."),
        ("list", "plans", "The plan register, with filters."),
        ("show", "plans", "One plan: its content, versions and events."),
        ("history", "workflow", "Every event of one plan: what happened, when it took effect and when the store "
                                "recorded it, by whom in which role, why, and on which rules."),
        ("schema", "plans", "JSON Schema of a plan file, for editors."),
    )),
    ("Self-check and forms", (
        ("zelftoets", "criteria", "Self-check a plan before submitting it: what is complete, and what is missing "
                                  "or failing."),
        ("form", "forms", "Check the form definitions (forms/) and make Excel templates and JSON Schemas from them."),
        ("rules", "criteria", "Check and show the criteria of the framework (rules/)."),
    )),
    ("Submitting and assessing", (
        ("submit", "workflow", "Submit the quick test (a draft) or the worked-out plan (after a positive quick "
                               "test)."),
        ("request-info", "workflow", "Ask the submitters for more information on their quick test (the clock "
                                     "follows the policy)."),
        ("answer", "workflow", "Record that the information was supplied; the latest stored version is the one "
                               "assessed."),
        ("prepare", "workflow", "Start working out the plan together after a positive quick test or a rework "
                                "decision."),
        ("judge", "workflow", "Record an assessor's verdict on one criterion for their insurer."),
        ("comment", "workflow", "Record an other insurer's question or remark during the consultation window "
                                "(--reason is the text)."),
        ("deadlines", "workflow", "Open clocks and dated deadlines: due date, days left or overdue, who is "
                                  "responsible; overdue first."),
    )),
    ("Deciding", (
        ("propose", "workflow", "Record a market leader's proposed decision on a submitted plan."),
        ("decide", "workflow", "Record a market leader's decision in the plan's current step."),
        ("escalate", "workflow", "Put the market leaders' disagreement before the BO IZA, the escalation body; it "
                                 "rules within the policy's escalation term (see `deadlines`)."),
        ("rule", "workflow", "The BO IZA's ruling on an escalated disagreement of the market leaders."),
        ("withdraw", "workflow", "Withdraw a plan; the submitters' own decision."),
    )),
    ("Money and implementation", (
        ("fund", "workflow", "Record the NZa's budget-fit check: the plan is funded."),
        ("waitlist", "workflow", "Record the NZa's budget-fit check: the plan goes on the waiting list."),
        ("start", "workflow", "Start the implementation of an approved (and, if asked, funded) plan."),
        ("report-milestone", "workflow", "Report that a milestone was achieved; the market leaders then decide met "
                                         "or missed."),
        ("complete", "workflow", "Close a plan whose milestones are all decided."),
    )),
    ("Documents", (
        ("letter", "documents", "Write the decision letter of one plan (PDF/A, Dutch) and record it as issued."),
        ("letters", "documents", "Write every pending decision letter into a folder and record them as issued."),
        ("verify-letter", "documents", "Check a letter against the store: its document, fingerprint and file "
                                       "(exit 1 when it does not match)."),
        ("overview", "documents", "Write the Excel overview: plans, decisions, deadlines, milestones and payments, "
                                  "one sheet each."),
        ("diagram", "workflow", "Draw the lifecycle from the workflow's transition table."),
        ("profiles", "documents", "Check the organisation profiles the letters take their sender and signatures "
                                  "from (profiles/)."),
    )),
    ("Administration", (
        ("init", "plans", "Create a new, empty store, with the shipped policy adopted."),
        ("upgrade", "plans", "Bring a store made by an earlier release up to this release (every event and hash "
                             "is kept)."),
        ("verify", "plans", "Recompute the event chain; exit 1 and name the first broken event if it is not "
                            "intact."),
        ("policy", "workflow", "Check and show the dated policy switches and clock settings (policy/)."),
        ("demo", "plans", "Show the whole product at work on the example plans."),
    )),
)  # fmt: skip
"""The commands by what the user is doing: name, the module under ``cli/`` that defines it, and its
summary (the first paragraph of its help, checked by a test)."""

_MODULES = {name: module for _, commands in SECTIONS for name, module, _ in commands}


class _Root(click.Group):
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
            with formatter.section(section):
                formatter.write_dl([(name, summary) for name, _, summary in commands])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (BeoordelingError, OSError) as exc:
            from ._app import report_error  # noqa: PLC0415 - a command ran, so its helpers are loaded

            report_error(exc)


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
