"""What each page shows, read from the library: plain values for the templates, no rule of its own.

Visibility is the accounts' rule (:func:`..accounts.visible_to`); the clocks are the desk's
deadlines; the criteria are the desk's assessment; the decisions a step offers are the workflow's
``DECISIONS``. A page never shows a plan its reader's organisation is not named in.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .. import _dutch
from ..accounts import Account, Named, named_organisations, visible_to
from ..criteria import Assessment, Judgement, Status
from ..desk import Deadline, Desk
from ..errors import PlanNotFound
from ..forms import default_forms
from ..forms._model import Leaf
from ..forms.cells import to_cell
from ..letters import LetterOffice
from ..model import Plan, PlanState, Role
from ..store import Event, Store
from ..store._diff import changes
from ..workflow import DECISIONS, PlanRecord, Trigger, transition_for

__all__ = ["ACTION_ROLES", "InboxRow", "Organisations", "PlanPage", "Records", "inbox", "plan_page"]

ACTION_ROLES: dict[str, Role] = {
    "submit": Role.SUBMITTER,
    "answer": Role.SUBMITTER,
    "prepare": Role.SUBMITTER,
    "withdraw": Role.SUBMITTER,
    "start": Role.SUBMITTER,
    "report-milestone": Role.SUBMITTER,
    "judge": Role.MARKET_LEADER,
    "propose": Role.MARKET_LEADER,
    "decide": Role.MARKET_LEADER,
    "escalate": Role.MARKET_LEADER,
    "comment": Role.OTHER_INSURER,
    "request-info": Role.COORDINATING_INSURER,
    "complete": Role.COORDINATING_INSURER,
    "pay": Role.COORDINATING_INSURER,
    "fund": Role.NZA,
    "waitlist": Role.NZA,
    "rule": Role.BO_IZA,
}
"""The role each action is taken in (the CLI's defaults): an account acts in it when it has it."""

_CLOSED = (PlanState.QUICK_TEST_NEGATIVE, PlanState.NOT_APPROVED, PlanState.COMPLETED, PlanState.WITHDRAWN)
"""States in which nothing is assessed any more."""


@dataclass(frozen=True)
class InboxRow:
    plan_id: str
    title: str
    state: PlanState
    region: str | None
    deadline: Deadline | None
    """The plan's most pressing open clock (overdue first), if one runs."""

    @property
    def order(self) -> tuple[int, int, str]:
        if self.deadline is None or self.deadline.days_left is None:
            return (2, 0, self.plan_id)
        return (0 if self.deadline.overdue else 1, self.deadline.days_left, self.plan_id)


def _pressing(deadlines: Iterable[Deadline]) -> dict[str, Deadline]:
    found: dict[str, Deadline] = {}
    for d in deadlines:
        if d.days_left is None:
            found.setdefault(d.plan_id, d)
            continue
        held = found.get(d.plan_id)
        if held is None or held.days_left is None or d.days_left < held.days_left:
            found[d.plan_id] = d
    return found


class Organisations:
    """Who each stored plan version names, per role: read once per version (a stored version never
    changes), so that an inbox of hundreds of plans reads the register, not every plan."""

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self._found: OrderedDict[tuple[str, int], Named] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, store: Store, plan_id: str, version: int) -> Named:
        key = (plan_id, version)
        with self._lock:
            found = self._found.get(key)
        if found is None:
            found = named_organisations(store.plan_version(plan_id, version))
            with self._lock:
                self._found[key] = found
                while len(self._found) > self.limit:
                    self._found.popitem(last=False)
        return found


