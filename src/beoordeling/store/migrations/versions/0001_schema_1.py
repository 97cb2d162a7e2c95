"""Schema 1: the store as releases before migrations made it (events, plan versions, register, meta).

Revision ID: 0001
"""

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to do: a store of schema 1 was created whole by the release that made it."""


def downgrade() -> None:
    """Nothing before schema 1."""
