"""The books of a store: the programme's ledger with the postings its events recorded, the
budget-fit check and the waiting list.

The ledger as of a day is the programme in force (the one the store adopted last, or the shipped
one) with its dated entries applied on their days, and every posting an event carries in its
payload (``postings``), applied on the day the event took effect. A funded plan's commitment is
such a posting; so is its release on withdrawal. Nothing else moves money.

The budget-fit check (*budgettoets*, Beoordelingskader §4.4) asks whether a plan's request can be
committed: a plan of a reserved theme draws on its reservation first, each cost line then on the
earmark of its sector while that runs, and the rest on the open part. The waiting list holds the
approved plans that did not fit, first come, first served, in the order the programme's
``waiting-list`` setting gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from .._gc import collector_paused
from .._time import AMSTERDAM, local_date
from ..model import Plan, PlanState
from ..store import Event, EventType, Reading, Selection, Store, events_as_of
from ..store.asof import event_day
from ..store.store import MAX_SELECTED_PLANS
from .ledger import Account, AccountKind, Ledger, Posting, Transaction, cents
from .programme import OPEN, Programme, _Step, default_programme, programme_from_document
from .spuk import municipal_share

__all__ = [
    "MONEY_EVENTS",
    "POSTINGS",
    "PROGRAMME_ADOPTED",
    "Books",
    "Draw",
    "Fit",
    "Folding",
    "Queued",
    "decoded",
    "encoded",
    "programme_in_force",
]

POSTINGS = "postings"
"""The payload key of an event's postings: ``[[kind, year or null, part, cents], ...]``."""
PROGRAMME_ADOPTED = EventType.PROGRAMME_ADOPTED.value
_WAITLISTED = "workflow.waitlist"
"""The event that puts a plan on the waiting list (the workflow's ``waitlist``)."""
MONEY_EVENTS = (
    "workflow.fund", "workflow.pay", "workflow.reduce-funding", "workflow.withdraw", "workflow.complete",
    "workflow.reclaim", "workflow.milestone-missed",
)  # fmt: skip
"""The events that may carry postings: a funding (also from the waiting list), a payment, a
reduced commitment, a withdrawal, a completion, a municipal advance reclaimed, a milestone missed.
Postings on any other event count for nothing (``verify`` names them), so that the books of a big
store read these events, the programme's adoptions and the waiting list's plans, not every
judgement (:meth:`Folding.read`). The desk refuses to write postings on any other event, and a
test holds the list to the workflow's triggers."""
_UNREAD = ("assessment",)
"""What the books leave out as they read events: a decision's stored criteria result, most of its bytes."""


def encoded(transaction: Transaction) -> list[list[Any]]:
    """A transaction's postings as payload data."""
    return [[p.account.kind.value, p.account.year, p.account.part, p.amount] for p in transaction.postings]


def decoded(event: Event) -> Transaction | None:
    """The transaction an event's payload records, if it records one. Only the workflow's events
    move money (the desk appends them, with the budget-fit check), and of those only
    :data:`MONEY_EVENTS`; postings on any other event count for nothing (``verify`` names them)."""
    rows = event.payload.get(POSTINGS)
    if not rows or event.type not in MONEY_EVENTS:
        return None
    postings = tuple(Posting(Account(AccountKind(kind), year, part), amount) for kind, year, part, amount in rows)
    return Transaction(postings, f"event {event.seq}")


def programme_in_force(events: Iterable[Event]) -> tuple[Programme, int | None]:
    """The programme the store adopted last among ``events`` (and the adopting event's number), or
    the shipped one (None)."""
    adopted: Event | None = None
    for event in events:
        if event.type == PROGRAMME_ADOPTED:
            adopted = event
    if adopted is None:
        return default_programme(), None
    document = adopted.payload["document"]
    return programme_from_document(document, f"programma vastgesteld in gebeurtenis {adopted.seq}"), adopted.seq


@dataclass(frozen=True)
class Draw:
    """Part of a commitment: how much comes from which account."""

    account: Account
    amount: int