class Records:
    """Every plan's record, brought up to date with the events appended since it last looked (a
    record only grows, so the events read once need not be read again), for the inbox's clocks.

    The deadlines are those of today, when every stored event has taken effect (none is dated
    after the moment it is recorded): the same as :meth:`.Desk.deadlines` for today, without
    replaying the whole log on every request."""

    def __init__(self) -> None:
        self._records: dict[str, PlanRecord] = {}
        self._titles: dict[str, str] = {}
        self._seen = 0
        self._lock = threading.Lock()

    def deadlines(self, desk: Desk) -> list[Deadline]:
        with self._lock:
            for event in desk.store.events(after=self._seen):
                self._seen = event.seq
                if event.plan_id is None:
                    continue
                record = self._records.get(event.plan_id)
                if record is None:
                    record = self._records[event.plan_id] = PlanRecord(event.plan_id)
                record.apply(event)
                if "title" in event.payload and event.type.startswith("plan."):
                    self._titles[event.plan_id] = str(event.payload["title"])
            return desk.deadlines_of(self._records, self._titles, desk.today())


def inbox(
    desk: Desk,
    account: Account,
    state: PlanState | None = None,
    organisations: Organisations | None = None,
    records: Records | None = None,
) -> list[InboxRow]:
    """The plans the account may see, by their clocks: overdue first, then the nearest due date,
    then the plans with no clock running."""
    organisations = organisations or Organisations()
    store = desk.store
    pressing = _pressing((records or Records()).deadlines(desk))
    rows = []
    for summary in store.plans(state=state):
        if visible_to(account, organisations.of(store, summary.plan_id, summary.latest_version)):
            deadline = pressing.get(summary.plan_id)
            rows.append(InboxRow(summary.plan_id, summary.title, summary.state, summary.region, deadline))
    return sorted(rows, key=lambda row: row.order)


