"""The store: plan versions and the event log, in SQLite by default or PostgreSQL.

Every change is an event appended to one hash chain, in the same transaction as the data it
describes. Each event is stamped with the store's own clock when it is written (``recorded_at``,
never a value from the caller, never earlier than the event before it); the moment it takes effect
may be stated by the caller, never later than that. A store made for practice (the demo, training,
tests) runs on a simulated clock and says so in every event's hash; a real store refuses one.

Versions of a plan are never changed: importing or editing a plan adds a version, and a change
must say which version it was based on (optimistic concurrency). History tables are guarded
by database triggers, so no code path, ours or another, can update or delete them unnoticed.
"""

from __future__ import annotations

import json
import typing
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, Self

from sqlalchemy import Connection, Engine, Row, Text, cast, false, func, inspect, literal, or_, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from .._canonical import canonical_json, sha256_hex
from .._i18n import _
from .._time import AMSTERDAM, local_date
from ..errors import AppendedSince, InputError, PlanNotFound, Problem, StoreError
from ..model import NOTE_EVENT_PREFIXES, Plan, PlanState
from . import _tables as t
from ._engine import DEFAULT_STORE, WRITE, make_engine, normalise_url, redact, sqlite_path
from .asof import Reading
from .events import GENESIS_HASH, Actor, Event, EventType, NewEvent, event_hash, utc_text
from .migrations import stamp_current
from .records import (
    Head,
    PlanSummary,
    SaveResult,
    StoredPlan,
    VersionInfo,
    aware,
    event_of,
    event_reader,
    summary_of,
    version_info_of,
)
from .upgrade import upgrade_store
from .upgrade_report import UpgradeReport
from .verify import VerifyReport, verify_records
from .versions import save_version

__all__ = ["Clock", "PlanAppend", "Selection", "Store", "UpgradeReport", "system_clock"]

Clock = Callable[[], datetime]
_PAGE = 5_000
_RESERVED = {
    "store.": "the store writes its own events",
    "plan.": "plan versions are stored with save_plans",
    "workflow.": "workflow events are appended by the desk (Desk.act), which checks them against the workflow",
    "policy.": "a policy is adopted with adopt_policy",
    "programme.": "a programme is adopted with adopt_programme",
    NOTE_EVENT_PREFIXES[0]: "notes about a plan are appended with append_notes",
}


@dataclass(frozen=True)
class PlanAppend:
    """One plan's part of :meth:`Store.append_to_plans`: its events, the event they were decided on
    (the plan's ``last_seq`` then) and its state after them."""

    plan_id: str
    events: tuple[NewEvent, ...]
    expected_last_seq: int
    state: PlanState


class _Tip(typing.NamedTuple):
    """The last event of the store: what the next one follows on from."""

    seq: int
    hash: str
    recorded_at_text: str | None

    @classmethod
    def of(cls, event: Event) -> _Tip:
        recorded = event.recorded_at
        return cls(event.seq, event.hash, utc_text(recorded) if recorded is not None else None)


_TIP_SQL = "SELECT seq, hash, recorded_at_text FROM events ORDER BY seq DESC LIMIT 1"


@dataclass(frozen=True)
class Selection:
    """Which events a read keeps (``Store.events(selection=...)``): every event of one of
    ``types``, every event of one of ``plans``, and every event that counts from ``since`` or
    later (by when it took effect, or with ``recorded`` by when the store wrote it). A reader that
    needs a few kinds of events of a big store reads those without the database handing over the
    rest: the budget-fit check of a fresh desk reads the money's events, not every judgement."""

    types: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    since: datetime | None = None
    recorded: bool = False

    def __post_init__(self) -> None:
        if len(self.plans) > MAX_SELECTED_PLANS:
            raise ValueError(f"a selection names at most {MAX_SELECTED_PLANS:,} plans, not {len(self.plans):,}")


MAX_SELECTED_PLANS = 10_000
"""The most plans a :class:`Selection` names (they are bound parameters of one statement; SQLite
takes some 32,000)."""

_READ_COLUMNS = tuple(c for c in t.events.c if c.name not in ("occurred_at", "recorded_at"))
"""The events' columns as :meth:`Store.events` reads them: the moments as their text."""


def system_clock() -> datetime:
    return datetime.now(UTC)


