"""Decision letters: what the addressee reads in the PDF, the golden HTML, recording, and verification."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from beoordeling import Actor, PlanState, Role, Store
from beoordeling.cli._demo_paths import WITHDRAWN
from beoordeling.desk import Desk
from beoordeling.errors import DocumentError, StoreError
from beoordeling.letters import Letter, LetterOffice, Renderer, font_subsetter, verify_letter
from beoordeling.letters.html import letter_html
from beoordeling.store import Event
from beoordeling.workflow import Trigger

from .letters_support import ISSUER, WAITLISTED, build_walked_store, copy_store, letter_problems, seq_of

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="session")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("walked") / "store.db"
    build_walked_store(path)
    return path


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def office(walked: Path, tmp_path: Path) -> Iterator[LetterOffice]:
    with Store.open(copy_store(walked, tmp_path / "store.db")) as store:
        yield LetterOffice(store)


@pytest.fixture(scope="session")
def pdfs(walked: Path, renderer: Renderer) -> dict[str, tuple[Letter, bytes]]:
    """Every letter the walked store calls for, rendered once, by plan and event type."""
    found = {}
    with Store.open(str(walked)) as store:
        office = LetterOffice(store)
        for event in office.pending():
            letter = office.letter(event)
            found[f"{event.plan_id} {event.type}"] = (letter, renderer.render(letter_html(letter), letter.document))
    return found


@pytest.fixture(scope="session")
def texts(pdfs: dict[str, tuple[Letter, bytes]]) -> dict[str, str]:
    """The text of every letter the walked store calls for, by plan and event type."""
    return {key: _text(pdf) for key, (_, pdf) in pdfs.items()}


def _decision(office: LetterOffice, plan_id: str, event_type: str) -> Event:
    """The plan's decision of ``event_type`` in the walked store."""
    return office.decision(plan_id, seq_of(office.store, plan_id, event_type))


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages).split())


def test_fonts_are_subset_with_harfbuzz() -> None:
    """libharfbuzz-subset0 is installed: WeasyPrint does not fall back to the 2.3x slower fontTools."""
    assert "harfbuzz" == font_subsetter()


def test_every_decision_has_its_letter(texts: dict[str, str]) -> None:
    """Each decision of the walk that someone must receive in writing has a letter, and only those."""
    assert {
        "TP-2023-0014 workflow.pass-quick-test", "TP-2023-0014 workflow.propose-approval",
        "TP-2023-0014 workflow.open-consultation", "TP-2023-0014 workflow.approve", "TP-2023-0014 workflow.fund",
        "TP-2023-0014 workflow.milestone-met", "TP-2024-0093 workflow.request-info",
        "TP-2024-0093 workflow.fail-quick-test", "TP-2025-0311 workflow.pass-quick-test",
        "TP-2025-0311 workflow.propose-rework", "TP-2025-0311 workflow.open-consultation",
        "TP-2025-0311 workflow.request-rework", "TP-2024-0178 workflow.request-info",
        f"{WAITLISTED} workflow.pass-quick-test", f"{WAITLISTED} workflow.propose-approval",
        f"{WAITLISTED} workflow.open-consultation", f"{WAITLISTED} workflow.approve",
        f"{WAITLISTED} workflow.waitlist", f"{WAITLISTED} workflow.fund",
        f"{WITHDRAWN} workflow.pass-quick-test", f"{WITHDRAWN} workflow.propose-approval",
        f"{WITHDRAWN} workflow.open-consultation", f"{WITHDRAWN} workflow.approve", f"{WITHDRAWN} workflow.fund",
        f"{WITHDRAWN} workflow.milestone-missed", f"{WITHDRAWN} workflow.reclaim",
    } == set(texts)  # fmt: skip


