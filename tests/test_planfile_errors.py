"""One broken plan file per failure mode; each message names the file, the line and the field."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from beoordeling import InputError, PlanFileError, load_plan, load_plans, parse_plan
from beoordeling.model import CostLine

BROKEN = Path(__file__).parent / "broken" / "plans"

SECTORS = (
    "'msz', 'ggz', 'wijkverpleging', 'huisartsenzorg', 'mdz', 'wlz', 'elv-grz-gzsp', 'paramedische-zorg', "
    "'farmacie', 'publieke-gezondheid', 'sociaal-domein' or 'overig'"
)

CASES = {
    "yaml-syntax.yaml": "yaml-syntax.yaml:3: not valid YAML: mapping values are not allowed here",
    "duplicate-key.yaml": (
        "duplicate-key.yaml:3: title: duplicate key 'title' (first given on line 2); give each key once"
    ),
    "anchor.yaml": "anchor.yaml:2: anchors (&t) are not allowed; write the value out",
    "tag.yaml": "tag.yaml:2: tags (!!python/object/apply:os.system) are not allowed; write plain values",
    "merge-key.yaml": "merge-key.yaml:4: region: merge keys (<<) are not allowed; write the keys out",
    "not-a-mapping.yaml": "not-a-mapping.yaml: a plan file holds one mapping of fields; found a list",
    "empty.yaml": "empty.yaml: a plan file holds one mapping of fields; found nothing",
    "unknown-field.yaml": (
        "unknown-field.yaml:3: budget: unknown field; check the spelling "
        "(`beoordeling schema` lists the fields a plan may have)"
    ),
    "missing-title.yaml": "missing-title.yaml:1: title: required field is missing",
    "unknown-sector.yaml": f"unknown-sector.yaml:6: parties[0].sector: expected one of {SECTORS}; found 'ziekenhuis'",
    "impossible-date.yaml": (
        "impossible-date.yaml:4: full_plan.start: expected a date written as YYYY-MM-DD "
        "(for example 2025-02-01); found '2025-02-30'"
    ),
    "amount-three-decimals.yaml": (
        "amount-three-decimals.yaml:7: funding.lines[0].amount: an amount has at most 2 decimals (whole cents); "
        "found 1250.125"
    ),
    "negative-amount.yaml": "negative-amount.yaml:7: funding.lines[0].amount: an amount cannot be negative; found -500",
    "not-a-number.yaml": "not-a-number.yaml:7: funding.lines[0].amount: '.nan' is not a finite number",
    "unknown-party.yaml": (
        "unknown-party.yaml:7: funding.lines[0].party: is not one of the plan's parties; add it to `parties` "
        "or correct the name; found 'GGnett'"
    ),
    "end-before-start.yaml": (
        "end-before-start.yaml:5: full_plan.end: the plan ends before it starts (2026-01-01); found '2025-12-31'"
    ),
    "duplicate-milestone.yaml": (
        "duplicate-milestone.yaml:6: funding.milestones[1].id: milestone id used twice; give each one its own; "
        "found 'M1'"
    ),
    "duplicate-impact-aspect.yaml": (
        "duplicate-impact-aspect.yaml:6: quick_test.impact[1].aspect: this aspect is already claimed; "
        "merge the two claims; found 'zorggebruik'"
    ),
    "same-market-leaders.yaml": (
        "same-market-leaders.yaml:4: insurers.market_leaders[1]: the two market leaders must be different "
        "insurers; found 'cz'"
    ),
    "bad-plan-id.yaml": (
        "bad-plan-id.yaml:1: id: an identifier starts with a letter or digit and uses only letters, digits, "
        "'.', '_' and '-'; found 'TP 1/../x'"
    ),
    "control-character.yaml": (
        "control-character.yaml:2: title: text contains control characters; remove them "
        "(only newlines and tabs are allowed)"
    ),
    "duplicate-key.json": "duplicate-key.json: not usable JSON: duplicate key 'title'; give each key once",
    "json-syntax.json": "json-syntax.json:2: not valid JSON: Expecting value",
    "nan.json": "nan.json: not usable JSON: NaN is not a number a plan can hold",
    "wrong-suffix.txt": "wrong-suffix.txt: unknown file type '.txt'; use .yaml, .yml, .json or .xlsx",
    "not-utf8.yaml": "not-utf8.yaml: not UTF-8 text (byte 17); save the file as UTF-8",
    # numbers are bounded before they are built: this one once took 7.9 GB and printed a 1 GB message
    "huge-exponent.json": (
        "huge-exponent.json:1: '1e999999999' is not read as a number: it has more than 15 digits before the decimal "
        "point"
    ),
    "huger-exponent.json": (
        "huger-exponent.json:1: '1e99999999999' is not read as a number: it has more than 15 digits before the "
        "decimal point"
    ),
    "long-version.json": (
        f"long-version.json:2: '{'7' * 39}…' (4301 characters) is not read as a number: it has more than 18 digits"
    ),
    "quoted-huge-amount.yaml": (
        "quoted-huge-amount.yaml:7: funding.lines[0].amount: '1e999999999' is not read as a number: it has more "
        "than 15 digits before the decimal point"
    ),
    "year-typo.yaml": "year-typo.yaml:5: funding.lines[0].year: must be at most 2035; found 20251",
    "far-date.yaml": (
        "far-date.yaml:4: full_plan.start: a date in a plan lies between 2000-01-01 and 2099-12-31; found 9999-01-01"
    ),
    # the YAML reader refuses what it cannot read, with the line
    "vertical-tab.yaml": (
        "vertical-tab.yaml:2: the file contains the control character U+000B, which YAML cannot hold; remove it"
    ),
    "delete-character.yaml": (
        "delete-character.yaml:2: the file contains the control character U+007F, which YAML cannot hold; remove it"
    ),
    "nul-character.yaml": (
        "nul-character.yaml:2: the file contains the control character U+0000, which YAML cannot hold; remove it"
    ),
    "deep-brackets.yaml": "deep-brackets.yaml:3: the document is nested deeper than 40 levels",
    "sexagesimal-version.yaml": "sexagesimal-version.yaml:2: version: expected a whole number; found '1:30'",
}


def test_every_broken_file_has_a_case() -> None:
    """Adding a fixture without pinning its message fails here."""
    assert sorted(CASES) == sorted(p.name for p in BROKEN.iterdir())


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_file_message(name: str) -> None:
    """The whole message is pinned: file, line (where known), field path, expected and found."""
    with pytest.raises(PlanFileError) as caught:
        load_plan(BROKEN / name)
    assert [f"{BROKEN / CASES[name]}"] == [str(problem) for problem in caught.value.problems]
    assert str(BROKEN / name) == caught.value.path


def test_all_problems_of_a_file_are_reported_at_once() -> None:
    """A file with several mistakes lists them all, in file order."""
    text = (
        "id: TP-1\ntitle: Veel fouten\nscale: provinciaal\n"
        "full_plan:\n  start: 2025-13-01\n  smart_agreements:\n    - {goal: Doel, due: morgen}\n"
    )
    with pytest.raises(PlanFileError) as caught:
        parse_plan(text, "plan.yaml", "yaml")
    assert [
        (3, ("scale",)),
        (5, ("full_plan", "start")),
        (7, ("full_plan", "smart_agreements", 0, "due")),
    ] == [(p.line, p.loc) for p in caught.value.problems]


def test_load_plans_reports_every_file(tmp_path: Path) -> None:
    """Importing several files reports the problems of each, not only of the first."""
    with pytest.raises(InputError) as caught:
        load_plans([BROKEN / "missing-title.yaml", BROKEN / "anchor.yaml"])
    assert 2 == len(caught.value.problems)
    assert {"missing-title.yaml", "anchor.yaml"} == {Path(str(p.source)).name for p in caught.value.problems}


def test_text_over_the_limit_is_refused() -> None:
    """Free text is bounded (20,000 characters); the message says so."""
    with pytest.raises(PlanFileError) as caught:
        parse_plan("id: TP-1\ntitle: Lang\nsummary: " + "a" * 20_001 + "\n", "plan.yaml", "yaml")
    assert ["plan.yaml:3: summary: text is longer than the 20000 characters allowed"] == [
        str(p) for p in caught.value.problems
    ]


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    """A file over 4 MiB is refused without reading it into the parser."""
    big = tmp_path / "big.yaml"
    big.write_text("id: TP-1\ntitle: Groot\nsummary: x\n" + "# " + "x" * (4 * 1024 * 1024) + "\n")
    with pytest.raises(PlanFileError) as caught:
        load_plan(big)
    assert [f"{big}: the file is larger than 4 MiB"] == [str(p) for p in caught.value.problems]


def test_deep_nesting_is_refused() -> None:
    """Pathologically nested documents stop at a fixed depth instead of exhausting the stack."""
    text = "id: TP-1\ntitle: Diep\nsummary: " + "[" * 60 + "]" * 60 + "\n"
    with pytest.raises(PlanFileError) as caught:
        parse_plan(text, "plan.yaml", "yaml")
    assert "nested deeper than 40 levels" in str(caught.value)


def test_float_amount_from_python_is_refused() -> None:
    """Money is never a float, even from Python callers."""
    with pytest.raises(ValidationError, match="not a float"):
        CostLine(year=2025, sector="ggz", party="A", category="opstartkosten", amount=0.1)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("0x1F", "0x1F"),  # YAML 1.1: 31
        ("1:30", "1:30"),  # YAML 1.1: 90
        ("017", "017"),  # YAML 1.1: octal 15
        ("yes", "yes"),  # YAML 1.1: true
        ("off", "off"),  # YAML 1.1: false
        ("1_000", "1_000"),  # YAML 1.1: 1000
        ("'1e5'", "1e5"),
    ],
)
def test_yaml_reads_text_as_written_not_as_yaml_1_1_numbers(written: str, read: str) -> None:
    plan = parse_plan(f"id: TP-1\ntitle: {written}\n", "plan.yaml", "yaml")
    assert read == plan.title


def test_a_huge_decimal_from_python_is_refused_before_its_digits_are_counted() -> None:
    """pydantic's max_digits check would expand Decimal('1e999999999') to a billion digits."""
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="at most 15 digits before the decimal point"):
        CostLine(year=2025, sector="ggz", party="A", category="opstartkosten", amount=Decimal("1e999999999"))
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("written", ["1.5e+3", "1500", "1500.0", "1500.00", "'1.5E3'"])
def test_every_written_form_of_an_amount_is_the_same_amount_in_cents(written: str) -> None:
    text = (
        "id: TP-1\ntitle: x\nparties: [{name: a, role: zorgaanbieder}]\n"
        f"funding:\n  lines:\n    - {{year: 2025, sector: ggz, party: a, category: opstartkosten, amount: {written}}}\n"
    )
    plan = parse_plan(text, "plan.yaml", "yaml")
    assert plan.funding is not None
    assert "1500.00" == str(plan.funding.lines[0].amount)


