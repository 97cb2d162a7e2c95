"""The store: versions, optimistic concurrency, events, and verification that catches tampering."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy import text as text_sql

from beoordeling import Actor, ConflictError, InputError, Plan, PlanNotFound, PlanState, Role, Store, StoreError
from beoordeling.planfile import plan_content
from beoordeling.store import EventType, NewEvent, Selection
from beoordeling.store._engine import normalise_url
from beoordeling.store.store import MAX_SELECTED_PLANS

from .conftest import INSURER, SUBMITTER, Clock


def _revise(plan: Plan, **changes: object) -> Plan:
    return plan.model_copy(update=changes)


def _raw(store: Store, *statements: str) -> None:
    """Run SQL straight against the database, as someone with access to the file or server could."""
    engine = create_engine(normalise_url(store.url))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for trigger in (
                "events_no_update",
                "events_no_delete",
                "plan_versions_no_update",
                "plan_versions_no_delete",
            ):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        else:
            conn.execute(text("ALTER TABLE events DISABLE TRIGGER USER"))
            conn.execute(text("ALTER TABLE plan_versions DISABLE TRIGGER USER"))
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def test_new_plan_becomes_version_1(store: Store, example_plans: dict[str, Plan], clock: Clock) -> None:
    """Importing a plan stores version 1 and one event that says who, for whom, when and why."""
    result = store.save_plan(example_plans["eerstelijn-zeeland"], SUBMITTER, reason="Eerste indiening")
    assert (result.version, result.changed) == (1, True)
    [event] = [e for e in store.events() if e.plan_id == "TP-2024-0093"]
    assert (EventType.PLAN_CREATED, 1, SUBMITTER, "Eerste indiening") == (
        event.type,
        event.plan_version,
        event.actor,
        event.reason,
    )
    assert clock.now == event.occurred_at
    assert UTC == event.occurred_at.tzinfo
    assert {
        "region": "Zeeland",
        "region_reference": "Zorgkantoor Zeeland",
        "theme": "eerstelijnszorg",
        "sectors": ["huisartsenzorg", "mdz", "paramedische-zorg", "sociaal-domein", "wijkverpleging"],
        "submitting_sector": "huisartsenzorg",
        "scale": "regionaal",
        "market_leaders": ["CZ", "Zilveren Kruis"],
        "coordinating": "CZ",
        "insurers": ["CZ", "Zilveren Kruis", "Coöperatie VGZ"],
        "requests_funds": True,
    } == event.groups
    stored = store.plan("TP-2024-0093")
    assert 1 == stored.plan.version
    assert example_plans["eerstelijn-zeeland"] == stored.plan.model_copy(update={"version": None})


def test_latest_contents_gives_the_latest_version_or_the_value_at_a_path(
    store: Store, example_plans: dict[str, Plan]
) -> None:
    """Bulk readers get each plan's latest content, or one value picked out by the database."""
    funded, concept = example_plans["eerstelijn-zeeland"], example_plans["concept-acute-ggz"]
    store.save_plans([funded, concept], SUBMITTER)
    revised = _revise(store.plan(concept.id).plan, title='Acute "ggz" — Hollands Midden')
    store.save_plan(revised, SUBMITTER)
    ids = [funded.id, concept.id, "TP-BESTAAT-NIET"]
    assert {funded.id: plan_content(funded), concept.id: plan_content(revised)} == dict(store.latest_contents(ids))
    assert funded.funding is not None
    assert concept.funding is None
    assert {
        funded.id: plan_content(funded)["funding"]["milestones"],
        concept.id: None,
    } == dict(store.latest_contents(ids, ("funding", "milestones")))
    assert {funded.id: funded.title, concept.id: 'Acute "ggz" — Hollands Midden'} == dict(
        store.latest_contents(ids, ("title",))
    )
    with pytest.raises(ValueError, match="a JSON path of plain keys is needed"):
        list(store.latest_contents(ids, ("funding", "$.x")))


