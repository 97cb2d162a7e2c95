"""A store made by the release before migrations (schema 1) keeps working after `beoordeling upgrade`."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling import Actor, Role, Store
from beoordeling.cli import cli
from beoordeling.desk import Desk
from beoordeling.errors import StoreError
from beoordeling.workflow import Trigger

from .workflow_support import SUBMITTER

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BEFORE = json.loads((FIXTURES / "store-schema-1.verify.json").read_text(encoding="utf-8"))


@pytest.fixture
def old_store(tmp_path: Path) -> str:
    target = tmp_path / "old.db"
    shutil.copy(FIXTURES / "store-schema-1.db", target)
    return str(target)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_an_old_store_is_refused_with_the_way_out(old_store: str) -> None:
    with pytest.raises(StoreError) as refused:
        Store.open(old_store)
    assert (
        f"the store sqlite:///{old_store} has schema version 1; this beoordeling reads version 2; run "
        "`beoordeling upgrade` to bring it up to date (it keeps every event and its hash)"
    ) == str(refused.value)
    code, output = run("--store", old_store, "list")
    assert 2 == code
    assert "run `beoordeling upgrade`" in output


def test_upgrade_keeps_the_chain_and_its_head(old_store: str) -> None:
    """The 14 events of schema 1 verify as before; the upgrade is event 15, recorded by the real clock."""
    code, output = run("--store", old_store, "upgrade", "--as", "beheer/J. Jansen")
    assert 0 == code, output
    assert f"the chain up to head {BEFORE['head']} is kept" in output
    with Store.open(old_store) as store:
        report = store.verify(expect_head=BEFORE["head"])
        events = list(store.events())
        assert (True, BEFORE["events"] + 1, BEFORE["events"]) == (report.ok, report.count, report.expected_head_at)
        assert [None] * BEFORE["events"] == [e.recorded_at for e in events[:-1]]
        upgrade = events[-1]
        assert ("store.upgraded", "1", "2", BEFORE["head"]) == (
            upgrade.type, upgrade.payload["from"], upgrade.payload["to"], upgrade.payload["head_before"]
        )  # fmt: skip
        assert upgrade.recorded_at is not None
        assert not store.practice
        assert BEFORE["store_id"] == store.store_id
    assert (0, "the store is up to date (schema 2); nothing was changed\n") == run("--store", old_store, "upgrade")


def test_an_upgraded_store_goes_on_working(old_store: str) -> None:
    """Its plans are listed, acted on by the system clock, and its old letter still verifies."""
    Store.upgrade(old_store, SUBMITTER)
    with Store.open(old_store) as store:
        desk = Desk(store)
        assert 7 == len(store.plans())
        submitter = Actor("P. de Vries", "Transmuraal netwerk Leiden", Role.SUBMITTER)
        withdrawn = desk.act("TP-2023-0042", Trigger.WITHDRAW, submitter, reason="Niet meer nodig")
        assert withdrawn.events[-1].recorded_at is not None
        assert store.verify().ok
    code, output = run("--store", old_store, "verify-letter", str(FIXTURES / "store-schema-1-letter.pdf"))
    assert 0 == code, output
    assert "letter TP-2023-0014-B00013 matches the store" in output


def test_an_event_without_recorded_time_after_the_upgrade_is_caught(old_store: str) -> None:
    """From the first event with a recorded time on, every event must have one."""
    Store.upgrade(old_store, SUBMITTER)
    connection = sqlite3.connect(old_store)
    connection.execute("DROP TRIGGER events_no_update")
    connection.execute("UPDATE events SET recorded_at = NULL, recorded_at_text = NULL WHERE seq = 15")
    connection.commit()
    connection.close()
    with Store.open(old_store) as store:
        report = store.verify()
    assert ["event 15 (store.upgraded) was altered: its content no longer matches its hash"] == report.problems


def test_upgrading_nothing_is_an_error(tmp_path: Path) -> None:
    code, output = run("--store", str(tmp_path / "none.db"), "upgrade")
    assert 2 == code
    assert "nothing to upgrade" in output
