"""Schema 2: each event's recorded time (the store's own clock), adopted policies, practice stores.

Events written before this revision keep their hashes: they have no recorded time (NULL) and hash
as they always did; every event written after it has one, inside its hash.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from beoordeling._i18n import _
from beoordeling.errors import StoreError
from beoordeling.store._tables import append_only_ddl, meta

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("events", sa.Column("recorded_at_text", sa.String(40), nullable=True))
    op.create_table(
        "policy_versions",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("policy_id", sa.String(64), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    )
    for statement in append_only_ddl(op.get_bind().dialect.name):
        op.execute(statement)
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="2"))
    # A store of schema 1 kept no recorded time, so none was a declared practice store.
    op.execute(meta.insert().values(key="practice", value="false"))


def downgrade() -> None:
    raise StoreError(_("a store is never taken back to an earlier schema: its record only grows"))
