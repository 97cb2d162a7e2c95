"""The quarterly report's content: its summary, tables, charts and method, from an evaluation.

This is the pure step of the report: the workbook (:mod:`.workbook`) and the PDF (:mod:`.pdf`)
lay out the same tables and charts, in Dutch, with the values in their own types (whole numbers,
shares, amounts in cents) for each to format. Nothing here reads the store or computes a figure;
it only words what :mod:`beoordeling.stats` counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .._dutch import day, euro, moment, number
from .._i18n import _, speaking, term
from ..money import AccountKind, euros
from ..stats import OUTCOMES, Evaluation
from ..stats.words import STEP_WORDS, VERDICT_WORDS, group_name, outcome, split, step
from ..store import Reading

__all__ = ["Chart", "Column", "Report", "Table", "report_of"]


@dataclass(frozen=True)
class Column:
    header: str
    kind: str
    """text, count, number, share, euro, days or p: how the workbook and the PDF format a cell."""
    width: int = 14


@dataclass(frozen=True)
class Chart:
    """A bar chart of a table: its categories from one column, its series from others."""

    title: str
    categories: tuple[int, ...]
    """The columns that name the bars (two: a category within a category, such as step and outcome)."""
    series: tuple[int, ...]
    """The columns drawn as bars, each a series named by its header."""
    horizontal: bool = False
    percent: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    """The sheet's name in the workbook (at most 31 characters)."""
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""
    chart: Chart | None = None


@dataclass(frozen=True)
class Report:
    title: str
    period: str
    """The period in words, as its title says it."""
    as_of: str
    """The moment the figures are as of, and in which reading, in words."""
    practice: bool
    summary: tuple[str, ...]
    changes: tuple[str, ...]
    previous: str | None
    tables: tuple[Table, ...]
    method: tuple[str, ...]
    created: str
    """The date the report is dated (the period's last day, ISO): the same report, the same bytes."""
    meta: dict[str, str] = field(default_factory=dict)


def report_of(evaluation: Evaluation) -> Report:
    """The report of ``evaluation``, in Dutch whatever the terminal speaks."""
    with speaking("nl"):
        return _report(evaluation, evaluation.min_decided)


