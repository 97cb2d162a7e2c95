"""The web interface's commands: ``serve`` runs it on the store, ``user`` manages its accounts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.table import Table

from ..accounts import Accounts
from ..model import Role
from ..store import Store
from ._app import _store_url, cli, out
from ._words import _, term

_ROLES = click.Choice([r.value for r in Role if r is not Role.SYSTEM])


def _url(ctx: click.Context) -> str:
    with Store.open(_store_url(ctx)) as store:  # refuses what is not a store, before any table is added
        return store.url


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="The port.")
@click.option(
    "--secret-key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file whose content signs the session cookies (default: $BEOORDELING_SECRET_KEY, else a random key: "
    "sessions then end when the server stops).",
)
@click.option("--https-only", is_flag=True, help="Send the session cookie over HTTPS only (behind a TLS proxy).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, secret_key_file: Path | None, https_only: bool) -> None:
    """Run the web interface on the store: the assessors' inbox and plan pages, the submitters'
    self-check, the letters.

    Accounts come from `beoordeling user add`. The store is the one --store names (SQLite by
    default, PostgreSQL for shared use).
    """
    import uvicorn  # noqa: PLC0415 - the server loads with the command that runs it

    from ..web import create_app  # noqa: PLC0415 - the web layer loads with the command that runs it

    url = _url(ctx)
    key = (
        secret_key_file.read_text(encoding="utf-8").strip()
        if secret_key_file
        else os.environ.get("BEOORDELING_SECRET_KEY")
    )
    app = create_app(url, secret_key=key, https_only=https_only)
    out.print(_("serving {url} on http://{host}:{port}/ (Ctrl-C stops)").format(url=url, host=host, port=port))
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, proxy_headers=https_only)


@cli.group()
def user() -> None:
    """Manage the web interface's accounts: add, list, disable."""


@user.command("add")
@click.argument("username")
@click.option("--name", required=True, help="The person's name, as events record it.")
@click.option("--organisation", required=True, help="The organisation the person acts for.")
@click.option("--role", "roles", type=_ROLES, multiple=True, required=True, help="A role the person may take (repeat).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (else it is asked for).")
@click.pass_context
def user_add(
    ctx: click.Context, username: str, name: str, organisation: str, roles: tuple[str, ...], password_stdin: bool
) -> None:
    """Add an account that signs in with a password (at least 12 characters)."""
    url = _url(ctx)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    with Accounts(url) as accounts:
        account = accounts.add(username, name, organisation, roles, password=password)
    out.print(
        _("account {username} added: {name}, {organisation} ({roles})").format(
            username=account.username, name=account.name, organisation=account.organisation,
            roles=", ".join(term(r) for r in account.roles),
        ),
        markup=False,
    )  # fmt: skip


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """The accounts, with their organisation and roles."""
    with Accounts(_url(ctx)) as accounts:
        found = accounts.all()
    table = Table(box=None, header_style="bold")
    table.add_column(_("User"), no_wrap=True)
    for column in (_("Name"), _("Organisation"), _("Roles"), _("Status")):
        table.add_column(column)
    for account in found:
        status = _("disabled") if account.disabled else _("active")
        table.add_row(account.username, account.name, account.organisation,
                      ", ".join(term(r) for r in account.roles), status)  # fmt: skip
    out.print(table)


@user.command("disable")
@click.argument("username")
@click.pass_context
def user_disable(ctx: click.Context, username: str) -> None:
    """Stop an account from signing in (its name stays with the events it caused)."""
    with Accounts(_url(ctx)) as accounts:
        account = accounts.disable(username)
    out.print(_("account {username} disabled").format(username=account.username), markup=False)