@dataclass(frozen=True)
class Fit:
    """The budget-fit check of one plan: what it asks, where the money would come from, and how
    much is missing (0: it fits)."""

    plan_id: str
    requested: int
    draws: tuple[Draw, ...]
    short: int
    advance: int = 0
    """The municipalities' share, paid to them in advance on the SPUK route (within the request)."""
    over_ceiling: int = 0
    """How much of the advance the SPUK ceiling no longer leaves room for (0: it fits)."""

    @property
    def fits(self) -> bool:
        return self.short == 0 and self.over_ceiling == 0

    def commitment(self, reference: str = "") -> Transaction:
        """The postings that commit the money to the plan: each draw moved to its committed account,
        the municipalities' share to their advance."""
        committed = Account(AccountKind.COMMITTED, None, self.plan_id)
        pairs = [(draw.account, -draw.amount) for draw in self.draws]
        pairs.append((committed, self.requested - self.advance))
        if self.advance:
            pairs.append((Account(AccountKind.ADVANCED, None, self.plan_id), self.advance))
        return Transaction.from_pairs(pairs, reference or f"funding {self.plan_id}")


@dataclass(frozen=True)
class Queued:
    """A plan on the waiting list: since when it counts, what it asks, and what its budget-fit check said."""

    plan_id: str
    since: datetime
    seq: int
    requested: int
    version: int | None = None
    """The plan's version the decisions were taken on (whose request counts)."""


@dataclass
class _PlanTrace:
    state: PlanState | None = None
    approved: tuple[datetime, int] | None = None
    waitlisted: tuple[datetime, int] | None = None
    version: int | None = None

    def follow(self, event: Event) -> None:
        """Take a workflow event that moves the plan (its payload names the state it goes ``to``)."""
        self.state = PlanState(event.payload["to"])
        if self.state is PlanState.APPROVED:
            self.approved = (event.occurred_at, event.seq)
            self.version = event.plan_version
        elif self.state is PlanState.WAITLISTED:
            self.waitlisted = (event.occurred_at, event.seq)


