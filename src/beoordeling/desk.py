"""The assessment desk: the workflow's actions recorded in a store.

Each action reads the plan's record (a replay of its events, kept per plan and checked against the
store's register on append), asks the workflow what the action becomes, and appends those events
together with the plan's new state in one transaction.

An action takes effect on the day the store records it, or on an earlier day its actor states
(``on``, ``--on`` on the command line) within the bounds of :func:`~.workflow.stated_date_refusals`:
never after the store's clock, never before the plan's last event, at most the policy's
``backdating-days`` back. The policy is the one the store adopted last (a ``policy.adopted``
event by the BO IZA), or the shipped one in a store that adopted none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import ValidationError

from . import _dutch
from ._i18n import _, term
from ._terminal import UNSAFE, visible
from ._time import AMSTERDAM
from ._validation import problems_from
from .criteria import (
    Assessment,
    Judgement,
    RuleBook,
    Status,
    Verdict,
    carry_over,
    check_judgements,
    edition_for,
    evaluate,
)
from .errors import AppendedSince, InputError, Problem, Refused, StoreError, format_loc
from .model import Plan, PlanState, Role
from .money import AccountKind, Programme, Transaction, cents
from .money.books import MONEY_EVENTS, POSTINGS, Books, Folding, Queued
from .money.funding import (
    funding_payload,
    funding_refusals,
    payment_payload,
    promoted,
    reclaim_payload,
    reduction_payload,
    release_payload,
    unpaid_met,
    waitlist_payload,
)
from .money.milestones import MilestoneLine, milestone_lines
from .store import Actor, Event, EventType, NewEvent, PlanAppend, Reading, SaveResult, Store, events_as_of
from .store.asof import event_day
from .store.cache import PlanCache
from .store.events import plan_groups
from .workflow import (
    DECISIONS,
    ClockName,
    Draft,
    PlanRecord,
    Policy,
    PolicyRule,
    SystemActor,
    Trigger,
    act,
    default_policy,
    local_date,
    transition_for,
)
from .workflow.engine import stated_date_refusals
from .workflow.guards import Assessments, judged_steps
from .workflow.policy import policy_from_document

__all__ = ["ActionResult", "Deadline", "Desk", "PlanCache", "policy_in_force"]

_ATTEMPTS = 3
"""How often an action the books take part in is decided afresh when another writer came in between."""
_GROUPS_KEPT = 100_000
"""How many plan versions' groups a desk keeps (a few hundred bytes each)."""
_UNREAD = ("assessment",)
"""What the books leave out as they read events: a decision's stored criteria result, most of its bytes."""
_OPEN_ENDED = (PlanState.QUICK_TEST_NEGATIVE, PlanState.NOT_APPROVED, PlanState.COMPLETED, PlanState.WITHDRAWN)


@dataclass(frozen=True)
class ActionResult:
    """What an action stored, the plan's state after it, and anything the actor should know."""

    plan_id: str
    events: list[Event]
    state: PlanState
    notes: tuple[str, ...]
    moved: tuple[Event, ...] = ()
    """Events of other plans the action caused in the same transaction (the head of the waiting
    list funded with money a withdrawal gave back)."""


@dataclass(frozen=True)
class Deadline:
    """An open clock or dated deadline of one plan, as it stands on a date."""

    plan_id: str
    title: str
    state: PlanState
    what: str
    due_on: date | None
    days_left: int | None
    """Negative when overdue; None while the clock is suspended."""
    responsible: tuple[str, ...]
    note: str | None = None
    halted: bool = False
    """A policy stopped the decision this clock waits for: it cannot run late."""
    clock: ClockName | None = None
    """The framework's clock this is, or None for a policy's dated deadline (``what`` is its title)."""

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0 and not self.halted


_NAME_MAX, _REASON_MAX = 200, 4000


def checked_input(actor: Actor, reason: str | None) -> None:
    """Refuse an actor or a reason that could not be shown as plain text (control characters, bidi
    overrides, invisible separators) or that is longer than the record keeps."""
    problems = []
    for what, text, limit in (("the actor's name", actor.name, _NAME_MAX),
                              ("the actor's organisation", actor.organisation, _NAME_MAX),
                              ("the reason", reason, _REASON_MAX)):  # fmt: skip
        if text is None:
            continue
        unsafe = UNSAFE.search(text)
        if unsafe:
            problems.append(
                Problem(
                    _(
                        "{what} contains a control or invisible character ({value}); only plain text, newlines "
                        "and tabs are allowed"
                    ).format(what=what, value=visible(unsafe.group()))
                )
            )
        elif len(text) > limit:
            problems.append(
                Problem(
                    _("{what} is {text:,} characters long; at most {limit:,} are kept").format(
                        what=what, text=len(text), limit=limit
                    )
                )
            )
    if problems:
        raise InputError(problems)