def test_a_plan_version_and_every_latest_plan_read_alike(store: Store, example_plans: dict[str, Plan]) -> None:
    """The desk's lean read of one version, and the bulk read of every latest version with its
    state, give the plans that :meth:`Store.plan` gives; a missing plan or version is refused alike."""
    funded, concept = example_plans["eerstelijn-zeeland"], example_plans["concept-acute-ggz"]
    store.save_plans([funded, concept], SUBMITTER)
    revised = _revise(store.plan(concept.id).plan, title="Acute ggz, tweede versie")
    store.save_plan(revised, SUBMITTER)
    assert store.plan(concept.id, 1).plan == store.plan_version(concept.id, 1)
    assert 2 == store.plan_version(concept.id, 2).version
    latest = {plan.id: (plan, state) for plan, state in store.latest_plans(batch=1)}
    assert {funded.id: store.plan(funded.id).plan, concept.id: store.plan(concept.id).plan} == {
        plan_id: plan for plan_id, (plan, _state) in latest.items()
    }
    assert {PlanState.DRAFT} == {state for _plan, state in latest.values()}
    assert [] == list(store.latest_plans(states=[PlanState.APPROVED]))
    for plan_id, version in (("TP-ONBEKEND", 1), (concept.id, 3)):
        with pytest.raises(PlanNotFound) as lean:
            store.plan_version(plan_id, version)
        with pytest.raises(PlanNotFound) as full:
            store.plan(plan_id, version)
        assert str(full.value) == str(lean.value)


def test_notes_are_appended_for_existing_plans_and_only_notes(store: Store, example_plans: dict[str, Plan]) -> None:
    """A note (a letter issued) is stored beside a plan's events; anything else, or a note about a
    plan that is not there, is refused whole."""
    plan = example_plans["eerstelijn-zeeland"]
    store.save_plan(plan, SUBMITTER)
    head = store.head()
    [note] = store.append_notes([NewEvent("letter.issued", INSURER, plan_id=plan.id, payload={"document": "x"})])
    assert (head.count + 1, plan.id) == (note.seq, note.plan_id)
    refusals: list[tuple[list[NewEvent], type[Exception], str]] = [
        ([NewEvent("workflow.submit-quick-test", INSURER, plan_id=plan.id)], StoreError,
         "event type 'workflow.submit-quick-test' is no note (those begin with ('letter.',))"),
        ([NewEvent("letter.issued", INSURER, plan_id=plan.id), NewEvent("letter.issued", INSURER)], StoreError,
         "a note must name its plan; event type 'letter.issued' names none"),
        ([NewEvent("letter.issued", INSURER, plan_id="TP-ONBEKEND")], PlanNotFound,
         "plan 'TP-ONBEKEND' is not in the store; `beoordeling list` shows the plans it holds"),
    ]  # fmt: skip
    for events, error, message in refusals:
        with pytest.raises(error) as refused:
            store.append_notes(events)
        assert message == str(refused.value)
    assert note.seq == store.head().count  # nothing of the refused batches was stored


def test_revision_needs_the_latest_version(store: Store, example_plans: dict[str, Plan]) -> None:
    """A change based on the latest version is stored as the next one, with before and after."""
    store.save_plan(example_plans["concept-acute-ggz"], SUBMITTER)
    latest = store.plan("TP-CONCEPT-ACUTE-GGZ").plan
    result = store.save_plan(_revise(latest, title="Acute ggz Hollands Midden"), SUBMITTER, reason="Nieuwe titel")
    assert 2 == result.version
    assert result.event is not None
    assert [
        {
            "path": "title",
            "before": "Acute ggz Zuid-Holland Noord en Midden-Holland",
            "after": "Acute ggz Hollands Midden",
        }
    ] == result.event.payload["changes"]
    assert 1 == result.event.payload["based_on"]
    assert "Acute ggz Zuid-Holland Noord en Midden-Holland" == store.plan("TP-CONCEPT-ACUTE-GGZ", 1).plan.title
    assert [1, 2] == [v.version for v in store.versions("TP-CONCEPT-ACUTE-GGZ")]


