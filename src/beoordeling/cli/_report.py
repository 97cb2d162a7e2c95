"""Criteria results and rule books as readable terminal text (rich renderables, in the terminal's language;
the criteria themselves are the framework's Dutch text).

Plan values reach the screen as ``Text`` objects, never as markup, so a submitter's text cannot
restyle or hide anything in the report.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..criteria import Assessment, CriterionResult, Edition, Kind, Status, Step, StepResult
from ..criteria.results import first_sentence, missing_titles, standing
from ..model import Plan
from ._words import _, day, enumeration, term

__all__ = ["assessment_report", "edition_report"]

_MARKS = {
    Status.PASS: ("✔", "green"),
    Status.FAIL: ("✘", "red"),
    Status.INCOMPLETE: ("✘", "yellow"),
    Status.NEEDS_JUDGEMENT: ("?", "cyan"),
    Status.NOT_APPLICABLE: ("–", "dim"),
}


def _criterion_lines(result: CriterionResult) -> Iterator[Text]:
    mark, style = _MARKS[result.status]
    if result.kind is Kind.ADVICE and result.status is Status.FAIL:
        mark, style = "!", "magenta"
    head = Text(f"  {mark} ", style=style)
    head.append(f"{result.id:<5}", style="bold")
    head.append(result.title)
    head.append(f"  [{term(result.status)}", style=style)
    head.append(f" · {term(Kind.ADVICE).lower()}]" if result.kind is Kind.ADVICE else "]", style=style)
    yield head
    yield Text(f"         {result.explanation}")
    for item in result.evidence:
        if item.present is False:
            yield Text("         " + _("missing {id}: {title}").format(id=item.id, title=item.title), style="yellow")
    if result.status is not Status.PASS and result.status is not Status.NOT_APPLICABLE:
        yield Text("         " + _("Source: {citation}").format(citation=result.citation), style="dim")
    if not result.confirmed:
        yield Text(
            "         " + _("Not confirmed by the sources: {note}").format(note=result.note or ""), style="magenta"
        )


def step_summary(step: StepResult) -> str:
    """One sentence on a step's outcome, in the terminal's language (the stored summary is Dutch)."""
    failed, missing, pending, advice = standing(step.criteria)
    if failed:
        listed = "; ".join(f"{r.id} ({first_sentence(r.explanation)})" for r in failed)
        text = _("Cannot pass: {criteria}.").format(criteria=listed)
        if missing:
            text += " " + _("Incomplete too: {criteria}.").format(criteria=", ".join(r.id for r in missing))
        return text
    if missing:
        listed = "; ".join(f"{r.id} ({missing_titles(r)})" for r in missing)
        return _("Cannot pass while this is missing: {criteria}.").format(criteria=listed)
    tail = (
        " " + _("Mind the advice on {criteria}.").format(criteria=enumeration([r.id for r in advice])) if advice else ""
    )
    if pending:
        listed = enumeration([r.id for r in pending])
        return _("Can pass once the assessors have judged {criteria}.").format(criteria=listed) + tail
    return _("Meets every criterion of this step.") + tail


def assessment_report(plan: Plan, assessment: Assessment) -> RenderableType:
    """The self-check (zelftoets) as text: per step the outcome, then each criterion."""
    version = _("version {version}").format(version=plan.version) if plan.version else _("not stored yet")
    rules = _("Rules {stamp}, in force on {day}").format(stamp=assessment.rules_stamp, day=day(assessment.on))
    if assessment.overlays:
        rules += "; " + _("further conditions of {insurers}").format(insurers=enumeration(list(assessment.overlays)))
    parts: list[RenderableType] = [
        Text.assemble((_("Self-check") + " ", "bold"), (plan.id, "bold"), f" — {plan.title} ({version})"),
        Text(rules, style="dim"),
    ]
    for step in assessment.steps:
        style = "red" if step.outcome.blocks else "green"
        parts.append(Text())
        parts.append(Text.assemble((f"{term(step.step)}: ", "bold"), (step_summary(step), style)))
        for result in step.criteria:
            parts.extend(_criterion_lines(result))
    for note in assessment.unconfirmed:
        parts.append(Text(_("Note: {note}").format(note=note), style="magenta"))
    return Group(*parts)


def edition_report(edition: Edition, steps: tuple[Step, ...] = tuple(Step)) -> RenderableType:
    """The criteria in force on a date, per step: what each asks, its kind, dates and source."""
    overlays = ", ".join(o.insurer for o in edition.overlays)
    if edition.end:
        valid = _("Edition {stamp}: valid from {start} up to and including {end}").format(
            stamp=edition.stamp, start=day(edition.start), end=day(edition.end)
        )
    else:
        valid = _("Edition {stamp}: valid from {start}").format(stamp=edition.stamp, start=day(edition.start))
    if overlays:
        valid += "; " + _("further conditions of {insurers}").format(insurers=overlays)
    parts: list[RenderableType] = [
        Text(_("Criteria in force on {day}").format(day=day(edition.on)), style="bold"),
        Text(valid, style="dim"),
    ]
    for step in steps:
        criteria = edition.for_step(step)
        if not criteria:
            continue
        table = Table(title=term(step), title_justify="left", title_style="bold", box=None, header_style="bold")
        table.add_column(_("Id"), no_wrap=True)
        table.add_column(_("Criterion"))
        table.add_column(_("Kind"), no_wrap=True)
        table.add_column(_("Valid"), no_wrap=True)
        table.add_column(_("Source"))
        table.add_column(_("Reads"))
        for c in criteria:
            spec = c.spec
            valid = day(spec.valid_from) + (f" – {day(spec.valid_until)}" if spec.valid_until else " –")
            title = Text(spec.title)
            if c.overlay is not None:
                title.append(f" ({c.overlay.insurer})", style="cyan")
            if not spec.confirmed:
                title.append(" " + _("(not confirmed)"), style="magenta")
            table.add_row(spec.id, title, term(spec.kind), valid, f"{spec.reference}\n{spec.link}", "\n".join(c.fields))
        parts.extend([Text(), table])
    for note in edition.unconfirmed:
        parts.append(Text(_("Not confirmed: {note}").format(note=note), style="magenta"))
    return Group(*parts)
