"""The ledger: postings in whole cents that sum to zero, reversals that undo, money that is conserved."""

from __future__ import annotations

import gc
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beoordeling._gc import collector_paused
from beoordeling.money import Account, AccountKind, Ledger, LedgerError, Posting, Transaction, cents, euros

K = AccountKind
ORIGIN = Account(K.PROGRAMME)
HOLDINGS = [
    Account(K.AVAILABLE, None, "open"),
    Account(K.AVAILABLE, None, "msz"),
    Account(K.RESERVED, None, "voorrang-2025"),
    Account(K.COMMITTED, None, "TP-2023-0014"),
    Account(K.PAID, None, "TP-2023-0014/M1"),
    Account(K.LAPSED, None, "onbenut-terug"),
    Account(K.TRANSFERRED, None, "azwa-verschuiving"),
]


def test_a_transaction_that_does_not_balance_is_refused() -> None:
    with pytest.raises(LedgerError, match="sum to 5 cents, not 0"):
        Transaction.from_pairs([(ORIGIN, -100), (HOLDINGS[0], 105)], "funding")
    with pytest.raises(LedgerError, match="at least one posting"):
        Transaction(())


def test_a_posting_is_whole_cents_never_a_float() -> None:
    with pytest.raises(LedgerError, match="whole cents"):
        Transaction((Posting(ORIGIN, -12.5), Posting(HOLDINGS[0], 12.5)))  # type: ignore[arg-type]
    with pytest.raises(LedgerError, match="whole cents"):
        Transaction.from_pairs([(ORIGIN, -1), (HOLDINGS[0], True)])  # a bool is an int to Python, not an amount


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(Decimal("12.34"), 1234), ("2800000000.00", 280_000_000_000), (7, 700), ("-0.01", -1), ("1e2", 10_000)],
)
def test_cents_of_an_amount(amount: Decimal | str | int, expected: int) -> None:
    assert expected == cents(amount)


@pytest.mark.parametrize("amount", ["0.001", "12.345", "NaN", "Infinity", "twaalf", 0.1])
def test_a_fraction_of_a_cent_or_no_number_is_refused(amount: object) -> None:
    with pytest.raises(LedgerError, match="not an amount in whole cents"):
        cents(amount)  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_cents_and_euros_round_trip(amount: int) -> None:
    assert amount == cents(euros(amount))
    assert -2 == euros(amount).as_tuple().exponent


MOVES = st.lists(
    st.tuples(st.sampled_from(HOLDINGS), st.sampled_from(HOLDINGS), st.integers(min_value=0, max_value=10**9)),
    max_size=40,
)


@given(total=st.integers(min_value=1, max_value=10**12), moves=MOVES)
def test_money_is_conserved_and_a_reversal_undoes(total: int, moves: list[tuple[Account, Account, int]]) -> None:
    """Whatever moves are made, the holdings add up to what the programme put in; reversing every
    transaction, latest first, leaves every account at nothing."""
    ledger = Ledger()
    ledger.post(Transaction.move(total, ORIGIN, HOLDINGS[0], "opening"))
    for source, target, wanted in moves:
        amount = min(wanted, ledger.balance(source))  # never take more than an account holds
        if amount:
            ledger.post(Transaction.move(amount, source, target))
        assert [] == ledger.conservation_problems()
        assert total == sum(ledger.total(kind) for kind in K if kind is not K.PROGRAMME)
    for transaction in reversed(list(ledger.transactions)):
        ledger.post(transaction.reversal())
    assert {} == ledger.balances()


def test_an_account_below_zero_is_a_problem() -> None:
    ledger = Ledger.of([Transaction.move(100, ORIGIN, HOLDINGS[0]), Transaction.move(150, HOLDINGS[0], HOLDINGS[3])])
    assert ["the open part went €0.50 below zero"] == ledger.conservation_problems()


def test_money_moved_into_another_year_is_a_problem_of_both_years() -> None:
    """Per year the holdings add up to what the programme put in for that year; a move from one
    year's pool into another's, not made by the programme, shows in both."""
    pool_2025, pool_2026 = Account(K.AVAILABLE, 2025, "open"), Account(K.AVAILABLE, 2026, "open")
    ledger = Ledger.of([
        Transaction.from_pairs([(Account(K.PROGRAMME, 2025), -500), (pool_2025, 500)]),
        Transaction.from_pairs([(Account(K.PROGRAMME, 2026), -500), (pool_2026, 500)]),
        Transaction.move(200, pool_2025, Account(K.COMMITTED, 2026, "TP-2023-0014")),
    ])  # fmt: skip
    assert [
        "2025: the accounts hold €3.00, the programme put in €5.00",
        "2026: the accounts hold €7.00, the programme put in €5.00",
    ] == ledger.conservation_problems()


YEARS = st.sampled_from([None, 2025, 2026])


@given(
    moves=st.lists(st.tuples(st.sampled_from(HOLDINGS[1:]), YEARS, st.integers(1, 10_000), st.booleans()), max_size=30)
)
def test_the_accounts_by_kind_are_those_of_each_kind_in_order(
    moves: list[tuple[Account, int | None, int, bool]],
) -> None:
    """``by_kind`` (the budget's one pass) gives what ``accounts`` gives kind by kind, whether the
    ledger has one year or several."""
    ledger = Ledger()
    for target, year, amount, other_part in moves:
        account = Account(target.kind, year, target.part + ("-b" if other_part else ""))
        ledger.post(Transaction.move(amount, Account(K.PROGRAMME, year), account))
    grouped = ledger.by_kind()
    for kind in K:
        assert list(ledger.accounts(kind)) == grouped.get(kind, [])


def test_the_collector_is_paused_and_given_back_as_it_was() -> None:
    seen = []

    def build() -> None:
        with collector_paused():
            seen.append(gc.isenabled())
            Transaction(())

    assert gc.isenabled()
    with pytest.raises(LedgerError):
        build()
    assert ([False], True) == (seen, gc.isenabled())
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off before, so it stays off
    finally:
        gc.enable()