def test_stale_change_is_refused(store: Store, example_plans: dict[str, Plan]) -> None:
    """Two people edit version 1; the second to save is told what happened and nothing is stored."""
    store.save_plan(example_plans["concept-acute-ggz"], SUBMITTER)
    mine = store.plan("TP-CONCEPT-ACUTE-GGZ").plan
    store.save_plan(_revise(mine, summary="Eerst opgeslagen"), INSURER)
    before = store.head()
    with pytest.raises(ConflictError) as caught:
        store.save_plan(_revise(mine, summary="Te laat"), SUBMITTER)
    assert (
        "conflict: plan 'TP-CONCEPT-ACUTE-GGZ' was changed from version 1, but the store already holds version 2; "
        "export the latest version (`beoordeling export TP-CONCEPT-ACUTE-GGZ`), apply your change to it and "
        "import again"
    ) == str(caught.value)
    assert before == store.head()


def test_existing_plan_without_base_version_is_refused(store: Store, example_plans: dict[str, Plan]) -> None:
    """A file that does not say which version it edits cannot overwrite a stored plan."""
    store.save_plan(example_plans["concept-acute-ggz"], SUBMITTER)
    with pytest.raises(ConflictError, match=r"already exists \(latest version 1\) and the file names no version"):
        store.save_plan(_revise(example_plans["concept-acute-ggz"], summary="Anders"), SUBMITTER)


def test_unchanged_content_stores_nothing(store: Store, example_plans: dict[str, Plan]) -> None:
    """Importing the same content again adds no version and no event."""
    store.save_plan(example_plans["concept-acute-ggz"], SUBMITTER)
    head = store.head()
    result = store.save_plan(example_plans["concept-acute-ggz"], SUBMITTER)
    assert (1, False, None) == (result.version, result.changed, result.event)
    assert head == store.head()


def test_unknown_base_version_is_refused(store: Store, example_plans: dict[str, Plan]) -> None:
    """A file based on a version of a plan this store never held is not taken as new."""
    with pytest.raises(StoreError, match="says it is based on version 3, but this store does not hold"):
        store.save_plan(_revise(example_plans["concept-acute-ggz"], version=3), SUBMITTER)


def test_batch_is_all_or_nothing(store: Store, example_plans: dict[str, Plan]) -> None:
    """When one plan of a batch conflicts, none of the batch is stored."""
    store.save_plan(example_plans["concept-acute-ggz"], SUBMITTER)
    head = store.head()
    stale = _revise(example_plans["concept-acute-ggz"], summary="Anders")
    with pytest.raises(ConflictError):
        store.save_plans([example_plans["eerstelijn-zeeland"], stale], SUBMITTER)
    assert head == store.head()
    with pytest.raises(PlanNotFound):
        store.plan("TP-2024-0093")


def test_same_plan_twice_in_a_batch_is_refused(store: Store, example_plans: dict[str, Plan]) -> None:
    """One batch holds one version per plan."""
    plan = example_plans["concept-acute-ggz"]
    with pytest.raises(InputError, match="given more than once"):
        store.save_plans([plan, plan], SUBMITTER)


def test_register_filters(store: Store, example_plans: dict[str, Plan]) -> None:
    """The register filters on state, region, insurer and sector."""
    store.save_plans(list(example_plans.values()), SUBMITTER)
    assert ["TP-2024-0093"] == [p.plan_id for p in store.plans(region="zeeland")]
    assert ["TP-2023-0014", "TP-2024-0093", "TP-2024-0178", "TP-2025-0311"] == [
        p.plan_id for p in store.plans(insurer="cz")
    ]
    assert ["TP-2025-0311", "TP-CONCEPT-ACUTE-GGZ"] == [p.plan_id for p in store.plans(sector="ggz")]
    assert len(example_plans) == len(store.plans())
    assert "15600000.00" == store.plans(region="Achterhoek")[0].amount_requested


