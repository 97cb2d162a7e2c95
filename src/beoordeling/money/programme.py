"""The programme file: the transformation funds as data, read strictly from YAML.

A programme file (``programme/iza.yaml``) says how much money the programme has, for which term,
which parts went elsewhere (through the VWS budget, the AZWA shift), how it is earmarked per
sector and until when, which themes had money reserved until a deadline, what lapsed, and the
municipal route's ceiling. Every figure names its source; one the sources leave uncertain says
``confirmed: false``. :meth:`Programme.ledger` turns the file into the ledger's transactions as of
a date, each on the day its entry takes effect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from .. import _yaml
from .._canonical import canonical_json, sha256_hex
from .._dutch import euro, reader
from .._i18n import N_, _
from .._validation import Issue, problems_from, refuse
from ..errors import ProgrammeError
from ..model import Sector, Theme
from ..resources import bundled_dir
from .ledger import Account, AccountKind, Ledger, Transaction, cents

__all__ = ["OPEN", "Programme", "ProgrammeFile", "default_programme", "load_programme", "programme_from_document"]

OPEN = "open"
"""The part of the funds open to every sector (what no earmark holds)."""

_HINT = N_("see programme/README.md for the format")
Text = Annotated[str, StringConstraints(min_length=1, max_length=600, strip_whitespace=True)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
Amount = Annotated[Decimal, Field(gt=0, le=Decimal("100000000000.00"), decimal_places=2)]
"""A positive amount in euros with at most two decimals, below EUR 100bn."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Term(_Strict):
    starts: date = Field(alias="from")
    ends: date = Field(alias="until")


class Total(_Strict):
    amount: Amount
    source: Text


class YearAmount(_Strict):
    year: Annotated[int, Field(ge=2000, le=2100)]
    amount: Amount
    source: Text


class Transfer(_Strict):
    """Part of the total moved out of the plans' reach on a date."""

    id: Id
    on: date
    amount: Amount
    title: Text
    source: Text
    confirmed: bool = True
    taken_from: Id = Field(OPEN, alias="from")
    """The part it comes out of: ``open`` or an earmark's id."""


class Earmark(_Strict):
    """A sector's part of the funds, until a date; then what is left goes to the open part."""

    id: Id
    sectors: list[Sector] = Field(min_length=1, max_length=12)
    amount: Amount
    until: date
    source: Text
    confirmed: bool = True


class Reservation(_Strict):
    """Money held for plans of some themes from ``on`` to ``until``; what they did not use then
    returns to the open part."""

    id: Id
    on: date
    themes: list[Theme] = Field(min_length=1, max_length=12)
    amount: Amount
    until: date
    source: Text
    confirmed: bool = True


class Lapse(_Strict):
    """Money unused at a year's end that returned to the treasury (use-it-or-lose-it)."""

    id: Id
    on: date
    amount: Amount
    source: Text
    confirmed: bool = True


class WaitingList(_Strict):
    """How the waiting list is ordered and served. The sources say first come, first served, but
    not which moment counts nor whether a smaller plan further down may use money the head cannot."""

    key: Literal["final-approval", "waitlisted"] = "final-approval"
    """The moment a plan's place counts from: when its final approval took effect, or when it was
    put on the list."""
    order: Literal["strict", "fill"] = "strict"
    """``strict``: nobody is funded past the head; ``fill``: a plan further down is funded with
    money the head cannot use."""


class ForecastSettings(_Strict):
    """What the forecast assumes where the store has nothing to go on (``beoordeling forecast``)."""

    preparation_days: Annotated[int, Field(ge=1, le=730, alias="preparation-days")] = 60
    """Days to work a plan out after a positive quick test: the sources give no term."""
    prior_share: Annotated[float, Field(ge=0, le=1, alias="prior-share")] = 0.5
    """The share approved assumed for a step the store has never seen a plan finish."""


class Spuk(_Strict):
    """The municipal route (*specifieke uitkering*, SPUK): a plan's municipalities are paid their
    share in advance and repay what belongs to a milestone not achieved (Regeling specifieke
    uitkering transformatiemiddelen IZA, art. 5, 7 and 10)."""

    ceiling: Amount
    """What may be advanced to municipalities in all (art. 5)."""
    source: Text
    repaid: Literal["hold", "open"] = "hold"
    """Where a repayment goes. The regulation says the advance for a milestone not achieved is
    reclaimed, not whether that money is committed to plans again: ``hold`` keeps it apart (on
    *repaid*), ``open`` returns it to the open part, and the waiting list moves."""


