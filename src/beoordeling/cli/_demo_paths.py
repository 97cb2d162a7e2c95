"""The demo's story: the example plans walked through the workflow on realistic dates.

One plan is approved, funded and has its first milestone met; one is rejected after a request for
more information; one is sent back for rework; one waits for a quick-test decision long past its
due date; one has just been submitted. The money runs out on a practice programme of EUR 50m: a
second tranche of the funded plan is funded as well, a third is approved when too little is left
and goes onto the waiting list, and when the second is withdrawn its money funds the third from the
list in the same transaction. The withdrawn tranche takes the municipal (SPUK) route for the part a
municipality carries: that part is advanced to the municipality when the plan is funded, its share
of a milestone missed is reclaimed, and so is the rest at the withdrawal, each with a repayment
letter. Every step goes through the desk, so every refusal the workflow would give a real user
applies here too.

The stories are told together, in calendar order: the demo's store is a practice store whose
simulated clock only moves forward, as a real store's does, so each step is recorded on its day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from ..desk import Desk
from ..model import Address, CostCategory, Party, PartyRole, Plan, Role, Sector
from ..money import load_programme
from ..resources import bundled_dir
from ..store import Actor
from ..workflow import AMSTERDAM, Trigger
from ._words import _

__all__ = ["AS_OF", "BUDGET_ON", "FORECAST_ON", "QUEUED", "SPUK_YEAR", "STATS_QUARTER", "TOWN", "WITHDRAWN",
           "DemoClock", "Story", "Walk", "adopt_practice_programme", "tranches", "walk_examples"]  # fmt: skip

QUEUED = "TP-2023-0015"
"""The tranche that waits on the list and is funded from it."""
WITHDRAWN = "TP-2023-0016"
"""The tranche that is funded and later withdrawn, giving its money back."""
TOWN = "Gemeente Tiel"
"""The municipality that carries a cost line of the withdrawn tranche (the municipal route)."""
NZA = Actor("toetser", "NZa", Role.NZA)

AS_OF = date(2025, 9, 15)
"""The day the demo's deadline list is drawn up: after the intake closed, before the 2026 halt."""
FORECAST_ON = date(2024, 10, 1)
"""The day of the demo's forecast: the money is nearly gone and the second tranche is being worked out."""
BUDGET_ON = date(2025, 10, 1)
"""The day the demo's budget is drawn up: the money has run out and the second tranche waits."""
STATS_QUARTER = "2025Q3"
"""The quarter of the demo's figures: the intake closes, the money has run out, a plan waits."""
SPUK_YEAR = 2025
"""The year of the demo's municipal-route figures: a milestone missed and a withdrawal, both repaid."""
IMPORTED_ON = date(2023, 2, 6)


class DemoClock:
    """The demo's store clock: noon (Dutch time) on the day the story has reached."""

    def __init__(self, day: date = IMPORTED_ON) -> None:
        self.day = day

    def __call__(self) -> datetime:
        return datetime.combine(self.day, time(12), AMSTERDAM).astimezone(UTC)


@dataclass(frozen=True)
class _People:
    submitter: Actor
    coordinator: Actor
    leaders: tuple[Actor, Actor]


def _people(desk: Desk, plan_id: str) -> _People:
    plan = desk.store.plan(plan_id).plan
    insurers = plan.insurers
    first, second = insurers.market_leaders
    return _People(
        Actor("projectleider", plan.parties[0].name, Role.SUBMITTER),
        Actor("intake", insurers.coordinating or first, Role.COORDINATING_INSURER),
        (Actor("beoordelaar", first, Role.MARKET_LEADER), Actor("beoordelaar", second, Role.MARKET_LEADER)),
    )


class Walk:
    """One plan's path, step by step, each on its own date: the steps are written down first and
    taken later, in calendar order with every other plan's (:func:`walk_examples`)."""

    def __init__(self, desk: Desk, plan_id: str) -> None:
        self.desk, self.plan_id = desk, plan_id
        self.people = _people(desk, plan_id)
        self.day: date | None = None
        self.steps: list[tuple[date, Callable[[], object]]] = []

    def on(self, day: date) -> Walk:
        self.day = day
        return self

    def _later(self, step: Callable[[], object]) -> None:
        if self.day is None:
            raise ValueError(f"{self.plan_id}: a step needs a day (on(day) first)")
        self.steps.append((self.day, step))

    def act(self, trigger: Trigger, actor: Actor, reason: str | None = None, milestone: str | None = None) -> None:
        self._later(lambda: self.desk.act(self.plan_id, trigger, actor, reason=reason, milestone=milestone))

    def judge_all(self) -> None:
        """Both market leaders record 'pass' on every criterion of the step that asks for judgement."""

        def judge() -> None:
            for criterion in self.desk.open_judgements(self.plan_id):
                for leader in self.people.leaders:
                    self.desk.judge(self.plan_id, criterion, "pass", leader)

        self._later(judge)

    def both(self, method: Callable[..., object], outcome: str, reason: str | None = None) -> None:
        def vote() -> None:
            for leader in self.people.leaders:
                method(self.plan_id, outcome, leader, reason=reason)

        self._later(vote)


