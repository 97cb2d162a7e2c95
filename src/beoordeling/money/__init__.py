"""Money: the programme's funds as a double-entry ledger, read from a dated programme file.

:mod:`.ledger` keeps transactions of postings in whole cents that sum to zero, and checks that
what the accounts hold adds up to what the programme put in. :mod:`.programme` reads the
programme file (the total, what went elsewhere, the sector earmarks, theme reservations, lapses,
the municipal ceiling) and turns it into the ledger's transactions as of a date. :mod:`.books`
adds the postings the store's events carry, the waiting list and the budget-fit check;
:mod:`.funding` says what a funding, a place on the list, a payment or a release records;
:mod:`.budget` and :mod:`.milestones` are the views the commands show, :mod:`.audit` what
``verify`` checks, and :mod:`.forecast` when the funds run out.
"""

from __future__ import annotations

from .ledger import Account, AccountKind, Ledger, LedgerError, Posting, Transaction, cents, euros
from .programme import OPEN, Programme, ProgrammeFile, default_programme, load_programme

__all__ = [
    "OPEN",
    "Account",
    "AccountKind",
    "Ledger",
    "LedgerError",
    "Posting",
    "Programme",
    "ProgrammeFile",
    "Transaction",
    "cents",
    "default_programme",
    "euros",
    "load_programme",
]
