"""`beoordeling upgrade`: a store made by an earlier release brought up to this release's schema.

The Alembic migrations (:mod:`.migrations`) run in one write transaction together with a
``store.upgraded`` event that names the schema before and after and the head of the chain as it
was; nothing stored before is changed, so every hash and the old head stay valid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from .._i18n import _
from ..errors import StoreError
from . import _tables as t
from ._engine import DEFAULT_STORE, make_engine, normalise_url, redact, sqlite_path
from .events import Actor, EventType, NewEvent
from .migrations import migrate
from .upgrade_report import UpgradeReport

if TYPE_CHECKING:
    from .store import Store

__all__ = ["upgrade_store"]


def upgrade_store(cls: type[Store], url: str | None, actor: Actor) -> UpgradeReport:
    """Upgrade the store at ``url``; a store already up to date is left as it is."""
    url = normalise_url(url or DEFAULT_STORE)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise StoreError(_("no store at {path}; nothing to upgrade").format(path=path))
    store = cls(make_engine(url), url)
    try:
        with store._engine.connect() as probe:
            if not inspect(probe).has_table("meta"):
                raise StoreError(_("{url} is not a beoordeling store; nothing to upgrade").format(url=redact(url)))
        before = store._schema_version()
        head_before = store.head()
        if before == t.SCHEMA_VERSION:
            store._check_initialised()
            return UpgradeReport(before, before, head_before.hash, head_before.hash, None)
        payload = {"from": before, "to": t.SCHEMA_VERSION, "head_before": head_before.hash,
                   "events_before": head_before.count}  # fmt: skip
        with store._write() as conn:
            migrate(conn, before)
            store.practice = False  # stores of schema 1 kept no recorded time: none was a declared practice store
            [event] = store._append(conn, [NewEvent(EventType.STORE_UPGRADED, actor, payload=payload)])
        store._check_initialised()
        return UpgradeReport(before, t.SCHEMA_VERSION, head_before.hash, event.hash, event)
    except SQLAlchemyError as exc:
        original = getattr(exc, "orig", None) or exc
        raise StoreError(
            _("cannot upgrade the store {url}: {value}").format(
                url=redact(url), value=str(original).strip().splitlines()[0]
            )
        ) from exc
    finally:
        store.close()
