"""The store's tables (SQLAlchemy Core), and the database-side guard that keeps history append-only."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

SCHEMA_VERSION = "2"
"""Schema 2 added each event's recorded time and the adopted policies; `beoordeling upgrade` takes a
store from 1 to 2 (store/migrations/)."""

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("type", String(64), nullable=False),
    Column("actor", String(300), nullable=False),
    Column("organisation", String(300), nullable=False),
    Column("role", String(40), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),  # when it takes effect (stated, bounded)
    Column("occurred_at_text", String(40), nullable=False),
    Column("plan_id", String(64), index=True),
    Column("plan_version", Integer),
    Column("reason", Text),
    Column("payload", Text, nullable=False),
    Column("groups", Text, nullable=False),
    Column("rules_version", String(100)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # When the store wrote the event, by its own clock; NULL only for events of schema 1.
    Column("recorded_at", DateTime(timezone=True)),
    Column("recorded_at_text", String(40)),
    # No index on hash: random keys would triple the cost of every append (see bench/), and an
    # event is found by its sequence number; verify walks the chain anyway.
)

plan_versions = Table(
    "plan_versions",
    metadata,
    Column("plan_id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("content", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("created_seq", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The policy files the BO IZA adopted, each recorded by a policy.adopted event (append-only).
policy_versions = Table(
    "policy_versions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),  # the adopting event
    Column("policy_id", String(64), nullable=False),
    Column("document", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
)

# A projection of the event log for fast listing; rebuilt from events, checked by verify.
plans = Table(
    "plans",
    metadata,
    Column("plan_id", String(64), primary_key=True),
    Column("title", String(300), nullable=False),
    Column("latest_version", Integer, nullable=False),
    Column("state", String(64), nullable=False),
    Column("region", String(300)),
    Column("region_reference", String(300)),
    Column("theme", String(64)),
    Column("sectors", Text, nullable=False),
    Column("insurers", Text, nullable=False),
    Column("requests_funds", Boolean, nullable=False),
    Column("amount_requested", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("last_seq", Integer, nullable=False),  # the last event that moved the plan; notes leave it alone
)

APPEND_ONLY = ("events", "plan_versions", "policy_versions")


def append_only_ddl(dialect: str) -> list[str]:
    """Triggers that refuse UPDATE and DELETE on the history tables, for this database."""
    statements: list[str] = []
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        statements.append(
            "CREATE OR REPLACE FUNCTION beoordeling_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END $$"
        )
        for table in APPEND_ONLY:
            statements.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            statements.append(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION beoordeling_append_only()"
            )
    return statements
