"""Schema migrations of the store, with Alembic (the SQLAlchemy project's own tool).

A store records its schema version in ``meta`` and Alembic's revision in ``alembic_version``.
Revision 0001 is schema 1, the store as releases before migrations made it (they kept no Alembic
revision, so such a store is stamped 0001 first); each later revision takes the schema one step
on. A migration only adds: it never changes or removes an event, so every hash stays as it was.
``beoordeling upgrade`` (:meth:`Store.upgrade`) runs them and records that it did as an event.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect

from ..._i18n import _
from ...errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["migrate", "stamp_current"]

_HERE = Path(__file__).resolve().parent
_BASELINE = {"1": "0001"}
"""The Alembic revision of each schema version made before the store kept one."""


def _config(conn: Connection) -> Config:
    from alembic.config import Config  # noqa: PLC0415  (Alembic loads only when a schema is made or moved)

    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.attributes["connection"] = conn
    return config


def migrate(conn: Connection, from_version: str) -> None:
    """Take the store on ``conn`` (in its write transaction) from ``from_version`` to this release's schema."""
    from alembic import command  # noqa: PLC0415

    config = _config(conn)
    if not inspect(conn).has_table("alembic_version"):
        baseline = _BASELINE.get(from_version)
        if baseline is None:
            raise StoreError(
                _("schema version {from_version!r} is not one this beoordeling can upgrade from").format(
                    from_version=from_version
                )
            )
        command.stamp(config, baseline)
    command.upgrade(config, "head")


def stamp_current(conn: Connection) -> None:
    """Mark a store just created with this release's tables as being at the latest revision."""
    from alembic import command  # noqa: PLC0415

    command.stamp(_config(conn), "head")
