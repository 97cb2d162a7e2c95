"""What the terminal says, in its language: messages (:mod:`.._i18n`), terms, dates and amounts.

Dutch by default, English under an English locale; dates and amounts follow (Babel's ``nl_NL``,
or ``en_GB``, which writes a date the way a Dutch reader of English expects: 1 July 2025).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from .. import _dutch
from .._i18n import _, ngettext, term
from .._labels import event_label, label_of

__all__ = ["_", "day", "enumeration", "euro", "event_label", "label_of", "moment", "ngettext", "number", "term"]


_locale = _dutch.reader


def day(value: date) -> str:
    """1 juli 2025 (1 July 2025)."""
    return _dutch.day(value, _locale())


def moment(value: datetime) -> str:
    """01-07-2025 14:05 Dutch time (01/07/2025 14:05)."""
    return _dutch.moment(value, _locale())


def euro(amount: Decimal) -> str:
    """€ 1.234,56 (€1,234.56)."""
    return _dutch.euro(amount, _locale())


def number(value: int | Decimal) -> str:
    """12.500 (12,500)."""
    return _dutch.number(value, _locale())


def enumeration(items: list[str]) -> str:
    """'a, b en c' ('a, b and c')."""
    return _dutch.enumeration(items, _("and"))
