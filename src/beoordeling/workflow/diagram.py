"""The state diagram, drawn from the transition table (never by hand): Graphviz DOT or Mermaid, and
SVG or PNG through Graphviz's ``dot``. Every label is Dutch: the states' and the moves' own labels.

Moves that record something without leaving a state (judge, comment) are listed under the diagram's
title rather than drawn as loops; withdrawal, possible from every open state, is drawn grey.
"""

from __future__ import annotations

import shutil
import subprocess

from .._i18n import _
from ..errors import ConfigurationError, DocumentError
from ..model import PlanState, Role
from .definition import TRANSITIONS, Transition

__all__ = ["diagram_dot", "diagram_image", "diagram_mermaid"]

_DOT_SECONDS = 30

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
    return f"{transition.trigger.label}\\n({who})"


def _moves() -> list[tuple[PlanState, PlanState, Transition]]:
    return [(source, t.dest, t) for t in TRANSITIONS if t.dest is not None for source in t.sources]


def _internal(separator: str = "; ") -> str:
    return separator.join(
        f"{t.trigger.label} in {len(t.sources)} {'toestand' if len(t.sources) == 1 else 'toestanden'} "
        f"({_ROLE_SHORT[t.roles[0]]})"
        for t in TRANSITIONS
        if not t.dest
    )


def diagram_dot() -> str:
    """Graphviz DOT of the whole lifecycle (render with ``dot -Tsvg``)."""
    lines = [
        "digraph beoordeling {",
        "  rankdir=TB;",
        f'  label="Levensloop transformatieplan (IZA-beoordelingskader)\\nZonder toestandswissel:\\n'
        f'{_internal(chr(92) + "n")}";',
        "  labelloc=t;",
        '  node [shape=box, style=rounded, fontname="DejaVu Sans"];',
        '  edge [fontname="DejaVu Sans", fontsize=9];',
        '  graph [fontname="DejaVu Sans"];',
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
        label = transition.trigger.label.replace(":", " –")  # a colon would end Mermaid's label
        who = "beide marktleiders" if transition.joint else ", ".join(_ROLE_SHORT[r] for r in transition.roles)
        lines.append(f"    {names[source]} --> {names[dest]} : {label} ({who})")
    for state in _END_STATES:
        lines.append(f"    {names[state]} --> [*]")
    return "\n".join(lines) + "\n"


def diagram_image(fmt: str) -> bytes:
    """The lifecycle as ``svg`` or ``png``, drawn by Graphviz's ``dot`` from :func:`diagram_dot`."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"no such image format: {fmt!r}")
    dot = shutil.which("dot")
    if dot is None:
        raise ConfigurationError(
            _("Graphviz (dot) is not installed; scripts/system-packages installs it (Debian package graphviz)")
        )
    try:
        done = subprocess.run(  # noqa: S603 - our own DOT text, to the dot found on PATH
            [dot, f"-T{fmt}"], input=diagram_dot().encode(), capture_output=True, timeout=_DOT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise DocumentError(
            _("Graphviz took longer than {dot_seconds} s to draw the diagram").format(dot_seconds=_DOT_SECONDS)
        ) from exc
    if done.returncode != 0:
        raise DocumentError(
            _("Graphviz could not draw the diagram: {value}").format(value=done.stderr.decode(errors="replace")[:200])
        )
    return done.stdout
