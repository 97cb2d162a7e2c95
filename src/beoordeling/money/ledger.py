"""The programme's funds as a double-entry ledger: transactions of postings that sum to zero.

Every movement of money is one :class:`Transaction`: postings in whole cents on accounts, which
together add up to nothing, so money is never made or lost, only moved. A transaction is never
edited; a mistake is undone by its :meth:`~Transaction.reversal`. The programme's own account
(``programme``) carries the funds' origin: it is credited with the programme's total when the
funds open, so that at every moment

    available + reserved + committed + advanced + paid + repaid + lapsed + transferred = total

per year and in all (:meth:`Ledger.conservation_problems`). *Transferred* is money moved out of the
plans' reach by the programme itself (the part spent through the VWS budget, the AZWA shift);
*advanced* is the municipalities' share of a funded plan, paid to them in advance on the municipal
(SPUK) route; *repaid* is what a municipality must pay back of that advance for a milestone not
achieved (held apart, or back in the open part, as the programme's ``spuk`` setting says).
Amounts are integer cents here; :func:`cents` and :func:`euros` convert at the edges, never through
a float.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import NamedTuple

from .._dutch import euro, reader
from .._i18n import _
from ..errors import BeoordelingError

__all__ = [
    "Account",
    "AccountKind",
    "Ledger",
    "LedgerError",
    "Posting",
    "Transaction",
    "cents",
    "euros",
]


class LedgerError(BeoordelingError, ValueError):
    """A transaction that does not balance, or an amount that is not whole cents."""


class AccountKind(StrEnum):
    """What an account holds. ``programme`` is the funds' origin; the others are where money is."""

    PROGRAMME = "programme"
    AVAILABLE = "available"
    """Free to commit: per year, earmark (a sector's part) or the open part."""
    RESERVED = "reserved"
    """Held for a theme until its deadline (the BO IZA's reservation of June 2025)."""
    COMMITTED = "committed"
    """Promised to a funded plan, not yet paid."""
    ADVANCED = "advanced"
    """Paid in advance to a plan's municipalities (the SPUK route), not yet settled by a milestone met."""
    PAID = "paid"
    """Paid to a plan for a milestone met (on the SPUK route: the advance settled by it)."""
    REPAID = "repaid"
    """What a municipality pays back of its advance for a milestone not achieved (SPUK route)."""
    LAPSED = "lapsed"
    """Unused at a year's end where use-it-or-lose-it applies."""
    TRANSFERRED = "transferred"
    """Moved out of the plans' reach by the programme (spent through the VWS budget, the AZWA shift)."""


HOLDINGS = tuple(kind for kind in AccountKind if kind is not AccountKind.PROGRAMME)
"""The kinds whose balances add up to the programme's total."""


class Account(NamedTuple):
    """One account: its kind, the year it belongs to (None: the programme's whole term), and the
    part it is about (an earmark such as ``msz``, ``open``, a theme, a plan id, a plan and milestone).
    A tuple, so that the ledger hashes and compares its many accounts at C speed."""

    kind: AccountKind
    year: int | None = None
    part: str = ""

    def label(self) -> str:
        """The account in the reader's words (``available/msz``: "the earmark msz")."""
        kind, part = self.kind, self.part
        if kind is AccountKind.AVAILABLE:
            said = _("the open part") if part == "open" else _("the earmark {part}").format(part=part)
        elif kind is AccountKind.RESERVED:
            said = _("the reservation {part}").format(part=part)
        elif kind is AccountKind.COMMITTED:
            said = _("the commitment to plan {part}").format(part=part)
        elif kind is AccountKind.PAID:
            plan, _sep, milestone = part.partition("/")
            said = _("the payments to plan {plan} for {milestone}").format(plan=plan, milestone=milestone or "-")
        elif kind is AccountKind.ADVANCED:
            said = _("the advance to the municipalities of plan {part}").format(part=part)
        elif kind is AccountKind.REPAID:
            said = _("what the municipalities of plan {part} repay").format(part=part)
        elif kind is AccountKind.LAPSED:
            said = _("what lapsed ({part})").format(part=part)
        elif kind is AccountKind.TRANSFERRED:
            said = _("what was transferred ({part})").format(part=part)
        else:
            said = _("the programme")
        return said if self.year is None else f"{said} ({self.year})"

    def __str__(self) -> str:
        year = "" if self.year is None else f"/{self.year}"
        part = f"/{self.part}" if self.part else ""
        return f"{self.kind.value}{year}{part}"


