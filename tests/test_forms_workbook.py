"""Form workbooks: the template, a round trip for every example, and the problems a reader reports."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

from beoordeling import InputError, Plan, PlanFileError, load_plan
from beoordeling.forms import Form, default_forms, read_workbook, save_workbook, write_workbook
from beoordeling.forms._model import Leaf
from beoordeling.forms.cells import from_cell
from beoordeling.model import Party, PartyRole

from .conftest import EXAMPLES
from .forms_support import edit, fill
from .strategies import amounts, plans

FORMS = default_forms()


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("templates")
    return {form_id: save_workbook(FORMS[form_id], folder / f"{form_id}.xlsx") for form_id in FORMS.ids}


def _only_quick_test(plan: Plan, form: Form) -> Plan:
    """The part of a plan the quick-test form holds."""
    data = plan.model_dump(mode="python", exclude_defaults=True)
    kept: dict[str, Any] = {}
    for section in form.sections:
        paths: list[tuple[tuple[str, ...], str]] = [(f.keys, f.leaf.kind) for f in section.fields]
        paths += [(section.table.keys, "table")] if section.table else []
        for keys, kind in paths:
            source: Any = data
            for key in keys:
                source = source.get(key) if isinstance(source, dict) else None
            if source is None:
                continue
            target = kept
            for key in keys[:-1]:
                target = target.setdefault(key, {})
            if kind == "present":
                target.setdefault(keys[-1], {})  # the question says the part is there, not what is in it
            else:
                target[keys[-1]] = source
    return Plan.model_validate(kept)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_round_trips_through_the_plan_form(path: Path, blank: dict[str, Path], tmp_path: Path) -> None:
    plan = load_plan(path)
    filled = fill(blank["plan"], FORMS["plan"], plan, tmp_path / "filled.xlsx")
    assert plan == read_workbook(filled).plan


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_round_trips_through_the_quick_test_form(
    path: Path, blank: dict[str, Path], tmp_path: Path
) -> None:
    form = FORMS["quick-test"]
    expected = _only_quick_test(load_plan(path), form)
    filled = fill(blank["quick-test"], form, expected, tmp_path / "filled.xlsx")
    assert expected == read_workbook(filled).plan


def test_a_plan_written_into_a_workbook_reads_back_equal(example_plans: dict[str, Plan], tmp_path: Path) -> None:
    plan = example_plans["thuismonitoring-ziekenhuizen"]
    reading = read_workbook(save_workbook(FORMS["plan"], tmp_path / "plan.xlsx", plan))
    assert (plan, ()) == (reading.plan, reading.missing)
    assert Decimal("24600000.00") == reading.plan.funding.total  # type: ignore[union-attr]


def test_the_template_locks_labels_opens_inputs_and_records_the_form(blank: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(blank["plan"])
    assert ["Toelichting", "Algemeen", "Partijen"] == workbook.sheetnames[:3]
    assert "_formulier" == workbook.sheetnames[-1]
    meta = workbook["_formulier"]
    assert ("veryHidden", "plan", 2, FORMS["plan"].stamp) == (
        meta.sheet_state, meta["B1"].value, meta["B2"].value, meta["B3"].value
    )  # fmt: skip
    general = workbook["Algemeen"]
    assert general.protection.sheet
    assert ("Plannummer", True, False) == (
        general["A5"].value,
        general["A5"].protection.locked,
        general["B5"].protection.locked,
    )
    assert "snelle toets" == general["C5"].value
    lines = workbook["Middelen"]
    assert ("Jaar", "Bedrag (euro)") == (lines["A4"].value, lines["F4"].value)
    assert "=SUM(F6:F205)" == lines["F206"].value
    assert lines["F206"].protection.locked
    sector_list = [cell.value for (cell,) in meta.iter_rows(min_col=4, max_col=4) if cell.value]
    assert "CostCategory" == sector_list[0]


def test_the_template_validates_choices_dates_amounts_and_lengths(blank: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(blank["plan"])["Middelen"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    by_column = {ref.split(":")[0].rstrip("0123456789"): dv for ref, dv in rules.items()}
    assert ("whole", "2022", "2035") == (by_column["A"].type, by_column["A"].formula1, by_column["A"].formula2)
    assert "list" == by_column["B"].type
    assert by_column["B"].formula1.startswith("'_formulier'!$")
    assert ("decimal", "greaterThanOrEqual", "0") == (
        by_column["F"].type,
        by_column["F"].operator,
        by_column["F"].formula1,
    )
    assert ("textLength", "300") == (by_column["G"].type, by_column["G"].formula1)
    plan_sheet = openpyxl.load_workbook(blank["plan"])["Plan"]
    dates = [dv for dv in plan_sheet.data_validations.dataValidation if dv.type == "date"]
    assert ["B6", "B7"] == sorted(str(dv.sqref) for dv in dates)


def test_text_that_looks_like_a_formula_is_written_as_text(example_plans: dict[str, Plan], tmp_path: Path) -> None:
    plan = example_plans["thuismonitoring-ziekenhuizen"].model_copy(update={"summary": '=HYPERLINK("http://x","y")'})
    path = save_workbook(FORMS["plan"], tmp_path / "plan.xlsx", plan)
    cell = openpyxl.load_workbook(path)["Algemeen"]["B8"]
    assert ('=HYPERLINK("http://x","y")', "s") == (cell.value, cell.data_type)
    assert plan == read_workbook(path).plan


def test_a_plan_with_more_rows_than_the_form_has_is_refused_before_writing(example_plans: dict[str, Plan]) -> None:
    plan = example_plans["thuismonitoring-ziekenhuizen"]
    crowded = plan.model_copy(update={"parties": [Party(name=f"Partij {i}", role=PartyRole.OTHER) for i in range(41)]})
    with pytest.raises(InputError) as caught:
        write_workbook(FORMS["quick-test"], crowded)
    assert ["TP-2023-0014: parties: the plan has 41 rows here; the form's sheet 'Partijen' has room for 40"] == [
        str(p) for p in caught.value.problems
    ]


# --- what a reader reports ------------------------------------------------------------------------


@pytest.fixture
def filled(example_plans: dict[str, Plan], tmp_path: Path) -> Path:
    return save_workbook(FORMS["plan"], tmp_path / "filled.xlsx", example_plans["thuismonitoring-ziekenhuizen"])


def _problems(path: Path) -> list[str]:
    with pytest.raises(PlanFileError) as caught:
        read_workbook(path)
    return [str(p).removeprefix(f"{path}: ") for p in caught.value.problems]


def test_dutch_amounts_and_dates_typed_as_text_are_accepted(filled: Path, tmp_path: Path) -> None:
    edited = edit(
        filled, tmp_path / "e.xlsx", **{"Middelen!F6": "€ 9.800.000,00", "Plan!B6": "1-1-2024", "Plan!B7": "2027-12-31"}
    )
    assert filled != edited
    reading = read_workbook(edited)
    assert Decimal("9800000.00") == reading.plan.funding.lines[0].amount  # type: ignore[union-attr]
    assert "2024-01-01" == reading.plan.full_plan.start.isoformat()  # type: ignore[union-attr]


def test_every_problem_of_a_workbook_is_reported_at_once_with_sheet_cell_and_field(
    filled: Path, tmp_path: Path
) -> None:
    edited = edit(
        filled,
        tmp_path / "bad.xlsx",
        **{
            "Algemeen!B9": "Ziekenhuiszorg",
            "Plan!B6": "31-02-2024",
            "Middelen!F6": "1234.56",
            "Middelen!F7": -5,
            "Middelen!A8": 2040,
            "Middelen!B9": None,
            "Mijlpalen!E6": datetime(2024, 12, 31, 14, 30),
            "Partijen!F7": "geen-adres",
        },
    )
    assert [
        "sheet 'Algemeen' cell B9: theme: expected one of: Mentale gezondheidsnetwerken (MGN); Zorgcoördinatie (ZC); "
        "Spreiding en concentratie (S&C); Passende zorg; Toekomstbestendig ziekenhuislandschap; Digitale en hybride "
        "zorg; Eerstelijnszorg; Domeinoverstijgende regionale samenwerking; Palliatieve zorg; Overig; found "
        "'Ziekenhuiszorg'",
        "sheet 'Partijen' cell D7: parties[1].contact.name: required field is missing",
        "sheet 'Partijen' cell F7: parties[1].contact.email: expected an e-mail address such as naam@organisatie.nl; "
        "found 'geen-adres'",
        "sheet 'Plan' cell B6: full_plan.start: the date 31-02-2024 does not exist",
        "sheet 'Middelen' cell F6: funding.lines[0].amount: expected an amount as a number, or in Dutch notation "
        "such as 1.234,56; found '1234.56'",
        "sheet 'Middelen' cell F7: funding.lines[1].amount: an amount cannot be negative; found -5.00",
        "sheet 'Middelen' cell A8: funding.lines[2].year: must be at most 2035; found 2040",
        "sheet 'Middelen' cell B9: funding.lines[3].sector: required field is missing",
        "sheet 'Mijlpalen' cell E6: funding.milestones[0].due: expected a date without a time of day; found the "
        "moment 2024-12-31 14:30:00",
    ] == _problems(edited)


def test_a_formula_in_an_input_cell_is_refused(filled: Path, tmp_path: Path) -> None:
    edited = edit(filled, tmp_path / "f.xlsx", **{"Middelen!F6": "=2*4900000"})
    assert [
        "sheet 'Middelen' cell F6: funding.lines[0].amount: a formula is not accepted in an input cell; type the "
        "value itself"
    ] == _problems(edited)


def test_values_outside_the_input_cells_and_changed_labels_are_reported(filled: Path, tmp_path: Path) -> None:
    edited = edit(filled, tmp_path / "o.xlsx", **{"Plan!E9": "vergeten notitie", "Algemeen!A7": "Naam van het plan"})
    assert [
        "sheet 'Algemeen' cell A7: the form's own text was changed (expected 'Titel'); answers go in the yellow "
        "input cells",
        "sheet 'Plan' cell E9: a value outside the form's input cells would be lost; move it into a yellow input "
        "cell or delete it",
    ] == _problems(edited)


def test_a_changed_total_is_never_read(filled: Path, tmp_path: Path) -> None:
    edited = edit(filled, tmp_path / "t.xlsx", **{"Middelen!F206": 1})
    assert Decimal("24600000.00") == read_workbook(edited).plan.funding.total  # type: ignore[union-attr]


def test_fields_the_form_requires_are_listed_with_their_cells(blank: dict[str, Path], tmp_path: Path) -> None:
    edited = edit(blank["quick-test"], tmp_path / "q.xlsx", **{"Algemeen!B5": "TP-2026-0001", "Algemeen!B6": "Proef"})
    reading = read_workbook(edited)
    assert "TP-2026-0001" == reading.plan.id
    missing = [f"{p.sheet}!{p.cell} {p.message}" for p in reading.missing]
    assert [
        "Algemeen!B16 'Marktleiders (twee zorgverzekeraars)' is empty; the quick test (snelle toets) requires it",
        "Algemeen!B17 'Coördinerend zorgverzekeraar' is empty; the quick test (snelle toets) requires it",
        "Partijen!A6 'Deelnemende partijen' has no rows; the quick test (snelle toets) requires at least one",
        "Snelle toets!B5 '(a) Knelpunten in de zorg' is empty; the quick test (snelle toets) requires it",
        "Snelle toets!B7 '(c) Effecten op lange termijn' is empty; the quick test (snelle toets) requires it",
        "Snelle toets!B8 '(d) Bijdrage aan passende zorg' is empty; the quick test (snelle toets) requires it",
        "Snelle toets!B9 'Gedeelde urgentie' is empty; the quick test (snelle toets) requires it",
        "Snelle toets!B10 'Betrokken partijen' is empty; the quick test (snelle toets) requires it",
        "Snelle toets!B11 'Geen afwenteling' is empty; the quick test (snelle toets) requires it",
        "Snelle toets!B12 'Waarom gelijkgericht handelen' is empty; the quick test (snelle toets) requires it",
        "Impact!A6 'Impact' has no rows; the quick test (snelle toets) requires at least one",
    ] == missing


def test_lists_take_one_entry_per_line_or_semicolons(blank: dict[str, Path], tmp_path: Path) -> None:
    edited = edit(
        blank["quick-test"], tmp_path / "l.xlsx",
        **{"Algemeen!B5": "TP-1", "Algemeen!B6": "Proef", "Algemeen!B16": "CZ; Menzis", "Algemeen!B18": "VGZ\nDSW\n"},
    )  # fmt: skip
    insurers = read_workbook(edited).plan.insurers
    assert (["CZ", "Menzis"], ["VGZ", "DSW"]) == (insurers.market_leaders, insurers.others)


def test_a_model_rule_over_several_cells_points_at_the_cell(blank: dict[str, Path], tmp_path: Path) -> None:
    edited = edit(
        blank["quick-test"], tmp_path / "m.xlsx",
        **{"Algemeen!B5": "TP-1", "Algemeen!B6": "Proef", "Algemeen!B16": "CZ\ncz"},
    )  # fmt: skip
    assert [
        "sheet 'Algemeen' cell B16: insurers.market_leaders[1]: the two market leaders must be different insurers; "
        "found 'cz'"
    ] == _problems(edited)


# --- invariants -----------------------------------------------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans())
def test_any_plan_goes_through_its_workbook_unchanged(plan: Plan, tmp_path: Path) -> None:
    """Text stays text (formulas, '@', tabs, accents), money stays exact, dates stay dates."""
    assert plan == read_workbook(save_workbook(FORMS["plan"], tmp_path / "p.xlsx", plan)).plan


AMOUNT = Leaf("amount", required=True)


@given(amount=amounts)
def test_an_amount_survives_excel_floats_and_dutch_notation(amount: Decimal) -> None:
    """Excel keeps numbers as binary floats; a two-decimal amount of up to 15 digits comes back exact."""
    whole, cents = f"{amount:.2f}".split(".")
    dutch = f"€ {int(whole):,}".replace(",", ".") + f",{cents}"
    assert (amount, amount) == (from_cell(AMOUNT, float(amount)), from_cell(AMOUNT, dutch))


def test_asking_for_funds_is_an_answer_of_its_own(blank: dict[str, Path], tmp_path: Path) -> None:
    """'ja' with nothing worked out yet still makes a funds request; 'nee' beside a filled-in one is refused."""
    base = {"Algemeen!B5": "TP-1", "Algemeen!B7": "Proef"}
    asked = read_workbook(edit(blank["plan"], tmp_path / "ja.xlsx", **base, **{"Financiering!B5": "ja"})).plan
    assert (True, Decimal("0.00")) == (asked.requests_funds, asked.funding.total)  # type: ignore[union-attr]
    not_asked = read_workbook(edit(blank["plan"], tmp_path / "leeg.xlsx", **base)).plan
    assert not not_asked.requests_funds
    contradiction = edit(
        blank["plan"], tmp_path / "nee.xlsx", **base, **{"Financiering!B5": "nee", "Financiering!B6": "Geen route."}
    )
    assert [
        "sheet 'Financiering' cell B5: funding: the answer is nee, but the part it asks about is filled in; answer ja "
        "or empty it"
    ] == _problems(contradiction)