def _report(evaluation: Evaluation, min_decided: int) -> Report:
    found = evaluation.figures
    period = found.period
    if period.start is not None:
        span = f"{day(period.start)} tot en met {day(period.end)}"
        named = f"{period.label} ({span})" if period.label[:4].isdigit() and "Q" in period.label else span
    else:
        named = f"tot en met {day(period.end)}"
    if found.reading is Reading.KNOWN:
        as_of = (
            f"Zoals de opslag het aan het einde van {day(period.end)} had vastgelegd ({moment(evaluation.as_of)}): "
            "wat later is ingevoerd, ook met een eerdere datum, telt niet mee."
        )
    else:
        as_of = (
            f"Zoals het tot en met {day(period.end)} gebeurde, naar de data die de betrokkenen opgaven; "
            "ook wat later is ingevoerd telt mee."
        )
    q = found.quick_tests
    summary = [
        f"Snelle toetsen tot en met {day(period.end)}: {number(q.submitted)} ingediend, waarvan {number(q.passed)} "
        f"positief, {number(q.rejected)} negatief, {number(q.more_information)} met nadere informatie gevraagd en "
        f"{number(q.open)} nog open.",
        f"Transformatieplannen: {number(found.to_date.get(('plan', 'submitted'), 0))} ingediend, "
        f"{number(found.to_date.get(('plan', 'approved'), 0))} goedgekeurd, "
        f"{number(found.to_date.get(('plan', 'not-approved'), 0))} afgewezen; "
        f"{number(found.to_date.get(('funds', 'funded'), 0))} gefinancierd.",
    ]
    for clock in found.clocks:
        if clock.decided:
            summary.append(
                f"{term(clock.clock)}: {number(clock.in_time)} van de {number(clock.decided)} besluiten in de periode "
                f"binnen de termijn; {number(clock.overdue)} termijnen verlopen aan het einde."
            )
    differs = [c for c in found.comparisons if c.verdict == "differs"]
    tested = [c for c in found.comparisons if c.verdict != "too-small"]
    summary.append(
        f"Slaagkans per groep: {number(len(tested))} groepen vergeleken met de rest, {number(len(differs))} met een "
        f"verschil; {number(len(found.comparisons) - len(tested))} groepen te klein om iets te concluderen."
    )
    if found.money is not None:
        money = found.money
        summary.append(
            f"Geld op {day(money.on)}: {_euro(money.kinds.get(AccountKind.COMMITTED, 0))} toegezegd, "
            f"{_euro(money.kinds.get(AccountKind.PAID, 0))} betaald en "
            f"{_euro(money.kinds.get(AccountKind.AVAILABLE, 0))} beschikbaar, van "
            f"{_euro(money.total)}; op de wachtrij: {_plans(money.waiting)}."
        )
    tables = [
        _counts(evaluation), _standing(evaluation), _states(evaluation), _clocks(evaluation),
        _groups(evaluation), _comparisons(evaluation, min_decided), _criteria(evaluation), _burden(evaluation),
        *_money(evaluation),
    ]  # fmt: skip
    return Report(
        title="Transformatieplannen: cijfers van het programma",
        period=named,
        as_of=as_of,
        practice=evaluation.practice,
        summary=tuple(summary),
        changes=evaluation.changes,
        previous=evaluation.previous.period.label if evaluation.previous else None,
        tables=tuple(t for t in tables if t is not None),
        method=_method(evaluation, min_decided),
        created=period.end.isoformat(),
        meta={"period": period.label, "reading": found.reading.value},
    )


def _plans(count: int) -> str:
    return f"{number(count)} {'plan' if count == 1 else 'plannen'}"


def _euro(cents: int) -> str:
    return euro(Decimal(euros(cents)))


def _counts(evaluation: Evaluation) -> Table:
    found = evaluation.figures
    rows = tuple(
        (step(at), outcome(result), found.in_period.get((at, result), 0), found.to_date.get((at, result), 0))
        for at, result in OUTCOMES.values()
    )
    return Table(
        "Aantallen", "Plannen per stap en uitkomst",
        (Column("Stap", "text", 20), Column("Uitkomst", "text", 28), Column("In de periode", "count"),
         Column("Tot en met het einde", "count", 18)),
        rows, "Een telling is van plannen, niet van gebeurtenissen.",
        Chart("Plannen per stap en uitkomst", (0, 1), (2, 3), horizontal=True),
    )  # fmt: skip


def _standing(evaluation: Evaluation) -> Table:
    q = evaluation.figures.quick_tests
    rows = (
        (outcome("passed"), q.passed), (outcome("rejected"), q.rejected),
        (outcome("more-information"), q.more_information), ("open", q.open), ("ingediend, totaal", q.submitted),
    )  # fmt: skip
    return Table(
        "Snelle toetsen", "Waar elke ingediende snelle toets staat",
        (Column("Stand", "text", 30), Column("Plannen", "count")), rows,
        "Elk plan met een ingediende snelle toets staat op precies één plaats; een plan dat na een verzoek om "
        "nadere informatie nog niet is beoordeeld, telt als ‘nadere informatie gevraagd’.",
        Chart("Stand van de snelle toetsen", (0,), (1,)),
    )  # fmt: skip


def _states(evaluation: Evaluation) -> Table:
    rows = tuple((term(state), count) for state, count in evaluation.figures.states.items())
    return Table(
        "Statussen", "Plannen per status aan het einde van de periode",
        (Column("Status", "text", 32), Column("Plannen", "count")), rows,
    )  # fmt: skip