class Posting(NamedTuple):
    """An amount in cents on an account: positive adds to what the account holds, negative takes
    from it. A tuple, like :class:`Account`, so that a budget of a million postings is cheap to
    build; the :class:`Transaction` it is part of checks that the amount is whole cents."""

    account: Account
    amount: int


@dataclass(frozen=True)
class Transaction:
    """Postings that sum to zero, made at once; ``reference`` says what they record (an event)."""

    postings: tuple[Posting, ...]
    reference: str = ""

    def __post_init__(self) -> None:
        if not self.postings:
            raise LedgerError("a transaction has at least one posting")
        for posting in self.postings:
            if type(posting.amount) is not int:  # a bool is an int to Python, not an amount
                raise LedgerError(f"a posting is in whole cents (an int); found {posting.amount!r}")
        total = sum(p.amount for p in self.postings)
        if total != 0:
            raise LedgerError(f"the postings of {self.reference or 'a transaction'} sum to {total} cents, not 0")

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[Account, int]], reference: str = "") -> Transaction:
        """A transaction of ``(account, cents)`` pairs."""
        return cls(tuple(Posting(account, amount) for account, amount in pairs), reference)

    @classmethod
    def move(cls, amount: int, source: Account, target: Account, reference: str = "") -> Transaction:
        """``amount`` cents from ``source`` to ``target``."""
        return cls((Posting(source, -amount), Posting(target, amount)), reference)

    def reversal(self, reference: str = "") -> Transaction:
        """The transaction that undoes this one, posting for posting."""
        undo = tuple(Posting(p.account, -p.amount) for p in self.postings)
        return Transaction(undo, reference or f"reversal of {self.reference}")


