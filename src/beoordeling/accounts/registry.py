"""Accounts in the store's own database (tables of their own, beside the event store's).

Password hashes are argon2id (argon2-cffi's defaults, the parameters RFC 9106 recommends for
memory-constrained machines); a hash made with older parameters is replaced at the next sign-in.
Accounts are never deleted: a disabled account keeps its name, so that the events it caused still
say who acted. They are kept out of the hash-chained record on purpose: a password hash has no
place in a history that can never be erased.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, UniqueConstraint, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .._i18n import _, term
from .._terminal import UNSAFE, visible
from ..errors import InputError, Problem, StoreError
from ..model import Plan, Role
from ..store import Actor
from ..store._engine import WRITE, make_engine, normalise_url, redact
from ..workflow.guards import organisations_for

__all__ = ["LOCAL", "UNTIED", "Account", "Accounts", "Named", "named_organisations", "visible_to"]

LOCAL = "local"
"""The issuer of accounts that sign in with a password kept here."""

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
PASSWORD_MIN, PASSWORD_MAX = 12, 1024
"""At least 12 characters (NIST SP 800-63B asks at least 8 and allows longer; we ask 12); the upper
bound keeps hashing bounded."""
_TEXT_MAX = 200

metadata = MetaData()
accounts_table = Table(
    "accounts",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("name", String(_TEXT_MAX), nullable=False),
    Column("organisation", String(_TEXT_MAX), nullable=False),
    Column("roles", Text, nullable=False),  # comma-separated Role values
    Column("issuer", String(300), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    UniqueConstraint("issuer", "subject", name="accounts_identity"),
)
passwords_table = Table(
    "account_passwords",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("hash", String(300), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Account:
    """One person of one organisation, and the roles they may act in."""

    username: str
    name: str
    organisation: str
    roles: tuple[Role, ...]
    issuer: str = LOCAL
    subject: str = ""
    disabled: bool = False

    def actor(self, role: Role) -> Actor:
        """The actor of an event this account causes in ``role`` (refused for a role not its own)."""
        if role not in self.roles:
            raise InputError(
                [
                    Problem(
                        _("account {username} may not act as {role}; its roles: {roles}").format(
                            username=self.username, role=term(role), roles=", ".join(term(r) for r in self.roles)
                        )
                    )
                ]
            )
        return Actor(self.name, self.organisation, role)

    def role_for(self, plan: Plan | Named, wanted: Sequence[Role]) -> Role | None:
        """The first of ``wanted`` this account may take on ``plan`` (or on the organisations a
        plan names, :func:`named_organisations`): a role of its own that the plan names its
        organisation for, or one not tied to plans (the NZa's, the BO IZA's)."""
        named = named_organisations(plan) if isinstance(plan, Plan) else plan
        own = self.organisation.casefold()
        for role in wanted:
            if role not in self.roles:
                continue
            if role in UNTIED or own in named.get(role, ()):
                return role
        return None


Named = Mapping[Role, frozenset[str]]
"""The organisations a plan names per role (case-folded)."""

UNTIED = (Role.NZA, Role.BO_IZA)
"""Roles not tied to a plan's parties: the NZa checks every plan's funds, the BO IZA rules on any."""
_TIED = (Role.SUBMITTER, Role.COORDINATING_INSURER, Role.MARKET_LEADER, Role.OTHER_INSURER)


def named_organisations(plan: Plan) -> Named:
    """Who the plan names in each role tied to it, case-folded. A plan that names no parties is
    no submitter's to see (the workflow's guards let any submitter act on it; the web shows it
    only to those it names)."""
    return {role: frozenset(n.casefold() for n in organisations_for(role, plan) or ()) for role in _TIED}


def visible_to(account: Account, plan: Plan | Named) -> bool:
    """Whether the plan is this account's to see: its organisation is named by the plan in one of
    the account's roles (a party, the coordinating insurer, a market leader, an other insurer), or
    it has a role not tied to plans (the NZa, the BO IZA)."""
    return account.role_for(plan, account.roles) is not None


def _checked(username: str, name: str, organisation: str, roles: Iterable[Role | str]) -> tuple[Role, ...]:
    problems = []
    if not USERNAME.fullmatch(username):
        problems.append(
            Problem(
                _(
                    "the user name {username!r} is not allowed: 1 to 64 lower-case letters, digits, '.', '_' or "
                    "'-', beginning with a letter or digit"
                ).format(username=visible(username))
            )
        )
    for what, text in ((_("the name"), name), (_("the organisation"), organisation)):
        if not text.strip():
            problems.append(Problem(_("{what} is empty").format(what=what)))
        elif UNSAFE.search(text) or "\n" in text or "\t" in text:
            problems.append(Problem(_("{what} contains a control or invisible character").format(what=what)))
        elif len(text) > _TEXT_MAX:
            problems.append(Problem(_("{what} is longer than {limit} characters").format(what=what, limit=_TEXT_MAX)))
    chosen: list[Role] = []
    for role in roles:
        try:
            member = Role(role)
        except ValueError:
            problems.append(
                Problem(
                    _("unknown role {role!r}; expected one of {roles}").format(
                        role=visible(str(role)), roles=", ".join(r.value for r in Role if r is not Role.SYSTEM)
                    )
                )
            )
            continue
        if member is Role.SYSTEM:
            problems.append(Problem(_("no account acts as the system")))
        elif member not in chosen:
            chosen.append(member)
    if not chosen and not problems:
        problems.append(Problem(_("an account needs at least one role")))
    if problems:
        raise InputError(problems)
    return tuple(chosen)


def _checked_password(password: str) -> None:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InputError(
            [
                Problem(
                    _("a password has {low} to {high} characters; this one has {count}").format(
                        low=PASSWORD_MIN, high=PASSWORD_MAX, count=len(password)
                    )
                )
            ]
        )


class Accounts:
    """The accounts of one store's database."""

    def __init__(self, url: str, *, hasher: PasswordHasher | None = None) -> None:
        self.url = normalise_url(url)
        self._engine = make_engine(self.url)
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None
        try:
            metadata.create_all(self._engine)
        except SQLAlchemyError as exc:
            raise StoreError(
                _("cannot open the accounts of {url}: {exc}").format(url=redact(self.url), exc=type(exc).__name__)
            ) from exc

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Accounts:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def add(
        self, username: str, name: str, organisation: str, roles: Iterable[Role | str], *, password: str | None = None
    ) -> Account:
        """A new local account (with ``password``), or one another identity provider vouches for."""
        chosen = _checked(username, name, organisation, roles)
        if password is not None:
            _checked_password(password)
        now = datetime.now(UTC)
        row = {
            "username": username,
            "name": name.strip(),
            "organisation": organisation.strip(),
            "roles": ",".join(r.value for r in chosen),
            "issuer": LOCAL,
            "subject": username,
            "created_at": now,
        }
        try:
            with self._engine.connect() as conn:
                conn.execution_options(**{WRITE: True})
                with conn.begin():
                    conn.execute(insert(accounts_table).values(**row))
                    if password is not None:
                        digest = self._hasher.hash(password)
                        conn.execute(insert(passwords_table).values(username=username, hash=digest, changed_at=now))
        except IntegrityError:
            raise InputError([Problem(_("an account {username!r} exists already").format(username=username))]) from None
        return Account(username, name.strip(), organisation.strip(), chosen, LOCAL, username)

    def get(self, username: str) -> Account | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(accounts_table).where(accounts_table.c.username == username)).first()
        return _account(row) if row is not None else None

    def all(self) -> list[Account]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(accounts_table).order_by(accounts_table.c.username)).all()
        return [_account(row) for row in rows]

    def disable(self, username: str) -> Account:
        """Stop an account from signing in; its name stays with the events it caused."""
        with self._engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                done = conn.execute(
                    update(accounts_table)
                    .where(accounts_table.c.username == username, accounts_table.c.disabled_at.is_(None))
                    .values(disabled_at=datetime.now(UTC))
                ).rowcount
        account = self.get(username)
        if account is None:
            raise InputError([Problem(_("no account {username!r}").format(username=visible(username)))])
        if not done:
            raise InputError([Problem(_("account {username!r} was disabled already").format(username=username))])
        return account

    def set_password(self, username: str, password: str) -> None:
        _checked_password(password)
        if self.get(username) is None:
            raise InputError([Problem(_("no account {username!r}").format(username=visible(username)))])
        digest = self._hasher.hash(password)
        now = datetime.now(UTC)
        with self._engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                mine = passwords_table.c.username == username
                changed = conn.execute(update(passwords_table).where(mine).values(hash=digest, changed_at=now)).rowcount
                if not changed:
                    conn.execute(insert(passwords_table).values(username=username, hash=digest, changed_at=now))

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account, if ``password`` is its own and it is enabled; else None. An unknown name
        costs a hash verification too, so that timing does not tell which names exist."""
        if len(password) > PASSWORD_MAX or len(username) > 64:
            return None
        with self._engine.connect() as conn:
            row = conn.execute(
                select(accounts_table, passwords_table.c.hash)
                .join(passwords_table, passwords_table.c.username == accounts_table.c.username)
                .where(accounts_table.c.username == username)
            ).first()
        if row is None:
            if self._dummy is None:
                self._dummy = self._hasher.hash("not a password of anyone")
            with contextlib.suppress(VerificationError):
                self._hasher.verify(self._dummy, password)
            return None
        try:
            self._hasher.verify(row.hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row.disabled_at is not None:
            return None
        if self._hasher.check_needs_rehash(row.hash):
            self.set_password(username, password)
        return _account(row)


def _account(row: object) -> Account:
    roles = tuple(Role(value) for value in str(getattr(row, "roles", "")).split(",") if value)
    return Account(
        row.username,  # type: ignore[attr-defined]
        row.name,  # type: ignore[attr-defined]
        row.organisation,  # type: ignore[attr-defined]
        roles,
        row.issuer,  # type: ignore[attr-defined]
        row.subject,  # type: ignore[attr-defined]
        row.disabled_at is not None,  # type: ignore[attr-defined]
    )
