"""Form definitions: the shipped forms check out; a broken one is refused with file, line and key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling import FormError
from beoordeling.cli import cli
from beoordeling.forms import default_forms, form_json_schema, load_forms
from beoordeling.forms._model import leaf_paths

from .conftest import ROOT


def test_the_plan_form_binds_every_field_of_the_model_once() -> None:
    form = default_forms()["plan"]
    bound = [f.path for s in form.sections for f in s.fields if f.leaf.kind != "present"]
    bound += [f"{s.table.path}.{c.path}" for s in form.sections if s.table for c in s.table.columns]
    assert sorted(leaf_paths()) == sorted(bound)


def test_the_quick_test_form_holds_the_quick_test_content_only() -> None:
    form = default_forms()["quick-test"]
    paths = {f.path for s in form.sections for f in s.fields} | {s.table.path for s in form.sections if s.table}
    assert {"id", "title", "quick_test.bottlenecks", "quick_test.impact", "parties"} <= paths
    assert not any(p.startswith("full_plan") for p in paths)
    assert {"funding", "funding.no_other_route"} == {p for p in paths if p.startswith("funding")}  # A1, §5.9
    assert ("quick-test",) == form.enforces


def _broken(tmp_path: Path, file: str, old: str, new: str) -> list[str]:
    folder = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(FormError) as caught:
        load_forms(folder)
    return [str(p).replace(str(folder), "forms") for p in caught.value.problems]


def test_a_field_bound_to_a_path_the_model_lacks_names_file_line_and_key(tmp_path: Path) -> None:
    assert [
        "forms/plan.yaml:73: sections[6].fields[1]: full_plan has no field 'strat' (its fields: smart_agreements, "
        "approach, business_case, impact_analysis, implementation, start, end, sustainability, situational)",
        "forms/plan.yaml:10: complete: the form is marked complete but has no place for full_plan.start",
    ] == _broken(tmp_path, "plan.yaml", "      - full_plan.start\n", "      - full_plan.strat\n")


def test_a_declared_type_that_is_not_the_models_is_refused(tmp_path: Path) -> None:
    old = "  full_plan.start:\n    label: Startdatum\n    type: date\n"
    new = "  full_plan.start:\n    label: Startdatum\n    type: text\n"
    assert [
        "forms/fields.yaml:394: fields.full_plan.start.type: the plan model holds a date at full_plan.start; found "
        "type 'text'"
    ] == _broken(tmp_path, "fields.yaml", old, new)


def test_a_catalogue_entry_for_a_missing_path_or_a_whole_part_is_refused(tmp_path: Path) -> None:
    old = "  region.name:\n"
    assert [
        "forms/fields.yaml:65: fields.region: region is a part of the plan, not a value; describe its fields (or use "
        "type 'present')"
    ] == _broken(
        tmp_path, "fields.yaml", old, "  region:\n    label: Regio\n    type: text\n    help: x\n    source: y\n" + old
    )


def test_a_table_with_more_rows_than_the_model_allows_or_a_field_bound_twice_is_refused(tmp_path: Path) -> None:
    assert ["forms/quick-test.yaml:36: sections[1].rows: the plan model allows at most 500 rows here"] == _broken(
        tmp_path, "quick-test.yaml", "    rows: 40\n", "    rows: 501\n"
    )
    assert [
        "forms/quick-test.yaml:20: sections[0].fields[1]: id is already on the form; bind each field once"
    ] == _broken(tmp_path / "twice", "quick-test.yaml", "      - title\n", "      - id\n")


def test_a_table_bound_as_a_field_and_a_reserved_sheet_name_are_refused(tmp_path: Path) -> None:
    assert [
        "forms/quick-test.yaml:20: sections[0].fields[1]: parties is a table; give it a section of its own with "
        "`table:`"
    ] == _broken(tmp_path, "quick-test.yaml", "      - title\n", "      - parties\n")
    assert [
        "forms/quick-test.yaml:15: sections[0].sheet: the sheet name 'Toelichting' is taken; give each section its own"
    ] == _broken(tmp_path / "sheet", "quick-test.yaml", "  - sheet: Algemeen\n", "  - sheet: Toelichting\n")


def test_form_check_reports_every_problem_and_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", folder)
    text = (
        (folder / "plan.yaml").read_text(encoding="utf-8").replace("    totals: [amount]\n", "    totals: [party]\n", 1)
    )
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["form", "check", str(folder)])
    assert 1 == result.exit_code
    assert [
        "1 problem in the forms:",
        f"  {folder}/plan.yaml:114: sections[9].totals[0]: party holds a text; totals takes amount",
    ] == result.output.splitlines()


def test_form_check_lists_the_forms() -> None:
    result = CliRunner().invoke(cli, ["form", "check"])
    assert 0 == result.exit_code
    stamps = {form_id: default_forms()[form_id].stamp for form_id in ("plan", "quick-test")}
    assert [
        f"plan: version 2, 12 sheets, 95 fields: OK ({stamps['plan']})",
        f"quick-test: version 2, 6 sheets, 43 fields: OK ({stamps['quick-test']})",
    ] == result.output.splitlines()


def test_the_schema_of_a_form_carries_labels_limits_and_what_each_step_requires() -> None:
    schema = form_json_schema(default_forms()["plan"])
    assert "https://json-schema.org/draft/2020-12/schema" == schema["$schema"]
    assert {"id", "title", "scale", "insurers", "parties", "quick_test", "full_plan"} <= set(schema["required"])
    lines = schema["properties"]["funding"]["properties"]["lines"]
    assert ("Gevraagde middelen", 200, 1) == (lines["title"], lines["maxItems"], lines["minItems"])
    assert ["year", "sector", "party", "category", "amount"] == lines["items"]["required"]
    year = lines["items"]["properties"]["year"]
    assert ("integer", 2022, 2035) == (year["type"], year["minimum"], year["maximum"])
    sector = lines["items"]["properties"]["sector"]["oneOf"][0]
    assert {"const": "msz", "title": "Medisch-specialistische zorg (MSZ)"} == sector
    assert "funding" not in schema["required"]
    plan_id = schema["properties"]["id"]
    assert ("Plannummer", "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$") == (plan_id["title"], plan_id["pattern"])


def test_form_schema_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "qt.schema.json"
    result = CliRunner().invoke(cli, ["form", "schema", "quick-test", "-o", str(out)])
    assert 0 == result.exit_code
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert "Voorstel voor de snelle toets" == schema["title"]
    assert "full_plan" not in schema["properties"]


def test_a_form_cites_the_framework_never_the_section_numbers_of_our_notes(tmp_path: Path) -> None:
    """Every text a care provider reads in a template (help, table help, comments, the source line)
    names the framework's steps and conditions; no section number of the domain brief is left."""
    import openpyxl  # noqa: PLC0415

    from beoordeling.forms import default_forms, save_workbook  # noqa: PLC0415

    for form in default_forms().by_id.values():
        path = save_workbook(form, tmp_path / f"{form.id}.xlsx")
        book = openpyxl.load_workbook(path)
        texts = [
            str(cell.value) + (cell.comment.text if cell.comment else "")
            for ws in book
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None or cell.comment
        ]
        assert [] == [t for t in texts if "§" in t or "domain.md" in t], form.id
        assert any("Beoordelingskader, stap 3, voorwaarde 1" in t for t in texts) or form.id == "quick-test"