@dataclass(frozen=True)
class ContentSection:
    """One sheet of the plan form, filled from a plan: its fields, or its table's rows."""

    title: str
    fields: tuple[tuple[str, str], ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def _at_path(value: Any, keys: Iterable[str]) -> Any:
    for key in keys:
        if value is None:
            return None
        value = getattr(value, key, None)
    return value


def _shown(leaf: Leaf, value: Any) -> str:
    """A value as the form's reader writes it: a choice's label, ja/nee, Dutch dates and amounts."""
    typed = to_cell(leaf, value)
    if typed is None or typed == "":
        return "–"
    if isinstance(typed, date):
        return _dutch.day(typed)
    if isinstance(typed, Decimal):
        return _dutch.euro(typed) if leaf.kind == "amount" else _dutch.number(typed)
    return str(typed)


def plan_content(plan: Plan) -> list[ContentSection]:
    """The whole plan, laid out as the plan form lays it out (the form binds every field of the
    model), with the form's Dutch labels: what an assessor reads before judging."""
    found = []
    for section in default_forms()["plan"].sections:
        if section.table is not None:
            table = section.table
            items = _at_path(plan, table.keys) or []
            rows = tuple(tuple(_shown(c.leaf, _at_path(item, c.keys)) for c in table.columns) for item in items)
            found.append(ContentSection(section.title, columns=tuple(c.text.label for c in table.columns), rows=rows))
        else:
            fields = tuple((f.text.label, _shown(f.leaf, _at_path(plan, f.keys))) for f in section.fields)
            found.append(ContentSection(section.title, fields=fields))
    return found


@dataclass(frozen=True)
class Action:
    """One action the page offers: its name, the role it is taken in, and its choices."""

    name: str
    role: Role
    outcomes: tuple[str, ...] = ()
    reason_required: bool = False


@dataclass
class PlanPage:
    plan: Plan
    record: PlanRecord
    assessment: Assessment | None
    deadlines: list[Deadline]
    history: list[Event]
    letters: list[Event]
    versions: list[int]
    diff: list[dict[str, Any]] = field(default_factory=list)
    compared: tuple[int, int] | None = None
    actions: list[Action] = field(default_factory=list)
    judge_role: Role | None = None
    today: date | None = None
    content: list[ContentSection] = field(default_factory=list)
    mine: dict[str, Judgement] = field(default_factory=dict)
    """The reader's organisation's latest verdict per criterion on the version under assessment."""

    @property
    def open_criteria(self) -> set[str]:
        if self.assessment is None:
            return set()
        return {c.id for s in self.assessment.steps for c in s.criteria if c.status is Status.NEEDS_JUDGEMENT}


_TRIGGERS: dict[str, tuple[Trigger, ...]] = {
    "submit": (Trigger.SUBMIT_QUICK_TEST, Trigger.SUBMIT_PLAN),
    "answer": (Trigger.ANSWER,),
    "prepare": (Trigger.PREPARE,),
    "withdraw": (Trigger.WITHDRAW,),
    "start": (Trigger.START,),
    "report-milestone": (Trigger.REPORT_MILESTONE,),
    "request-info": (Trigger.REQUEST_INFO,),
    "comment": (Trigger.COMMENT,),
    "escalate": (Trigger.ESCALATE,),
    "fund": (Trigger.FUND,),
    "waitlist": (Trigger.WAITLIST,),
    "complete": (Trigger.COMPLETE,),
    "pay": (Trigger.PAY,),
}
_REASONED = {"withdraw", "request-info", "comment", "escalate", "rule"}
"""Actions whose reason the desk requires (the CLI's ``--reason`` is required for them too)."""


def _offered(account: Account, plan: Plan, record: PlanRecord) -> list[Action]:
    """The actions the workflow has a transition for in the plan's state, in a role the account
    may take on this plan. The desk still decides: an action offered here can be refused (a clock,
    a policy, the other leader's vote) and is then shown with the desk's reasons."""
    state = record.state
    offered: list[Action] = []
    for name, triggers in _TRIGGERS.items():
        role = account.role_for(plan, [ACTION_ROLES[name]])
        if role is not None and any(transition_for(t, state) for t in triggers):
            offered.append(Action(name, role, (), name in _REASONED))
    step = PlanState.FINAL_DECISION if state is PlanState.CONSULTATION else state
    leader = account.role_for(plan, [Role.MARKET_LEADER])
    if leader is not None and state is PlanState.PLAN_SUBMITTED:
        offered.append(Action("propose", leader, tuple(DECISIONS[state])))
    elif leader is not None and step in DECISIONS:
        offered.append(Action("decide", leader, tuple(DECISIONS[step])))
    if record.escalation is not None:
        ruler = account.role_for(plan, [Role.BO_IZA])
        if ruler is not None:
            offered.append(Action("rule", ruler, (*DECISIONS.get(step, {}), "send-back"), True))
    return offered


def plan_page(desk: Desk, account: Account, plan_id: str, compare: tuple[int, int] | None = None) -> PlanPage:
    """Everything the plan's page shows; :class:`PlanNotFound` for a plan that is not the account's
    to see, exactly as for one that does not exist."""
    history = desk.history(plan_id)
    record = desk.record(plan_id, history)
    plan = desk.plan(plan_id, record.latest_version)
    if not visible_to(account, plan):
        raise PlanNotFound(plan_id)
    state = record.state
    assessment = desk.assessment(plan_id) if state not in _CLOSED else None
    today = desk.today()
    deadlines = desk.deadlines_of({plan_id: record}, {plan_id: plan.title}, today)
    letters = LetterOffice(desk.store).decisions(plan_id, history)
    versions = [v.version for v in desk.store.versions(plan_id)]
    page = PlanPage(plan, record, assessment, deadlines, history, letters, versions, today=today)
    if compare is not None:
        before, after = compare
        if before in versions and after in versions and before != after:
            old = desk.plan(plan_id, before).model_dump(mode="json", exclude={"version"})
            new = desk.plan(plan_id, after).model_dump(mode="json", exclude={"version"})
            page.diff = changes(old, new)
            page.compared = (before, after)
    page.actions = _offered(account, plan, record)
    page.content = plan_content(plan)
    page.judge_role = account.role_for(plan, [Role.MARKET_LEADER]) if page.open_criteria else None
    own = account.organisation.casefold()
    for judgement in record.judgements:
        if judgement.organisation.casefold() == own and judgement.plan_version == record.submitted_version:
            page.mine[judgement.criterion] = judgement
    return page
