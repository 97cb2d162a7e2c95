"""What the budget-fit check allows, and the postings a funding, a waiting-list place or a
release records.

The NZa records the budget-fit check (Beoordelingskader §4.4; the NZa checks that approved plans
fit the funds, §3.6), but the ledger decides its outcome: a plan is funded when its request fits
and nobody is ahead of it on the waiting list, and put on the list otherwise. When money comes
back (a funded plan withdrawn), the plans at the head of the list that now fit are funded in the
same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .._dutch import euro, reader, said_day
from .._i18n import _
from .._time import local_date
from ..model import Plan, PlanState
from .books import POSTINGS, Books, Fit, Queued, encoded
from .ledger import Account, AccountKind, Transaction, cents, euros
from .spuk import advance_kept, milestone_shares, municipalities

__all__ = [
    "funding_payload",
    "funding_refusals",
    "payment_payload",
    "promoted",
    "reclaim_payload",
    "reduction_payload",
    "release_payload",
    "unpaid_met",
    "waitlist_payload",
]


def _ahead(books: Books, plan: Plan, state: PlanState, fits: Callable[[Queued], bool]) -> list[Queued]:
    """The queued plans that stand in ``plan``'s way: in strict order every plan ahead of it; with
    ``fill`` only those ahead that would fit themselves."""
    ahead = list(books.ahead_of(plan.id if state is PlanState.WAITLISTED else None))
    if books.programme.spec.waiting_list.order == "fill":
        ahead = [queued for queued in ahead if fits(queued)]
    return ahead


def funding_refusals(
    books: Books, plan: Plan, *, funding: bool, state: PlanState, fits: Callable[[Queued], bool]
) -> list[str]:
    """Why the budget-fit check may not fund ``plan`` (``funding``) or put it on the waiting list
    now; empty when it may. ``fits`` tells whether a queued plan's own request fits."""
    fit = books.fit(plan)
    ahead = _ahead(books, plan, state, fits)
    if funding:
        reasons = []
        if not fit.fits:
            reasons.append(
                _(
                    "the request of {requested} does not fit the available funds: {available} can be committed to "
                    "it (§4.4); put it on the waiting list"
                ).format(
                    requested=euro(euros(fit.requested), reader()),
                    available=euro(euros(fit.requested - fit.short), reader()),
                )
            )
        if fit.over_ceiling:
            reasons.append(
                _(
                    "the municipalities' share of {advance} does not fit under the ceiling of the municipal grant "
                    "(SPUK): {room} is left (§4.7); put it on the waiting list"
                ).format(
                    advance=euro(euros(fit.advance), reader()),
                    room=euro(euros(max(fit.advance - fit.over_ceiling, 0)), reader()),
                )
            )
        if ahead:
            head = ahead[0]
            reasons.append(
                _(
                    "plan {head} is ahead on the waiting list (since {since}); first come, first served, as the "
                    "programme's waiting-list setting orders it"
                ).format(head=head.plan_id, since=said_day(local_date(head.since)))
            )
        return reasons
    if state is PlanState.APPROVED and fit.fits and not ahead:
        return [
            _(
                "the request of {requested} fits the available funds and nobody is ahead on the waiting list "
                "(§4.4); fund it"
            ).format(requested=euro(euros(fit.requested), reader()))
        ]
    return []


def funding_payload(fit: Fit) -> dict[str, Any]:
    """What a funding event records: the commitment's postings and where the money came from."""
    commitment = fit.commitment()
    payload = {
        POSTINGS: encoded(commitment),
        "amount": str(euros(fit.requested)),
        "drawn_from": {str(draw.account): str(euros(draw.amount)) for draw in fit.draws},
    }
    if fit.advance:
        payload["advance"] = str(euros(fit.advance))
    return payload


def waitlist_payload(books: Books, plan: Plan) -> dict[str, Any]:
    """What a waiting-list event records: the request, what could have been committed, and the place."""
    fit = books.fit(plan)
    ahead = books.queue
    return {
        "amount": str(euros(fit.requested)),
        "available": str(euros(fit.requested - fit.short)),
        "position": len(ahead) + 1,
        "ahead": str(euros(sum(queued.requested for queued in ahead))),
    }


def release_payload(books: Books, plan_id: str, *, kept: int = 0) -> tuple[dict[str, Any], Transaction | None]:
    """What a withdrawal or completion of a funded plan records: the postings that give back what is
    still committed to it, less ``kept`` (milestones found met and not yet paid)."""
    release = books.release(plan_id, f"release {plan_id}", kept=kept)
    if release is None:
        return {}, None
    returned = sum(p.amount for p in release.postings if p.amount > 0)
    return {POSTINGS: encoded(release), "released": str(euros(returned))}, release


def payment_payload(books: Books, plan: Plan, milestone: str, *, reduced: int = 0) -> tuple[dict[str, Any], str | None]:
    """What a payment records: the insurers' part of the milestone's amount (less what it was
    ``reduced`` by) moved from the plan's commitment to paid, and on the municipal route the
    municipalities' part settled from their advance; or why it cannot be (less is committed than
    the milestone pays)."""
    amount = _milestone_amount(plan, milestone) - reduced
    settled = milestone_shares(plan, books.ledger.advanced(plan.id)).get(milestone, 0)
    committed = Account(AccountKind.COMMITTED, None, plan.id)
    advanced = Account(AccountKind.ADVANCED, None, plan.id)
    held = books.ledger.balance(committed)
    if held < amount - settled or books.ledger.balance(advanced) < settled:
        return {}, _(
            "milestone {milestone} pays {amount}, but only {held} is committed to plan {plan} in the books (§4.5)"
        ).format(milestone=milestone, amount=euro(euros(amount - settled), reader()), held=euro(euros(held), reader()),
                 plan=plan.id)  # fmt: skip
    paid = Account(AccountKind.PAID, None, f"{plan.id}/{milestone}")
    pairs = [(committed, settled - amount), (paid, amount)]
    if settled:
        pairs.append((advanced, -settled))
    transaction = Transaction.from_pairs(pairs, f"payment {plan.id}/{milestone}")
    payload: dict[str, Any] = {POSTINGS: encoded(transaction), "amount": str(euros(amount - settled))}
    if settled:
        payload["settled"] = str(euros(settled))
    return payload, None


