"""The programme file: the shipped IZA funds as of a date, and every broken file refused with file, line and key."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beoordeling.errors import ProgrammeError
from beoordeling.model import Sector, Theme
from beoordeling.money import Account, AccountKind, default_programme, euros, load_programme
from beoordeling.money.programme import programme_from_document

from .conftest import ROOT

K = AccountKind
BROKEN = ROOT / "tests" / "broken" / "programme"
MILLION = 100_000_000  # cents


def _available(on: date) -> int:
    return default_programme().ledger(on).total(K.AVAILABLE)


def test_the_shipped_programme_reads_and_every_figure_names_its_source() -> None:
    programme = default_programme()
    spec = programme.spec
    assert "iza-transformatiemiddelen" == spec.id
    assert programme.source.endswith("iza.yaml")  # relative to where the process started
    sources = [
        spec.total.source,
        spec.term_source,
        *(e.source for e in spec.transfers),
        *(e.source for e in spec.earmarks),
    ]
    sources += [*(e.source for e in spec.reservations), *(e.source for e in spec.lapses)]
    assert all(sources)
    assert spec.spuk is not None
    assert "BWBR0049737" in spec.spuk.source


@pytest.mark.parametrize(
    ("on", "available", "reserved"),
    [
        (date(2023, 1, 1), 2_400, 0),  # EUR 2.8bn less about EUR 400m through the VWS budget
        (date(2024, 12, 31), 2_312, 0),  # EUR 88m lapsed at the end of 2024
        (date(2025, 6, 30), 1_947, 365),  # the BO IZA's reservation for MGN, zorgcoördinatie and S&C
        (date(2025, 7, 1), 1_601, 365),  # the AZWA shift of EUR 346m
        (date(2026, 1, 1), 1_966, 0),  # the reservation's deadline passed: what it held is open again
        (date(2027, 1, 1), 1_966, 0),  # the earmarks ended: everything is in the open part
    ],
)
def test_the_funds_as_of_a_date(on: date, available: int, reserved: int) -> None:
    """The ledger of the shipped file, in millions, on the days its entries take effect. The
    Kamerbrief of March 2026 gives EUR 1.961bn for plans; the published parts add up to EUR 1.966bn."""
    ledger = default_programme().ledger(on)
    assert (available * MILLION, reserved * MILLION) == (ledger.total(K.AVAILABLE), ledger.total(K.RESERVED))
    assert [] == ledger.conservation_problems()


def test_the_earmarks_hold_their_sectors_part_until_they_end() -> None:
    programme = default_programme()
    assert "msz" == programme.earmark_for(Sector.MSZ, date(2026, 12, 31))
    assert "huisartsenzorg-mdz" == programme.earmark_for(Sector.MDZ, date(2024, 1, 1))
    assert programme.earmark_for(Sector.MSZ, date(2027, 1, 1)) is None
    assert programme.earmark_for(Sector.WLZ, date(2024, 1, 1)) is None
    ledger = programme.ledger(date(2026, 12, 31))
    assert 940 * MILLION == ledger.balance(Account(K.AVAILABLE, None, "msz"))
    assert 0 == programme.ledger(date(2027, 1, 1)).balance(Account(K.AVAILABLE, None, "msz"))
    assert {Theme.MGN} <= set(programme.spec.reservations[0].themes)


@given(st.dates(min_value=date(2022, 1, 1), max_value=date(2030, 12, 31)))
def test_the_shipped_funds_are_conserved_on_every_day(on: date) -> None:
    ledger = default_programme().ledger(on)
    assert [] == ledger.conservation_problems()
    put_in = 2_800 * MILLION if on >= date(2023, 1, 1) else 0
    assert put_in == sum(ledger.total(kind) for kind in K if kind is not K.PROGRAMME)


def test_the_practice_programme_is_small_enough_to_run_out() -> None:
    practice = load_programme(ROOT / "programme" / "oefen.yaml")
    ledger = practice.ledger(date(2024, 1, 1))
    assert ("50000000.00", "30000000.00") == (
        str(euros(ledger.total(K.AVAILABLE))),
        str(euros(ledger.balance(Account(K.AVAILABLE, None, "msz")))),
    )


BROKEN_MESSAGES = {
    "duplicate-id.yaml": "70: lapses[0].id: this id is used twice; give each entry its own; found 'vws-begroting'",
    "earmarks-not-a-list.yaml": "8: earmarks: expected a list here (one entry per line, each starting with '- '); "
    "found 3",
    "earmarks-over-total.yaml": "47: earmarks: the earmarks add up to €1,440,000,000.00, more than the total "
    "of €1,000,000,000.00",
    "outside-term.yaml": "71: lapses[0].on: the date lies outside the programme's term; found '2030-12-31'",
    "three-decimals.yaml": "72: lapses[0].amount: an amount has at most 2 decimals (whole cents); found 88000000.001",
    "unknown-key.yaml": "81: spuk.plafond: unknown field; check the spelling (see programme/README.md for the format)",
    "unknown-part.yaml": "38: transfers[1].from: not a part of the funds: write open or an earmark's id; found "
    "'tandzorg'",
    "unknown-sector.yaml": "49: earmarks[1].sectors[0]: expected one of 'msz', 'ggz', 'wijkverpleging', "
    "'huisartsenzorg', 'mdz', 'wlz', 'elv-grz-gzsp', 'paramedische-zorg', 'farmacie', 'publieke-gezondheid', "
    "'sociaal-domein' or 'overig'; found 'gzz'",
}


def test_every_broken_fixture_has_its_message() -> None:
    assert sorted(BROKEN_MESSAGES) == sorted(path.name for path in BROKEN.iterdir())


@pytest.mark.parametrize("name", sorted(BROKEN_MESSAGES))
def test_a_broken_programme_is_refused_with_file_line_and_key(name: str) -> None:
    with pytest.raises(ProgrammeError) as error:
        load_programme(Path("tests/broken/programme") / name)
    assert [f"tests/broken/programme/{name}:{BROKEN_MESSAGES[name]}"] == [str(p) for p in error.value.problems]


def test_an_adopted_document_is_checked_as_strictly_as_a_file() -> None:
    document = default_programme().document()
    assert default_programme().content_hash == programme_from_document(document, "event 7").content_hash
    document["total"] = {**document["total"], "amount": "-1"}  # type: ignore[dict-item]
    with pytest.raises(ProgrammeError, match=r"^event 7: total.amount: "):
        programme_from_document(document, "event 7")


def test_a_reservation_returns_what_is_left_the_day_after_its_deadline() -> None:
    reservation = default_programme().spec.reservations[0]
    ledger = default_programme().ledger(reservation.until + timedelta(days=1))
    assert 0 == ledger.balance(Account(K.RESERVED, None, reservation.id))
