"""The impact of a change of criteria as a Dutch workbook and as JSON.

The workbook is laid out like the quarterly report (:mod:`beoordeling.report.workbook`): a summary
sheet, then one sheet per table (the steps, the criteria that cause the changes, the groups, and one
row per changed plan and criterion), every text written as text. The JSON is :meth:`Impact.as_dict`.
"""

from __future__ import annotations

import json
from pathlib import Path

from .._dutch import day, moment, number
from .._files import write_text
from .._i18n import _, speaking
from ..report import Chart, Column, Report, Table, write_workbook
from ..stats.words import group_name
from .compare import SPLITS, Basis, Direction, Impact, Side

__all__ = ["FORMATS_BY_SUFFIX", "impact_report", "save_impact"]

FORMATS_BY_SUFFIX = (".xlsx", ".json")

DIRECTION_WORDS = {
    Direction.NO_LONGER_PASSES: "komt niet meer door",
    Direction.NEWLY_PASSES: "komt nu wel door",
    Direction.OTHER: "anders gewijzigd",
}
SPLIT_WORDS = {"region": "regio", "theme": "thema", "sector": "sector", "insurers": "marktleiders"}


def save_impact(found: Impact, path: Path) -> Path:
    """Write ``found`` to ``path`` as a workbook or as JSON, by its suffix; :class:`ValueError` for
    any other suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_workbook(impact_report(found), path)
    if suffix == ".json":
        write_text(path, json.dumps(found.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return path
    raise ValueError(_("{name}: write the impact to a file ending in .xlsx or .json").format(name=path.name))


def _side(side: Side) -> str:
    return f"{side.source} op {day(side.on)} ({side.stamp})"


def impact_report(found: Impact) -> Report:
    """The impact in Dutch, as tables for the workbook."""
    with speaking("nl"):
        return _report(found)


def _report(found: Impact) -> Report:
    versions = (
        "de laatste versie van elk plan" if found.basis is Basis.LATEST
        else "van elk besloten plan de versie waarop het laatste besluit berustte, voor de stappen van dat besluit"
    )  # fmt: skip
    only = "" if found.states is None else " in " + ", ".join(f"‘{s.label}’" for s in found.states)
    summary = [
        f"{number(found.plans)} {'plan' if found.plans == 1 else 'plannen'}{only} beoordeeld ({versions}), onder de "
        f"criteria van nu en onder de andere.",
    ]
    for s in found.steps:
        summary.append(
            f"{s.step.label}: {number(s.evaluated)} beoordeeld; {number(s.no_longer)} komen niet meer door, "
            f"{number(s.newly)} komen nu wel door, {number(s.other)} anders gewijzigd, {number(s.unchanged)} "
            "ongewijzigd."
        )
    causes = [c for c in found.criteria if c.no_longer or c.newly][:5]
    if causes:
        summary.append(
            "Vooral door: "
            + "; ".join(
                f"{c.criterion} {c.title} ({number(c.no_longer)} niet meer door, {number(c.newly)} nu wel door)"
                for c in causes
            )
            + "."
        )
    elif not found.changes:
        summary.append("De andere criteria veranderen aan geen enkel plan iets.")
    steps = Table(
        "Stappen", "Per stap",
        (Column("Stap", "text", 30), Column("Beoordeeld", "count"), Column("Ongewijzigd", "count"),
         Column("Komt niet meer door", "count", 16), Column("Komt nu wel door", "count", 16),
         Column("Anders gewijzigd", "count", 16)),
        tuple((s.step.label, s.evaluated, s.unchanged, s.no_longer, s.newly, s.other) for s in found.steps),
        chart=Chart("Plannen per stap", (0,), (3, 4, 5)),
    )  # fmt: skip
    criteria = Table(
        "Criteria", "De criteria waar de veranderingen op neerkomen",
        (Column("Stap", "text", 26), Column("Criterium", "text", 10), Column("Titel", "text", 44),
         Column("Blokkeert nu (niet meer door)", "count", 16), Column("Blokkeert niet meer (nu wel door)", "count", 16),
         Column("Status gewijzigd", "count", 14)),
        tuple((c.step.label, c.criterion, c.title, c.no_longer, c.newly, c.changed) for c in found.criteria),
        note="Een plan telt bij een criterium dat onder de ene criteria blokkeert en onder de andere niet.",
    )  # fmt: skip
    groups = Table(
        "Groepen", "Per regio, thema, sector en paar marktleiders",
        (Column("Indeling", "text", 14), Column("Groep", "text", 36), Column("Stap", "text", 26),
         Column("Beoordeeld", "count"), Column("Komt niet meer door", "count", 16),
         Column("Komt nu wel door", "count", 16), Column("Anders gewijzigd", "count", 16)),
        tuple(
            (SPLIT_WORDS[g.split], group_name(g.split, g.group), g.step.label, g.evaluated, g.no_longer, g.newly,
             g.other)
            for g in sorted(found.groups, key=lambda g: SPLITS.index(g.split))
        ),
    )  # fmt: skip
    rows = []
    for change in found.changes:
        head = (change.plan_id, change.version, change.title, change.state.label, change.step.label,
                change.before.label, change.after.label, DIRECTION_WORDS[change.direction])  # fmt: skip
        for c in change.criteria or ():
            rows.append((*head, c.criterion, c.before.label if c.before else "niet van kracht",
                         c.after.label if c.after else "niet van kracht", "ja" if c.cause else "nee"))  # fmt: skip
        if not change.criteria:
            rows.append((*head, "", "", "", ""))
    changes = Table(
        "Gewijzigde plannen", "Elk gewijzigd plan, per stap en criterium",
        (Column("Plan", "text", 16), Column("Versie", "count", 8), Column("Titel", "text", 36),
         Column("Stand nu", "text", 18), Column("Stap", "text", 22), Column("Uitkomst nu", "text", 16),
         Column("Uitkomst anders", "text", 16), Column("Richting", "text", 18), Column("Criterium", "text", 10),
         Column("Status nu", "text", 16), Column("Status anders", "text", 16), Column("Oorzaak", "text", 9)),
        tuple(rows),
    )  # fmt: skip
    return Report(
        title="Effect van een regelwijziging op de plannen in de opslag",
        period=f"{_side(found.current)} tegenover {_side(found.other)}",
        as_of=(
            f"De plannen zoals de opslag ze op {moment(found.as_of)} hield ({number(found.head)} gebeurtenissen). "
            "Er is niets in de opslag veranderd."
        ),
        practice=found.practice,
        summary=tuple(summary),
        changes=(),
        previous=None,
        tables=(steps, criteria, groups, changes),
        method=(
            "Elk plan is per stap twee keer beoordeeld: met de criteria die nu gelden en met de andere, elk met de "
            "aanvullingen van de verzekeraars die over het plan beslissen.",
            "Een stap komt door als niets erin blokkeert (uitkomst ‘voldoet’ of ‘wacht op oordeel’): criteria die "
            "een oordeel van de beoordelaars vragen, wachten onder beide criteria op dat oordeel. Een advies "
            "blokkeert nooit.",
            "Een verandering wordt toegeschreven aan de criteria die onder de ene criteria blokkeren "
            "(‘voldoet niet’ of ‘onvolledig’) en onder de andere niet; ‘anders gewijzigd’ is een plan waarvan een "
            "uitkomst of status verandert terwijl de stap onder beide criteria blokkeert, of onder beide doorkomt.",
            "Oordelen die beoordelaars al gaven, tellen niet mee: dit is wat de criteria zelf over het plan zeggen.",
        ),
        created=found.as_of.date().isoformat(),
        meta={"basis": found.basis.value},
    )