def unpaid_met(plan: Plan, record: Any, books: Books | None = None) -> int:
    """What the milestones found met and not yet paid still ask of the insurers, in cents: kept
    committed at completion (the municipalities' part of them is kept in their advance)."""
    milestones = plan.funding.milestones if plan.funding else []
    shares = milestone_shares(plan, books.ledger.advanced(plan.id)) if books is not None else {}
    return sum(
        cents(m.amount) - shares.get(m.id, 0) - record.reduced.get(m.id, 0)
        for m in milestones
        if record.milestones.get(m.id) and m.id not in record.paid
    )


def reduction_payload(
    books: Books, plan: Plan, record: Any, milestone: str, amount: int | None
) -> tuple[dict[str, Any], Transaction | None, str | None]:
    """What a reduction records: ``amount`` cents less for ``milestone``, given back from the
    plan's commitment to the accounts it was drawn from (the waiting list may then move); or why
    it cannot be. Only the insurers' part of a milestone can be reduced: the municipalities' part
    was advanced to them when the plan was funded."""
    share = milestone_shares(plan, books.ledger.advanced(plan.id)).get(milestone, 0)
    left = _milestone_amount(plan, milestone) - share - record.reduced.get(milestone, 0)
    committed = books.ledger.balance(Account(AccountKind.COMMITTED, None, plan.id))
    if amount is None or amount <= 0:
        return {}, None, _("name the amount the milestone needs less, more than zero")
    if amount > min(left, committed):
        return {}, None, _(
            "milestone {milestone} has {left} of the insurers' money left to pay; it cannot need {amount} less"
        ).format(milestone=milestone, left=euro(euros(min(left, committed)), reader()),
                 amount=euro(euros(amount), reader()))  # fmt: skip
    release = books.release(plan.id, f"reduction {plan.id}/{milestone}", kept=committed - amount)
    if release is None:  # pragma: no cover - amount > 0 and amount <= committed: something is given back
        raise RuntimeError(f"nothing to give back for {plan.id}/{milestone}")
    payload = {
        POSTINGS: encoded(release),
        "reduction": str(euros(amount)),
        "amount": str(euros(_milestone_amount(plan, milestone) - record.reduced.get(milestone, 0) - amount)),
    }
    return payload, release, None  # fmt: skip


def _milestone_amount(plan: Plan, milestone: str) -> int:
    """The amount of ``milestone`` in the plan's version, in cents (0 when the plan has no such milestone)."""
    milestones = plan.funding.milestones if plan.funding else []
    return next((cents(m.amount) for m in milestones if m.id == milestone), 0)


def reclaim_payload(
    books: Books, plan: Plan, record: Any, *, milestone: str | None, withdrawn: bool = False
) -> tuple[dict[str, Any], Transaction | None]:
    """What reclaiming a municipal advance records: for a milestone not achieved (``milestone``)
    its part of the advance; when the plan is completed (None) all that no milestone found met
    still settles, and when it is ``withdrawn`` all of it. Empty when nothing is left to reclaim."""
    advanced = books.ledger.advanced(plan.id)
    if not advanced:
        return {}, None
    if milestone is not None:
        amount = milestone_shares(plan, advanced).get(milestone, 0)
        transaction = books.reclaim(plan.id, amount, f"reclaim {plan.id}/{milestone}") if amount else None
    else:
        kept = 0 if withdrawn else advance_kept(plan, advanced, record)
        transaction = books.reclaim(plan.id, None, f"reclaim {plan.id}", kept=kept)
    if transaction is None:
        return {}, None
    amount = sum(p.amount for p in transaction.postings if p.amount > 0)
    payload: dict[str, Any] = {
        POSTINGS: encoded(transaction),
        "amount": str(euros(amount)),
        "municipalities": municipalities(plan),
    }
    if milestone is not None:
        payload["milestone"] = milestone
    return payload, transaction


def promoted(books: Books, returned: Sequence[Transaction], plans: Callable[[str], Plan]) -> list[tuple[Plan, Fit]]:
    """The queued plans funded once the ``returned`` money is posted, in order: in strict order the
    head while it fits; with ``fill`` every plan further down that fits what is left."""
    if not books.queue:
        return []
    ledger = books.ledger.copy()  # the books as they stand, not their whole history posted again
    for transaction in returned:
        ledger.post(transaction)
    after = Books(books.programme, ledger, books.on, books.queue)
    funded: list[tuple[Plan, Fit]] = []
    strict = books.programme.spec.waiting_list.order == "strict"
    for queued in books.queue:
        plan = plans(queued.plan_id)
        fit = after.fit(plan)
        if not fit.fits:
            if strict:
                break
            continue
        funded.append((plan, fit))
        ledger.post(fit.commitment())  # what the next plan in the queue can still draw on
    return funded
