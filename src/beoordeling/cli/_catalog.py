"""The Dutch catalog of everything the terminal says: gather the messages, merge, check, compile.

Run as ``python -m beoordeling.cli._catalog update|check|compile`` (``scripts/catalog``, ``make``):

- ``update`` gathers every message and merges it into ``locale/nl/LC_MESSAGES/beoordeling.po``:
  a new message arrives untranslated, a message no longer used is dropped;
- ``check`` exits 1 naming every message without a Dutch translation, a translation still marked
  fuzzy, or one whose placeholders differ from the English;
- ``compile`` writes the ``.mo`` files the terminal reads.

The messages are the package's ``_``, ``N_`` and ``ngettext`` calls, click's own messages (it
writes Usage, Options and its errors through gettext) and the help of every command, option and
argument, read from the commands themselves. The English msgid is the English message; the test
``tests/test_i18n.py`` runs ``check``, so a message cannot reach a Dutch user in English.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .._i18n import DOMAIN, LOCALEDIR
from ._root import SECTIONS, cli

__all__ = ["catalog_problems", "compile_catalogs", "gather", "update"]

LANGUAGES = ("nl",)
_PACKAGE = Path(__file__).resolve().parents[1]
_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
_STAMP = datetime(2026, 12, 1)
"""A fixed header date, so that the catalog changes only when its messages do."""
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]|§[0-9.]*[0-9]")
"""What a translation must keep as it is: format fields, click's %-fields and the citations that
``_citations`` turns into the framework's names."""


def _po(lang: str) -> Path:
    return LOCALEDIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _commands(command: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, f"{path} {name}")


def gather() -> Catalog:
    """Every message the terminal can show, with where it comes from."""
    template = Catalog(domain=DOMAIN, project="beoordeling", creation_date=_STAMP, fuzzy=False)
    for origin, root in ((_PACKAGE, "beoordeling"), (Path(click.__file__).parent, "click")):
        for filename, lineno, message, comments, context in extract_from_dir(origin, keywords=_KEYWORDS):
            if filename.startswith("_winconsole"):
                continue  # Windows consoles only
            template.add(message, locations=[(f"{root}/{filename}", lineno)], auto_comments=comments, context=context)
    for module in sorted({module for _, commands in SECTIONS for _, module, _ in commands}):
        importlib.import_module(f"{__package__}.{module}")
    for path, command in _commands(cli, "beoordeling"):
        if command.help:
            template.add(
                inspect.cleandoc(command.help),
                locations=[(path.replace(" ", "/"), 0)],
                auto_comments=["help of a command"],
            )
        for param in command.params:
            text = getattr(param, "help", None)
            if text:
                text = inspect.cleandoc(text)
                where = f"{path}/{param.opts[-1]}".replace(" ", "/")
                template.add(text, locations=[(where, 0)], auto_comments=["help of an option"])
    return template


def _read(lang: str) -> Catalog:
    po = _po(lang)
    if not po.is_file():
        return Catalog(locale=lang, domain=DOMAIN, project="beoordeling", creation_date=_STAMP, fuzzy=False)
    with po.open("rb") as stream:
        return read_po(stream, locale=lang, domain=DOMAIN)


def _header(catalog: Catalog) -> None:
    catalog.fuzzy = False
    catalog.version = "0.1"
    catalog.copyright_holder = "the beoordeling team"
    catalog.msgid_bugs_address = "the project's issue tracker"
    catalog.last_translator = "the beoordeling team"
    catalog.language_team = "Nederlands"
    catalog.revision_date = _STAMP


def update() -> None:
    """Merge the gathered messages into each language's catalog."""
    template = gather()
    for lang in LANGUAGES:
        catalog = _read(lang)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.obsolete.clear()
        _header(catalog)
        po = _po(lang)
        po.parent.mkdir(parents=True, exist_ok=True)
        with po.open("wb") as stream:
            write_po(stream, catalog, width=100, include_lineno=False, ignore_obsolete=True, sort_by_file=True)


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def catalog_problems(lang: str = "nl") -> list[str]:
    """What keeps the catalog from saying every message in ``lang``: a missing, fuzzy or
    untranslated message, or a translation whose placeholders are not the English ones."""
    catalog = _read(lang)
    problems = []
    for message in gather():
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        ids = tuple(message.id) if isinstance(message.id, (tuple, list)) else (str(message.id),)
        if found is None:
            problems.append(f"not in the catalog (run scripts/catalog update): {ids[0]!r}")
            continue
        strings = tuple(found.string) if isinstance(found.string, (tuple, list)) else (str(found.string or ""),)
        if found.fuzzy or not all(strings):
            problems.append(f"no {lang} translation yet: {ids[0]!r}")
            continue
        for string in strings:
            if _placeholders(string) != _placeholders(ids[-1]) and _placeholders(string) != _placeholders(ids[0]):
                problems.append(f"placeholders differ from the English: {ids[0]!r} -> {string!r}")
    return problems


def compile_catalogs() -> list[Path]:
    """Write the ``.mo`` file of each language's catalog."""
    written = []
    for lang in LANGUAGES:
        catalog = _read(lang)
        mo = _po(lang).with_suffix(".mo")
        with mo.open("wb") as stream:
            write_mo(stream, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def main(argv: list[str]) -> int:
    """``update``, ``check`` or ``compile``."""
    command = argv[0] if argv else ""
    if command == "update":
        update()
        return 0
    if command == "compile":
        for mo in compile_catalogs():
            print(mo)
        return 0
    if command == "check":
        problems = catalog_problems()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    print("usage: python -m beoordeling.cli._catalog update|check|compile", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