def policy_in_force(store: Store, before: int | None = None) -> Policy:
    """The policy the store adopted last (before event ``before``: the one in force when that event
    was recorded), or the shipped one in a store that adopted none."""
    adopted = store.adopted_policy(before)
    if adopted is None:
        return default_policy()
    seq, document = adopted
    return policy_from_document(document, f"het beleid vastgesteld in gebeurtenis {seq}")


class Desk:
    """Workflow actions on the plans of one store, under the policy that store adopted.

    ``plans`` is a cache of decoded plan versions to share with other desks on the same store."""

    def __init__(self, store: Store, *, rules: RuleBook | None = None, plans: PlanCache | None = None) -> None:
        self.store = store
        self.rules = rules
        self._policy: Policy | None = None
        self._records: dict[str, PlanRecord] = {}
        self._plans = plans if plans is not None else PlanCache()
        self._folding: Folding | None = None
        """The books kept from the last money action (see :meth:`_books`)."""
        self._lagging = False
        """Another writer came in since the books kept were read: ask the store before using them."""
        self._plan_groups: dict[tuple[str, int | None], Mapping[str, Any]] = {}
        self._assessments = Assessments()
        """The criteria result computed last for each plan (the second vote reads the first's)."""

    # --- reading ----------------------------------------------------------------------------------

    def record(self, plan_id: str, events: Iterable[Event] | None = None) -> PlanRecord:
        """The plan's record, replayed from its events (``events``: the plan's events, already read)."""
        record = PlanRecord.replay(plan_id, self.store.events(plan_id) if events is None else events)
        if record.last_seq == 0:
            self.store.plan(plan_id)  # raises PlanNotFound with its hint
        self._records[plan_id] = record
        return record

    def current(self, plan_id: str) -> PlanRecord:
        """The record this desk keeps up to date as it acts (replayed on first use)."""
        return self._records.get(plan_id) or self.record(plan_id)

    def plan(self, plan_id: str, version: int | None = None) -> Plan:
        """A stored version of the plan (the latest unless ``version`` is given), decoded once."""
        return self._plan(plan_id, version)

    def _plan(self, plan_id: str, version: int | None) -> Plan:
        if version is None:  # the latest: it can change, so it is read afresh
            return self.store.plan(plan_id).plan
        return self._plans.get(self.store, plan_id, version)

    @property
    def policy(self) -> Policy:
        """The policy in force in the store (read once per desk)."""
        if self._policy is None:
            self._policy = policy_in_force(self.store)
        return self._policy

    def _earlier(self, plan_id: str) -> Callable[[int], Plan]:
        """Reads an earlier version of the plan (judgements carry over from it when they still hold)."""
        return lambda version: self._plan(plan_id, version)

    def today(self) -> date:
        """The day the store records an action now, by its own clock (Dutch calendar)."""
        return local_date(self.store.now())

    def _effective(self, on: date | None, today: date) -> datetime | None:
        """The moment an action stated for ``on`` takes effect (None: when it is recorded)."""
        if on is None or on == today:
            return None
        return datetime.combine(on, time(12), AMSTERDAM)

    # --- policy and plans ---------------------------------------------------------------------------

    def adopt_policy(self, policy: Policy, actor: Actor, *, reason: str) -> Event:
        """Adopt ``policy`` for the store: the BO IZA sets the policy (domain.md §3.8, §9 "BO IZA
        (policy switches)"); every action after this uses it. Recorded with its content hash, who,
        when and why."""
        if actor.role not in (Role.BO_IZA, Role.SYSTEM):
            raise Refused(
                None, None, "adopt-policy",
                [_("adopting a policy needs the role {needed}, because the BO IZA sets the programme's policy (its "
                   "dated switches and clock settings); {who} acts as {role}").format(
                    needed=Role.BO_IZA.value, who=f"{actor.organisation}/{actor.name}", role=actor.role.value)],
            )  # fmt: skip
        if not reason.strip():
            raise InputError([Problem(_("adopting a policy needs a reason (--reason), recorded with the event"))])
        checked_input(actor, reason)
        event = NewEvent(
            EventType.POLICY_ADOPTED,
            actor,
            reason=reason,
            payload={
                "policy_id": policy.spec.id,
                "title": policy.spec.title,
                "stamp": policy.stamp,
                "content_hash": policy.content_hash,
                "file": policy.source,
            },
        )
        stored = self.store.adopt_policy(
            policy.document, policy_id=policy.spec.id, content_hash=policy.content_hash, event=event
        )
        self._policy = None
        return stored

    def adopt_programme(self, programme: Programme, actor: Actor, *, reason: str) -> Event:
        """Adopt ``programme`` for the store: the BO IZA changes the funds (a reservation, a shift,
        an earmark's end) by adopting a changed programme file, with a reason. Refused when the
        money already committed or paid would not fit the changed funds."""
        if actor.role not in (Role.BO_IZA, Role.SYSTEM):
            raise Refused(
                None, None, "adopt-programme",
                [_("adopting a programme needs the role {needed}, because the BO IZA sets the programme's funds; "
                   "{who} acts as {role}").format(
                    needed=Role.BO_IZA.value, who=f"{actor.organisation}/{actor.name}", role=actor.role.value)],
            )  # fmt: skip
        if not reason.strip():
            raise InputError([Problem(_("adopting a programme needs a reason (--reason), recorded with the event"))])
        checked_input(actor, reason)
        today = self.today()
        books = Books.of(self.store, today)
        changed = Books(programme, programme.ledger_with(books.postings, today), today, books.queue)
        short = changed.ledger.conservation_problems()
        if short:
            raise Refused(None, None, "adopt-programme", [
                _("the money already committed or paid does not fit the changed programme: {problem}").format(problem=p)
                for p in short
            ])  # fmt: skip
        event = NewEvent(
            EventType.PROGRAMME_ADOPTED,
            actor,
            reason=reason,
            payload={
                "programme_id": programme.spec.id,
                "title": programme.spec.title,
                "stamp": programme.stamp,
                "content_hash": programme.content_hash,
                "file": programme.source,
                "document": programme.document(),
            },
        )
        return self.store.adopt_programme(event)

    def save_plans(
        self, plans: list[Plan], actor: Actor, *, reason: str | None = None, on: date | None = None
    ) -> list[SaveResult]:
        """Store plan versions (all or none), taking effect on ``on`` if stated, within its bounds."""
        checked_input(actor, reason)
        for plan in plans:
            too_large = self.policy.amount_refusals(plan)
            if too_large:
                record = PlanRecord.replay(plan.id, self.store.events(plan.id))
                state = term(record.state) if record.last_seq else _("new")
                raise Refused(plan.id, state, "import", [f"{format_loc(loc)}: {why}" for loc, why in too_large])
        today = self.today()
        if on is not None:
            for plan in plans:
                record = PlanRecord.replay(plan.id, self.store.events(plan.id))
                dating = stated_date_refusals(on, today, record.dated_on, self.policy)
                if dating:
                    state = term(record.state) if record.last_seq else _("new")
                    raise Refused(plan.id, state, "import", dating)
        saved = self.store.save_plans(plans, actor, reason=reason, occurred_at=self._effective(on, today))
        for plan in plans:
            self._records.pop(plan.id, None)  # replayed afresh on next use, with the new version
        return saved

    # --- acting -----------------------------------------------------------------------------------

    def act(
        self,
        plan_id: str,
        trigger: Trigger,
        actor: Actor,
        *,
        reason: str | None = None,
        judgement: Judgement | None = None,
        milestone: str | None = None,
        on: date | None = None,
        ruling: Trigger | None = None,
        amount: int | None = None,
    ) -> ActionResult:
        """Fire ``trigger`` for ``actor``, taking effect today or on ``on`` (within its bounds);
        refused with every reason, or stored in one transaction. ``amount`` (cents) is what a
        reduction takes off a milestone.

        An action the books take part in is decided on the whole store (every plan's money and the
        waiting list), so it is stored only if nothing was appended since the books were read; when
        another writer came in between it is decided afresh, at most three times."""
        checked_input(actor, reason)
        for attempt in range(_ATTEMPTS):
            try:
                return self._act(
                    plan_id, trigger, actor, reason=reason, judgement=judgement, milestone=milestone, on=on,
                    ruling=ruling, amount=amount,
                )  # fmt: skip
            except AppendedSince:
                self._lagging = True  # the books kept fold in what came in before the next attempt
                if attempt == _ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _act(
        self,
        plan_id: str,
        trigger: Trigger,
        actor: Actor,
        *,
        reason: str | None,
        judgement: Judgement | None,
        milestone: str | None,
        on: date | None,
        ruling: Trigger | None,
        amount: int | None,
    ) -> ActionResult:
        record = self.current(plan_id)
        submitting = trigger in (Trigger.SUBMIT_QUICK_TEST, Trigger.SUBMIT_PLAN, Trigger.ANSWER)
        version = record.latest_version if submitting else (record.submitted_version or record.latest_version)
        plan = self._plan(plan_id, version)
        today = self.today()
        drafts = act(
            record, plan, trigger, actor, on or today, policy=self.policy, rules=self.rules, reason=reason,
            judgement=judgement, milestone=milestone, recorded_on=today, earlier=self._earlier(plan_id), ruling=ruling,
            assessments=self._assessments,
        )  # fmt: skip
        effective = self._effective(on, today)
        batches = [PlanAppend(plan_id, self._new_events(plan, drafts, effective), record.basis_seq,
                              drafts[-1].state)]  # fmt: skip
        after = None  # the event the books were read at, when they take part
        if plan.requests_funds and (trigger in _MONEY or drafts[-1].type == Trigger.MILESTONE_MISSED.event_type):
            drafts, batches = self._with_money(
                record, plan, trigger, on=on or today, drafts=drafts, effective=effective, amount=amount
            )
            after = self._folding.last_seq if self._folding is not None else None
        try:
            events = self.store.append_to_plans(batches, after=after)
        except StoreError:
            for batch in batches:
                self._records.pop(batch.plan_id, None)  # the record may be stale; read it afresh next time
            raise
        self._fold_in(events)
        for batch in batches[1:]:
            self._records.pop(batch.plan_id, None)  # a plan funded from the waiting list: replayed on next use
        for event in events:
            if event.plan_id == plan_id:
                record.apply(event)
        notes = tuple(note for d in drafts for note in d.notes)
        own = [e for e in events if e.plan_id == plan_id]
        return ActionResult(plan_id, own, record.state, notes, tuple(e for e in events if e.plan_id != plan_id))

    def _with_money(
        self,
        record: PlanRecord,
        plan: Plan,
        trigger: Trigger,
        *,
        on: date,
        drafts: list[Draft],
        effective: datetime | None,
        amount: int | None = None,
    ) -> tuple[list[Draft], list[PlanAppend]]:
        """The budget-fit check's part of a funding, a waiting-list place or a withdrawal: refused
        when the ledger says otherwise; the postings added to the event; on the municipal route what
        the municipalities repay, reclaimed by the system; and when money comes back the plans at
        the head of the waiting list funded in the same transaction."""
        books = self._books(on, trusted=True)
        try:
            return self._money(record, plan, trigger, books, on=on, drafts=drafts, effective=effective, amount=amount)
        except Refused:
            # Decided on the books kept without asking the store: a refusal stands only if they
            # were current (an action that is stored is checked by its append, ``after``).
            current = self.store.last_seq()
            if self._folding is None or current != self._folding.last_seq:
                self._lagging = True
                raise AppendedSince(self._folding.last_seq if self._folding else 0, current) from None
            raise

    def _money(
        self,
        record: PlanRecord,
        plan: Plan,
        trigger: Trigger,
        books: Books,
        *,
        on: date,
        drafts: list[Draft],
        effective: datetime | None,
        amount: int | None,
    ) -> tuple[list[Draft], list[PlanAppend]]:
        state = PlanState(record.state)
        last = drafts[-1]
        promotions: list[PlanAppend] = []
        extra: dict[str, Any] = {}
        returned: list[Transaction] = []
        reclaim: tuple[dict[str, Any], Transaction | None] = ({}, None)
        if trigger in (Trigger.FUND, Trigger.WAITLIST):
            funding = trigger is Trigger.FUND
            refusals = funding_refusals(books, plan, funding=funding, state=state, fits=self._fits(books))
            if refusals:
                raise Refused(plan.id, term(state), trigger.value, refusals)
            extra = funding_payload(books.fit(plan)) if funding else waitlist_payload(books, plan)
        elif trigger is Trigger.PAY:
            milestone = last.payload["milestone"]
            extra, problem = payment_payload(books, plan, milestone, reduced=record.reduced.get(milestone, 0))
            if problem:
                raise Refused(plan.id, term(state), trigger.value, [problem])
        elif trigger is Trigger.REDUCE:
            # Cheaper than approved: the difference goes back, and the waiting list moves.
            extra, release, problem = reduction_payload(books, plan, record, last.payload["milestone"], amount)
            if problem or release is None:
                raise Refused(plan.id, term(state), trigger.value, [problem or ""])
            returned.append(release)
        elif last.type == Trigger.MILESTONE_MISSED.event_type:  # decided, or upheld by the BO IZA
            reclaim = reclaim_payload(books, plan, record, milestone=last.payload["milestone"])
        elif trigger in (Trigger.WITHDRAW, Trigger.COMPLETE):
            # A withdrawal or completion gives back what is still committed, and the waiting list moves.
            kept = unpaid_met(plan, record, books) if trigger is Trigger.COMPLETE else 0
            extra, release = release_payload(books, plan.id, kept=kept)
            returned += [release] if release is not None else []
            reclaim = reclaim_payload(books, plan, record, milestone=None, withdrawn=trigger is Trigger.WITHDRAW)
        drafts = [*drafts[:-1], replace(last, payload={**last.payload, **extra})]
        reclaimed, repayment = reclaim
        if repayment is not None:
            drafts.append(self._reclaim_draft(plan, drafts[-1].state, reclaimed))
            if any(p.account.kind is AccountKind.AVAILABLE for p in repayment.postings):
                returned.append(repayment)  # the programme puts repayments back in the open part
        if trigger in (Trigger.WITHDRAW, Trigger.COMPLETE) or returned:
            # Money came back, or a plan left the list (or a date passed since the list last moved):
            # the plans now at its head may fit.
            promotions = self._promotions(books.without(plan.id), returned, on, effective)
        batch = PlanAppend(plan.id, self._new_events(plan, drafts, effective), record.basis_seq,
                           drafts[-1].state)  # fmt: skip
        for new in (new for append in (batch, *promotions) for new in append.events):
            if POSTINGS in new.payload and str(new.type) not in MONEY_EVENTS:
                # The books read only those events of a store (Folding.read): money elsewhere would go unseen.
                raise RuntimeError(f"internal error: {new.type} carries postings, but it is not one of MONEY_EVENTS")
        return drafts, [batch, *promotions]

    def _reclaim_draft(self, plan: Plan, state: PlanState, reclaimed: Mapping[str, Any]) -> Draft:
        """The system's reclaim of a municipal advance, in the plan's state, for its paying insurer
        (who tells the municipalities; DUS-I settles the grant)."""
        transition = transition_for(Trigger.RECLAIM, state)  # the plan ends withdrawn, completed or in implementation
        payer = plan.insurers.coordinating or next(iter(plan.insurers.market_leaders), None)
        payload = {
            "trigger": Trigger.RECLAIM.value, "from": state.value, "to": state.value, "policy": self.policy.stamp,
            **reclaimed, "on_behalf_of": payer,
        }  # fmt: skip
        version = self.current(plan.id).submitted_version
        return Draft(Trigger.RECLAIM.event_type, SystemActor(), version, None, payload, None, state, transition)

    def _books(self, on: date, *, trusted: bool = False) -> Books:
        """The books as of ``on``: the ones kept from the last money action with what the store
        appended since folded in, or built afresh when that cannot be done in order.

        ``trusted``: the books kept are taken as they are, without asking the store whether another
        writer came in (unless one did at the last attempt), for an action whose append makes sure
        nothing did (``after``) and whose refusal asks afterwards (:meth:`_with_money`). The desk
        folds in what it appends itself, so a desk that is the store's only writer asks nothing."""
        folding = self._folding
        if folding is not None:
            appended = () if trusted and not self._lagging else self._appended_since(folding.last_seq)
            if not folding.extend(appended, on):
                folding = None
        if folding is None:
            folding = Folding.read(self.store, on, self._requested)
        self._folding = folding
        self._lagging = False
        return folding.books()

    def _new_events(self, plan: Plan, drafts: Sequence[Draft], effective: datetime | None) -> tuple[NewEvent, ...]:
        groups = self._groups(plan)
        return tuple(_new_event(plan, draft, effective, groups) for draft in drafts)

    def _groups(self, plan: Plan) -> Mapping[str, Any]:
        """The groups the plan's events count under, worked out once per stored version (a
        version never changes; the events of one share the mapping, which nobody changes)."""
        key = (plan.id, plan.version)
        groups = self._plan_groups.get(key)
        if groups is None:
            if len(self._plan_groups) >= _GROUPS_KEPT:
                self._plan_groups.clear()
            groups = self._plan_groups[key] = plan_groups(plan)
        return groups

    def _appended_since(self, seq: int) -> Iterable[Event]:
        """The events after ``seq``, for the books; nothing read when there are none (the store's
        last number is a cheaper question than an empty read)."""
        if self.store.last_seq() == seq:
            return ()
        return self.store.events(after=seq, without=_UNREAD)

    def _fold_in(self, events: Sequence[Event]) -> None:
        """Fold the events this desk just appended into the books it keeps, when they follow on
        from the last event those books read (no other writer came in between), so that the next
        budget-fit check need not read them back; after a gap it reads them from the store."""
        folding = self._folding
        if folding is None or not events or events[-1].seq != folding.last_seq + len(events):
            return  # numbered in order in one transaction: the last tells whether any came in between
        day = max(folding.on, *(event_day(event, folding.reading) for event in events))
        if not folding.extend(events, day):
            self._folding = None  # built afresh by the next money action

    def _requested(self, plan_id: str, version: int | None) -> int:
        plan = self._plan(plan_id, version)
        return cents(plan.funding.total) if plan.funding else 0

    def _fits(self, books: Books) -> Callable[[Queued], bool]:
        return lambda queued: books.fit(self._plan(queued.plan_id, _decided_version(self.current(queued.plan_id)))).fits

    def pay(
        self, plan_id: str, milestone: str, actor: Actor, *, reason: str | None = None, on: date | None = None
    ) -> ActionResult:
        """The paying insurer records a milestone found met as paid: its amount moves from the plan's
        commitment to paid."""
        return self.act(plan_id, Trigger.PAY, actor, reason=reason, milestone=milestone, on=on)

    def reduce(
        self,
        plan_id: str,
        milestone: str,
        amount: int,
        actor: Actor,
        *,
        reason: str | None = None,
        on: date | None = None,
    ) -> ActionResult:
        """The paying insurer records that ``milestone`` needs ``amount`` cents less than approved
        (the plan turned out cheaper): that much of the commitment goes back to the funds, and the
        plans at the head of the waiting list that it now covers are funded in the same transaction."""
        return self.act(plan_id, Trigger.REDUCE, actor, reason=reason, milestone=milestone, on=on, amount=amount)

    def milestones(self, on: date | None = None) -> list[MilestoneLine]:
        """Every milestone of every funded plan as of ``on`` (default: today), by due date."""
        return milestone_lines(self.store.events(), self._plan, self.policy, on or self.today())

    def move_waiting_list(self, on: date | None = None) -> list[ActionResult]:
        """Fund the plans at the head of the waiting list that the money now covers, by the system in
        one transaction: for money that came back by a date passing (a reservation's deadline, an
        earmark's end), which no action records. A daily job runs it (``beoordeling waitlist --move``);
        a withdrawal or completion moves the list by itself."""
        day = on or self.today()
        books = self._books(day)
        batches = self._promotions(books, (), day, self._effective(on, self.today()))
        if not batches:
            return []
        try:
            after = self._folding.last_seq if self._folding is not None else None  # the books just read
            events = self.store.append_to_plans(batches, after=after)
        except AppendedSince:
            self._folding = None  # another writer came in between: the next move reads the books afresh
            raise
        finally:
            for batch in batches:
                self._records.pop(batch.plan_id, None)
        self._fold_in(events)
        return [
            ActionResult(batch.plan_id, [e for e in events if e.plan_id == batch.plan_id], batch.state, ())
            for batch in batches
        ]

    def _promotions(
        self, books: Books, returned: Sequence[Transaction], on: date, effective: datetime | None
    ) -> list[PlanAppend]:
        """The funding events of the queued plans the ``returned`` money now covers, by the system on
        the NZa's behalf (the list moves by itself)."""
        found = []
        plans = lambda plan_id: self._plan(plan_id, _decided_version(self.current(plan_id)))  # noqa: E731
        for queued_plan, fit in promoted(books, returned, plans):
            queued = self.current(queued_plan.id)
            drafts = act(queued, queued_plan, Trigger.FUND, SystemActor(), on, policy=self.policy, rules=self.rules,
                         recorded_on=self.today(), assessments=self._assessments)  # fmt: skip
            last = drafts[-1]
            extra = {**funding_payload(fit), "promoted": True, "on_behalf_of": self._queued_by(queued_plan.id)}
            drafts = [*drafts[:-1], replace(last, payload={**last.payload, **extra})]
            found.append(PlanAppend(queued_plan.id, self._new_events(queued_plan, drafts, effective),
                                    queued.basis_seq, drafts[-1].state))  # fmt: skip
        return found

    def _queued_by(self, plan_id: str) -> str | None:
        """The organisation whose budget-fit check put ``plan_id`` on the waiting list (the NZa): the
        system funds it from the list on its behalf, and its letter comes from there."""
        found = None
        for event in self.store.events(plan_id):
            if event.type == Trigger.WAITLIST.event_type:
                found = event.actor.organisation
        return found

    def submit(self, plan_id: str, actor: Actor, *, reason: str | None = None, on: date | None = None) -> ActionResult:
        """Submit the quick test (a draft) or the worked-out plan (after a positive quick test)."""
        state = self._state(plan_id)
        trigger = Trigger.SUBMIT_QUICK_TEST if state is PlanState.DRAFT else Trigger.SUBMIT_PLAN
        return self.act(plan_id, trigger, actor, reason=reason, on=on)

    def decide(
        self, plan_id: str, outcome: str, actor: Actor, *, reason: str | None = None, on: date | None = None
    ) -> ActionResult:
        """Record a market leader's decision in the plan's current step (a vote until both agree)."""
        state = self._state(plan_id)
        step = PlanState.FINAL_DECISION if state is PlanState.CONSULTATION else state
        return self.act(plan_id, self._decision(plan_id, step, outcome), actor, reason=reason, on=on)

    def propose(
        self, plan_id: str, outcome: str, actor: Actor, *, reason: str | None = None, on: date | None = None
    ) -> ActionResult:
        """Record a market leader's proposed decision on a submitted plan (domain.md §4.3)."""
        trigger = self._decision(plan_id, PlanState.PLAN_SUBMITTED, outcome)
        return self.act(plan_id, trigger, actor, reason=reason, on=on)

    def escalate(self, plan_id: str, actor: Actor, *, reason: str, on: date | None = None) -> ActionResult:
        """A market leader puts the leaders' disagreement before the BO IZA (domain.md §3.8)."""
        return self.act(plan_id, Trigger.ESCALATE, actor, reason=reason, on=on)

    def rule(self, plan_id: str, outcome: str, actor: Actor, *, reason: str, on: date | None = None) -> ActionResult:
        """The BO IZA's ruling on an escalated disagreement: uphold one of the leaders' decisions
        (``outcome`` as for ``decide``: it takes effect), or ``send-back`` (the leaders decide again)."""
        if outcome == "send-back":
            return self.act(plan_id, Trigger.SEND_BACK, actor, reason=reason, on=on)
        state = self._state(plan_id)
        upheld = self._decision(
            plan_id, PlanState.FINAL_DECISION if state is PlanState.CONSULTATION else state, outcome
        )
        return self.act(plan_id, Trigger.UPHOLD, actor, reason=reason, on=on, ruling=upheld)

    def judge(
        self,
        plan_id: str,
        criterion: str,
        verdict: str,
        actor: Actor,
        *,
        reason: str | None = None,
        on: date | None = None,
    ) -> ActionResult:
        """Record an assessor's verdict on one criterion, for the actor's organisation."""
        try:
            judgement = Judgement(
                criterion=criterion,
                verdict=Verdict(verdict),
                assessor=actor.name,
                organisation=actor.organisation,
                reason=reason,
                recorded_on=on or self.today(),
                plan_version=self.current(plan_id).submitted_version,
            )
        except (ValidationError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                raise InputError(problems_from(exc, None)) from None
            raise InputError(
                [Problem(_("unknown verdict {verdict!r}; expected pass or fail").format(verdict=verdict))]
            ) from None
        record = self.current(plan_id)
        plan = self._plan(plan_id, record.submitted_version or record.latest_version)
        check_judgements(plan, record.submitted_on or self.today(), [judgement], rules=self.rules)
        return self.act(plan_id, Trigger.JUDGE, actor, reason=reason, judgement=judgement, on=on)

    def open_judgements(self, plan_id: str) -> list[str]:
        """The criteria of the step under assessment that still wait for the market leaders'
        (agreeing) judgements: an assessor's to-do list."""
        return [
            c.id for step in self.assessment(plan_id).steps for c in step.criteria if c.status is Status.NEEDS_JUDGEMENT
        ]

    def assessment(self, plan_id: str) -> Assessment:
        """The criteria of the step the plan is in (or goes to next), on the version submitted for
        it, with the judgements recorded so far (carried over from an earlier version where they
        still hold), under the edition in force on the day it was submitted: what the assessors
        see when they judge."""
        record = self.current(plan_id)
        plan = self._plan(plan_id, record.submitted_version or record.latest_version)
        milestones = plan.funding.milestones if plan.funding else []
        on = record.submitted_on or self.today()
        judgements = carry_over(
            record.judgements, plan, plan.version, self._earlier(plan_id), edition_for(plan, on, self.rules)
        )
        return evaluate(
            plan,
            on,
            judged_steps(record.state),
            judgements,
            rules=self.rules,
            milestone=next((m for m in milestones if m.id == record.milestone), None),
            judges=plan.insurers.market_leaders,
        )

    def _state(self, plan_id: str) -> PlanState:
        return (self.current(plan_id)).state

    def _decision(self, plan_id: str, state: PlanState, outcome: str) -> Trigger:
        current = self._state(plan_id)
        choices = DECISIONS.get(state)
        if choices is None:
            steps = ", ".join(f"'{term(s)}'" for s in DECISIONS)
            refusal = _("a decision is taken only in state {states}").format(states=steps)
            raise Refused(plan_id, term(current), "decide", [refusal])
        trigger = choices.get(outcome)
        if trigger is None:
            raise InputError(
                [
                    Problem(
                        _("unknown outcome {outcome!r} in state '{label}'; expected one of {value}").format(
                            outcome=outcome, label=state.label, value=", ".join(choices)
                        )
                    )
                ]
            )
        return trigger

    # --- reporting ----------------------------------------------------------------------------------

    def history(self, plan_id: str) -> list[Event]:
        events = list(self.store.events(plan_id))
        if not events:
            self.store.plan(plan_id)
        return events

    def deadlines(self, on: date | None = None, reading: Reading = Reading.HAPPENED) -> list[Deadline]:
        """Every open clock and dated deadline on ``on`` (default: today), overdue first, with the
        record read as of that day as it happened or as it was known (:mod:`.store.asof`)."""
        on = on or self.today()
        records: dict[str, PlanRecord] = {}
        titles: dict[str, str] = {}
        for event in events_as_of(self.store.events(), on, reading):
            if event.plan_id is None:
                continue
            record = records.get(event.plan_id)
            if record is None:
                record = records[event.plan_id] = PlanRecord(event.plan_id)
            record.apply(event)
            if "title" in event.payload and event.type.startswith("plan."):
                titles[event.plan_id] = str(event.payload["title"])
        return self.deadlines_of(records, titles, on)

    def deadlines_of(self, records: Mapping[str, PlanRecord], titles: Mapping[str, str], on: date) -> list[Deadline]:
        """The open clocks and dated deadlines of plans already replayed to ``on``, overdue first."""
        found: list[Deadline] = []
        for plan_id, record in records.items():
            found.extend(self._deadlines_of(record, titles.get(plan_id, ""), on))
        return sorted(found, key=_urgency)

    def _deadlines_of(self, record: PlanRecord, title: str, on: date) -> Iterable[Deadline]:
        groups = record.groups
        leaders = tuple(groups.get("market_leaders") or ())
        coordinating = groups.get("coordinating")
        others = tuple(name for name in groups.get("insurers") or () if name not in leaders and name != coordinating)
        if record.escalation is not None:
            escalation = record.escalation
            due = escalation.due_on
            yield Deadline(
                record.plan_id, title, record.state, ClockName.ESCALATION.label, due, (due - on).days, ("BO IZA",),
                _("put to the BO IZA by {organisation} on {day}: {reason}").format(
                    organisation=escalation.organisation, day=_dutch.said_day(escalation.on),
                    reason=escalation.reason or "",
                ),
                clock=ClockName.ESCALATION,
            )  # fmt: skip
        clock = record.clock
        if clock is not None and record.state not in _OPEN_ENDED:
            name, due = clock.name, clock.due_on
            responsible = leaders
            if name is ClockName.CONSULTATION:
                if on > due:
                    # The window has closed; the final decision is due two weeks after it.
                    name = ClockName.FINAL_DECISION
                    ends = due + timedelta(weeks=self.policy.clock(name).weeks)
                    due = self.policy.due(ends)
                else:
                    responsible = others
            if clock.suspended_on is not None:
                yield Deadline(
                    record.plan_id, title, record.state, name.label, None, None, (_("submitters"),),
                    _("suspended since {day}: waiting for more information").format(
                        day=_dutch.said_day(clock.suspended_on)
                    ),
                    clock=name,
                )  # fmt: skip
            else:
                halted = self._halted_by(record, name, on)
                since = _dutch.said_day(halted.starts) if halted and halted.starts else "-"
                note = (
                    _("halted by policy {policy} (since {day})").format(policy=halted.id, day=since)
                    if halted else self._note(record)
                )  # fmt: skip
                yield Deadline(
                    record.plan_id, title, record.state, name.label, due, (due - on).days, responsible, note,
                    halted is not None, name,
                )  # fmt: skip
        if record.state in _DECIDED:
            return
        for rule in self.policy.deadlines(groups.get("theme"), on):
            if rule.deadline is None:
                continue
            yield Deadline(
                record.plan_id, title, record.state, rule.title, rule.deadline, (rule.deadline - on).days, leaders,
                None,
            )  # fmt: skip

    def _note(self, record: PlanRecord) -> str | None:
        disagreement = record.disagreement
        if disagreement is None:
            return None
        a, b = disagreement
        return _("disagreement: {first} “{first_vote}”, {second} “{second_vote}”").format(
            first=a.organisation, first_vote=term(a.trigger), second=b.organisation, second_vote=term(b.trigger)
        )

    def _halted_by(self, record: PlanRecord, clock: ClockName, on: date) -> PolicyRule | None:
        """The policy that refuses the decision ``clock`` waits for, if one does on ``on``."""
        return self.policy.refusing(_CLOSED_BY[clock], on, record.groups.get("theme"), None, record.state)


# A theme reservation concerns plans still to be approved.
_DECIDED = (
    *_OPEN_ENDED,
    PlanState.APPROVED,
    PlanState.WAITLISTED,
    PlanState.FUNDED,
    PlanState.IMPLEMENTATION,
    PlanState.MILESTONE_REVIEW,
)
_CLOSED_BY = {
    ClockName.QUICK_TEST: Trigger.PASS_QUICK_TEST,
    ClockName.PROPOSED_DECISION: Trigger.PROPOSE_APPROVAL,
    ClockName.CONSULTATION: Trigger.APPROVE,
    ClockName.FINAL_DECISION: Trigger.APPROVE,
}


def _urgency(deadline: Deadline) -> tuple[int, int, str]:
    if deadline.days_left is None:
        return (2, 0, deadline.plan_id)
    if deadline.halted:
        return (1, deadline.days_left, deadline.plan_id)
    return (0, deadline.days_left, deadline.plan_id)


_MONEY = (Trigger.FUND, Trigger.WAITLIST, Trigger.WITHDRAW, Trigger.PAY, Trigger.COMPLETE, Trigger.REDUCE)
"""The actions the budget-fit check and the ledger take part in."""


def _decided_version(record: PlanRecord) -> int | None:
    """The version a plan's decisions were taken on (the one submitted), else its latest."""
    return record.submitted_version or record.latest_version


def _new_event(plan: Plan, draft: Draft, effective: datetime | None, groups: Mapping[str, Any]) -> NewEvent:
    actor = (
        draft.actor
        if isinstance(draft.actor, Actor)
        else Actor(draft.actor.name, draft.actor.organisation, draft.actor.role)
    )
    return NewEvent(
        draft.type, actor, plan.id, draft.plan_version, draft.reason, dict(draft.payload), groups,
        draft.rules_version, effective,
    )  # fmt: skip