class ProgrammeFile(_Strict):
    """The schema of a programme file; programme/README.md describes it key by key."""

    format: Literal[1]
    id: Id
    title: Text
    term: Term
    term_source: Text = Field(alias="term-source")
    total: Total
    years: list[YearAmount] = Field(default_factory=list, max_length=20)
    transfers: list[Transfer] = Field(default_factory=list, max_length=100)
    earmarks: list[Earmark] = Field(default_factory=list, max_length=40)
    reservations: list[Reservation] = Field(default_factory=list, max_length=100)
    lapses: list[Lapse] = Field(default_factory=list, max_length=100)
    spuk: Spuk | None = None
    waiting_list: WaitingList = Field(default_factory=WaitingList, alias="waiting-list")
    forecast: ForecastSettings = Field(default_factory=ForecastSettings)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[Issue] = []
        if self.term.ends < self.term.starts:
            problems.append((("term", "until"), _("the term ends before it starts"), str(self.term.ends)))
        ids: set[str] = set()
        for key in ("transfers", "earmarks", "reservations", "lapses"):
            for i, entry in enumerate(getattr(self, key)):
                if entry.id in ids:
                    problems.append(((key, i, "id"), _("this id is used twice; give each entry its own"), entry.id))
                ids.add(entry.id)
                on = getattr(entry, "on", None)
                if on is not None and not self.term.starts <= on <= self.term.ends:
                    problems.append(((key, i, "on"), _("the date lies outside the programme's term"), str(on)))
        earmarked = sum((e.amount for e in self.earmarks), Decimal(0))
        if earmarked > self.total.amount:
            problems.append(
                (
                    ("earmarks",),
                    _("the earmarks add up to {earmarked}, more than the total of {total}").format(
                        earmarked=euro(earmarked, reader()), total=euro(self.total.amount, reader())
                    ),
                    None,
                )
            )
        parts = {OPEN} | {e.id for e in self.earmarks}
        for i, transfer in enumerate(self.transfers):
            if transfer.taken_from not in parts:
                problems.append(
                    (
                        ("transfers", i, "from"),
                        _("not a part of the funds: write open or an earmark's id"),
                        transfer.taken_from,
                    )
                )
        for i, reservation in enumerate(self.reservations):
            if reservation.until < reservation.on:
                problems.append(
                    (("reservations", i, "until"), _("the reservation ends before it starts"), str(reservation.until))
                )
        if sum((y.amount for y in self.years), Decimal(0)) > self.total.amount:
            problems.append((("years",), _("the years add up to more than the total"), None))
        if problems:
            raise refuse("ProgrammeFile", problems)
        return self


@dataclass(frozen=True)
class _Step:
    """One dated change the file makes to the ledger, applied in date order."""

    on: date
    order: int
    apply: Callable[[Ledger], Transaction | None]