def test_missing_plan_and_version(store: Store, example_plans: dict[str, Plan]) -> None:
    """Asking for what is not there names it and says how to see what is."""
    with pytest.raises(PlanNotFound) as caught:
        store.plan("TP-9999")
    assert "plan 'TP-9999' is not in the store; `beoordeling list` shows the plans it holds" == str(caught.value)
    store.save_plan(example_plans["concept-acute-ggz"], SUBMITTER)
    with pytest.raises(PlanNotFound, match="version 7 of plan 'TP-CONCEPT-ACUTE-GGZ' is not in the store"):
        store.plan("TP-CONCEPT-ACUTE-GGZ", 7)


def test_opening_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    """A mistyped store path is an error, not a new empty store."""
    missing = tmp_path / "typo.db"
    with pytest.raises(StoreError, match=r"no store at .*typo\.db; create one with `beoordeling init`"):
        Store.open(str(missing))
    assert not missing.exists()


def test_initialising_twice_is_refused(store: Store) -> None:
    """An existing store is never initialised over."""
    with pytest.raises(StoreError, match="is already a beoordeling store"):
        store.initialise(INSURER, practice=True)


def test_append_is_chained_and_atomic(store: Store, clock: Clock) -> None:
    """Appended events continue the chain; the store's own events come first."""
    events = store.append([NewEvent("test.ping", INSURER, payload={"n": i}) for i in range(3)])
    assert [2, 3, 4] == [e.seq for e in events]
    assert [e.hash for e in events[:-1]] == [e.prev_hash for e in events[1:]]
    assert store.head().hash == events[-1].hash
    assert 4 == store.verify().count


# --- verification --------------------------------------------------------------------------------


@pytest.fixture
def filled(store: Store, example_plans: dict[str, Plan], clock: Clock) -> Store:
    for plan in example_plans.values():
        clock.advance(minutes=5)
        store.save_plan(plan, SUBMITTER)
    clock.advance(days=1)
    draft = store.plan("TP-CONCEPT-ACUTE-GGZ").plan
    store.save_plan(_revise(draft, summary="Herzien"), SUBMITTER)
    return store


def test_intact_store_verifies(filled: Store) -> None:
    """An untouched store is intact; the report gives count and head."""
    report = filled.verify()
    assert report.ok, report.problems
    assert (9, filled.head().hash, filled.store_id) == (report.count, report.head_hash, report.store_id)


def test_history_tables_refuse_update_and_delete(filled: Store) -> None:
    """The database itself refuses to change or delete history."""
    engine = create_engine(normalise_url(filled.url))
    for statement in (
        "UPDATE events SET reason = 'x' WHERE seq = 2",
        "DELETE FROM events WHERE seq = 9",
        "UPDATE plan_versions SET content = '{}'",
        "DELETE FROM plan_versions",
    ):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    engine.dispose()
    assert filled.verify().ok


