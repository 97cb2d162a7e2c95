"""Web accounts: who may sign in, for which organisation, in which roles; and `beoordeling user`."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from beoordeling import Actor, Role, Store, load_plan
from beoordeling._terminal import UNSAFE
from beoordeling.accounts import Account, Accounts, visible_to
from beoordeling.accounts.registry import _checked, passwords_table
from beoordeling.cli import cli
from beoordeling.errors import InputError

from .conftest import ROOT

FAST = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
PLAN = load_plan(ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml")


@pytest.fixture
def url(store_url: str) -> str:
    """A store on each database the tests reach (SQLite; PostgreSQL when it is set up)."""
    with Store.open(store_url, create=True) as store:
        store.initialise(Actor("test", "beoordeling", Role.SYSTEM))
    return store_url


def test_an_account_signs_in_with_its_own_password_only(url: str) -> None:
    with Accounts(url, hasher=FAST) as accounts:
        added = accounts.add(
            "vgz.dewit", " V. de Wit ", "Coöperatie VGZ", ["market-leader"], password="correct horse 1"
        )
        assert added == Account("vgz.dewit", "V. de Wit", "Coöperatie VGZ", (Role.MARKET_LEADER,), "local", "vgz.dewit")
        assert accounts.authenticate("vgz.dewit", "correct horse 1") == added
        assert accounts.authenticate("vgz.dewit", "correct horse 2") is None
        assert accounts.authenticate("nobody", "correct horse 1") is None
        assert accounts.authenticate("vgz.dewit", "x" * 5000) is None
        accounts.disable("vgz.dewit")
        assert accounts.authenticate("vgz.dewit", "correct horse 1") is None
        assert accounts.get("vgz.dewit") == Account(
            "vgz.dewit", "V. de Wit", "Coöperatie VGZ", (Role.MARKET_LEADER,), "local", "vgz.dewit", disabled=True
        )


def test_a_weak_hash_is_replaced_at_the_next_sign_in(url: str) -> None:
    with Accounts(url, hasher=FAST) as weak:
        weak.add("zk", "Z. Kok", "Zilveren Kruis", ["market-leader"], password="a long passphrase")
    with Accounts(url) as strong:
        assert strong.authenticate("zk", "a long passphrase") is not None
        with strong._engine.connect() as conn:
            digest = conn.execute(select(passwords_table.c.hash)).scalar_one()
        assert not PasswordHasher().check_needs_rehash(digest)
        assert digest.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("username", "name", "organisation", "roles", "password", "says"),
    [
        ("Hoofdletters", "A", "B", ["submitter"], "long enough pw", "is not allowed"),
        ("ok", "", "B", ["submitter"], "long enough pw", "the name is empty"),
        ("ok", "A\u202e", "B", ["submitter"], "long enough pw", "control or invisible character"),
        ("ok", "A", "B\nC", ["submitter"], "long enough pw", "control or invisible character"),
        ("ok", "A", "B", ["system"], "long enough pw", "no account acts as the system"),
        ("ok", "A", "B", ["koning"], "long enough pw", "unknown role"),
        ("ok", "A", "B", [], "long enough pw", "at least one role"),
        ("ok", "A", "B", ["submitter"], "short", "12 to 1024 characters"),
    ],
)
def test_a_bad_account_is_refused_with_the_reason(
    url: str, username: str, name: str, organisation: str, roles: list[str], password: str, says: str
) -> None:
    with Accounts(url, hasher=FAST) as accounts:
        with pytest.raises(InputError, match=says):
            accounts.add(username, name, organisation, roles, password=password)
        assert accounts.all() == []


def test_an_account_is_added_once(url: str) -> None:
    with Accounts(url, hasher=FAST) as accounts:
        accounts.add("zk", "Z. Kok", "Zilveren Kruis", ["market-leader"], password="a long passphrase")
        with pytest.raises(InputError, match="exists already"):
            accounts.add("zk", "Z. Kok", "Zilveren Kruis", ["market-leader"], password="a long passphrase")


def test_a_plan_is_visible_to_the_organisations_it_names_in_the_accounts_roles() -> None:
    def account(organisation: str, *roles: Role) -> Account:
        return Account("u", "U", organisation, roles)

    assert visible_to(account("Ziekenhuis Noordwest", Role.SUBMITTER), PLAN)
    assert visible_to(account("coöperatie vgz", Role.MARKET_LEADER), PLAN), "names match in any case"
    assert visible_to(account("Menzis", Role.OTHER_INSURER), PLAN)
    assert not visible_to(account("Menzis", Role.MARKET_LEADER), PLAN), "named, but not in that role"
    assert not visible_to(account("a.s.r.", Role.MARKET_LEADER, Role.OTHER_INSURER), PLAN)
    assert visible_to(account("NZa", Role.NZA), PLAN), "the NZa checks every plan's funds"
    assert visible_to(account("BO IZA", Role.BO_IZA), PLAN)
    menzis = account("Menzis", Role.MARKET_LEADER, Role.OTHER_INSURER)
    assert menzis.role_for(PLAN, [Role.MARKET_LEADER, Role.OTHER_INSURER]) is Role.OTHER_INSURER
    with pytest.raises(InputError, match=r"Marktleider zorgverzekeraar|Market-leading insurer"):
        account("Menzis", Role.OTHER_INSURER).actor(Role.MARKET_LEADER)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_any_name_is_either_plain_text_or_refused_with_its_reasons(name: str, organisation: str) -> None:
    try:
        roles = _checked("u", name, organisation, ["submitter"])
    except InputError:
        return  # refused, with its reasons (the CLI and the web show them)
    assert roles == (Role.SUBMITTER,)
    for text in (name, organisation):
        assert text.strip()
        assert len(text) <= 200
        assert not UNSAFE.search(text)
        assert "\n" not in text


def _run(db: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--store", db, *args], input=stdin, catch_exceptions=False)


def test_user_commands_add_list_and_disable(url: str) -> None:
    added = _run(url, "user", "add", "vgz", "--name", "V. de Wit", "--organisation", "Coöperatie VGZ",
                 "--role", "market-leader", "--role", "coordinating-insurer", "--password-stdin",
                 stdin="a long passphrase\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "account vgz added: V. de Wit, Coöperatie VGZ (Market-leading insurer, Coordinating insurer)" in added.output
    listed = _run(url, "user", "list")
    assert "vgz" in listed.output
    assert "active" in listed.output
    again = _run(url, "user", "add", "vgz", "--name", "V", "--organisation", "VGZ", "--role", "submitter",
                 "--password-stdin", stdin="a long passphrase\n")  # fmt: skip
    assert again.exit_code == 2
    assert "exists already" in again.output
    short = _run(url, "user", "add", "zk", "--name", "Z", "--organisation", "ZK", "--role", "market-leader",
                 "--password-stdin", stdin="kort\n")  # fmt: skip
    assert short.exit_code == 2
    assert "12 to 1024 characters" in short.output
    assert _run(url, "user", "disable", "vgz").exit_code == 0
    assert "disabled" in _run(url, "user", "list").output
    assert _run(url, "user", "disable", "vgz").exit_code == 2
    assert _run(url, "user", "disable", "nobody").exit_code == 2


def test_user_commands_refuse_what_is_not_a_store(tmp_path: Path) -> None:
    missing = _run(str(tmp_path / "none.db"), "user", "list")
    assert missing.exit_code == 2
    assert not (tmp_path / "none.db").exists() or (tmp_path / "none.db").stat().st_size == 0