class Books:
    """The ledger, the waiting list and the budget-fit check of a store as of a day."""

    def __init__(
        self,
        programme: Programme,
        ledger: Ledger,
        on: date,
        queue: Sequence[Queued],
        postings: Sequence[tuple[date, int, Transaction]] = (),
    ) -> None:
        self.programme = programme
        self.ledger = ledger
        self.on = on
        self.queue = tuple(queue)
        self.postings = tuple(postings)
        """The events' own transactions (a day, the event's number, the transaction), without the programme's."""

    @classmethod
    def of(
        cls,
        store: Store,
        on: date | None = None,
        reading: Reading = Reading.HAPPENED,
        *,
        plans: Mapping[str, Plan] | None = None,
    ) -> Books:
        """The books of ``store`` as of the end of ``on`` (default: today by the store's clock), in
        ``reading``: by default the events that took effect by then (as it happened), or those the
        store had recorded by then (as it was known); the programme's own entries dated by then.
        ``plans`` gives the version of a queued plan whose request counts (read from the store
        when not given)."""
        day = on or local_date(store.now())
        requested = lambda plan_id, version: _requested(store, plan_id, version, plans)  # noqa: E731
        return Folding.read(store, day, requested, reading).books()

    @classmethod
    def balances_of(
        cls,
        store: Store,
        on: date | None = None,
        reading: Reading = Reading.HAPPENED,
        *,
        plans: Mapping[str, Plan] | None = None,
    ) -> Books:
        """The same books as :meth:`of`, for reading their balances: the database sums the events'
        postings per account between the programme's dated entries, so that the budget of a million
        postings does not read them one by one (``bench/budget_postings.py``). The ledger then holds
        one transaction per period, not one per event: a release or a promotion needs :meth:`of`,
        a balance that went below zero and back within a period shows only in ``verify``, and an
        advance reclaimed within the period it was paid in does not count against the SPUK
        ceiling here (the budget-fit check reads :meth:`of`). The
        waiting list is read from the events of the plans that were ever on it."""
        day = on or local_date(store.now())
        return cls.balances_on(store, [day], reading, plans=plans)[0]

    @classmethod
    def balances_on(
        cls,
        store: Store,
        days: Sequence[date],
        reading: Reading = Reading.HAPPENED,
        *,
        plans: Mapping[str, Plan] | None = None,
    ) -> list[Books]:
        """:meth:`balances_of` as of each of ``days``, from one pass of the database over the
        postings: the end of every day but the last is one more boundary between the sums (the
        quarterly statistics want the books at the end of a quarter and of the one before)."""
        if not days:
            return []
        requested = lambda plan_id, version: _requested(store, plan_id, version, plans)  # noqa: E731
        everything = list(store.events(types=(PROGRAMME_ADOPTED,)))
        adopted = {day: list(events_as_of(everything, day, reading)) for day in days}
        steps: dict[date, list[_Step]] = {}
        programmes: dict[date, Programme] = {}
        for day in days:
            programmes[day], _seq = programme_in_force(adopted[day])
            chosen = (step for step in programmes[day]._steps() if step.on <= day)
            steps[day] = sorted(chosen, key=lambda s: (s.on, s.order))
        with collector_paused():  # hundreds of thousands of accounts, and no cycles among them
            ledgers = _summed_ledgers(store, steps, reading is Reading.KNOWN)
        queued = {event.plan_id for event in store.events(types=(_WAITLISTED,))}
        listed = [e for plan_id in sorted(p for p in queued if p) for e in store.events(plan_id)]
        listed.sort(key=lambda event: event.seq)
        return [
            cls(programmes[day], ledgers[day], day,
                Folding.of([*adopted[day], *listed], day, requested, reading).books().queue)
            for day in days
        ]  # fmt: skip

    @classmethod
    def of_events(
        cls,
        events: Iterable[Event],
        on: date,
        requested: Callable[[str, int | None], int],
        reading: Reading = Reading.HAPPENED,
    ) -> Books:
        """The books of ``events`` as of ``on`` in ``reading``; ``requested`` gives the cents a
        plan's version asks (the version its decisions were taken on)."""
        return Folding.of(events, on, requested, reading).books()

    def without(self, plan_id: str) -> Books:
        """These books with ``plan_id`` off the waiting list (it is withdrawn)."""
        queue = [queued for queued in self.queue if queued.plan_id != plan_id]
        return Books(self.programme, self.ledger, self.on, queue, self.postings)

    # --- the budget-fit check ---------------------------------------------------------------------

    def fit(self, plan: Plan, on: date | None = None) -> Fit:
        """Where ``plan``'s request would come from on ``on`` (default: the books' day)."""
        day = on or self.on
        requested = cents(plan.funding.total) if plan.funding else 0
        taken: dict[Account, int] = {}
        draws: list[Draw] = []

        def take(account: Account, wanted: int) -> int:
            amount = min(wanted, max(self.ledger.balance(account) - taken.get(account, 0), 0))
            if amount > 0:
                draws.append(Draw(account, amount))
                taken[account] = taken.get(account, 0) + amount
            return wanted - amount

        rest = requested
        for reservation in self.programme.spec.reservations:
            if plan.theme in reservation.themes and reservation.on <= day <= reservation.until and rest:
                rest = take(Account(AccountKind.RESERVED, None, reservation.id), rest)
        # the cost lines in order, each on its sector's earmark first; the reservation covers the first lines
        covered = requested - rest
        for line in plan.funding.lines if plan.funding else ():
            amount = cents(line.amount)
            from_reservation = min(covered, amount)
            covered -= from_reservation
            wanted = amount - from_reservation
            earmark = self.programme.earmark_for(line.sector, day)
            if earmark is not None and wanted:
                wanted = take(Account(AccountKind.AVAILABLE, None, earmark), wanted)
            if wanted:
                wanted = take(Account(AccountKind.AVAILABLE, None, OPEN), wanted)
        short = requested - sum(d.amount for d in draws)
        spuk = self.programme.spec.spuk
        advance = municipal_share(plan) if spuk is not None else 0
        over = max(advance - self.spuk_room(), 0) if spuk is not None else 0
        return Fit(plan.id, requested, _merged(draws), short, advance, over)

    def spuk_room(self) -> int:
        """What the SPUK ceiling still leaves for advances to municipalities, in cents (art. 5)."""
        spuk = self.programme.spec.spuk
        return cents(spuk.ceiling) - self.ledger.advanced_in_all if spuk is not None else 0

    def available_for(self, plan: Plan, on: date | None = None) -> int:
        """What the budget-fit check could commit to ``plan`` now (its request, or less when short)."""
        fit = self.fit(plan, on)
        return fit.requested - fit.short

    # --- the waiting list -------------------------------------------------------------------------

    def position(self, plan_id: str) -> tuple[int, int] | None:
        """A queued plan's place (1: the head) and the amount the plans ahead of it ask; None when it is not queued."""
        ahead = 0
        for place, queued in enumerate(self.queue, start=1):
            if queued.plan_id == plan_id:
                return place, ahead
            ahead += queued.requested
        return None

    def ahead_of(self, plan_id: str | None) -> tuple[Queued, ...]:
        """The queued plans ahead of ``plan_id`` (every queued plan for one not on the list)."""
        for place, queued in enumerate(self.queue):
            if queued.plan_id == plan_id:
                return self.queue[:place]
        return self.queue

    def release(self, plan_id: str, reference: str, *, kept: int = 0) -> Transaction | None:
        """The postings that give back what is still committed to ``plan_id`` beyond ``kept`` cents:
        to the accounts it was drawn from while they run, to the open part once they have ended."""
        committed = Account(AccountKind.COMMITTED, None, plan_id)
        left = self.ledger.balance(committed) - kept
        if left <= 0:
            return None
        pairs: list[tuple[Account, int]] = [(committed, -left)]
        for account, amount in self._drawn(plan_id):
            back = min(amount, left)
            if back <= 0:
                break
            pairs.append((self._running(account), back))
            left -= back
        if left:
            pairs.append((Account(AccountKind.AVAILABLE, None, OPEN), left))
        return Transaction.from_pairs(pairs, reference)

    def reclaim(self, plan_id: str, amount: int | None, reference: str, *, kept: int = 0) -> Transaction | None:
        """The postings that reclaim ``amount`` cents of the advance to ``plan_id``'s municipalities
        (None: all of it beyond ``kept``): to *repaid*, or to the open part when the programme's
        ``spuk.repaid`` says so. None when nothing is left to reclaim."""
        advanced = Account(AccountKind.ADVANCED, None, plan_id)
        held = self.ledger.balance(advanced) - kept
        wanted = held if amount is None else min(amount, held)
        if wanted <= 0:
            return None
        spuk = self.programme.spec.spuk
        to_open = spuk is not None and spuk.repaid == "open"
        target = Account(AccountKind.AVAILABLE, None, OPEN) if to_open else Account(AccountKind.REPAID, None, plan_id)
        return Transaction.move(wanted, advanced, target, reference)

    def _drawn(self, plan_id: str) -> Iterator[tuple[Account, int]]:
        committed = Account(AccountKind.COMMITTED, None, plan_id)
        for transaction in self.ledger.transactions:
            if any(p.account == committed and p.amount > 0 for p in transaction.postings):
                for posting in transaction.postings:
                    if posting.amount < 0:
                        yield posting.account, -posting.amount

    def _running(self, account: Account) -> Account:
        """``account`` if its reservation or earmark still runs on the books' day, else the open part."""
        spec = self.programme.spec
        for reservation in spec.reservations:
            if account == Account(AccountKind.RESERVED, None, reservation.id) and self.on <= reservation.until:
                return account
        for earmark in spec.earmarks:
            if account == Account(AccountKind.AVAILABLE, None, earmark.id) and self.on <= earmark.until:
                return account
        return Account(AccountKind.AVAILABLE, None, OPEN)