@dataclass
class Ledger:
    """The transactions in order and the balance of every account they touch."""

    transactions: list[Transaction] = field(default_factory=list)
    _balances: dict[Account, int] = field(default_factory=lambda: defaultdict(int))
    _lowest: dict[Account, int] = field(default_factory=dict)
    """The lowest balance each holding account reached below zero, at any moment."""
    _advanced: dict[Account, int] = field(default_factory=dict)
    """What was ever advanced to each plan's municipalities (the SPUK grants)."""
    advanced_in_all: int = 0
    """What was ever advanced to municipalities, in all: what counts against the SPUK ceiling."""

    @classmethod
    def of(cls, transactions: Iterable[Transaction]) -> Ledger:
        ledger = cls()
        for transaction in transactions:
            ledger.post(transaction)
        return ledger

    def post(self, transaction: Transaction) -> None:
        self.transactions.append(transaction)
        balances, programme, advanced = self._balances, AccountKind.PROGRAMME, AccountKind.ADVANCED
        for account, amount in transaction.postings:  # the budget of a million postings comes through here
            balance = balances[account] + amount
            balances[account] = balance
            if balance < 0 and account.kind is not programme:
                self._lowest[account] = min(balance, self._lowest.get(account, 0))
            if amount > 0 and account.kind is advanced:
                self._advanced[account] = self._advanced.get(account, 0) + amount
                self.advanced_in_all += amount

    def copy(self) -> Ledger:
        """A ledger with the same transactions and balances, to post more on without changing this one."""
        return Ledger(
            list(self.transactions), defaultdict(int, self._balances), dict(self._lowest), dict(self._advanced),
            self.advanced_in_all,
        )  # fmt: skip

    def balance(self, account: Account) -> int:
        return self._balances.get(account, 0)

    def advanced(self, plan_id: str) -> int:
        """What was ever advanced to ``plan_id``'s municipalities (its SPUK grant), in cents."""
        return self._advanced.get(Account(AccountKind.ADVANCED, None, plan_id), 0)

    def balances(self) -> Mapping[Account, int]:
        """Every account with a balance other than zero, in order."""
        return dict(sorted(((a, v) for a, v in self._balances.items() if v), key=_order))

    def accounts(self, kind: AccountKind, year: int | None = None) -> Iterator[tuple[Account, int]]:
        """The accounts of ``kind`` (in ``year``, when given) with their balances, in order."""
        found = [(a, v) for a, v in self._balances.items() if a.kind is kind and (year is None or a.year == year)]
        yield from sorted(found, key=_order)

    def by_kind(self) -> dict[AccountKind, list[tuple[Account, int]]]:
        """Every account with its balance, grouped by kind and in order within each: what
        :meth:`accounts` gives for each kind, in one pass over the ledger."""
        if len({account.year for account in self._balances}) <= 1:
            items = sorted(self._balances.items())  # one year (or the whole term): accounts compare in C
        else:
            items = sorted(self._balances.items(), key=_order)
        grouped: dict[AccountKind, list[tuple[Account, int]]] = {}
        start = 0
        while start < len(items):  # the kinds are runs of the sorted accounts: cut at each run's end
            kind = items[start][0].kind
            end = bisect_right(items, kind, lo=start, key=_kind_of)
            grouped[kind] = items[start:end]
            start = end
        return grouped

    def total(self, kind: AccountKind, year: int | None = None) -> int:
        return sum(v for a, v in self._balances.items() if a.kind is kind and (year is None or a.year == year))

    def years(self) -> list[int | None]:
        """The years the ledger's accounts belong to (None first: the programme's whole term)."""
        found = {account.year for account in self._balances}
        return sorted(found, key=lambda year: -1 if year is None else year)

    def conservation_problems(self) -> list[str]:
        """Where the holdings do not add up to what the programme put in, per year and in all; and
        any holding account that went below zero at any moment (money spent that was not there).
        Empty when the books are right."""
        problems = []
        put_in: dict[int | None, int] = defaultdict(int)
        held: dict[int | None, int] = defaultdict(int)
        for account, amount in self._balances.items():
            if account.kind is AccountKind.PROGRAMME:
                put_in[account.year] -= amount
            else:
                held[account.year] += amount
        for year in self.years():
            if held[year] != put_in[year]:
                message = (
                    _("the programme's term: the accounts hold {held}, the programme put in {put_in}")
                    if year is None
                    else _("{year}: the accounts hold {held}, the programme put in {put_in}")
                )
                problems.append(
                    message.format(
                        year=year, held=euro(euros(held[year]), reader()), put_in=euro(euros(put_in[year]), reader())
                    )
                )
        for account, lowest in self._lowest.items():
            problems.append(
                _("{account} went {amount} below zero").format(
                    account=account.label(), amount=euro(euros(-lowest), reader())
                )
            )
        return sorted(problems)


def _kind_of(item: tuple[Account, int]) -> AccountKind:
    return item[0].kind


def _order(item: tuple[Account, int]) -> tuple[str, int, str]:
    """Accounts in order: by kind, year (the whole term first) and part."""
    account = item[0]
    return (account.kind.value, -1 if account.year is None else account.year, account.part)


def cents(amount: Decimal | int | str) -> int:
    """Whole cents of an amount in euros (``Decimal('12.34')`` gives 1234); a fraction of a cent is refused."""
    try:
        value = Decimal(amount) * 100
        whole = value.is_finite() and value == value.to_integral_value()
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise LedgerError(f"{amount!r} is not an amount in whole cents") from exc
    if not whole:
        raise LedgerError(f"{amount!r} is not an amount in whole cents")
    return int(value)


def euros(amount: int) -> Decimal:
    """The amount in euros of ``amount`` cents, with two decimals."""
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))