def _clocks(evaluation: Evaluation) -> Table:
    rows = tuple(
        (term(c.clock), c.decided, c.in_time, c.in_time_share, c.median_days, c.p90_days,
         max(c.late_days, default=None), c.running, c.overdue)
        for c in evaluation.figures.clocks
    )  # fmt: skip
    return Table(
        "Termijnen", "Of de termijnen zijn gehaald",
        (Column("Termijn", "text", 24), Column("Besloten", "count", 10), Column("Binnen de termijn", "count"),
         Column("Aandeel binnen", "share"), Column("Mediaan dagen", "days"), Column("90% binnen dagen", "days"),
         Column("Langst te laat (dagen)", "days", 16), Column("Lopend", "count", 10), Column("Verlopen", "count", 10)),
        rows, "Besluiten in de periode; lopende en verlopen termijnen aan het einde ervan.",
        Chart("Aandeel besluiten binnen de termijn", (0,), (3,), percent=True),
    )  # fmt: skip


def _groups(evaluation: Evaluation) -> Table:
    rows = tuple(
        (split(g.split), group_name(g.split, g.name), g.quick_tests.submitted, g.quick_tests.passed,
         g.quick_tests.rejected, g.quick_tests.more_information, g.quick_tests.open, g.approved, g.not_approved,
         g.funded)
        for g in evaluation.figures.groups
    )  # fmt: skip
    return Table(
        "Groepen", "De plannen per regio, thema, sector, indienende sector, schaal en marktleiders",
        (Column("Indeling", "text", 18), Column("Groep", "text", 34), Column("Snelle toetsen", "count", 10),
         Column("Positief", "count", 10), Column("Negatief", "count", 10), Column("Nadere informatie", "count", 12),
         Column("Open", "count", 8), Column("Goedgekeurd", "count", 11), Column("Afgewezen", "count", 10),
         Column("Gefinancierd", "count", 11)),
        rows,
        "Van de plannen met een ingediende snelle toets. Een plan telt in elke sector die het betrekt; de "
        "indienende sector is die van de penvoerder (de eerstgenoemde partij).",
    )  # fmt: skip


def _comparisons(evaluation: Evaluation, min_decided: int) -> Table:
    rows = tuple(
        (step(c.step), split(c.split), group_name(c.split, c.group), c.decided, c.passed, c.rate, c.low, c.high,
         c.p_value, c.adjusted, _(VERDICT_WORDS[c.verdict]))
        for c in evaluation.figures.comparisons
    )  # fmt: skip
    return Table(
        "Slaagkansen", "Slagen sommige soorten plannen vaker niet?",
        (Column("Stap", "text", 16), Column("Indeling", "text", 14), Column("Groep", "text", 28),
         Column("Besloten", "count", 9), Column("Positief", "count", 9), Column("Slaagkans", "share", 10),
         Column("95% ondergrens", "share", 10), Column("95% bovengrens", "share", 10), Column("p", "p", 9),
         Column("p (Holm)", "p", 9), Column("Conclusie", "text", 44)),
        rows,
        f"Een groep met minder dan {min_decided} besliste plannen is te klein om iets te concluderen; zo’n groep "
        "wordt niet vergeleken en nooit als verschil getoond.",
    )  # fmt: skip


def _criteria(evaluation: Evaluation) -> Table:
    order = list(STEP_WORDS)
    ranked = sorted(
        evaluation.figures.criteria,
        key=lambda c: (order.index(c.step) if c.step in order else len(order), -(c.failed + c.incomplete), c.criterion),
    )
    rows = tuple((step(c.step), c.criterion, c.title, c.failed, c.incomplete, c.decisions) for c in ranked)
    return Table(
        "Criteria", "Welke criteria het vaakst niet werden gehaald",
        (Column("Stap", "text", 18), Column("Criterium", "text", 10), Column("Titel", "text", 46),
         Column("Niet voldaan", "count", 11), Column("Onvolledig", "count", 11), Column("Van besluiten", "count", 11)),
        rows,
        "Uit de criteriaresultaten die met elk besluit van de periode zijn vastgelegd, in de editie van de "
        "regels waarmee toen is besloten.",
    )  # fmt: skip