class Folding:
    """Books built by folding events in, one at a time, and extended with the events a store
    appends later, as long as they come in date order: the desk keeps one, so that each budget-fit
    check reads only what was appended since the last (``bench/workflow_walk.py``).

    The programme's dated entries are applied on their days, before the events of that day. An
    event dated before what was already folded, a programme adopted, or an event after the day the
    books are read as of cannot be folded in: :meth:`extend` then says so, and the caller builds
    the books afresh with :meth:`of`, which sorts everything first.
    """

    def __init__(
        self, programme: Programme, on: date, requested: Callable[[str, int | None], int], reading: Reading
    ) -> None:
        self.programme = programme
        self.on = on
        self.reading = reading
        self._requested = requested
        self._steps = sorted(programme._steps(), key=lambda step: (step.on, step.order))
        self._next_step = 0
        self._horizon = date.min
        """The latest day folded: of an event, or of a programme entry applied."""
        self.last_seq = 0
        self.complete = True
        """False when some event was left out (it lay after ``on``): the books cannot be extended."""
        self.ledger = Ledger()
        self.postings: list[tuple[date, int, Transaction]] = []
        self._traces: dict[str, _PlanTrace] = {}
        self._queue: dict[str, Queued] = {}
        self._history: Callable[[str, int], Iterable[Event]] | None = None
        """Books that did not read every event (:meth:`read`): a plan's events before an event number,
        for the approval a plan put on the waiting list later counts from."""
        self._whole: set[str] = set()
        """The plans whose events were all read, with :attr:`_history`."""

    @classmethod
    def of(
        cls,
        events: Iterable[Event],
        on: date,
        requested: Callable[[str, int | None], int],
        reading: Reading = Reading.HAPPENED,
    ) -> Folding:
        """The books of ``events`` as of ``on``, in ``reading``. The events are read once; only what
        the money needs of the ones that move it (or a plan's state) is kept, then put in date order."""
        seen = _Seen()
        kept = 0
        money: list[Any] = []
        for event in events_as_of(seen.counting(events), on, reading):
            kept += 1
            lean = _lean(event)
            if lean is not None:
                money.append(lean)
        programme, _seq = programme_in_force(money)
        folding = cls(programme, on, requested, reading)
        folding.complete = kept == seen.count
        money.sort(key=lambda e: (event_day(e, reading), e.seq))
        for event in money:
            if event.type != PROGRAMME_ADOPTED:
                folding._fold(event, event_day(event, reading))
        folding.last_seq = seen.last_seq
        folding._apply_steps(on)
        return folding

    @classmethod
    def read(
        cls, store: Store, on: date, requested: Callable[[str, int | None], int], reading: Reading = Reading.HAPPENED
    ) -> Folding:
        """The books of ``store`` as of ``on``, as :meth:`of` folds them from every event, reading
        only the events that make them: the programme's adoptions, the events that may move money
        (:data:`MONEY_EVENTS`), every event of the plans that were ever on the waiting list, and
        the events after ``on`` (which end a plan's reading as of the day). A fresh desk's
        budget-fit check then reads a few events per funded plan, not every judgement and vote of
        the store (``bench/books_fresh.py``). A plan put on the waiting list later reads its
        earlier events then, for the approval its place counts from."""
        until = store.last_seq()
        listed = store.plans_with((_WAITLISTED,), until=until)
        if len(listed) > MAX_SELECTED_PLANS:  # far beyond any waiting list yet: read everything
            folding = cls.of(store.events(until=until, without=_UNREAD), on, requested, reading)
        else:
            since = datetime.combine(on + timedelta(days=1), time(0), AMSTERDAM)
            chosen = Selection((PROGRAMME_ADOPTED, *MONEY_EVENTS), tuple(listed), since, reading is Reading.KNOWN)
            folding = cls.of(store.events(until=until, without=_UNREAD, selection=chosen), on, requested, reading)
            folding._history = lambda plan_id, seq: store.events(plan_id, until=seq - 1, without=_UNREAD)
            folding._whole = set(listed)
        folding.last_seq = until
        return folding

    def extend(self, events: Iterable[Event], on: date) -> bool:
        """Fold in ``events`` (appended after :attr:`last_seq`) and read the books as of ``on``;
        False when they cannot be folded in (the books are then unusable: build them afresh)."""
        if not self.complete or on < self.on:
            return False
        self.on = on
        for event in events:
            day = event_day(event, self.reading)
            if event.type == PROGRAMME_ADOPTED or day < self._horizon or day > on:
                return False
            self._fold(event, day)
            self.last_seq = event.seq
        self._apply_steps(on)
        return True

    def books(self) -> Books:
        """The books as folded so far. They share the ledger: read them before folding more in."""
        queue = sorted(self._queue.values(), key=lambda q: (q.since, q.seq))
        return Books(self.programme, self.ledger, self.on, queue, self.postings)

    def _apply_steps(self, day: date) -> None:
        while self._next_step < len(self._steps) and self._steps[self._next_step].on <= day:
            step = self._steps[self._next_step]
            transaction = step.apply(self.ledger)
            if transaction is not None:
                self.ledger.post(transaction)
            self._horizon = max(self._horizon, step.on)
            self._next_step += 1

    def _fold(self, event: Event, day: date) -> None:
        self._apply_steps(day)
        self._horizon = max(self._horizon, day)
        transaction = decoded(event)
        if transaction is not None:
            self.ledger.post(transaction)
            self.postings.append((day, event.seq, transaction))
        plan_id, to = event.plan_id, event.payload.get("to")
        if plan_id is None or not event.type.startswith("workflow.") or not to:
            return
        trace = self._traces.get(plan_id)
        if to == PlanState.WAITLISTED and self._history is not None and plan_id not in self._whole:
            # Books that did not read this plan's events: its earlier ones say when it was approved.
            self._whole.add(plan_id)
            trace = self._traces[plan_id] = _PlanTrace()
            for earlier in self._history(plan_id, event.seq):
                if earlier.type.startswith("workflow.") and earlier.payload.get("to"):
                    trace.follow(earlier)
        if trace is None:
            trace = self._traces[plan_id] = _PlanTrace()
        trace.follow(event)
        if trace.state is not PlanState.WAITLISTED:
            self._queue.pop(plan_id, None)
            return
        waiting = self.programme.spec.waiting_list
        since = (trace.approved if waiting.key == "final-approval" else None) or (event.occurred_at, event.seq)
        requested = self._requested(plan_id, trace.version)
        self._queue[plan_id] = Queued(plan_id, since[0], since[1], requested, trace.version)


