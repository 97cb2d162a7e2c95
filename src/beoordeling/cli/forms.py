"""Commands for the submission forms: form check, form template, form schema."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .._files import write_text
from ..errors import FormError
from ..forms import default_forms, form_json_schema, load_forms, save_workbook
from ..planfile import read_plan
from ._app import cli, exit_with_findings, out
from ._words import _

_FORM = click.Choice(["quick-test", "plan"])


@cli.group()
def form() -> None:
    """Check the form definitions (forms/) and make Excel templates and JSON Schemas from them."""


@form.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def form_check(path: Path | None) -> None:
    """Validate the field catalogue and every form against the plan model (exit 1 on findings)."""
    try:
        forms = load_forms(path)
    except FormError as exc:
        exit_with_findings(_("forms"), exc)
    for form_id in forms.ids:
        found = forms[form_id]
        fields = sum(len(s.fields) + (len(s.table.columns) if s.table else 0) for s in found.sections)
        said = _("{form}: version {version}, {sheets} sheets, {fields} fields: OK ({stamp})")
        out.print(
            said.format(
                form=form_id, version=found.version, sheets=len(found.sections), fields=fields, stamp=found.stamp
            )
        )


@form.command("template")
@click.argument("form_id", metavar="FORM", type=_FORM)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The .xlsx file.")
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fill the workbook with this plan file (YAML, JSON or .xlsx) instead of leaving it blank.",
)
def form_template(form_id: str, output: Path, plan_file: Path | None) -> None:
    """Write the Excel workbook care providers fill in: blank, or filled with a plan."""
    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter(_("the workbook must be a .xlsx file"), param_hint="--output")
    plan = read_plan(plan_file).plan if plan_file else None
    chosen = default_forms()[form_id]
    save_workbook(chosen, output, plan)
    what = _("filled with {plan}").format(plan=plan.id) if plan else _("blank")
    out.print(
        _("{title} ({stamp}), {what}, written to {path}").format(
            title=chosen.title, stamp=chosen.stamp, what=what, path=output
        )
    )


@form.command("schema")
@click.argument("form_id", metavar="FORM", type=_FORM)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
def form_schema(form_id: str, output: Path | None) -> None:
    """JSON Schema of the data a form holds, with its Dutch labels and help texts."""
    text = json.dumps(form_json_schema(default_forms()[form_id]), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        write_text(output, text)
        out.print(_("schema written to {path}").format(path=output))