def _burden(evaluation: Evaluation) -> Table | None:
    burden = evaluation.figures.burden
    if burden is None:
        return None
    requests, rework = burden.per_plan
    data = burden.as_dict()
    share = burden.submitters_share
    rows: Sequence[tuple[str, int | float | None]] = (
        ("Plannen besloten in de periode", burden.decided),
        ("Verzoeken om nadere informatie", burden.information_requests),
        ("Verzoeken om nadere informatie per plan", requests),
        ("Aanpassingsrondes", burden.rework_rounds),
        ("Aanpassingsrondes per plan", rework),
        ("Versies ingediend vóór het besluit (mediaan)", data["versions_median"]),
        ("Versies ingediend vóór het besluit (hoogste)", data["versions_max"]),
        ("Dagen gewacht op de beoordelaars (mediaan per plan)", data["days_on_assessors_median"]),
        ("Dagen gewacht op de indieners (mediaan per plan)", data["days_on_submitters_median"]),
        ("Dagen gewacht op de beoordelaars (totaal)", data["days_on_assessors_total"]),
        ("Dagen gewacht op de indieners (totaal)", data["days_on_submitters_total"]),
        ("Wachtdagen bij de indieners (procent van alle wachtdagen)", None if share is None else round(share * 100, 1)),
    )
    return Table(
        "Administratieve last", "De administratieve last van de beoordeling",
        (Column("Maat", "text", 56), Column("Waarde", "number", 12)), tuple(rows),
        "Van de plannen waarover in de periode is besloten, elk over zijn hele weg tot dat besluit.",
    )  # fmt: skip


def _money(evaluation: Evaluation) -> list[Table]:
    money = evaluation.figures.money
    if money is None:
        return []
    words = {
        AccountKind.AVAILABLE: "Beschikbaar", AccountKind.RESERVED: "Gereserveerd voor een thema",
        AccountKind.COMMITTED: "Toegezegd", AccountKind.ADVANCED: "Voorgeschoten aan gemeenten",
        AccountKind.PAID: "Betaald", AccountKind.REPAID: "Terugbetaald door gemeenten",
        AccountKind.LAPSED: "Vervallen", AccountKind.TRANSFERRED: "Overgeheveld",
    }  # fmt: skip
    kinds = tuple((words[kind], amount) for kind, amount in money.kinds.items())
    totals = Table(
        "Geld", f"Waar het geld staat op {day(money.on)}",
        (Column("Soort", "text", 34), Column("Bedrag", "euro", 18)),
        (("Totaal van het programma", money.total), *kinds,
         ("Gevraagd door de ingediende plannen", money.requested), ("Goedgekeurd", money.approved),
         (f"Op de wachtrij ({_plans(money.waiting)})", money.waiting_amount)),
        "De saldi van het grootboek op hetzelfde moment als de cijfers; gevraagd en goedgekeurd zoals de "
        "indiening en de goedkeuring van elk plan ze vastlegden.",
        Chart("Het geld van het programma", (0,), (1,), horizontal=True),
    )  # fmt: skip
    rows = tuple(
        (split(r.dimension), group_name(r.dimension, r.label), r.requested, r.approved, r.committed, r.paid,
         r.available, r.lapsed)
        for r in money.rows
    )  # fmt: skip
    parts = Table(
        "Geld per onderdeel", "Het geld per deel van de middelen, thema, sector en jaar",
        (Column("Indeling", "text", 20), Column("Onderdeel", "text", 40), Column("Gevraagd", "euro", 17),
         Column("Goedgekeurd", "euro", 17), Column("Toegezegd", "euro", 17), Column("Betaald", "euro", 17),
         Column("Beschikbaar", "euro", 17), Column("Vervallen", "euro", 17)),
        rows,
        "Betaald per jaar naar het jaar van betaling; vervallen per jaar naar de datum in het programmabestand.",
    )  # fmt: skip
    return [totals, parts]