class _Lean(NamedTuple):
    """What the books read of an event: an :class:`Event`'s fields they use, the payload cut down."""

    seq: int
    type: str
    plan_id: str | None
    plan_version: int | None
    occurred_at: datetime
    recorded_at: datetime | None
    payload: Mapping[str, Any]


_KEPT = (POSTINGS, "to", "promoted")


def _lean(event: Event) -> _Lean | Event | None:
    """``event`` as the books keep it: whole for a programme's adoption, cut down for a workflow
    event that moves money or a plan's state, nothing for the rest."""
    if event.type == PROGRAMME_ADOPTED:
        return event
    payload = event.payload
    if not event.type.startswith("workflow.") or not (payload.get(POSTINGS) or payload.get("to")):
        return None
    cut = {key: payload[key] for key in _KEPT if key in payload}
    return _Lean(event.seq, event.type, event.plan_id, event.plan_version, event.occurred_at, event.recorded_at, cut)


class _Seen:
    """Counts the events a reading passes by, and the last one's number."""

    def __init__(self) -> None:
        self.count = 0
        self.last_seq = 0

    def counting(self, events: Iterable[Event]) -> Iterator[Event]:
        for event in events:
            self.count += 1
            self.last_seq = max(self.last_seq, event.seq)
            yield event


