"""The state diagram, drawn from the transition table (never by hand): Graphviz DOT or Mermaid.

Moves that record something without leaving a state (judge, comment) are listed under the diagram's
title rather than drawn as loops; withdrawal, possible from every open state, is drawn grey.
"""

from __future__ import annotations

from ..model import PlanState, Role
from .definition import TRANSITIONS, Transition

__all__ = ["diagram_dot", "diagram_mermaid"]

_ROLE_SHORT = {
    Role.SUBMITTER: "indiener",
    Role.COORDINATING_INSURER: "coördinerend",
    Role.MARKET_LEADER: "marktleider",
    Role.OTHER_INSURER: "overige verzekeraar",
    Role.NZA: "NZa",
    Role.BO_IZA: "BO IZA",
    Role.SYSTEM: "automatisch",
}
_END_STATES = (PlanState.QUICK_TEST_NEGATIVE, PlanState.NOT_APPROVED, PlanState.COMPLETED, PlanState.WITHDRAWN)


def _label(transition: Transition) -> str:
    who = "beide marktleiders" if transition.joint else " / ".join(_ROLE_SHORT[r] for r in transition.roles)
    return f"{transition.trigger.value}\\n({who})"


def _moves() -> list[tuple[PlanState, PlanState, Transition]]:
    return [(source, t.dest, t) for t in TRANSITIONS if t.dest is not None for source in t.sources]


def _internal() -> str:
    return "; ".join(
        f"{t.trigger.value} in {len(t.sources)} states ({_ROLE_SHORT[t.roles[0]]})" for t in TRANSITIONS if not t.dest
    )


def diagram_dot() -> str:
    """Graphviz DOT of the whole lifecycle (render with ``dot -Tsvg``)."""
    lines = [
        "digraph beoordeling {",
        "  rankdir=TB;",
        f'  label="Levensloop transformatieplan (IZA-beoordelingskader)\\nZonder toestandswissel: {_internal()}";',
        "  labelloc=t;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for state in PlanState:
        shape = ", peripheries=2" if state in _END_STATES else ""
        lines.append(f'  "{state.value}" [label="{state.label}"{shape}];')
    for source, dest, transition in _moves():
        style = ""
        if transition.automatic:
            style = ", style=dashed"
        elif dest is PlanState.WITHDRAWN:
            style = ", color=grey, fontcolor=grey"
        label = "" if dest is PlanState.WITHDRAWN else _label(transition)
        lines.append(f'  "{source.value}" -> "{dest.value}" [label="{label}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def diagram_mermaid() -> str:
    """A Mermaid state diagram (renders in GitHub and GitLab Markdown)."""
    names = {state: state.name.lower() for state in PlanState}
    lines = ["stateDiagram-v2", f"    %% Zonder toestandswissel: {_internal()}"]
    for state in PlanState:
        lines.append(f"    {names[state]} : {state.label}")
    lines.append(f"    [*] --> {names[PlanState.DRAFT]}")
    for source, dest, transition in _moves():
        label = transition.trigger.value.replace("-", " ")
        who = "beide marktleiders" if transition.joint else ", ".join(_ROLE_SHORT[r] for r in transition.roles)
        lines.append(f"    {names[source]} --> {names[dest]} : {label} ({who})")
    for state in _END_STATES:
        lines.append(f"    {names[state]} --> [*]")
    return "\n".join(lines) + "\n"
