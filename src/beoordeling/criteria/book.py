"""The rule book: every rules file read, checked and compiled once, and the edition in force on a date.

Loading collects every problem of every file before refusing (file, line and key for each), so
that ``beoordeling rules check`` reports them all at once. A criterion may have several versions
over time (same id, successive dates); two versions in force on the same day, or a day between two
versions when none is, is an error.

An *edition* is what applies to one plan on one date: the criteria in force then, plus the overlays
of the insurers that decide on the plan. Its ``stamp`` (the date the edition started, the overlays,
and a hash over the exact criteria) is what events and letters record, so that a decision taken
in 2024 is explained later with the 2024 rules, and a changed rules text is noticed.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import _yaml
from .._canonical import canonical_json, sha256_hex
from .._i18n import N_, _
from .._validation import problems_from
from ..errors import Loc, Problem, RulesError
from ..resources import bundled_dir
from ._compile import Compiled, compile_expression
from ._expr import SyntaxProblem
from ._types import BOOL
from .spec import FORMAT, PLACEHOLDER, CriterionSpec, EvidenceSpec, OverlaySpec, RulesFileSpec, Step

__all__ = ["Criterion", "Edition", "Evidence", "RuleBook", "default_rules", "load_rules"]

RULES_HINT = N_("rules/README.md lists the keys a rules file may have")


@dataclass(frozen=True, slots=True)
class Evidence:
    """A compiled evidence item: when it is asked, and the check that it is there."""

    spec: EvidenceSpec
    when: Compiled | None
    check: Compiled


@dataclass(frozen=True, slots=True)
class Criterion:
    """A criterion as loaded: its definition, its compiled expressions and where it was written."""

    spec: CriterionSpec
    set_id: str
    overlay: OverlaySpec | None
    source: str
    index: int
    """Position in its file's ``criteria`` list, for messages."""
    line: int | None
    valid_from_line: int | None
    applies: Compiled | None
    evidence: tuple[Evidence, ...]
    check: Compiled | None
    show: tuple[tuple[str, Compiled], ...]
    digest: str
    """SHA-256 over the criterion's definition; part of every edition's content hash."""
    code: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Its generated functions (``_codegen.CriterionCode``), made when an edition first needs them."""

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def fields(self) -> list[str]:
        """The plan fields this criterion reads, derived from its expressions."""
        compiled = [self.applies, self.check, *(e.when for e in self.evidence), *(e.check for e in self.evidence)]
        return sorted({name for c in compiled if c is not None for name in c.fields})

    def in_force(self, on: date) -> bool:
        return self.spec.valid_from <= on and (self.spec.valid_until is None or on <= self.spec.valid_until)


@dataclass(frozen=True)
class Edition:
    """The criteria that apply on one date, for a plan decided by the given insurers."""

    on: date
    start: date
    """The day this combination of criteria came into force."""
    end: date | None
    """Its last day, if a later change is already known."""
    criteria: tuple[Criterion, ...]
    overlays: tuple[OverlaySpec, ...]
    unconfirmed: tuple[str, ...]
    content_hash: str
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """What the evaluator derives once per edition (its generated program); not part of its identity."""

    @cached_property
    def version(self) -> str:
        """For example ``2025-06-16+vgz``: when this edition started, and the insurer overlays in it."""
        return self.start.isoformat() + "".join(f"+{_slug(o.insurer)}" for o in self.overlays)

    @cached_property
    def stamp(self) -> str:
        """The version with the first 12 characters of the content hash: what events record."""
        return f"{self.version}@{self.content_hash[:12]}"

    def for_step(self, step: Step) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.spec.step is step)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)


@dataclass(frozen=True)
class RuleBook:
    """Every criterion of every rules file, each version with its dates."""

    criteria: tuple[Criterion, ...]
    overlays: tuple[OverlaySpec, ...]
    unconfirmed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per criteria set: changes the sources mention but do not confirm."""
    files: tuple[str, ...] = ()
    _editions: dict[tuple[date, tuple[str, ...]], Edition] = field(default_factory=dict, compare=False, repr=False)
    _named: dict[tuple[date, tuple[str, ...]], Edition] = field(default_factory=dict, compare=False, repr=False)
    _spans: dict[tuple[date, tuple[str, ...]], tuple[str, tuple[str, ...], dict[str, Any]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Per edition (its first day and overlays): its content hash, notes and what the evaluator
    derives from it, shared by every date the edition is in force on."""

    @property
    def content_hash(self) -> str:
        return sha256_hex(canonical_json(sorted(c.digest for c in self.criteria)))

    def overlays_for(self, insurers: Iterable[str]) -> tuple[OverlaySpec, ...]:
        """The overlays of the insurers named (matched without regard to case)."""
        names = {name.casefold().strip() for name in insurers}
        return tuple(o for o in self.overlays if any(n.casefold() in names for n in o.names))

    def edition(self, on: date, insurers: Iterable[str] = ()) -> Edition:
        """The criteria in force on ``on``, with the overlays of ``insurers``; refuses a date
        before the first rules."""
        names = tuple(insurers)
        named = (on, names)
        found = self._named.get(named)  # the same date and names as before: no matching needed
        if found is not None:
            return found
        overlays = self.overlays_for(names)
        key = (on, tuple(o.insurer for o in overlays))
        cached = self._editions.get(key)
        if cached is None:
            if len(self._editions) > 10_000:
                self._editions.clear()
            cached = self._editions[key] = self._edition(on, overlays)
        if len(self._named) > 10_000:
            self._named.clear()
        self._named[named] = cached
        return cached

    def _edition(self, on: date, overlays: tuple[OverlaySpec, ...]) -> Edition:
        relevant = [c for c in self.criteria if c.overlay is None or c.overlay in overlays]
        chosen = tuple(sorted((c for c in relevant if c.in_force(on)), key=_order))
        if not any(c.overlay is None for c in chosen):
            first = min((c.spec.valid_from for c in self.criteria if c.overlay is None), default=None)
            detail = (
                _("the earliest rules apply from {date}").format(date=first.isoformat())
                if first
                else _("the rule book is empty")
            )
            message = _("no rules are in force on {date}; {detail}").format(date=on.isoformat(), detail=detail)
            raise RulesError([Problem(message)])
        bounds = {c.spec.valid_from for c in relevant} | {
            c.spec.valid_until + timedelta(days=1) for c in relevant if c.spec.valid_until
        }
        start = max(b for b in bounds if b <= on)
        later = [b for b in bounds if b > on]
        end = min(later) - timedelta(days=1) if later else None
        span = (start, tuple(o.insurer for o in overlays))
        shared = self._spans.get(span)
        if shared is None:  # the first date of this edition: hash it, and share what the evaluator derives
            content = sha256_hex(canonical_json({"format": FORMAT, "criteria": [c.digest for c in chosen]}))
            sets = {c.set_id for c in chosen}
            notes = tuple(note for set_id in sorted(sets) for note in self.unconfirmed.get(set_id, ()))
            shared = self._spans[span] = (content, notes, {})
        content, notes, derived = shared
        return Edition(on, start, end, chosen, overlays, notes, content, derived)

    def change_dates(self) -> list[date]:
        """Every date on which the base criteria in force change (for ``rules show`` and tests)."""
        base = [c for c in self.criteria if c.overlay is None]
        bounds = {c.spec.valid_from for c in base} | {
            c.spec.valid_until + timedelta(days=1) for c in base if c.spec.valid_until
        }
        return sorted(bounds)


_STEP_ORDER = {step: i for i, step in enumerate(Step)}


def _order(criterion: Criterion) -> tuple[int, int, str, int]:
    # C2 before C10: the number inside an id sorts as a number.
    match = re.match(r"([A-Za-z]+)(\d*)", criterion.id)
    prefix, number = (match.group(1), int(match.group(2) or 0)) if match else (criterion.id, 0)
    return (_STEP_ORDER[criterion.spec.step], 1 if criterion.overlay else 0, prefix, number)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


# --- loading ----------------------------------------------------------------------------------------


class _FileLoader:
    """Reads one rules file into criteria, collecting its problems."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.source = _yaml.display_path(path)
        self.problems: list[Problem] = []
        self.document: _yaml.Document | None = None

    def problem(self, message: str, loc: Loc) -> None:
        line = self.document.line_of(loc) if self.document else None
        self.problems.append(Problem(message, self.source, loc, line))

    def load(self) -> tuple[RulesFileSpec | None, list[Criterion]]:
        try:
            self.document = _yaml.read(self.path, self.source)
        except _yaml.YamlProblem as exc:
            self.problems.append(exc.problem)
            return None, []
        try:
            spec = RulesFileSpec.model_validate(self.document.data)
        except ValidationError as exc:
            self.problems.extend(problems_from(exc, self.source, self.document.line_of, RULES_HINT))
            return None, []
        criteria = [self._criterion(spec, i, item) for i, item in enumerate(spec.criteria)]
        return spec, [c for c in criteria if c is not None]

    def _compile(self, text: str | None, loc: Loc, *, boolean: bool = True) -> Compiled | None:
        if text is None:
            return None
        try:
            return compile_expression(text, BOOL if boolean else None)
        except SyntaxProblem as exc:
            where = _(" (column {column})").format(column=exc.column) if exc.column and exc.column > 1 else ""
            self.problem(
                _("{message}{where}; the expression: {text}").format(message=exc.message, where=where, text=text), loc
            )
            return None

    def _criterion(self, spec: RulesFileSpec, i: int, item: CriterionSpec) -> Criterion | None:
        loc: Loc = ("criteria", i)
        before = len(self.problems)
        applies = self._compile(item.applies.when if item.applies else None, (*loc, "applies", "when"))
        evidence = []
        for j, ev in enumerate(item.evidence):
            when = self._compile(ev.when, (*loc, "evidence", j, "when"))
            check = self._compile(ev.check, (*loc, "evidence", j, "check"))
            if check is not None:
                evidence.append(Evidence(ev, when, check))
        check = self._compile(item.check, (*loc, "check"))
        show = []
        for name, text in item.show.items():
            compiled = self._compile(text, (*loc, "show", name), boolean=False)
            if compiled is not None:
                show.append((name, compiled))
        self._check_placeholders(item, loc)
        if len(self.problems) > before:
            return None
        digest = sha256_hex(canonical_json(item.model_dump(mode="json", by_alias=True)))
        line_of = self.document.line_of if self.document else (lambda loc: None)
        return Criterion(
            item, spec.set.id, spec.overlay, self.source, i, line_of(loc), line_of((*loc, "valid_from")),
            applies, tuple(evidence), check, tuple(show), digest,
        )  # fmt: skip

    def _check_placeholders(self, item: CriterionSpec, loc: Loc) -> None:
        texts = {
            "pass": item.explain.passed,
            "fail": item.explain.failed,
            "judge": item.explain.judge,
            "not_applicable": item.explain.not_applicable,
        }
        for key, text in texts.items():
            if text is None:
                continue
            for name in PLACEHOLDER.findall(text):
                if name not in item.show:
                    known = ", ".join(sorted(item.show)) or "none"
                    self.problem(
                        _("{{{name}}} is not a value under show (show names: {known})").format(name=name, known=known),
                        (*loc, "explain", key),
                    )
            if "{" in PLACEHOLDER.sub("", text) or "}" in PLACEHOLDER.sub("", text):
                self.problem(
                    _("a brace that is not a {name} placeholder; write values as {name}"), (*loc, "explain", key)
                )


def rules_files(path: Path) -> list[Path]:
    """The rules files under ``path`` (a file, or a folder searched recursively), in name order."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_rules(path: Path | str | None = None) -> RuleBook:
    """Read, check and compile every rules file under ``path`` (default: the shipped ``rules/``);
    raise :class:`RulesError` listing every problem of every file."""
    root = Path(path) if path is not None else bundled_dir("rules")
    if not root.exists():
        raise RulesError([Problem(_("no such file or folder"), _yaml.display_path(root))])
    files = rules_files(root)
    if not files:
        raise RulesError([Problem(_("no rules files (*.yaml) found here"), _yaml.display_path(root))])
    problems: list[Problem] = []
    criteria: list[Criterion] = []
    overlays: dict[str, OverlaySpec] = {}
    unconfirmed: dict[str, tuple[str, ...]] = {}
    for file in files:
        loader = _FileLoader(file)
        spec, found = loader.load()
        problems.extend(loader.problems)
        criteria.extend(found)
        if spec is not None:
            unconfirmed[spec.set.id] = (*unconfirmed.get(spec.set.id, ()), *spec.unconfirmed)
            if spec.overlay is not None:
                overlays.setdefault(spec.overlay.insurer.casefold(), spec.overlay)
    problems.extend(_validity_problems(criteria))
    if problems:
        raise RulesError(problems)
    return RuleBook(tuple(criteria), tuple(overlays.values()), unconfirmed, tuple(_yaml.display_path(f) for f in files))


@cache
def default_rules() -> RuleBook:
    """The shipped rule book, loaded once per process."""
    return load_rules()


def _validity_problems(criteria: Sequence[Criterion]) -> list[Problem]:
    """Versions of one criterion must follow each other without overlap and without a gap."""
    problems: list[Problem] = []
    versions: defaultdict[str, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        versions[criterion.id].append(criterion)
    for criterion_id, chain in versions.items():
        chain.sort(key=lambda c: c.spec.valid_from)
        for earlier, later in itertools.pairwise(chain):
            where = f"{earlier.source}:{earlier.line}"
            until = earlier.spec.valid_until
            loc: Loc = ("criteria", later.index, "valid_from")
            if (earlier.overlay is None) != (later.overlay is None) or (
                earlier.overlay and later.overlay and earlier.overlay.insurer != later.overlay.insurer
            ):
                message = _("{criterion} is also defined at {where} for other insurers; give it its own id").format(
                    criterion=criterion_id, where=where
                )
                problems.append(Problem(message, later.source, ("criteria", later.index, "id"), later.line))
            elif until is None or until >= later.spec.valid_from:
                shown = _("without an end date") if until is None else _("until {date}").format(date=until.isoformat())
                message = _(
                    "{criterion} overlaps the version at {where}, which is in force {shown}; end that version on {end}"
                ).format(
                    criterion=criterion_id,
                    where=where,
                    shown=shown,
                    end=(later.spec.valid_from - timedelta(days=1)).isoformat(),
                )
                problems.append(Problem(message, later.source, loc, later.valid_from_line))
            elif until + timedelta(days=1) < later.spec.valid_from:
                message = _(
                    "{criterion} has no version in force from {start} to {end} "
                    "(the version at {where} ends on {until}); close the gap"
                ).format(
                    criterion=criterion_id,
                    start=(until + timedelta(days=1)).isoformat(),
                    end=(later.spec.valid_from - timedelta(days=1)).isoformat(),
                    where=where,
                    until=until.isoformat(),
                )
                problems.append(Problem(message, later.source, loc, later.valid_from_line))
    return problems