@pytest.mark.parametrize(
    ("statements", "first_broken", "problem"),
    [
        (
            ["UPDATE events SET payload = replace(payload, 'Huisartsenzorg', 'Huisartszorg') WHERE seq = 3"],
            3,
            "event 3 (plan.created of plan TP-2024-0093 v1) was altered: its content no longer matches its hash",
        ),
        (
            ["UPDATE events SET reason = 'achteraf' WHERE seq = 5"],
            5,
            "event 5 (plan.created of plan TP-2024-0178 v1) was altered: its content no longer matches its hash",
        ),
        (
            ["DELETE FROM events WHERE seq = 4"],
            4,
            "event 4 is missing: the chain jumps from 3 to 5",
        ),
        (
            [
                "UPDATE events SET seq = -6 WHERE seq = 6",
                "UPDATE events SET seq = 6 WHERE seq = 7",
                "UPDATE events SET seq = 7 WHERE seq = -6",
            ],
            6,
            "event 6 (plan.created of plan TP-2023-0014 v1) does not follow event 5: events were removed, "
            "inserted or reordered",
        ),
        (
            ["UPDATE events SET occurred_at = occurred_at_text || 'x' WHERE seq = 2"],
            2,
            None,
        ),
    ],
    ids=["payload", "reason", "deleted", "reordered", "time"],
)
def test_tampering_names_the_first_broken_event(
    filled: Store, statements: list[str], first_broken: int, problem: str | None
) -> None:
    """Changing, deleting or reordering any event is found, and the first broken one is named."""
    if "occurred_at_text ||" in statements[0]:
        statements = [
            "UPDATE events SET occurred_at = '2020-01-01 00:00:00.000000' WHERE seq = 2"
            if "sqlite" in filled.url
            else "UPDATE events SET occurred_at = occurred_at - interval '1 hour' WHERE seq = 2"
        ]
        problem = (
            "event 2 (plan.created of plan TP-CONCEPT-ACUTE-GGZ v1) was altered: its occurred_at column differs from "
            "the hashed time"
        )
    _raw(filled, *statements)
    report = filled.verify()
    assert not report.ok
    assert first_broken == report.first_broken
    assert [problem] == report.problems


def test_flipped_byte_in_sqlite_file_is_found(filled: Store) -> None:
    """A byte changed in the database file, outside any SQL, breaks the chain where it lands."""
    if "sqlite" not in filled.url:
        pytest.skip("a file-level test")
    connection = sqlite3.connect(filled.url.removeprefix("sqlite:///"))
    connection.execute("DROP TRIGGER events_no_update")
    payload = connection.execute("SELECT payload FROM events WHERE seq = 6").fetchone()[0]
    index = payload.index('"content_hash":"') + 20
    flipped = payload[:index] + ("0" if payload[index] != "0" else "1") + payload[index + 1 :]
    connection.execute("UPDATE events SET payload = ? WHERE seq = 6", (flipped,))
    connection.commit()
    connection.close()
    report = filled.verify()
    assert 6 == report.first_broken


def test_truncation_is_found_with_a_recorded_head(filled: Store) -> None:
    """Cutting events off the end leaves a valid chain; a head recorded earlier exposes it."""
    recorded = filled.head()
    _raw(filled, "DELETE FROM events WHERE seq = 9", "DELETE FROM plan_versions WHERE version = 2")
    # A careful forger puts the register back as version 1 left it, column by column.
    _raw(
        filled,
        "UPDATE plans SET latest_version = 1, last_seq = 2, "
        "updated_at = (SELECT occurred_at FROM events WHERE seq = 2) WHERE plan_id = 'TP-CONCEPT-ACUTE-GGZ'",
    )
    assert filled.verify().ok
    report = filled.verify(expect_head=recorded.hash)
    assert [
        f"the expected head {recorded.hash[:16]}... is not in the chain: events were cut off at the end, "
        "or the whole chain was recomputed"
    ] == report.problems


def test_recorded_head_still_in_a_longer_chain(filled: Store, clock: Clock) -> None:
    """A head recorded earlier stays valid as the chain grows."""
    recorded = filled.head()
    filled.append([NewEvent("test.ping", INSURER)])
    report = filled.verify(expect_head=recorded.hash)
    assert report.ok
    assert recorded.count == report.expected_head_at


def test_altered_version_content_is_found(filled: Store) -> None:
    """A stored plan version changed behind the store's back no longer matches its event."""
    _raw(filled, "UPDATE plan_versions SET content = replace(content, 'Zeeland', 'Zeeuws-Vlaanderen')")
    report = filled.verify()
    assert ["version 1 of plan TP-2024-0093 was altered: its content does not match its hash"] == report.problems