def _summed_ledgers(store: Store, steps: Mapping[date, Sequence[_Step]], recorded: bool) -> dict[date, Ledger]:
    """The ledgers of :meth:`Books.balances_on`: for each day, the store's sums of the postings
    between its programme's dated ``steps`` (in order) up to the end of the day, each period one
    transaction, with the steps applied between them. One query sums them all: its boundaries are
    every step's day and the day after each day but the last."""
    last = max(steps)
    ends = {day: day + timedelta(days=1) for day in steps}
    bounds = sorted(
        {step.on for day_steps in steps.values() for step in day_steps} | {ends[d] for d in steps if d != last}
    )
    sums = store.posting_sums(
        [_midnight(d) for d in bounds], _midnight(ends[last]), types=MONEY_EVENTS, recorded=recorded
    )
    periods: dict[int, list[Posting]] = {}
    kinds = {kind.value: kind for kind in AccountKind}
    for period, kind, year, part, amount in sums:
        if amount:
            periods.setdefault(period, []).append(Posting(Account(kinds[kind], year, part), amount))
    ledgers: dict[date, Ledger] = {}
    for day, day_steps in steps.items():
        ledger = ledgers[day] = Ledger()
        pending = iter(day_steps)
        step = next(pending, None)
        for period in range(len(bounds) + 1):
            if period > 0 and bounds[period - 1] >= ends[day]:
                break  # the periods from the end of this day on are a later day's
            if period in periods:
                ledger.post(Transaction(tuple(periods[period]), f"postings of period {period}"))
            while step is not None and period < len(bounds) and step.on == bounds[period]:
                transaction = step.apply(ledger)
                if transaction is not None:
                    ledger.post(transaction)
                step = next(pending, None)
    return ledgers


def _midnight(day: date) -> datetime:
    """The moment a Dutch calendar day starts."""
    return datetime.combine(day, time(0), AMSTERDAM)


def _merged(draws: Sequence[Draw]) -> tuple[Draw, ...]:
    totals: dict[Account, int] = {}
    for draw in draws:
        totals[draw.account] = totals.get(draw.account, 0) + draw.amount
    return tuple(Draw(account, amount) for account, amount in totals.items())


def _requested(store: Store, plan_id: str, version: int | None, plans: Mapping[str, Plan] | None) -> int:
    plan = plans.get(plan_id) if plans else None
    if plan is None:
        plan = store.plan(plan_id, version).plan
    return cents(plan.funding.total) if plan.funding else 0