def test_final_approval_tells_the_submitters_everything(texts: dict[str, str]) -> None:
    """Addressees, plan, version, dates and clock, criteria with citation, deciders, next steps, number."""
    text = texts["TP-2023-0014 workflow.approve"]
    for expected in (
        # who writes: both market leaders, from their profiles (examples, and the letter says so)
        "Coöperatie VGZ Zorginkoop, programma Transformatie Postbus 00000 6500 AA Nijmegen",
        "Contact: C. Bakker T 030 000 00 02 E transformatie@zilverenkruis.example",
        "Voorbeeldgegevens: de afdelingen, adressen en personen van de afzender zijn verzonnen.",
        "Stichting Samenwerkende Topklinische Ziekenhuizen Thuis t.a.v. drs. M. de Vries",
        "Kenmerk TP-2023-0014-B00043 Datum 17 juli 2023 Onderwerp Definitief besluit over uw transformatieplan",
        "Landelijk centrum voor digitale thuismonitoring van samenwerkende ziekenhuizen (versie 1)",
        "Uw transformatieplan is goedgekeurd, met een aanvraag van € 24.600.000,00 aan transformatiemiddelen.",
        "De NZa toetst of uw aanvraag past binnen de beschikbare transformatiemiddelen",
        "Vragen en bezwaar Heeft u vragen over deze brief, neem dan contact op met A. de Vries van Coöperatie VGZ",
        # who signs: the signatories by name and function
        "Besluit genomen door de marktleidende zorgverzekeraars van dit plan. mr. B. Jansen directeur Zorginkoop "
        "Coöperatie VGZ drs. D. Visser directeur Zorginkoop Zilveren Kruis",
        # the appendix, after the signature
        "Bijlage bij brief TP-2023-0014-B00043",
        "Ingediend op 5 juni 2023",
        "Beoordelingskader, stap 3 (definitief besluit binnen twee weken): gestart op 10 juli 2023, uiterlijk op "
        "24 juli 2023; besluit binnen de termijn",
        "C6 SMART-afspraken",
        "Beoordelingskader, stap 3, voorwaarde 1 (SMART- afspraken)",
        "Verantwoording Deze brief hoort bij stap 3 (definitief besluit) van het Beoordelingskader",
        "criteria 2023-01-19+vgz@",
        "Pagina 1 van",
    ):
        assert expected in text.replace("\u00a0", " "), expected
    assert re.search(r"Vingerafdruk: [0-9a-f]{64}", text)
    page_one = text[: text.index("Pagina 1 van")]
    assert "Vingerafdruk" not in page_one  # provenance is in the appendix and the metadata, not on page 1


def test_negative_quick_test_gives_the_reason(texts: dict[str, str]) -> None:
    text = texts["TP-2024-0093 workflow.fail-quick-test"]
    assert "Uw voorstel is negatief beoordeeld in de snelle toets." in text
    assert "Geen aantoonbare impact op passende zorg" in text
    assert "zonder transformatiemiddelen." in text
    assert "oordeel nodig" not in text  # a decision that closes a step leaves nothing 'pending'
    assert "Het besluit is genomen zonder dat dit cri" in text
    assert "Waarom Het plan voldoet niet aan deze criteria van het Beoordelingskader: C3" in text


def test_information_request_says_what_is_missing_and_the_clock(texts: dict[str, str]) -> None:
    text = texts["TP-2024-0178 workflow.request-info"]
    assert "Graag de rol van de hospices toelichten." in text
    assert "Wat nog ontbreekt" in text
    assert "De termijn van de snelle toets staat stil vanaf vandaag tot u de informatie levert" in text
    assert "Lever de gevraagde informatie uiterlijk op 29 september 2025 aan bij Zilveren Kruis" in text
    assert "Besluit genomen door" not in text  # one insurer asked; the market leaders decided nothing yet


def test_proposed_decision_names_the_consultation_window(texts: dict[str, str]) -> None:
    """To the submitters and, separately, to the other insurers: the window end and the final decision date."""
    submitters = texts["TP-2023-0014 workflow.propose-approval"]
    others = texts["TP-2023-0014 workflow.open-consultation"]
    assert "Voorgenomen besluit: het transformatieplan goed te keuren, met een aanvraag van" in submitters
    assert (
        "CZ Postbus 00002 5000 AA Tilburg Menzis Postbus 00003 7500 AA Enschede DSW Zorgverzekeraar "
        "Zorg en Zekerheid Postbus 00004 2300 AA Leiden ONVZ Afschrift: de indieners"
    ) in others  # an insurer's address from its profile; one without a profile by name
    assert (
        "Stichting Samenwerkende Topklinische Ziekenhuizen Thuis t.a.v. drs. M. de Vries Postbus 1200 3500 AA UTRECHT "
        "m.devries@voorbeeld-thuismonitoring.nl"
    ) in submitters  # a party's postal address from the plan, written as PostNL asks
    for text in (submitters, others):
        assert "De overige zorgverzekeraars kunnen reageren tot en met 10 juli 2023." in text
        assert "De marktleidende zorgverzekeraars nemen uiterlijk op 24 juli 2023 een definitief besluit." in text