def test_register_out_of_step_is_found(filled: Store) -> None:
    """The register is a projection of the events; verify holds it against them."""
    _raw(filled, "UPDATE plans SET latest_version = 5 WHERE plan_id = 'TP-2024-0150'")
    assert ["the register lists plan TP-2024-0150 at version 5, the events at 1"] == filled.verify().problems


def test_log_from_another_store_is_found(filled: Store, tmp_path: object) -> None:
    """The first event names the store; a log moved into another store does not match it."""
    _raw(filled, "UPDATE meta SET value = 'another-store' WHERE key = 'store_id'")
    assert filled.verify().problems == [
        "event 1 does not name this store: the log was copied from, or mixed with, another store"
    ]


def test_times_are_stored_in_utc(store: Store, clock: Clock, example_plans: dict[str, Plan]) -> None:
    """A clock in another time zone is stored as the same moment in UTC."""
    clock.now = datetime(2025, 7, 1, 23, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    result = store.save_plan(example_plans["concept-acute-ggz"], SUBMITTER)
    assert result.event is not None
    assert datetime(2025, 7, 1, 21, 30, tzinfo=UTC) == result.event.occurred_at
    assert [datetime(2025, 7, 1, 21, 30, tzinfo=UTC)] == [e.occurred_at for e in store.events("TP-CONCEPT-ACUTE-GGZ")]


@pytest.mark.parametrize(
    ("statement", "column"),
    [
        ("UPDATE plans SET title = 'Vervalst' WHERE plan_id = 'TP-2024-0093'", "title"),
        ("UPDATE plans SET amount_requested = '1.00' WHERE plan_id = 'TP-2024-0093'", "amount_requested"),
        ("UPDATE plans SET region = 'Elders' WHERE plan_id = 'TP-2024-0093'", "region"),
        ("UPDATE plans SET insurers = '[\"CZ\"]' WHERE plan_id = 'TP-2024-0093'", "insurers"),
        ("UPDATE plans SET theme = NULL WHERE plan_id = 'TP-2024-0093'", "theme"),
        ("UPDATE plans SET requests_funds = false WHERE plan_id = 'TP-2024-0093'", "requests_funds"),
        ("UPDATE plans SET last_seq = 1 WHERE plan_id = 'TP-2024-0093'", "last_seq"),
    ],
    ids=lambda v: v if v.isidentifier() else "",
)
def test_verify_compares_every_register_column_with_a_replay(filled: Store, statement: str, column: str) -> None:
    """The register is a projection of the events: a column edited behind the store's back is named."""
    _raw(filled, statement)
    report = filled.verify()
    assert 1 == len(report.problems)
    assert report.problems[0].startswith(f"the register's {column} of plan TP-2024-0093 is ")
    assert report.problems[0].endswith("the register was changed outside beoordeling")


def test_a_forged_title_is_named_with_both_values(filled: Store) -> None:
    _raw(filled, "UPDATE plans SET title = 'Vervalst' WHERE plan_id = 'TP-2024-0093'")
    assert [
        "the register's title of plan TP-2024-0093 is 'Vervalst', but its events and latest version give "
        "'Huisartsenzorg Zeeland toekomstbestendig - samen in de w...: the register was changed outside beoordeling"
    ] == filled.verify().problems


def test_a_store_says_whether_it_is_initialised(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "leeg.db"), create=True) as store:
        assert not store.initialised
        store.initialise(Actor("test", "beoordeling", Role.SYSTEM), practice=True)
        assert store.initialised