def test_a_number_where_text_belongs_says_how_to_make_it_text() -> None:
    with pytest.raises(PlanFileError) as caught:
        parse_plan("id: TP-1\ntitle: 2025\n", "plan.yaml", "yaml")
    assert ["plan.yaml:2: title: expected text; found 2025 (put it in quotes to make it text)"] == [
        str(p) for p in caught.value.problems
    ]


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("\\u200b", "text shows nothing (only spaces or invisible characters); write something or leave it out"),
        (
            " \\u200d\\ufeff ",
            "text shows nothing (only spaces or invisible characters); write something or leave it out",
        ),
        ("a\\x85b", "text contains an invisible control or direction character (U+0085); remove it"),
        ("Plan \\u202eesrever", "text contains an invisible control or direction character (U+202E); remove it"),
        ("Plan \\u2066x\\u2069", "text contains an invisible control or direction character (U+2066); remove it"),
        ("regel\\u2028regel", "a short text must be a single line"),
        ("regel\\u2029regel", "a short text must be a single line"),
    ],
)
def test_single_line_text_refuses_what_shows_nothing_or_reorders_what_is_read(title: str, message: str) -> None:
    with pytest.raises(PlanFileError) as caught:
        parse_plan(f'id: TP-1\ntitle: "{title}"\n', "plan.yaml", "yaml")
    assert [f"plan.yaml:2: title: {message}"] == [str(p) for p in caught.value.problems]


def test_visible_text_with_joiners_is_kept() -> None:
    """A zero-width joiner inside text (emoji sequences, some scripts) is not refused on its own."""
    assert "Zorg 👩\u200d⚕️ thuis" == parse_plan('id: TP-1\ntitle: "Zorg 👩\\u200d⚕️ thuis"\n', "p.yaml", "yaml").title