def test_rework_lists_what_must_change(texts: dict[str, str]) -> None:
    text = texts["TP-2025-0311 workflow.request-rework"]
    assert "Pas uw transformatieplan aan en dien het opnieuw in." in text
    assert "Werk de mijlpalen en de verdeling van de middelen over de gemeenten verder uit." in text
    assert "Wat moet veranderen" in text
    assert "F3 Middelen gekoppeld aan mijlpalen" in text


def test_milestone_met_says_which_payment_is_due(texts: dict[str, str]) -> None:
    text = texts["TP-2023-0014 workflow.milestone-met"]
    text = text.replace("\u00a0", " ")
    assert (
        "De zorgverzekeraars stellen vast dat mijlpaal M1 is behaald: Coöperatie VGZ betaalt € 9.800.000,00 "
        "uiterlijk op 3 maart 2025." in text
    )
    assert "De volgende mijlpaal is M2 (€ 9.600.000,00), gepland op 31 december 2025." in text


def test_waiting_list_and_funding_notices(texts: dict[str, str]) -> None:
    """The queue position (first come, first served) and, later, the amount granted."""
    waiting = texts[f"{WAITLISTED} workflow.waitlist"]
    assert "Uw plan is geplaatst op plaats 1 van de wachtrij." in waiting
    assert "wie het eerst komt, wie het eerst maalt." in waiting
    assert "L. Peters teamleider Transformatiemiddelen NZa" in waiting  # the NZa sends and signs its own
    assert "Besluit genomen door" not in waiting
    funded = texts[f"{WAITLISTED} workflow.fund"]
    assert "Er worden transformatiemiddelen toegekend: € 24.600.000,00." in funded
    assert "Datum besluit 3 november 2025" in funded
    assert "Uw plan stond op de wachtrij. Er zijn transformatiemiddelen vrijgekomen" in " ".join(funded.split())
    assert "L. Peters teamleider Transformatiemiddelen NZa" in funded  # sent for the NZa, whose list moved
    assert "vóór uw plan" not in waiting  # the first in the queue has nobody ahead of it