def test_a_version_stored_by_an_earlier_release_is_unchanged_by_importing_it_again(tmp_path: Path) -> None:
    """Amounts were once stored as written (``1500``); now they are kept in cents (``1500.00``). An
    unchanged plan imported again must not become a new version because of that."""
    from beoordeling._canonical import canonical_json, sha256_hex  # noqa: PLC0415

    actor = Actor("test", "beoordeling", Role.SYSTEM)
    plan = Plan.model_validate({
        "id": "TP-OUD", "title": "Oud", "parties": [{"name": "a", "role": "zorgaanbieder"}],
        "funding": {"lines": [{"year": 2025, "sector": "ggz", "party": "a", "category": "opstartkosten",
                               "amount": "1500"}]},
    })  # fmt: skip
    url = str(tmp_path / "oud.db")
    with Store.open(url, create=True) as store:
        store.initialise(actor, practice=True)
        assert store.save_plan(plan, actor).changed
        old = plan.content()
        old["funding"]["lines"][0]["amount"] = "1500"  # as an earlier release wrote it
        text = canonical_json(old)
        with store._engine.begin() as conn:
            conn.execute(text_sql("DROP TRIGGER IF EXISTS plan_versions_no_update"))  # play the earlier release
            conn.execute(
                text_sql("UPDATE plan_versions SET content = :c, content_hash = :h WHERE plan_id = 'TP-OUD'"),
                {"c": text, "h": sha256_hex(text)},
            )
        again = store.save_plan(plan, actor)
        assert (False, 1) == (again.changed, again.version)


def test_events_read_by_number_and_without_payload_keys(filled: Store) -> None:
    """``numbers`` reads just those events, in order; ``without`` has the database leave payload
    keys out (the statistics skip the decisions' assessments that way), the rest as stored."""
    every = list(filled.events())
    wanted = [every[5].seq, every[1].seq, 10_000, every[3].seq]
    assert [every[1], every[3], every[5]] == list(filled.events(numbers=wanted))
    assert [] == list(filled.events(numbers=[]))
    key = sorted(every[1].payload)[0]
    trimmed = list(filled.events(without=(key,)))
    assert [e.seq for e in every] == [e.seq for e in trimmed]
    for full, slim in zip(every, trimmed, strict=True):
        assert {k: v for k, v in full.payload.items() if k != key} == slim.payload
        assert (full.type, full.groups, full.hash) == (slim.type, slim.groups, slim.hash)
    with pytest.raises(ValueError, match="plain keys"):
        list(filled.events(without=("a') OR 1=1 --",)))


def test_a_selection_keeps_the_events_of_its_types_its_plans_and_from_its_moment(filled: Store, clock: Clock) -> None:
    """Any of its parts keeps an event (an empty selection none), within the read's other bounds."""
    every = list(filled.events())
    plan_id = "TP-CONCEPT-ACUTE-GGZ"
    later = every[-1].recorded_at
    assert later is not None

    def kept(selection: Selection, **bounds: Any) -> list[int]:
        return [e.seq for e in filled.events(selection=selection, **bounds)]

    assert [] == kept(Selection())
    assert [e.seq for e in every if e.type == "store.initialised"] == kept(Selection(types=("store.initialised",)))
    ours = [e.seq for e in every if e.plan_id == plan_id]
    assert len(ours) == 2
    assert ours == kept(Selection(plans=(plan_id,)))
    assert [every[0].seq, *ours] == kept(Selection(types=("store.initialised",), plans=(plan_id,)))
    assert [e.seq for e in every if e.occurred_at >= later] == kept(Selection(since=later))
    assert [e.seq for e in every if e.recorded_at and e.recorded_at >= later] == kept(
        Selection(since=later, recorded=True)
    )
    assert ours[:1] == kept(Selection(plans=(plan_id,)), until=ours[0])
    assert [] == kept(Selection(plans=("a') OR 1=1 --",)))  # a bound parameter, not SQL
    with pytest.raises(ValueError, match="at most"):
        Selection(plans=tuple(f"TP-{n}" for n in range(MAX_SELECTED_PLANS + 1)))
    saved = {e.type for e in every if e.plan_id}
    assert sorted({e.plan_id for e in every if e.plan_id}) == filled.plans_with(tuple(saved))
    assert sorted({e.plan_id for e in every[:4] if e.plan_id}) == filled.plans_with(tuple(saved), until=every[3].seq)
    assert [] == filled.plans_with(("workflow.waitlist",))
