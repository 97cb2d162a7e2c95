"""Criteria results and rule books as readable terminal text (rich renderables, in Dutch).

Plan values reach the screen as ``Text`` objects, never as markup, so a submitter's text cannot
restyle or hide anything in the report.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .. import _dutch
from ..criteria import Assessment, CriterionResult, Edition, Kind, Status, Step
from ..model import Plan

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
    head.append(f"  [{result.status.label}", style=style)
    head.append(" · advies]" if result.kind is Kind.ADVICE else "]", style=style)
    yield head
    yield Text(f"         {result.explanation}")
    for item in result.evidence:
        if item.present is False:
            yield Text(f"         ontbreekt {item.id}: {item.title}", style="yellow")
    if result.status is not Status.PASS and result.status is not Status.NOT_APPLICABLE:
        yield Text(f"         Bron: {result.citation}", style="dim")
    if not result.confirmed:
        yield Text(f"         Niet bevestigd door de bronnen: {result.note or ''}", style="magenta")


def assessment_report(plan: Plan, assessment: Assessment) -> RenderableType:
    """The self-check (zelftoets) as text: per step the outcome, then each criterion."""
    version = f"versie {plan.version}" if plan.version else "nog niet opgeslagen"
    parts: list[RenderableType] = [
        Text.assemble(("Zelftoets ", "bold"), (plan.id, "bold"), f" — {plan.title} ({version})"),
        Text(
            f"Regels {assessment.rules_stamp}, in werking op {_dutch.day(assessment.on)}"
            + (f"; aanvullende voorwaarden van {', '.join(assessment.overlays)}" if assessment.overlays else ""),
            style="dim",
        ),
    ]
    for step in assessment.steps:
        style = "red" if step.outcome.blocks else "green"
        parts.append(Text())
        parts.append(Text.assemble((f"{step.step.label}: ", "bold"), (step.summary, style)))
        for result in step.criteria:
            parts.extend(_criterion_lines(result))
    for note in assessment.unconfirmed:
        parts.append(Text(f"Let op: {note}", style="magenta"))
    return Group(*parts)


def edition_report(edition: Edition, steps: tuple[Step, ...] = tuple(Step)) -> RenderableType:
    """The criteria in force on a date, per step: what each asks, its kind, dates and source."""
    overlays = ", ".join(o.insurer for o in edition.overlays)
    until = f" tot en met {_dutch.day(edition.end)}" if edition.end else ""
    parts: list[RenderableType] = [
        Text.assemble(("Criteria in werking op ", "bold"), (_dutch.day(edition.on), "bold")),
        Text(
            f"Versie {edition.stamp}: geldig vanaf {_dutch.day(edition.start)}{until}"
            + (f"; aanvullende voorwaarden van {overlays}" if overlays else ""),
            style="dim",
        ),
    ]
    for step in steps:
        criteria = edition.for_step(step)
        if not criteria:
            continue
        table = Table(title=step.label, title_justify="left", title_style="bold", box=None, header_style="bold")
        table.add_column("Id", no_wrap=True)
        table.add_column("Criterium")
        table.add_column("Soort", no_wrap=True)
        table.add_column("Geldig", no_wrap=True)
        table.add_column("Bron")
        table.add_column("Leest")
        for c in criteria:
            spec = c.spec
            valid = spec.valid_from.isoformat() + (f" t/m {spec.valid_until.isoformat()}" if spec.valid_until else " –")
            title = Text(spec.title)
            if c.overlay is not None:
                title.append(f" ({c.overlay.insurer})", style="cyan")
            if not spec.confirmed:
                title.append(" (niet bevestigd)", style="magenta")
            table.add_row(spec.id, title, spec.kind.label, valid, f"{spec.reference}\n{spec.link}", "\n".join(c.fields))
        parts.extend([Text(), table])
    for note in edition.unconfirmed:
        parts.append(Text(f"Niet bevestigd: {note}", style="magenta"))
    return Group(*parts)
