"""Opening a database: the store URL, SQLite's durability settings, and write locking.

SQLite runs in WAL mode with ``synchronous=NORMAL``: a committed transaction survives a crash of
the process (not necessarily a power cut; set ``BEOORDELING_SQLITE_SYNC=FULL`` for that). Write
transactions start with ``BEGIN IMMEDIATE`` so that two processes serialise instead of failing
halfway. On PostgreSQL a write transaction takes an exclusive lock on the events table, which
serialises appends to the one chain while readers go on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .._i18n import _
from ..errors import ConfigurationError

WRITE = "beoordeling_write"
DEFAULT_STORE = "beoordeling.db"


def normalise_url(url: str) -> str:
    """Accept a plain file path for SQLite, and pick the psycopg driver for PostgreSQL."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            _("{url!r} is not a store URL; use a file path, sqlite:///FILE or postgresql://USER@HOST/DB").format(
                url=url
            )
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        try:
            return create_engine(url, pool_pre_ping=True)
        except ImportError as exc:
            raise ConfigurationError(
                _("PostgreSQL needs the psycopg driver: pip install 'beoordeling[postgres]'")
            ) from exc
    raise ConfigurationError(
        _("unsupported store {url!r}: beoordeling works with SQLite and PostgreSQL").format(url=redact(url))
    )


def _configure_sqlite(engine: Engine) -> None:
    sync = os.environ.get("BEOORDELING_SQLITE_SYNC", "NORMAL").upper()
    if sync not in ("NORMAL", "FULL"):
        raise ConfigurationError(_("BEOORDELING_SQLITE_SYNC must be NORMAL or FULL; found {sync!r}").format(sync=sync))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event, not the driver, decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={sync}")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
