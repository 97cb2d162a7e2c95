"""What an event or a stored code is called, as a person says it (in the language of the moment:
Dutch, or English under an English locale; see :mod:`._i18n`). Shared by the terminal and the web."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from ._i18n import N_, _, term
from .model._types import LabelledEnum

if TYPE_CHECKING:
    from .store import Event

__all__ = ["event_label", "label_of"]


def label_of(kind: type[Enum], value: object) -> str:
    """The term for a stored code, or the code itself when an older release stored another."""
    try:
        member = kind(value)
    except ValueError:
        return str(value)
    return term(member) if isinstance(member, LabelledEnum) else str(member.value)


def event_label(event: Event) -> str:
    """What an event records, as a person says it: 'Snelle toets ingediend (v1)'."""
    from .workflow.definition import Trigger  # noqa: PLC0415 - the workflow loads with the commands that show it

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
