"""The letter office: finds the decisions that call for a letter, composes, renders and records them.

A letter is produced from the store alone and recorded in it: each file written is a
``letter.issued`` event naming the document, its fingerprint and the SHA-256 of the file. Letters
not yet recorded are *pending*. A batch renders in long-lived worker processes, each with one
:class:`~.pdf.Renderer` (one font configuration, the stylesheet parsed once); the main process reads
the store, composes the HTML, writes the files and records them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .._files import atomic_write
from .._i18n import _
from ..desk import policy_in_force
from ..errors import DocumentError, OutputError, PlanNotFound
from ..model import Plan
from ..store import Actor, Event, NewEvent, Store
from ..workflow import Policy, Trigger
from .compose import compose
from .content import Letter, LetterSource
from .fingerprint import document_number, fingerprint
from .html import letter_html
from .kinds import Audience, letter_for
from .pdf import LOGOS, Renderer
from .profiles import Profiles, default_profiles

__all__ = ["ISSUED", "IssuedLetter", "LetterOffice"]

ISSUED = "letter.issued"
_CHUNK = 100
"""Letters recorded per transaction in a batch: an interrupted batch loses at most this many records
(the files are produced again, byte for byte, on the next run)."""


@dataclass(frozen=True)
class IssuedLetter:
    document: str
    kind: str
    path: Path
    fingerprint: str
    sha256: str
    event: Event | None
    """The ``letter.issued`` event; None when this very file had been recorded before."""


class LetterOffice:
    """Letters of the decisions in one store."""

    def __init__(self, store: Store, profiles: Profiles | None = None) -> None:
        self.store = store
        self.profiles = profiles or default_profiles()
        """Who sends and signs (``profiles/organisations.yaml``, or ``$BEOORDELING_PROFILES``)."""
        self._policies: dict[int, Policy] = {}
        self._store_id: str | None = None
        self._plans: dict[tuple[str, int | None], tuple[Plan, str]] = {}

    @property
    def store_id(self) -> str:
        if self._store_id is None:
            self._store_id = self.store.store_id
        return self._store_id

    # --- finding letters ---------------------------------------------------------------------------

    def decisions(self, plan_id: str | None = None, events: Iterable[Event] | None = None) -> list[Event]:
        """Every event that calls for a letter with someone to receive it, in order (``events``:
        the plan's events, already read)."""
        found = self.store.events(plan_id) if events is None else events
        return [e for e in found if letter_for(e.type) and self._has_addressees(e)]

    def _has_addressees(self, event: Event) -> bool:
        spec = letter_for(event.type)
        if spec is None or spec.audience is not Audience.OTHER_INSURERS:
            return True
        plan, _ = self._plan(event)
        return bool(plan.insurers.others)

    def pending(self) -> list[Event]:
        """Decisions whose letter was never recorded as issued."""
        issued = {e.payload.get("document") for e in self.store.events() if e.type == ISSUED}
        return [e for e in self.decisions() if document_number(str(e.plan_id), e.seq) not in issued]

    def decision(self, plan_id: str, seq: int | None = None) -> Event:
        """The decision event ``seq`` of the plan, or its latest one that calls for a letter."""
        found = self.decisions(plan_id)
        if not found:
            self.store.plan(plan_id)  # PlanNotFound with its hint when the plan is unknown
            raise DocumentError(_("plan {plan_id} has no decision that calls for a letter yet").format(plan_id=plan_id))
        if seq is None:
            return found[-1]
        for event in found:
            if event.seq == seq:
                return event
        numbers = ", ".join(str(e.seq) for e in found)
        raise DocumentError(
            _("event {seq} of plan {plan_id} calls for no letter; events with a letter: {numbers}").format(
                seq=seq, plan_id=plan_id, numbers=numbers
            )
        )

    # --- composing ---------------------------------------------------------------------------------

    def letter(self, event: Event, history: Sequence[Event] | None = None) -> Letter:
        """The letter of decision ``event`` (``history``: the plan's events, when already read)."""
        spec = letter_for(event.type)
        if spec is None or event.plan_id is None:
            raise DocumentError(_("event {seq} ({type}) calls for no letter").format(seq=event.seq, type=event.type))
        if history is None:
            history = list(self.store.events(event.plan_id))
        plan, plan_hash = self._plan(event)
        kept = [e for e in history if e.seq <= event.seq or e.occurred_at == event.occurred_at]
        position = self._queue_position(event) if event.type == Trigger.WAITLIST.event_type else None
        source = LetterSource(spec, event, kept, plan, plan_hash, position)
        number = document_number(event.plan_id, event.seq)
        letter = compose(
            source,
            number,
            fingerprint(self.store_id, spec.kind, event, plan_hash),
            self.policy_for(event),
            self.profiles,
        )
        return dataclasses.replace(letter, practice=True) if self.store.practice else letter

    def policy_for(self, event: Event) -> Policy:
        """The policy in force when ``event`` was recorded: the clocks its letter quotes."""
        policy = self._policies.get(event.seq)
        if policy is None:
            policy = self._policies[event.seq] = policy_in_force(self.store, before=event.seq)
        return policy

    def _plan(self, event: Event) -> tuple[Plan, str]:
        key = (str(event.plan_id), event.plan_version)
        found = self._plans.get(key)
        if found is None:
            try:
                stored = self.store.plan(str(event.plan_id), event.plan_version)
            except PlanNotFound as exc:
                raise DocumentError(_("event {seq}: {exc}").format(seq=event.seq, exc=exc)) from exc
            found = self._plans[key] = (stored.plan, stored.info.content_hash)
        return found

    def _queue_position(self, event: Event) -> int | None:
        """The plan's place on the waiting list just after ``event`` (first come, first served, §4.4):
        as the budget-fit check recorded it, or (an event from before it did) by the order of the list."""
        if isinstance(event.payload.get("position"), int):
            return int(event.payload["position"])
        queue: dict[str, None] = {}
        leaving = (Trigger.FUND.event_type, Trigger.WITHDRAW.event_type)
        for e in self.store.events():
            if e.seq > event.seq:
                break
            if e.type == Trigger.WAITLIST.event_type and e.plan_id:
                queue[e.plan_id] = None
            elif e.type in leaving and e.plan_id:
                queue.pop(e.plan_id, None)
        order = list(queue)
        return order.index(str(event.plan_id)) + 1 if event.plan_id in queue else None

    # --- producing ---------------------------------------------------------------------------------

    def write(self, event: Event, path: Path, actor: Actor, renderer: Renderer | None = None) -> IssuedLetter:
        """Render the letter of ``event`` to ``path`` and record it."""
        letter = self.letter(event)
        pdf = (renderer or Renderer()).render(letter_html(letter), letter.document)
        atomic_write(path, lambda tmp: tmp.write_bytes(pdf))
        return self._record([(letter, event, path, pdf)], actor)[0]

    def produce(
        self,
        events: Sequence[Event],
        directory: Path,
        actor: Actor,
        *,
        workers: int = 2,
        progress: Callable[[IssuedLetter], None] = lambda _letter: None,
    ) -> list[IssuedLetter]:
        """Render the letters of ``events`` into ``directory`` (named after their document number) and
        record them; ``workers`` processes render in parallel. The folder is made if it is new; its
        parent must exist."""
        if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
            raise OutputError(directory, _("this is not a folder; the letters go into a folder"))
        if not directory.parent.is_dir():
            raise OutputError(
                directory, _("the folder {parent} does not exist; create it first").format(parent=directory.parent)
            )
        directory.mkdir(exist_ok=True)
        histories: dict[str, list[Event]] = defaultdict(list)
        for e in self.store.events():
            if e.plan_id:
                histories[e.plan_id].append(e)
        jobs = []
        for event in events:
            letter = self.letter(event, histories[str(event.plan_id)])
            jobs.append((letter, event, directory / f"{letter.document}-{letter.kind.value}.pdf"))
        issued: list[IssuedLetter] = []
        batch: list[tuple[Letter, Event, Path, bytes]] = []
        for (letter, event, path), pdf in zip(jobs, _render_all([(letter_html(j[0]), j[0].document) for j in jobs],
                                                                 workers), strict=True):  # fmt: skip
            atomic_write(path, lambda tmp, data=pdf: tmp.write_bytes(data))  # type: ignore[misc]
            batch.append((letter, event, path, pdf))
            if len(batch) >= _CHUNK:
                issued.extend(self._recorded(batch, actor, progress))
                batch = []
        issued.extend(self._recorded(batch, actor, progress))
        return issued

    def _recorded(
        self, batch: list[tuple[Letter, Event, Path, bytes]], actor: Actor, progress: Callable[[IssuedLetter], None]
    ) -> list[IssuedLetter]:
        done = self._record(batch, actor) if batch else []
        for letter in done:
            progress(letter)
        return done

    def _record(self, items: Iterable[tuple[Letter, Event, Path, bytes]], actor: Actor) -> list[IssuedLetter]:
        """Record each letter as issued, unless this very file was recorded before."""
        items = list(items)
        known = {
            (e.payload.get("document"), e.payload.get("sha256"))
            for plan_id in {str(i[1].plan_id) for i in items}
            for e in self.store.events(plan_id)
            if e.type == ISSUED
        }
        new: list[NewEvent] = []
        results: list[tuple[Letter, Path, str, bool]] = []
        for letter, event, path, pdf in items:
            digest = hashlib.sha256(pdf).hexdigest()
            fresh = (letter.document, digest) not in known
            results.append((letter, path, digest, fresh))
            if fresh:
                new.append(_issued_event(letter, event, digest, actor))
        stored = iter(self.store.append_notes(new)) if new else iter(())
        return [
            IssuedLetter(letter.document, letter.kind.value, path, letter.fingerprint, digest,
                         next(stored) if fresh else None)
            for letter, path, digest, fresh in results
        ]  # fmt: skip


def _issued_event(letter: Letter, event: Event, digest: str, actor: Actor) -> NewEvent:
    payload = {
        "document": letter.document,
        "kind": letter.kind.value,
        "decision": event.seq,
        "fingerprint": letter.fingerprint,
        "sha256": digest,
        "addressees": [a.name for a in letter.addressees],
    }
    return NewEvent(ISSUED, actor, letter.plan_id, letter.plan_version, None, payload, {}, letter.rules_version)


# --- rendering in worker processes -----------------------------------------------------------------------

_worker_renderer: Renderer | None = None


def _start_worker(logos: dict[str, tuple[bytes, str]]) -> None:
    global _worker_renderer  # noqa: PLW0603 - one renderer per worker process, made once
    LOGOS.update(logos)  # a spawned worker does not inherit the parent's registry
    _worker_renderer = Renderer()


def _render_in_worker(job: tuple[str, str]) -> bytes:
    if _worker_renderer is None:
        raise RuntimeError("the worker was not started")  # the pool's initializer always runs first
    return _worker_renderer.render(*job)


def _render_all(jobs: list[tuple[str, str]], workers: int) -> Iterator[bytes]:
    """PDF bytes for each (html, name), in order; in this process when one worker is asked for or
    there is only one letter."""
    if workers <= 1 or len(jobs) <= 1:
        renderer = Renderer()
        for html, name in jobs:
            yield renderer.render(html, name)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool: Executor = ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(dict(LOGOS),),
    )
    with pool:
        yield from pool.map(_render_in_worker, jobs, chunksize=4)
