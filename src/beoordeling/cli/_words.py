"""What the terminal says, in its language: messages (:mod:`.._i18n`), terms, dates and amounts.

Dutch by default, English under an English locale; dates and amounts follow (Babel's ``nl_NL``,
or ``en_GB``, which writes a date the way a Dutch reader of English expects: 1 July 2025).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING

from .. import _dutch
from .._i18n import N_, _, ngettext, term
from ..model._types import LabelledEnum

if TYPE_CHECKING:
    from ..store import Event

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


def label_of(kind: type[Enum], value: object) -> str:
    """The term for a stored code, or the code itself when an older release stored another."""
    try:
        member = kind(value)
    except ValueError:
        return str(value)
    return term(member) if isinstance(member, LabelledEnum) else str(member.value)


def event_label(event: Event) -> str:
    """What an event records, as a person says it: 'Snelle toets ingediend (v1)'."""
    from ..workflow.definition import Trigger  # noqa: PLC0415 - the workflow loads with the commands that show it

    kind = event.type.removeprefix("workflow.")
    triggers = {trigger.value for trigger in Trigger}
    if kind == "vote":
        label = _("Vote: {decision}").format(decision=label_of(Trigger, event.payload.get("trigger")))
    elif kind in triggers:
        label = term(Trigger(kind))
    else:
        label = _(_EVENTS[kind]) if kind in _EVENTS else kind
    return f"{label} (v{event.plan_version})" if event.plan_version else label


_EVENTS = {
    "plan.created": N_("Plan recorded"),
    "plan.revised": N_("New version"),
    "letter.issued": N_("Letter issued"),
    "store.initialised": N_("Store created"),
    "store.upgraded": N_("Store upgraded"),
    "policy.adopted": N_("Policy adopted"),
}
"""Events that are not workflow moves."""
