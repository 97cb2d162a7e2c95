"""The package's exceptions: one base, a few subclasses that carry the place of the problem.

    BeoordelingError
     ├── InputError            bad input from a file or a caller; lists every problem found
     │    ├── PlanFileError    a plan file or workbook that cannot be read or does not validate
     │    ├── RulesError       a rules file (or an assessor's judgement) the criteria engine refuses
     │    ├── PolicyError      a policy file (dated policy switches, clock settings) that cannot be used
     │    ├── ProgrammeError   a programme file (the funds, earmarks, reservations) that cannot be used
     │    └── FormError        a form definition in forms/ that does not fit the plan model
     ├── Refused               a workflow action the plan's state, the actor's role, a guard or a policy refuses
     ├── ConfigurationError    a store URL, reference list or bundled resource that cannot be used
     ├── DocumentError         a letter or overview that cannot be produced, or a letter that cannot be read
     ├── OutputError           an output path that is not a regular file or new name in an existing folder
     └── StoreError
          ├── PlanNotFound      no plan (or no such version) with that id
          ├── ConflictError     a change based on a stale version, or a concurrent writer won
          └── ReplayError       an event log the workflow cannot follow (a stray or foreign event)

Messages are built from the fields, so that a test can pin them and the CLI can print them without
a traceback. Third-party errors are translated at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ._citations import in_framework_terms
from ._i18n import _

__all__ = [
    "AppendedSince",
    "BeoordelingError",
    "ConfigurationError",
    "ConflictError",
    "DocumentError",
    "FormError",
    "InputError",
    "OutputError",
    "PlanFileError",
    "PlanNotFound",
    "PolicyError",
    "Problem",
    "ProgrammeError",
    "Refused",
    "ReplayError",
    "RulesError",
    "StoreError",
]

Loc = tuple[str | int, ...]


def format_loc(loc: Loc) -> str:
    """Render a field path the way a reader writes it: ``funding.lines[2].amount``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong with it."""

    message: str
    source: str | None = None
    loc: Loc = ()
    line: int | None = None
    sheet: str | None = None
    """For a workbook: the sheet, and ``cell`` the cell (``B7``) the problem is in."""
    cell: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.source:
            where = self.source if self.line is None else f"{self.source}:{self.line}"
        if self.sheet:
            place = _("sheet '{sheet}'").format(sheet=self.sheet)
            if self.cell:
                place += " " + _("cell {cell}").format(cell=self.cell)
            where = f"{where}: {place}" if where else place
        if self.loc:
            where = f"{where}: {format_loc(self.loc)}" if where else format_loc(self.loc)
        return f"{where}: {self.message}" if where else self.message


class BeoordelingError(Exception):
    """Base of every error this package raises on purpose."""


class InputError(BeoordelingError):
    """Input that cannot be used; carries every problem found, not only the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("an InputError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PlanFileError(InputError):
    """A plan file (YAML, JSON or a filled-in workbook) that cannot be read or does not validate."""

    def __init__(self, path: Path | str, problems: Sequence[Problem]) -> None:
        self.path = str(path)
        super().__init__(problems)


class RulesError(InputError):
    """Rules that cannot be loaded (each problem names file, line and key), rules that do not cover
    a date, or judgements that do not fit the rules in force."""


class PolicyError(InputError):
    """A policy file that cannot be loaded; each problem names file, line and key."""


class ProgrammeError(InputError):
    """A programme file (the funds, their earmarks and dated changes) that cannot be loaded; each
    problem names file, line and key."""


class FormError(InputError):
    """A form definition that cannot be loaded; each problem names file, line and key."""


class Refused(BeoordelingError):
    """A workflow action that may not happen now: the message says what is required, in which
    state, and why (the role, the rule, the policy and its date)."""

    def __init__(self, plan_id: str | None, state: str | None, action: str, reasons: Sequence[str]) -> None:
        self.plan_id = plan_id
        self.state = state
        self.action = action
        self.reasons: tuple[str, ...] = tuple(in_framework_terms(reason) for reason in reasons)
        detail = self.reasons[0] if len(self.reasons) == 1 else "; ".join(self.reasons)
        super().__init__(f"refused: {self.what}: {detail}")

    @property
    def what(self) -> str:
        """The action, and the plan and state it was tried on (a store-wide action names none)."""
        if not self.plan_id:
            return self.action
        return _("{action} on plan {plan} (state: {state})").format(
            action=self.action, plan=self.plan_id, state=self.state
        )


class ConfigurationError(BeoordelingError):
    """A setting, URL or bundled resource that cannot be used as given."""


class DocumentError(BeoordelingError):
    """A letter or overview that cannot be produced (a render that fetched, failed or ran out of
    time), or a file given to verify that is not a readable letter; the message names the document
    or file."""


class StoreError(BeoordelingError):
    """The store refused or could not complete an operation."""


class PlanNotFound(StoreError):
    """No plan, or no such version of it, is in the store."""

    def __init__(self, plan_id: str, version: int | None = None) -> None:
        self.plan_id = plan_id
        self.version = version
        if version is None:
            message = _("plan {plan!r} is not in the store; `beoordeling list` shows the plans it holds")
        else:
            message = _(
                "version {version} of plan {plan!r} is not in the store; `beoordeling list` shows the plans it holds"
            )
        super().__init__(message.format(plan=plan_id, version=version))


class AppendedSince(StoreError):
    """Events were appended after the one an action was decided on as a whole (a budget-fit
    check reads every plan's money): nothing was stored, and the action can be decided afresh."""

    def __init__(self, expected: int, current: int) -> None:
        self.expected = expected
        self.current = current
        super().__init__(
            _(
                "the store recorded event {current} after event {expected}, on which this action was decided; "
                "nothing was stored; run the command again"
            ).format(current=current, expected=expected)
        )


class ConflictError(StoreError):
    """A change was based on a version that is no longer the latest."""

    def __init__(self, plan_id: str, based_on: int | None, latest: int) -> None:
        self.plan_id = plan_id
        self.based_on = based_on
        self.latest = latest
        if based_on is None:
            detail = _(
                "plan {plan!r} already exists (latest version {latest}) and the file names no version it was based on"
            ).format(plan=plan_id, latest=latest)
        else:
            detail = _(
                "plan {plan!r} was changed from version {based_on}, but the store already holds version {latest}"
            ).format(plan=plan_id, based_on=based_on, latest=latest)
        super().__init__(
            _(
                "conflict: {detail}; export the latest version (`beoordeling export {plan}`), "
                "apply your change to it and import again"
            ).format(detail=detail, plan=plan_id)
        )


class ReplayError(StoreError):
    """An event log the workflow's definition cannot follow: an impossible move, an unknown event
    type (a stray or foreign event); the message names the event."""


class OutputError(BeoordelingError):
    """An output path the tool will not write to: not a regular file (a folder, device, fifo,
    socket or symbolic link), or in a folder that does not exist."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}; nothing was written")