class Store:
    """A beoordeling store. Open it with :meth:`open`; use it as a context manager to close it."""

    def __init__(self, engine: Engine, url: str, clock: Clock | None = None) -> None:
        self._engine = engine
        self.url = url
        self._clock: Clock = clock or system_clock
        self._simulated = clock is not None
        self.practice = False
        """A practice store (``init --practice``): its clock is simulated, and everything it
        produces says it is an example."""
        self._postgres = engine.dialect.name == "postgresql"
        self._insert_sql: str | None = None
        self._time_processor: Callable[[Any], Any] | Literal[False] | None = False
        self._insert_positional = True

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None, *, create: bool = False, clock: Clock | None = None) -> Self:
        """Open the store at ``url`` (a file path or SQLAlchemy URL; default ``beoordeling.db``).

        Without ``create`` a store that does not exist yet is an error, so that a mistyped path
        never silently starts an empty store. A ``clock`` (a simulated one) is accepted only by a
        practice store; a real store always records by the system clock.
        """
        url = normalise_url(url or DEFAULT_STORE)
        path = sqlite_path(url)
        if path is not None and not create and not path.exists():
            raise StoreError(
                _("no store at {path}; create one with `beoordeling init` (or pass --store)").format(path=path)
            )
        if path is not None and create:
            path.parent.mkdir(parents=True, exist_ok=True)
        store = cls(make_engine(url), url, clock)
        if not create:
            try:
                store._check_initialised()
                if clock is not None:
                    store.simulate(clock)
            except BaseException:
                store.close()
                raise
        return store

    def simulate(self, clock: Clock) -> None:
        """Run a practice store on ``clock`` from now on (the demo's story, a training session's
        ``--on``). A real store refuses: its events are recorded by the system clock only."""
        if not self.practice:
            raise StoreError(
                _(
                    "{url} is a real store: it records events by the system clock, never a simulated one; a "
                    "simulated clock is for a practice store (`beoordeling init --practice`)"
                ).format(url=redact(self.url))
            )
        self._clock, self._simulated = clock, True

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({redact(self.url)!r})"

    @property
    def initialised(self) -> bool:
        """Whether the database holds a store yet (an empty file or PostgreSQL database does not)."""
        try:
            with self._engine.connect() as conn:
                return bool(inspect(conn).has_table("meta"))
        except SQLAlchemyError as exc:
            raise StoreError(
                _("cannot open the store {url}: {exc}").format(url=redact(self.url), exc=_reason(exc))
            ) from exc

    def _check_initialised(self) -> None:
        try:
            with self._engine.connect() as conn:
                if not inspect(conn).has_table("meta"):
                    raise StoreError(
                        _("{url} is not a beoordeling store yet; run `beoordeling init`").format(url=redact(self.url))
                    )
                meta = {row.key: row.value for row in conn.execute(select(t.meta.c.key, t.meta.c.value))}
        except SQLAlchemyError as exc:
            raise StoreError(
                _("cannot open the store {url}: {exc}").format(url=redact(self.url), exc=_reason(exc))
            ) from exc
        version = meta.get("schema_version")
        if version != t.SCHEMA_VERSION:
            older = version is not None and version.isdigit() and int(version) < int(t.SCHEMA_VERSION)
            message = (
                _(
                    "the store {url} has schema version {version}; this beoordeling reads version {expected}; "
                    "run `beoordeling upgrade` to bring it up to date (it keeps every event and its hash)"
                )
                if older
                else _("the store {url} has schema version {version}; this beoordeling reads version {expected}")
            )
            raise StoreError(message.format(url=redact(self.url), version=version, expected=t.SCHEMA_VERSION))
        self.practice = meta.get("practice") == "true"

    def initialise(self, actor: Actor, *, practice: bool = False) -> Event:
        """Create the tables and the first event, which names the store and says whether it is a
        practice store (a simulated clock). Refuses an existing store, and a simulated clock for a
        real one."""
        if self._simulated and not practice:
            raise StoreError(
                _(
                    "a real store records events by the system clock; a simulated clock is only for a "
                    "practice store (initialise(..., practice=True), `beoordeling init --practice`)"
                )
            )
        try:
            t.metadata.create_all(self._engine)
            with self._write() as conn:
                existing = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "store_id")).scalar()
                if existing is not None:
                    raise StoreError(
                        _("{url} is already a beoordeling store ({existing})").format(
                            url=redact(self.url), existing=existing
                        )
                    )
                for statement in t.append_only_ddl(self._engine.dialect.name):
                    conn.exec_driver_sql(statement)
                store_id = str(uuid.uuid4())
                conn.execute(
                    t.meta.insert(),
                    [
                        {"key": "schema_version", "value": t.SCHEMA_VERSION},
                        {"key": "store_id", "value": store_id},
                        {"key": "practice", "value": "true" if practice else "false"},
                    ],
                )
                stamp_current(conn)
                self.practice = practice
                genesis = NewEvent(
                    EventType.STORE_INITIALISED,
                    actor,
                    payload={
                        "store_id": store_id,
                        "schema_version": t.SCHEMA_VERSION,
                        "practice": practice,
                        "clock": "simulated" if practice else "system",
                    },
                )
                return self._append(conn, [genesis])[0]
        except SQLAlchemyError as exc:
            raise StoreError(
                _("cannot create the store {url}: {exc}").format(url=redact(self.url), exc=_reason(exc))
            ) from exc

    @property
    def store_id(self) -> str:
        with self._read() as conn:
            value = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "store_id")).scalar()
        return str(value)

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction; writers are serialised (see _engine.py)."""
        with self._engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                if self._postgres:
                    conn.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")
                yield conn

    @contextmanager
    def _read(self, *, snapshot: bool = False) -> Iterator[Connection]:
        """A read transaction; ``snapshot`` makes every statement in it see the same moment
        (SQLite's transactions always do; PostgreSQL needs REPEATABLE READ for it)."""
        try:
            with self._engine.connect() as conn:
                if snapshot and self._postgres:
                    conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            raise StoreError(
                _("cannot read the store {url}: {exc}").format(url=redact(self.url), exc=_reason(exc))
            ) from exc

    # --- events -------------------------------------------------------------------------------

    def append(self, new_events: Sequence[NewEvent]) -> list[Event]:
        """Append events of other kinds than the store's own in one transaction: all of them are
        stored, or none. Store, plan, workflow, policy and note events have their own paths, each
        with the checks its kind needs, and are refused here."""
        for new in new_events:
            for prefix, why in _RESERVED.items():
                if str(new.type).startswith(prefix):
                    raise StoreError(
                        _("event type {type!r} cannot be appended as it is: {why}").format(type=str(new.type), why=why)
                    )
            if new.occurred_at is not None:
                raise StoreError(
                    _(
                        "event type {type!r} states when it took effect; only the desk dates an event, within "
                        "the bounds of the policy in force; nothing was stored"
                    ).format(type=str(new.type))
                )
        try:
            with self._write() as conn:
                return self._append(conn, new_events)
        except SQLAlchemyError as exc:
            raise StoreError(
                _("cannot append to the store {url}: {exc}").format(url=redact(self.url), exc=_reason(exc))
            ) from exc

    def append_to_plan(
        self, plan_id: str, new_events: Sequence[NewEvent], *, expected_last_seq: int, state: PlanState
    ) -> list[Event]:
        """Append a plan's workflow events and set its state, in one transaction, only if nothing
        happened to the plan since event ``expected_last_seq`` (what the action was decided on).

        The workflow's hot path: its two register statements go to the driver directly, as the
        event insert does (bench/workflow_walk.py)."""
        return self.append_to_plans([PlanAppend(plan_id, tuple(new_events), expected_last_seq, state)])

    def append_to_plans(self, batches: Sequence[PlanAppend], *, after: int | None = None) -> list[Event]:
        """Append the workflow events of several plans in one transaction (an action on one plan
        that moves another, as a withdrawal that funds the head of the waiting list): every plan must
        be unchanged since its batch was decided, or nothing is stored.

        ``after``: the action was decided on the whole store as it stood at that event (a budget-fit
        check reads the money of every plan), so nothing may have been appended since; otherwise
        :class:`AppendedSince` and nothing is stored. Writers are serialised, so the check and
        the append see the same store."""
        try:
            with self._write() as conn:
                mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
                tip = self._tip(conn)  # read once: for the check, and each batch follows on from the last
                if after is not None and (tip.seq if tip else 0) != after:
                    raise AppendedSince(after, tip.seq if tip else 0)
                stored_all: list[Event] = []
                for batch in batches:
                    stored = self._append(conn, batch.events, tip)
                    if stored:
                        tip = _Tip.of(stored[-1])
                    # The register moves only if the plan is where the action was decided on; the
                    # condition is the check (one statement, and on PostgreSQL the row lock makes a
                    # concurrent action wait and then find the plan moved). Nothing is kept otherwise.
                    moved = stored and conn.exec_driver_sql(
                        f"UPDATE plans SET state = {mark}, updated_at = {mark}, last_seq = {mark} "  # noqa: S608
                        f"WHERE plan_id = {mark} AND last_seq = {mark}",
                        (batch.state.value, self._bind_time(conn, stored[-1].occurred_at), stored[-1].seq,
                         batch.plan_id, batch.expected_last_seq),
                    ).rowcount == 1  # fmt: skip
                    if not moved:
                        self._check_unchanged(conn, batch, mark)
                        if stored:  # unreachable while the register's row is the plan's
                            raise StoreError(_("the plan register did not move; nothing was stored"))
                    stored_all.extend(stored)
                return stored_all
        except SQLAlchemyError as exc:
            raise StoreError(
                _("cannot append to the store {url}: {exc}").format(url=redact(self.url), exc=_reason(exc))
            ) from exc

    @staticmethod
    def _check_unchanged(conn: Connection, batch: PlanAppend, mark: str) -> None:
        """Refuse the batch unless its plan exists and is at the event its action was decided on."""
        current = conn.exec_driver_sql(
            f"SELECT last_seq FROM plans WHERE plan_id = {mark}",  # noqa: S608 - a placeholder, not data
            (batch.plan_id,),
        ).scalar()
        if current is None:
            raise PlanNotFound(batch.plan_id)
        if current != batch.expected_last_seq:
            raise StoreError(
                _(
                    "plan {plan_id!r} changed while this action was being decided (event {current}); "
                    "nothing was stored; run the command again"
                ).format(plan_id=batch.plan_id, current=current)
            )

    def append_notes(self, new_events: Sequence[NewEvent]) -> list[Event]:
        """Append events that note something about plans without moving them (a letter issued), in
        one transaction. The register's ``last_seq`` stays where it was: a note changes nothing an
        action is decided on, so an assessor who read the plan before the letter went out can still
        act (``PlanRecord.basis_seq``)."""
        try:
            with self._write() as conn:
                stored = self._append(conn, new_events)
                named: set[str] = set()
                for event in stored:
                    if event.plan_id is None:
                        raise StoreError(
                            _("a note must name its plan; event type {type!r} names none").format(type=event.type)
                        )
                    if not event.type.startswith(NOTE_EVENT_PREFIXES):
                        raise StoreError(
                            _("event type {type!r} is no note (those begin with {note_event_prefixes})").format(
                                type=event.type, note_event_prefixes=NOTE_EVENT_PREFIXES
                            )
                        )
                    named.add(event.plan_id)
                found = set(conn.execute(select(t.plans.c.plan_id).where(t.plans.c.plan_id.in_(named))).scalars())
                if missing := sorted(named - found):
                    raise PlanNotFound(missing[0])
                return stored
        except SQLAlchemyError as exc:
            raise StoreError(
                _("cannot append to the store {url}: {exc}").format(url=redact(self.url), exc=_reason(exc))
            ) from exc

    def now(self) -> datetime:
        """The store's clock: the time the next event is recorded at (a practice store's simulated
        clock, else the system's)."""
        return aware(self._clock())

    def last_seq(self) -> int:
        """The number of the last event in the store (0 before any): whether anything was appended
        since a reading, without reading anything else."""
        with self._read() as conn:
            return int(conn.exec_driver_sql("SELECT max(seq) FROM events").scalar() or 0)

    def last_recorded_at(self) -> datetime | None:
        """When the store recorded its last event (None before schema 2 recorded any)."""
        with self._read() as conn:
            text = conn.execute(select(t.events.c.recorded_at_text).order_by(t.events.c.seq.desc()).limit(1)).scalar()
        return datetime.fromisoformat(text) if text else None

    @staticmethod
    def _tip(conn: Connection) -> _Tip | None:
        """The last event's number, hash and recording time (None in an empty store), in the
        write transaction that appends after it. Every append asks it, so the statement goes to
        the driver as it is: through SQLAlchemy's compiled-statement path it took over a third of
        the time of a small append (bench/workflow_walk.py's baseline, 3,000 plans: 3,248 events/s
        then, 5,186 now)."""
        row = conn.exec_driver_sql(_TIP_SQL).first()
        return _Tip(row[0], row[1], row[2]) if row else None

    def _append(
        self, conn: Connection, new_events: Sequence[NewEvent], tip: _Tip | Literal[False] | None = False
    ) -> list[Event]:
        """Store ``new_events`` after ``tip``, the last event as this transaction already read it
        (by default it is read here)."""
        last = self._tip(conn) if tip is False else tip
        seq, prev = (last.seq, last.hash) if last else (0, GENESIS_HASH)
        moment = aware(self._clock())
        moment_text = utc_text(moment)
        if last is not None and last.recorded_at_text and last.recorded_at_text > moment_text:
            # The record's time never runs backwards, whatever the machine's clock does: the same
            # fixed-width UTC text compares as the moments do.
            moment_text = last.recorded_at_text
            moment = datetime.fromisoformat(moment_text)
        stored_moment = self._bind_time(conn, moment)
        practice = self.practice
        # Events of one batch often share their groups; encode and copy each distinct mapping once.
        encoded_groups: dict[int, tuple[str, dict[str, Any]]] = {}
        rows: list[tuple[Any, ...]] = []
        stored: list[Event] = []
        for new in new_events:
            seq += 1
            actor = new.actor
            payload = canonical_json(new.payload)
            shared = encoded_groups.get(id(new.groups))
            if shared is None:
                shared = encoded_groups[id(new.groups)] = (canonical_json(new.groups), dict(new.groups))
            groups, groups_copy = shared
            role = actor.role.value
            kind = str(new.type)
            occurred, occurred_text, stored_occurred = moment, moment_text, stored_moment
            if new.occurred_at is not None and new.occurred_at != moment:
                occurred = aware(new.occurred_at)
                occurred_text = utc_text(occurred)
                if occurred_text > moment_text:
                    raise StoreError(
                        _(
                            "event {kind!r} would take effect at {occurred_text}, after the store records it "
                            "({moment_text}); an event cannot take effect in the future; nothing was stored"
                        ).format(kind=kind, occurred_text=occurred_text, moment_text=moment_text)
                    )
                stored_occurred = self._bind_time(conn, occurred)
                if new.plan_id is not None:
                    self._check_plan_order(conn, new.plan_id, occurred, stored, kind)
            digest = event_hash(
                seq, kind, actor.name, actor.organisation, role, occurred_text, new.plan_id, new.plan_version,
                new.reason, payload, groups, new.rules_version, prev, moment_text, practice,
            )  # fmt: skip
            rows.append(
                (
                    seq, kind, actor.name, actor.organisation, role, stored_occurred, occurred_text,
                    new.plan_id, new.plan_version, new.reason, payload, groups, new.rules_version, prev, digest,
                    stored_moment, moment_text,
                )
            )  # fmt: skip
            stored.append(
                Event(
                    seq, kind, actor, occurred, new.plan_id, new.plan_version, new.reason, dict(new.payload),
                    groups_copy, new.rules_version, prev, digest, moment,
                )
            )  # fmt: skip
            prev = digest
        if rows:
            self._insert_events(conn, rows)
        return stored

    @staticmethod
    def _check_plan_order(conn: Connection, plan_id: str, occurred: datetime, batch: list[Event], kind: str) -> None:
        """A stated moment is never on a day before the plan's last event (by Dutch calendar day)."""
        earlier = [e.occurred_at for e in batch if e.plan_id == plan_id]
        if not earlier:
            text = conn.execute(
                select(t.events.c.occurred_at_text)
                .where(t.events.c.plan_id == plan_id)
                .order_by(t.events.c.seq.desc())
                .limit(1)
            ).scalar()
            earlier = [datetime.fromisoformat(text)] if text else []
        if earlier and local_date(occurred) < local_date(earlier[-1]):
            raise StoreError(
                _(
                    "event {kind!r} of plan {plan_id} would take effect on {date}, before the plan's last "
                    "event ({last}); nothing was stored"
                ).format(
                    kind=kind,
                    plan_id=plan_id,
                    date=local_date(occurred).isoformat(),
                    last=local_date(earlier[-1]).isoformat(),
                )
            )

    _EVENT_COLUMNS = (
        "seq", "type", "actor", "organisation", "role", "occurred_at", "occurred_at_text", "plan_id",
        "plan_version", "reason", "payload", "groups", "rules_version", "prev_hash", "hash", "recorded_at",
        "recorded_at_text",
    )  # fmt: skip

    def _insert_events(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        """One executemany straight to the driver: the statement is compiled once per store, and
        the one value that needs converting (the time) was converted once per batch. Through
        SQLAlchemy's per-row parameter handling an append costs about half as much again (bench/)."""
        if self._insert_sql is None:
            compiled = t.events.insert().compile(dialect=conn.dialect)
            self._insert_sql = str(compiled)
            self._insert_positional = bool(compiled.positional)
            if compiled.positional and tuple(compiled.positiontup or ()) != self._EVENT_COLUMNS:
                raise StoreError(_("the events table's columns differ from what this beoordeling writes"))
        params: list[Any] = rows
        if not self._insert_positional:
            params = [dict(zip(self._EVENT_COLUMNS, row, strict=True)) for row in rows]
        conn.exec_driver_sql(self._insert_sql, params)

    def _bind_time(self, conn: Connection, moment: datetime) -> Any:
        """The time as the database driver takes it (SQLite: SQLAlchemy's text form); the
        converter is looked up once per store (its engine has one dialect)."""
        if self._time_processor is False:
            self._time_processor = t.events.c.occurred_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        processor = self._time_processor
        return processor(moment) if processor else moment

    def events(
        self,
        plan_id: str | None = None,
        *,
        after: int = 0,
        until: int | None = None,
        types: Sequence[str] | None = None,
        leaving_out: Sequence[str] = (),
        numbers: Iterable[int] | None = None,
        without: Sequence[str] = (),
        selection: Selection | None = None,
    ) -> Iterator[Event]:
        """Events in order, optionally of one plan, up to number ``until``, of some types only or
        without some, those numbered ``numbers`` only, or those a :class:`Selection` keeps, read
        page by page. The moments are read from their exact text (what the hash covers), not
        through the driver's datetime columns, which SQLite's dialect parses with a regular
        expression (bench/budget_postings.py).

        ``without`` names top-level payload keys the database leaves out before handing the
        payload over: a decision's stored assessment is most of its bytes, and the database's JSON
        is several times faster than Python's at skipping it (bench/stats_quarter.py). Such a
        payload is for reading, not for checking the chain: its text is not what the hash covers."""
        columns = _READ_COLUMNS
        if without:
            columns = tuple(self._payload_without(without) if c is t.events.c.payload else c for c in columns)
        if numbers is None:
            chunks: Iterable[Sequence[int] | None] = (None,)
        else:
            wanted = sorted(set(numbers))
            chunks = (wanted[i : i + _PAGE] for i in range(0, len(wanted), _PAGE))
        read = event_reader([column.name for column in columns])
        for chunk in chunks:
            rows = self._event_rows(
                plan_id, after, until, columns=columns, types=types, leaving_out=leaving_out, numbers=chunk,
                selection=selection,
            )  # fmt: skip
            for row in rows:
                yield read(row)

    def last_seq_as_of(self, day: date, reading: Reading) -> int:
        """The number of the last event that belongs to the record as of the end of ``day`` (Dutch
        time) in ``reading``: no event after it does, so a view as of that day need read no further
        (:func:`.asof.events_as_of` still sorts out those before it). 0 when none does."""
        bound = utc_text(datetime.combine(day + timedelta(days=1), time(0), AMSTERDAM))
        column: Any = t.events.c.occurred_at_text
        if reading is Reading.KNOWN:
            column = func.coalesce(t.events.c.recorded_at_text, t.events.c.occurred_at_text)
        with self._read() as conn:
            found = conn.execute(select(func.max(t.events.c.seq)).where(column < bound)).scalar()
        return int(found or 0)

    def event(self, seq: int) -> Event | None:
        """Event number ``seq``, if the store has it."""
        with self._read() as conn:
            row = conn.execute(select(t.events).where(t.events.c.seq == seq)).first()
        return event_of(row) if row is not None else None

    def _event_rows(
        self,
        plan_id: str | None = None,
        after: int = 0,
        until: int | None = None,
        *,
        columns: Sequence[Any] = (),
        types: Sequence[str] | None = None,
        leaving_out: Sequence[str] = (),
        numbers: Sequence[int] | None = None,
        selection: Selection | None = None,
    ) -> Iterator[Row[Any]]:
        selected = self._selected(selection) if selection is not None else None
        while True:
            chosen = select(*columns) if columns else select(t.events)
            query = chosen.where(t.events.c.seq > after).order_by(t.events.c.seq).limit(_PAGE)
            if until is not None:
                query = query.where(t.events.c.seq <= until)
            if plan_id is not None:
                query = query.where(t.events.c.plan_id == plan_id)
            if types is not None:
                query = query.where(t.events.c.type.in_(list(types)))
            if leaving_out:
                query = query.where(t.events.c.type.not_in(list(leaving_out)))
            if numbers is not None:
                query = query.where(t.events.c.seq.in_(list(numbers)))
            if selected is not None:
                query = query.where(selected)
            with self._read() as conn:
                rows = conn.execute(query).all()
            yield from rows
            if len(rows) < _PAGE:
                return
            after = rows[-1].seq

    @staticmethod
    def _selected(selection: Selection) -> Any:
        """The SQL condition of ``selection``: any of its parts (none given: no event)."""
        columns = t.events.c
        parts: list[Any] = []
        if selection.types:
            parts.append(columns.type.in_(list(selection.types)))
        if selection.plans:
            parts.append(columns.plan_id.in_(list(selection.plans)))
        if selection.since is not None:
            moment: Any = columns.occurred_at_text
            if selection.recorded:
                moment = func.coalesce(columns.recorded_at_text, columns.occurred_at_text)
            parts.append(moment >= utc_text(selection.since))  # fixed-width UTC text compares as the moments do
        return or_(*parts) if parts else false()

    def plans_with(self, types: Sequence[str], *, until: int | None = None) -> list[str]:
        """The plans with an event of one of ``types`` (up to number ``until``), in order of id."""
        columns = t.events.c
        query = select(columns.plan_id).distinct().where(columns.type.in_(list(types)), columns.plan_id.is_not(None))
        if until is not None:
            query = query.where(columns.seq <= until)
        with self._read() as conn:
            return sorted(conn.execute(query).scalars())

    def head(self) -> Head:
        with self._read() as conn:
            last = conn.execute(
                select(t.events.c.seq, t.events.c.hash).order_by(t.events.c.seq.desc()).limit(1)
            ).first()
            count = conn.execute(select(func.count()).select_from(t.events)).scalar_one()
        return Head(count, last.hash if last else GENESIS_HASH)

    # --- plans --------------------------------------------------------------------------------

    def save_plan(
        self, plan: Plan, actor: Actor, *, reason: str | None = None, occurred_at: datetime | None = None
    ) -> SaveResult:
        """Store a plan as a new version; see :meth:`save_plans`."""
        return self.save_plans([plan], actor, reason=reason, occurred_at=occurred_at)[0]

    def save_plans(
        self,
        plans: Sequence[Plan],
        actor: Actor,
        *,
        reason: str | None = None,
        occurred_at: datetime | None = None,
    ) -> list[SaveResult]:
        """Store plans in one transaction: every plan is saved, or none is. ``occurred_at`` is
        when the versions take effect if the caller states it (the desk bounds it); by default,
        when they are recorded.

        A plan new to the store becomes version 1. A plan already stored must name the version it
        was based on (``plan.version``), and that must still be the latest; otherwise the change is
        refused with :class:`ConflictError`. A plan whose content equals its latest version is left
        as it is (no new version, no event).
        """
        ids = [plan.id for plan in plans]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise InputError(
                [
                    Problem(_("plan {i!r} is given more than once; import one version at a time").format(i=i))
                    for i in repeated
                ]
            )
        try:
            with self._write() as conn:
                return [self._save(conn, plan, actor, reason, occurred_at) for plan in plans]
        except IntegrityError as exc:
            # Only reachable if the database's locking was bypassed; the constraint still holds.
            raise StoreError(_("a concurrent change won; nothing was stored ({exc})").format(exc=_reason(exc))) from exc
        except SQLAlchemyError as exc:
            raise StoreError(
                _("cannot save to the store {url}: {exc}").format(url=redact(self.url), exc=_reason(exc))
            ) from exc

    def _save(
        self, conn: Connection, plan: Plan, actor: Actor, reason: str | None, occurred_at: datetime | None
    ) -> SaveResult:
        return save_version(conn, self._append, plan, actor, reason=reason, occurred_at=occurred_at)

    def plan(self, plan_id: str, version: int | None = None) -> StoredPlan:
        """A stored version of a plan (the latest unless ``version`` is given)."""
        v, p = t.plan_versions, t.plans
        wanted = v.c.version == (version if version is not None else p.c.latest_version)
        query = (
            select(v, p.c.state, p.c.latest_version)
            .join(p, p.c.plan_id == v.c.plan_id)
            .where(v.c.plan_id == plan_id, wanted)
        )  # one query: the desk reads a plan for nearly every action (bench/workflow_walk.py)
        with self._read() as conn:
            row = conn.execute(query).first()
            if row is None:
                current = conn.execute(select(p.c.latest_version).where(p.c.plan_id == plan_id)).first()
                raise PlanNotFound(plan_id) if current is None else PlanNotFound(plan_id, version)
        # JSON straight into the model (pydantic parses it itself); the version is the store's
        plan = Plan.model_validate_json(row.content).model_copy(update={"version": row.version})
        return StoredPlan(plan, version_info_of(row), PlanState(row.state), row.latest_version)

    def plan_version(self, plan_id: str, version: int) -> Plan:
        """One stored version of a plan as its model, without the version's record: what the desk
        reads for nearly every action, so the statement goes to the driver as it is (a third of
        the cost of :meth:`plan`, whose query SQLAlchemy builds and whose row it converts)."""
        with self._read() as conn:
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            row = conn.exec_driver_sql(
                f"SELECT content FROM plan_versions WHERE plan_id = {mark} AND version = {mark}",  # noqa: S608
                (plan_id, version),
            ).first()
        if row is None:
            return self.plan(plan_id, version).plan  # refuses with the hint of a missing plan or version
        return Plan.model_validate_json(row[0]).model_copy(update={"version": version})

    def latest_plans(
        self, batch: int = 500, *, states: Collection[PlanState] | None = None
    ) -> Iterator[tuple[Plan, PlanState]]:
        """The latest version of every plan (or of those in ``states``) with the state the plan is
        in, in plan order, read ``batch`` plans at a time (so that a reader of every plan, such as
        ``rules impact``, never holds them all)."""
        v, p = t.plan_versions, t.plans
        last = ""
        while True:
            query = (
                select(v.c.plan_id, v.c.version, v.c.content, p.c.state)
                .join(p, (p.c.plan_id == v.c.plan_id) & (p.c.latest_version == v.c.version))
                .where(v.c.plan_id > last)
                .order_by(v.c.plan_id)
                .limit(batch)
            )
            if states is not None:
                query = query.where(p.c.state.in_([state.value for state in states]))
            with self._read() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                plan = Plan.model_validate_json(row.content).model_copy(update={"version": row.version})
                yield plan, PlanState(row.state)
            if len(rows) < batch:
                return
            last = rows[-1].plan_id

    def latest_contents(self, plan_ids: Iterable[str], path: Sequence[str] = ()) -> Iterator[tuple[str, Any]]:
        """The latest version of each plan as stored JSON data, or only the value at ``path`` in it
        (None where it is absent), not validated again (it was when stored): for readers of many
        plans at once, such as the overview. The database picks the value out, so a reader that
        needs one field does not parse whole plans (a third of the overview's reading, bench/)."""
        wanted = list(plan_ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = (
                select(t.plan_versions.c.plan_id, self._json_at(t.plan_versions.c.content, path).label("content"))
                .join(
                    t.plans,
                    (t.plans.c.plan_id == t.plan_versions.c.plan_id)
                    & (t.plans.c.latest_version == t.plan_versions.c.version),
                )
                .where(t.plans.c.plan_id.in_(chunk))
            )
            with self._read() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                yield row.plan_id, None if row.content is None else json.loads(row.content)

    def posting_sums(
        self, boundaries: Sequence[datetime], until: datetime, *, types: Sequence[str], recorded: bool = False
    ) -> list[tuple[int, str, int | None, str, int]]:
        """The postings the events of ``types`` carry in their payload (``postings``: rows of kind,
        year, part and cents), summed by the database per account and per period: period ``i`` holds
        the events counted from before ``boundaries[i]`` (and from ``boundaries[i - 1]`` on), the
        last one those from the last boundary up to ``until``. An event counts from when it took
        effect, or with ``recorded`` from when the store wrote it (its stated time for events of
        schema 1). Rows of (period, kind, year, part, cents); for readers of balances, such as the
        budget, which need not read a million events one by one (``bench/budget_postings.py``)."""
        moment = "COALESCE(recorded_at_text, occurred_at_text)" if recorded else "occurred_at_text"
        params: dict[str, Any] = {"until": utc_text(until)}
        kinds = ", ".join(f":t{i}" for i in range(len(types))) or "NULL"
        params.update({f"t{i}": kind for i, kind in enumerate(types)})
        cases = []
        for i, boundary in enumerate(boundaries):
            params[f"b{i}"] = utc_text(boundary)
            cases.append(f"WHEN m < :b{i} THEN {i}")
        period = f"CASE {' '.join(cases)} ELSE {len(boundaries)} END" if cases else "0"
        if self._postgres:
            rows = "jsonb_array_elements(CAST(e.payload AS jsonb) -> 'postings') AS p(value)"
            kind, year, part, cents = (
                "p.value ->> 0",
                "(p.value ->> 1)::bigint",
                "p.value ->> 2",
                "(p.value ->> 3)::bigint",
            )
        else:
            rows = "json_each(e.payload, '$.postings') AS p"
            kind, year, part, cents = (f"json_extract(p.value, '$[{i}]')" for i in range(4))
        # Every piece put in the text is the code's own; the moments and the types are bound parameters.
        sql = (
            f"SELECT {period} AS period, {kind} AS kind, {year} AS year, {part} AS part, SUM({cents}) AS cents "  # noqa: S608
            f"FROM (SELECT {moment} AS m, payload FROM events WHERE type IN ({kinds})) AS e, {rows} "
            "WHERE e.m < :until GROUP BY 1, 2, 3, 4"
        )
        with self._read() as conn:
            if self._postgres:  # the SUM of bigints is a Decimal there
                return [(p, k, y, part, int(c)) for p, k, y, part, c in conn.execute(text(sql), params)]
            # SQLite gives JSON's numbers as ints: its driver's plain tuples are the rows as they are
            # (a million postings make hundreds of thousands of rows; SQLAlchemy's rows cost a third more)
            cursor = conn.connection.driver_connection.execute(sql, params)  # type: ignore[union-attr]
            return typing.cast(list[tuple[int, str, int | None, str, int]], cursor.fetchall())

    def _payload_without(self, keys: Sequence[str]) -> Any:
        """SQL for the events' payload without the top-level ``keys``, labelled as the payload."""
        if not all(key.isidentifier() for key in keys):
            raise ValueError(f"plain keys are needed, not {keys!r}")
        column: Any = t.events.c.payload
        if self._postgres:
            trimmed: Any = cast(column, JSONB)
            for key in keys:
                trimmed = trimmed.op("-")(cast(literal(key), Text))
            return cast(trimmed, Text).label("payload")
        return func.json_remove(column, *("$." + key for key in keys)).label("payload")

    def _json_at(self, column: Any, path: Sequence[str]) -> Any:
        """SQL for the JSON text at ``path`` (keys only) in the JSON text ``column``."""
        if not path:
            return column
        if not all(key.isidentifier() for key in path):
            raise ValueError(f"a JSON path of plain keys is needed, not {path!r}")
        if self._postgres:
            return cast(cast(column, JSONB)[tuple(path)], Text)  # JSONB's text is JSON, strings quoted
        # json_extract gives a string bare; json_quote keeps JSON from json_extract as it is and quotes the rest
        return func.json_quote(func.json_extract(column, "$." + ".".join(path)))

    def versions(self, plan_id: str) -> list[VersionInfo]:
        with self._read() as conn:
            rows = conn.execute(
                select(t.plan_versions).where(t.plan_versions.c.plan_id == plan_id).order_by(t.plan_versions.c.version)
            ).all()
        if not rows:
            raise PlanNotFound(plan_id)
        return [version_info_of(row) for row in rows]

    def plans(
        self,
        *,
        state: PlanState | None = None,
        region: str | None = None,
        insurer: str | None = None,
        sector: str | None = None,
    ) -> list[PlanSummary]:
        """The plan register, filtered. Region and insurer match part of the name, any case."""
        query = select(t.plans).order_by(t.plans.c.plan_id)
        if state is not None:
            query = query.where(t.plans.c.state == state.value)
        with self._read() as conn:
            rows = conn.execute(query).all()
        found = [summary_of(row) for row in rows]
        if region:
            needle = region.casefold()
            found = [p for p in found if p.region and needle in p.region.casefold()]
        if insurer:
            needle = insurer.casefold()
            found = [p for p in found if any(needle in name.casefold() for name in p.insurers)]
        if sector:
            found = [p for p in found if sector in p.sectors]
        return found

    # --- policies -----------------------------------------------------------------------------

    def adopt_policy(self, document: Mapping[str, Any], *, policy_id: str, content_hash: str, event: NewEvent) -> Event:
        """Record ``document`` (a policy file as data) as adopted, by ``event`` (a policy.adopted
        event the caller has checked: who, why), in one transaction. Actions from then on use it."""
        if event.type != EventType.POLICY_ADOPTED or event.plan_id is not None:
            raise StoreError(_("a policy is adopted by a policy.adopted event that names no plan"))
        text = canonical_json(document)
        if sha256_hex(text) != content_hash:
            raise StoreError(
                _("policy {policy_id}: its content does not match the hash it is adopted under").format(
                    policy_id=policy_id
                )
            )
        try:
            with self._write() as conn:
                [stored] = self._append(conn, [event])
                conn.execute(
                    t.policy_versions.insert(),
                    {"seq": stored.seq, "policy_id": policy_id, "document": text, "content_hash": content_hash},
                )
                return stored
        except SQLAlchemyError as exc:
            raise StoreError(
                _("cannot adopt a policy in the store {url}: {exc}").format(url=redact(self.url), exc=_reason(exc))
            ) from exc

    def adopt_programme(self, event: NewEvent) -> Event:
        """Record a programme file as adopted: ``event`` is a programme.adopted event (no plan) whose
        payload holds the document and the hash it is adopted under; the hash is checked here."""
        if event.type != EventType.PROGRAMME_ADOPTED or event.plan_id is not None:
            raise StoreError(_("a programme is adopted by a programme.adopted event that names no plan"))
        document = event.payload.get("document")
        if sha256_hex(canonical_json(document)) != event.payload.get("content_hash"):
            raise StoreError(
                _("programme {programme_id}: its content does not match the hash it is adopted under").format(
                    programme_id=event.payload.get("programme_id")
                )
            )
        try:
            with self._write() as conn:
                [stored] = self._append(conn, [event])
                return stored
        except SQLAlchemyError as exc:
            raise StoreError(
                _("cannot append to the store {url}: {exc}").format(url=redact(self.url), exc=_reason(exc))
            ) from exc

    def adopted_policy(self, before: int | None = None) -> tuple[int, dict[str, Any]] | None:
        """The policy adopted last (before event ``before``, if given): the adopting event's number
        and the document; None when none was."""
        query = select(t.policy_versions.c.seq, t.policy_versions.c.document)
        if before is not None:
            query = query.where(t.policy_versions.c.seq < before)
        with self._read() as conn:
            row = conn.execute(query.order_by(t.policy_versions.c.seq.desc()).limit(1)).first()
        return (row.seq, json.loads(row.document)) if row is not None else None

    def adopted_policies(self) -> list[tuple[Event, dict[str, Any]]]:
        """Every policy adoption, in order: the event (who, when, why) and the document."""
        with self._read() as conn:
            rows = conn.execute(select(t.policy_versions).order_by(t.policy_versions.c.seq)).all()
        found = []
        for row in rows:
            event = self.event(row.seq)
            if event is not None:
                found.append((event, json.loads(row.document)))
        return found

    # --- upgrading ----------------------------------------------------------------------------

    @classmethod
    def upgrade(cls, url: str | None, actor: Actor) -> UpgradeReport:
        """Bring a store made by an earlier release up to this release's schema, keeping every event
        and its hash, and record that as an event (see :mod:`.upgrade`)."""
        return upgrade_store(cls, url, actor)

    def _schema_version(self) -> str:
        with self._read() as conn:
            version = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "schema_version")).scalar()
        return str(version)

    # --- verification -------------------------------------------------------------------------

    def verify(self, expect_head: str | None = None) -> VerifyReport:
        """Recompute the chain and check versions and the register against it."""
        # Versions and register come from one snapshot; the walk stops at that snapshot's last
        # event, so a writer appending meanwhile cannot make an intact store look broken.
        with self._read(snapshot=True) as conn:
            store_id = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "store_id")).scalar()
            versions = conn.execute(select(t.plan_versions)).all()
            register = conn.execute(select(t.plans)).all()
            policies = conn.execute(select(t.policy_versions)).all()
            last = conn.execute(select(func.max(t.events.c.seq))).scalar()
        rows = self._event_rows(until=last or 0)
        return verify_records(
            rows, versions, register, store_id, expect_head, practice=self.practice, policies=policies
        )


def _reason(exc: SQLAlchemyError) -> str:
    original = exc.orig if isinstance(exc, DBAPIError) else None
    return str(original or exc).strip().splitlines()[0]