def test_letter_html_is_golden(office: LetterOffice) -> None:
    """The HTML before rendering, pinned (the fingerprint depends on the store's random id, so it is fixed)."""
    letter = office.letter(_decision(office, "TP-2025-0311", "workflow.request-rework"))
    html = letter_html(dataclasses.replace(letter, fingerprint="f" * 64))
    golden = GOLDEN / "letter-rework.html"
    if os.environ.get("BEOORDELING_UPDATE_GOLDEN"):
        golden.write_text(html, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == html


def test_letters_are_recorded_once_and_then_not_pending(office: LetterOffice, tmp_path: Path) -> None:
    """Producing a letter records it; the same file again records nothing; pending shrinks."""
    event = office.decision("TP-2023-0014", 43)
    first = office.write(event, tmp_path / "a.pdf", ISSUER)
    again = office.write(event, tmp_path / "b.pdf", ISSUER)
    assert first.event is not None
    assert again.event is None
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert "letter.issued" == first.event.type
    assert {"document": "TP-2023-0014-B00043", "kind": "definitief-besluit", "decision": 43} == {
        k: first.event.payload[k] for k in ("document", "kind", "decision")
    }
    assert ("P. Post", "Coöperatie VGZ") == (first.event.actor.name, first.event.actor.organisation)
    assert 41 not in [e.seq for e in office.pending() if e.plan_id == "TP-2023-0014"]
    assert office.store.verify().ok


def test_a_batch_on_two_workers_writes_every_pending_letter(office: LetterOffice, tmp_path: Path) -> None:
    done = office.produce(office.pending(), tmp_path / "out", ISSUER, workers=2)
    assert 27 == len(done) == len(list((tmp_path / "out").glob("*.pdf")))
    assert [] == office.pending()
    assert all(verify_letter(office, letter.path).ok for letter in done[:3])


def test_letters_do_not_hold_up_the_workflow(walked: Path, tmp_path: Path) -> None:
    """A letter is a note on the plan, not a move: an assessor who read the plan before the letter
    went out acts without a conflict. A real move in between still conflicts (optimistic concurrency)."""
    moment = datetime(2025, 11, 10, 10, tzinfo=UTC)
    plan_id = "TP-2024-0178"
    with Store.open(copy_store(walked, tmp_path / "store.db"), clock=lambda: moment) as store:
        before, office = Desk(store), LetterOffice(store)
        before.current(plan_id)
        issued = office.write(office.decision(plan_id), tmp_path / "x.pdf", ISSUER)
        after = Desk(store)
        after.current(plan_id)
        submitter = Actor("projectleider", store.plan(plan_id).plan.parties[0].name, Role.SUBMITTER)
        result = before.act(plan_id, Trigger.ANSWER, submitter)
        assert PlanState.QUICK_TEST_SUBMITTED == result.state
        with pytest.raises(StoreError) as moved:
            after.act(plan_id, Trigger.ANSWER, submitter)  # read after the letter, but before the answer
        answered = result.events[-1].seq
        assert (
            f"plan {plan_id!r} changed while this action was being decided (event {answered}); "
            "nothing was stored; run the command again"
        ) == str(moved.value)
        assert issued.event is not None
        assert [issued.event.seq, answered] == [e.seq for e in store.events(plan_id)][-2:]
        record = Desk(store).record(plan_id)
        assert (answered, answered, moment.date()) == (record.last_seq, record.basis_seq, record.last_on)
        assert store.verify().ok


def test_a_record_read_after_a_letter_rests_on_the_event_before_it(walked: Path, tmp_path: Path) -> None:
    moment = datetime(2025, 11, 10, 10, tzinfo=UTC)
    with Store.open(copy_store(walked, tmp_path / "store.db"), clock=lambda: moment) as store:
        office = LetterOffice(store)
        decision = office.decision("TP-2024-0178")
        issued = office.write(decision, tmp_path / "x.pdf", ISSUER)
        record = Desk(store).current("TP-2024-0178")
        assert issued.event is not None
        assert (issued.event.seq, decision.seq) == (record.last_seq, record.basis_seq)
        submitter = Actor("projectleider", store.plan("TP-2024-0178").plan.parties[0].name, Role.SUBMITTER)
        assert PlanState.QUICK_TEST_SUBMITTED == Desk(store).act("TP-2024-0178", Trigger.ANSWER, submitter).state


def test_verify_accepts_the_issued_letter(office: LetterOffice, tmp_path: Path) -> None:
    issued = office.write(_decision(office, "TP-2023-0014", "workflow.milestone-met"), tmp_path / "m.pdf", ISSUER)
    check = verify_letter(office, issued.path)
    assert check.ok
    assert [f"identical to the letter recorded as issued in event {issued.event.seq}"] == check.notes  # type: ignore[union-attr]


def test_verify_reports_a_changed_text(office: LetterOffice, tmp_path: Path, renderer: Renderer) -> None:
    """A letter whose decision was changed keeps its number and fingerprint but fails on its text."""
    event = office.decision("TP-2024-0093", 59)
    office.write(event, tmp_path / "real.pdf", ISSUER)
    forged: Letter = dataclasses.replace(office.letter(event), decision="Uw voorstel is positief beoordeeld.")
    (tmp_path / "forged.pdf").write_bytes(renderer.render(letter_html(forged), forged.document))
    check = verify_letter(office, tmp_path / "forged.pdf")
    assert not check.ok
    assert 1 == len(check.findings)
    assert check.findings[0].startswith("the file differs from the letter in the store; first difference: line ")
    assert (
        "'Uw voorstel is positief beoordeeld.' where the store's letter reads 'Uw voorstel is negatief"
        in (check.findings[0])
    )


def test_verify_reports_a_file_changed_outside_its_text(office: LetterOffice, tmp_path: Path) -> None:
    issued = office.write(office.decision("TP-2023-0014", 20), tmp_path / "q.pdf", ISSUER)
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(issued.path.read_bytes() + b"\n% appended\n")
    check = verify_letter(office, tampered)
    assert [
        "the text is the letter's, but the file is not the one issued: it was re-saved or changed outside its text"
    ] == check.findings


def test_verify_refuses_a_letter_from_another_store(walked: Path, tmp_path: Path) -> None:
    """Same plans, same walk, another store: the fingerprint (over the store's id and chain) differs."""
    other_path = tmp_path / "other.db"
    build_walked_store(other_path)
    with Store.open(str(other_path)) as other_store:
        other = LetterOffice(other_store)
        foreign = other.write(other.decision("TP-2023-0014", 43), tmp_path / "foreign.pdf", ISSUER)
    with Store.open(copy_store(walked, tmp_path / "mine.db")) as store:
        check = verify_letter(LetterOffice(store), foreign.path)
    assert not check.ok
    assert check.findings[0].startswith(f"the fingerprint {foreign.fingerprint} is not the one this store gives")
    assert "the letter comes from another store, or the record it was made from was changed" in check.findings[0]


def test_verify_refuses_what_is_not_a_letter(office: LetterOffice, tmp_path: Path, renderer: Renderer) -> None:
    text = tmp_path / "notes.pdf"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(DocumentError) as not_pdf:
        verify_letter(office, text)
    assert f"{text}: not a PDF (it does not start with %PDF-)" == str(not_pdf.value)
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(renderer.render("<p>Een gewone brief</p>", "plain"))
    with pytest.raises(DocumentError) as no_number:
        verify_letter(office, plain)
    assert f"{plain}: no document number found; this is not a letter made by beoordeling" == str(no_number.value)


def test_a_letter_for_an_event_without_one_is_refused(office: LetterOffice) -> None:
    with pytest.raises(DocumentError) as refused:
        office.decision("TP-2023-0014", 42)
    assert "event 42 of plan TP-2023-0014 calls for no letter; events with a letter: 20, 38, 39, 43, 44, 98" == str(
        refused.value
    )


def test_a_practice_stores_letters_say_they_are_examples(texts: dict[str, str], office: LetterOffice) -> None:
    """A letter from a practice store is marked at the top and in every page's margin; a letter from
    a real store carries no mark."""
    funded = texts[f"{WAITLISTED} workflow.fund"]
    assert funded.startswith("VOORBEELD · uit een oefenomgeving; geen echt besluit")
    pages = funded.count("Pagina ")
    assert pages + 1 == funded.count("VOORBEELD")
    letter = office.letter(_decision(office, "TP-2025-0311", "workflow.request-rework"))
    assert letter.practice
    assert "VOORBEELD" not in letter_html(dataclasses.replace(letter, practice=False))


def test_no_letter_holds_anything_internal_or_runs_off_the_page(pdfs: dict[str, tuple[Letter, bytes]]) -> None:
    """Every letter of the walk, read back from its PDF: no section numbers of our domain brief, no
    internal notes, no command lines, no date dangling after a sentence, and no character placed past
    the right margin (the PDF's own character positions)."""
    for key, (_, pdf) in pdfs.items():
        assert [] == letter_problems(pdf), key
    assert len({letter.kind for letter, _ in pdfs.values()}) >= 8


def test_the_check_finds_what_it_looks_for(office: LetterOffice, renderer: Renderer) -> None:
    """The checks of the test above fail on a letter that has the faults."""
    letter = office.letter(office.decision("TP-2023-0014", 43))
    faulty = dataclasses.replace(
        letter,
        body=("Zie §4.3 en domain.md.", "Meld deze wanneer zij is behaald. 31 december 2025"),
        plan_title="W" * 40,
    )
    html = letter_html(faulty).replace("\u200b", "")  # unbreakable: runs past the margin
    html = html.replace("<body>", '<body><p style="white-space: nowrap">' + "W" * 120 + "</p>")
    found = letter_problems(renderer.render(html, "fout"))
    assert any(f.startswith("a section number") for f in found)
    assert any(f.startswith("an internal note") for f in found)
    assert any(f.startswith("a dangling date") for f in found)
    assert any("past the right margin" in f for f in found)