@dataclass(frozen=True)
class Programme:
    """A loaded programme file, with where it came from and the hash it is adopted under."""

    spec: ProgrammeFile
    source: str
    content_hash: str

    @property
    def stamp(self) -> str:
        return f"{self.spec.id}@{self.content_hash[:12]}"

    def document(self) -> dict[str, object]:
        """The programme as data, the way a store keeps an adopted one."""
        return self.spec.model_dump(mode="json", by_alias=True)

    def ledger(self, on: date) -> Ledger:
        """The programme's own transactions up to and including ``on``: the funds opened, then each
        transfer, earmark end, reservation (and its return after the deadline) and lapse on its day."""
        return self.ledger_with((), on)

    def ledger_with(self, postings: Iterable[tuple[date, int, Transaction]], on: date) -> Ledger:
        """The programme's transactions up to ``on`` with ``postings`` (a day, an event number, a
        transaction) merged in: on each day the programme's entries first, then the events in order.
        An entry whose amount depends on what is left (the end of a reservation) reads the books
        as the events before it left them."""
        steps = sorted((s for s in self._steps() if s.on <= on), key=lambda s: (s.on, s.order))
        events = sorted(((day, seq, t) for day, seq, t in postings if day <= on), key=lambda p: (p[0], p[1]))
        ledger = Ledger()
        i = j = 0
        while i < len(steps) or j < len(events):
            if j == len(events) or (i < len(steps) and steps[i].on <= events[j][0]):
                transaction = steps[i].apply(ledger)
                if transaction is not None:
                    ledger.post(transaction)
                i += 1
            else:
                ledger.post(events[j][2])
                j += 1
        return ledger

    def _steps(self) -> Iterator[_Step]:
        spec = self.spec
        yield _Step(spec.term.starts, 0, lambda ledger: self._opening())
        for transfer in spec.transfers:
            yield _Step(
                transfer.on, 1,
                _moving(cents(transfer.amount), Account(AccountKind.AVAILABLE, None, transfer.taken_from),
                        Account(AccountKind.TRANSFERRED, None, transfer.id), f"transfer {transfer.id}"),
            )  # fmt: skip
        for lapse in spec.lapses:
            yield _Step(
                lapse.on, 1,
                _moving(cents(lapse.amount), Account(AccountKind.AVAILABLE, None, OPEN),
                        Account(AccountKind.LAPSED, None, lapse.id), f"lapse {lapse.id}"),
            )  # fmt: skip
        for reservation in spec.reservations:
            held = Account(AccountKind.RESERVED, None, reservation.id)
            yield _Step(
                reservation.on, 2,
                _moving(cents(reservation.amount), Account(AccountKind.AVAILABLE, None, OPEN), held,
                        f"reservation {reservation.id}"),
            )  # fmt: skip
            yield _Step(
                reservation.until + timedelta(days=1), 3, _returning(held, f"end of reservation {reservation.id}")
            )
        for earmark in spec.earmarks:
            account = Account(AccountKind.AVAILABLE, None, earmark.id)
            yield _Step(earmark.until + timedelta(days=1), 3, _returning(account, f"end of earmark {earmark.id}"))

    def _opening(self) -> Transaction:
        spec = self.spec
        total = cents(spec.total.amount)
        origin = Account(AccountKind.PROGRAMME)
        postings = [(Account(AccountKind.AVAILABLE, None, e.id), cents(e.amount)) for e in spec.earmarks]
        postings.append((Account(AccountKind.AVAILABLE, None, OPEN), total - sum(a for _, a in postings)))
        return Transaction.from_pairs([(origin, -total), *postings], f"opening of {spec.id}")

    def earmark_for(self, sector: Sector | str | None, on: date) -> str | None:
        """The earmark a plan of ``sector`` draws on, on ``on`` (None: none is in force for it)."""
        wanted = sector.value if isinstance(sector, Sector) else sector
        for earmark in self.spec.earmarks:
            if on <= earmark.until and any(s.value == wanted for s in earmark.sectors):
                return earmark.id
        return None


def _moving(amount: int, source: Account, target: Account, reference: str) -> Callable[[Ledger], Transaction]:
    return lambda ledger: Transaction.move(amount, source, target, reference)


def _returning(account: Account, reference: str) -> Callable[[Ledger], Transaction | None]:
    """What is left on ``account`` goes to the open part (nothing to post when nothing is left)."""

    def apply(ledger: Ledger) -> Transaction | None:
        left = ledger.balance(account)
        if left <= 0:
            return None
        return Transaction.move(left, account, Account(AccountKind.AVAILABLE, None, OPEN), reference)

    return apply


def _content_hash(spec: ProgrammeFile) -> str:
    return sha256_hex(canonical_json(spec.model_dump(mode="json", by_alias=True)))


def programme_from_document(document: object, source: str) -> Programme:
    """A programme as adopted in a store (its document as data); raise :class:`ProgrammeError`
    naming ``source`` when it does not validate."""
    try:
        spec = ProgrammeFile.model_validate(document)
    except ValidationError as exc:
        raise ProgrammeError(problems_from(exc, source, None, _HINT)) from None
    return Programme(spec, source, _content_hash(spec))


def load_programme(path: Path | str | None = None) -> Programme:
    """Read and check a programme file (default: the shipped ``programme/iza.yaml``); raise
    :class:`ProgrammeError` naming the file, line and key of every problem."""
    file = Path(path) if path is not None else bundled_dir("programme") / "iza.yaml"
    source = _yaml.display_path(file)
    try:
        document = _yaml.read(file, source)
    except _yaml.YamlProblem as exc:
        raise ProgrammeError([exc.problem]) from exc
    try:
        spec = ProgrammeFile.model_validate(document.data)
    except ValidationError as exc:
        raise ProgrammeError(problems_from(exc, source, document.line_of, _HINT)) from None
    return Programme(spec, source, _content_hash(spec))


@cache
def default_programme() -> Programme:
    """The shipped programme file, loaded once per process."""
    return load_programme()