Story = Callable[[Walk], str]
"""A plan's path: it writes its steps into a walk and says in a line (in the terminal's language) what the
plan went through."""


def walk_examples(
    desk: Desk, clock: DemoClock, present: set[str], extra: Sequence[tuple[str, Story]] = ()
) -> list[str]:
    """Walk the example plans that are in the store (and still drafts), and the ``extra`` stories,
    all together in calendar order; return what each went through."""
    told: list[str] = []
    steps: list[tuple[date, int, int, Callable[[], object]]] = []
    for number, (plan_id, story) in enumerate((*_STORIES, *extra)):
        if plan_id in present and desk.current(plan_id).state.value == "concept":
            walk = Walk(desk, plan_id)
            told.append(f"{plan_id}: {story(walk)}")
            steps.extend((day, number, index, step) for index, (day, step) in enumerate(walk.steps))
    for day, _number, _index, step in sorted(steps, key=lambda s: s[:3]):
        clock.day = day
        step()
    return told


def _approved(w: Walk) -> str:
    p = w.people
    w.on(date(2023, 3, 6)).act(Trigger.SUBMIT_QUICK_TEST, p.submitter)
    w.on(date(2023, 3, 27)).judge_all()
    w.both(w.desk.decide, "positive")
    w.on(date(2023, 4, 3)).act(Trigger.PREPARE, p.coordinator)
    w.on(date(2023, 6, 5)).act(Trigger.SUBMIT_PLAN, p.submitter)
    w.on(date(2023, 6, 26)).judge_all()
    w.both(w.desk.propose, "approve")
    w.on(date(2023, 7, 3)).act(Trigger.COMMENT, Actor("inkoper", "CZ", Role.OTHER_INSURER),
                               "Hoe sluit dit aan op onze eigen contracten voor telemonitoring?")  # fmt: skip
    w.on(date(2023, 7, 17)).both(w.desk.decide, "approve")
    w.on(date(2023, 8, 1)).act(Trigger.FUND, Actor("toetser", "NZa", Role.NZA))
    w.on(date(2023, 9, 1)).act(Trigger.START, p.submitter)
    w.on(date(2025, 1, 15)).act(Trigger.REPORT_MILESTONE, p.submitter, milestone="M1")
    w.on(date(2025, 2, 3)).judge_all()
    w.both(w.desk.decide, "met")
    w.on(date(2025, 2, 24)).act(Trigger.PAY, p.coordinator, milestone="M1")
    return _("approved, funded, milestone M1 met and paid")


def _rejected(w: Walk) -> str:
    p = w.people
    w.on(date(2024, 2, 5)).act(Trigger.SUBMIT_QUICK_TEST, p.submitter)
    w.on(date(2024, 2, 19)).act(
        Trigger.REQUEST_INFO, p.coordinator, "Welke regionale plannen onderbouwen de impact op de wijkverpleging?"
    )
    w.on(date(2024, 3, 4)).act(Trigger.ANSWER, p.submitter)
    w.on(date(2024, 3, 14)).both(
        w.desk.decide, "negative", "Geen aantoonbare impact op passende zorg; ga door via reguliere contractering."
    )
    return _("quick test negative after a request for more information")


def _rework(w: Walk) -> str:
    p = w.people
    w.on(date(2025, 3, 3)).act(Trigger.SUBMIT_QUICK_TEST, p.submitter)
    w.on(date(2025, 3, 24)).judge_all()
    w.both(w.desk.decide, "positive")
    w.on(date(2025, 5, 12)).act(Trigger.SUBMIT_PLAN, p.submitter)
    reason = "Werk de mijlpalen en de verdeling van de middelen over de gemeenten verder uit."
    w.on(date(2025, 6, 2)).both(w.desk.propose, "rework", reason)
    w.on(date(2025, 6, 17)).both(w.desk.decide, "rework", reason)
    w.on(date(2025, 6, 23)).act(Trigger.PREPARE, p.submitter)
    return _("rework and resubmit; the plan is being worked out again")


def _overdue(w: Walk) -> str:
    w.on(date(2025, 6, 16)).act(Trigger.SUBMIT_QUICK_TEST, w.people.coordinator)
    return _("quick test submitted; its outcome is overdue")


def _running(w: Walk) -> str:
    w.on(date(2025, 6, 30)).act(Trigger.SUBMIT_QUICK_TEST, w.people.coordinator)
    w.on(date(2025, 9, 1)).act(Trigger.REQUEST_INFO, w.people.coordinator, "Graag de rol van de hospices toelichten.")
    return _("quick test submitted on the last day; more information requested (clock suspended)")


