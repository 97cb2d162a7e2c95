"""Shared fixtures: example plans, a controllable clock, stores on SQLite and (when set) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from beoordeling import Actor, Plan, Role, Store, load_plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PG_URL = os.environ.get("BEOORDELING_TEST_DATABASE_URL")

SUBMITTER = Actor("A. de Boer", "Huisartsen Coöperatie Zeeland", Role.SUBMITTER)
INSURER = Actor("J. Jansen", "Zilveren Kruis", Role.COORDINATING_INSURER)


class Clock:
    """A clock that moves only when told to; every call returns the current moment."""

    def __init__(self, start: datetime = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite reads the terminal in English, the language of the messages in the code, so that a
    test pins the message a reader of the code sees; ``tests/test_i18n.py`` checks the Dutch a user
    gets by default, and that every message has it."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANGUAGE", "en")


@pytest.fixture
def dutch_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The terminal as a user meets it by default: Dutch (no locale set)."""
    monkeypatch.delenv("LANGUAGE", raising=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def example_plans() -> dict[str, Plan]:
    return {path.stem: load_plan(path) for path in EXAMPLES}


def _pg_database() -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards."""
    assert PG_URL is not None
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for a store that does not exist yet, on each database the tests can reach."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    if PG_URL is None:
        pytest.skip("set BEOORDELING_TEST_DATABASE_URL to run the store tests on PostgreSQL")
    yield from _pg_database()


@pytest.fixture
def store(store_url: str, clock: Clock) -> Iterator[Store]:
    """An initialised, empty practice store on the test's clock. It is made on 1 January 2020, so
    that a test can walk a plan on any later date (a store's recorded time never runs backwards)."""
    with Store.open(store_url, create=True, clock=clock) as opened:
        start, clock.now = clock.now, datetime(2020, 1, 1, 9, 0, tzinfo=UTC)
        opened.initialise(INSURER, practice=True)
        clock.now = start
        yield opened
