"""Alembic's entry point: run the migrations on the connection the store hands over (in its own
write transaction, so an upgrade is stored whole or not at all)."""

from alembic import context

from beoordeling.store._tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