def _queued(w: Walk) -> str:
    """Approved when too little is left, on the waiting list, funded from it when money comes back."""
    p = w.people
    w.on(date(2024, 9, 2)).act(Trigger.SUBMIT_QUICK_TEST, p.submitter)
    w.on(date(2024, 9, 23)).judge_all()
    w.both(w.desk.decide, "positive")
    w.on(date(2025, 1, 13)).act(Trigger.SUBMIT_PLAN, p.submitter)
    w.on(date(2025, 2, 3)).judge_all()
    w.both(w.desk.propose, "approve")
    w.on(date(2025, 2, 24)).both(w.desk.decide, "approve")
    w.on(date(2025, 9, 22)).act(Trigger.WAITLIST, NZA)
    return _("approved when the money had run out, on the waiting list, funded from it when money came back")


def _withdrawn(w: Walk) -> str:
    """Funded, then withdrawn: what was still committed goes back and moves the waiting list."""
    p = w.people
    w.on(date(2024, 2, 5)).act(Trigger.SUBMIT_QUICK_TEST, p.submitter)
    w.on(date(2024, 2, 26)).judge_all()
    w.both(w.desk.decide, "positive")
    w.on(date(2024, 5, 6)).act(Trigger.SUBMIT_PLAN, p.submitter)
    w.on(date(2024, 5, 27)).judge_all()
    w.both(w.desk.propose, "approve")
    w.on(date(2024, 6, 17)).both(w.desk.decide, "approve")
    w.on(date(2024, 7, 1)).act(Trigger.FUND, NZA)
    w.on(date(2024, 8, 1)).act(Trigger.START, p.submitter)
    w.on(date(2025, 1, 20)).act(Trigger.REPORT_MILESTONE, p.submitter, milestone="M1")
    missed = "Het centrum is gekoppeld aan één EPD, niet aan drie; de koppelingen liepen een jaar vertraging op."
    w.on(date(2025, 2, 10)).both(w.desk.decide, "missed", missed)
    w.on(date(2025, 11, 3)).act(
        Trigger.WITHDRAW, p.submitter, "De ziekenhuizen van deze tranche stoppen; de toegezegde middelen gaan terug."
    )
    return _(
        "funded, with an advance to {town}; milestone M1 missed, so the municipality repays its share; then "
        "withdrawn: its money went back and funded the plan at the head of the waiting list"
    ).format(town=TOWN)


def tranches(plans: Sequence[Plan]) -> list[Plan]:
    """Two more tranches of the funded example plan, so that the practice programme runs out. In the
    one that is withdrawn a municipality carries the 2026 cost line (the municipal route)."""
    first = next((plan for plan in plans if plan.id == "TP-2023-0014"), None)
    if first is None or first.funding is None:
        return []
    town = Party(name=TOWN, role=PartyRole.MUNICIPALITY, sector=Sector.SOCIAL_DOMAIN,
                 address=Address(street="Postbus 6325", postcode="4000 HH", city="Tiel"))  # fmt: skip
    lines = [
        line.model_copy(update={"party": TOWN, "sector": Sector.SOCIAL_DOMAIN, "category": CostCategory.START_UP,
                                "description": "Wijkteams en mantelzorgondersteuning bij thuismonitoring"})
        if line.year == 2026 else line
        for line in first.funding.lines
    ]  # fmt: skip
    municipal = first.model_copy(
        update={"parties": [*first.parties, town], "funding": first.funding.model_copy(update={"lines": lines})}
    )
    municipal = Plan.model_validate(municipal.model_dump())  # the plan's own checks, on the changed parts too
    return [
        first.model_copy(update={"id": QUEUED, "title": "Thuismonitoring, tweede tranche"}),
        municipal.model_copy(update={"id": WITHDRAWN, "title": "Thuismonitoring, derde tranche"}),
    ]


def adopt_practice_programme(desk: Desk) -> None:
    """The BO IZA adopts the practice programme: EUR 50m, of which EUR 30m earmarked for hospital care."""
    programme = load_programme(bundled_dir("programme") / "oefen.yaml")
    bo_iza = Actor("secretaris", "BO IZA", Role.BO_IZA)
    desk.adopt_programme(programme, bo_iza, reason="Oefenbudget dat opraakt, voor de demo")


_STORIES: tuple[tuple[str, Story], ...] = (
    ("TP-2023-0014", _approved),
    (WITHDRAWN, _withdrawn),
    (QUEUED, _queued),
    ("TP-2024-0093", _rejected),
    ("TP-2025-0311", _rework),
    ("TP-2024-0150", _overdue),
    ("TP-2024-0178", _running),
)