def _method(evaluation: Evaluation, min_decided: int) -> tuple[str, ...]:
    found = evaluation.figures
    reading = (
        "De cijfers zijn berekend uit de gebeurtenissen die de opslag aan het einde van de periode had vastgelegd "
        "(de lezing ‘bekend’). Dezelfde vraag geeft daardoor altijd hetzelfde antwoord, hoeveel er later ook "
        "wordt ingevoerd, ook als dat later ingevoerde een eerdere datum draagt."
        if found.reading is Reading.KNOWN
        else "De cijfers zijn berekend naar de data die de betrokkenen bij elke gebeurtenis opgaven (de lezing "
        "‘gebeurd’), ook voor wat pas na de periode is ingevoerd: dit antwoord kan nog veranderen."
    )
    return (
        reading,
        "Een telling is van plannen, niet van gebeurtenissen: een plan waarvan de snelle toets twee keer om nadere "
        "informatie vroeg, telt één keer. ‘In de periode’ telt de plannen met zo’n gebeurtenis in de periode, "
        "‘tot en met het einde’ alle plannen met zo’n gebeurtenis tot het einde ervan.",
        "Termijnen volgens het Beoordelingskader impactvolle transformaties (januari 2023), met de lengtes die "
        "het beleid vastlegt (standaard: uitslag van de snelle toets binnen 4 weken, voorgenomen besluit binnen 4"
        " weken, consultatie van de overige verzekeraars 2 weken, definitief besluit binnen 2 weken daarna). Een "
        "termijn staat stil zolang de indieners om nadere informatie is gevraagd. De consultatie is een venster "
        "dat vanzelf sluit en wordt niet als besluit geteld. Mediaan en 90e percentiel (naar rangorde) van de "
        "dagen van begin tot besluit.",
        "Slaagkansen per groep met een 95%-betrouwbaarheidsinterval volgens Wilson; elke groep tegen de overige "
        "plannen van dezelfde stap met de exacte toets van Fisher (tweezijdig), en de p-waarden van alle "
        "vergelijkingen samen gecorrigeerd volgens Holm. Een verschil heet een verschil bij een gecorrigeerde "
        f"p-waarde onder 0,05. Een groep met minder dan {min_decided} besliste plannen is te klein om iets te "
        "concluderen (een instelling: de bronnen noemen geen grens) en wordt niet vergeleken.",
        "Criteria: de resultaten die met elk besluit zijn vastgelegd, in de editie van de regels van dat besluit; "
        "er wordt niets opnieuw beoordeeld.",
        "Administratieve last: van de plannen waarover in de periode is besloten (snelle toets negatief, plan "
        "goedgekeurd of afgewezen), de verzoeken om nadere informatie, de aanpassingsrondes, de ingediende versies "
        "en de dagen van de eerste indiening tot het besluit, verdeeld over wachten op de beoordelaars (ingediend, "
        "voorgenomen besluit, consultatie, definitief besluit) en op de indieners (nadere informatie gevraagd, "
        "aanpassen). Het uitwerken van een plan na een positieve snelle toets telt bij geen van beide.",
        "Geld: de saldi van het grootboek op hetzelfde moment en in dezelfde lezing als de cijfers; gevraagd en "
        "goedgekeurd zoals de indiening en de goedkeuring van elk plan ze vastlegden (per jaar en sector uit de "
        "kostenregels van de aanvraag).",
        "Wat veranderde: dezelfde cijfers van de vorige periode (het vorige kwartaal, of even veel dagen ervoor), "
        "op dezelfde manier berekend.",
    )
