"""One exception tree: every exception class the package defines derives from BeoordelingError."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import beoordeling
from beoordeling.errors import BeoordelingError, ReplayError, StoreError


def _package_classes() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(beoordeling.__path__, "beoordeling."):
        if ".migrations.versions" in info.name or info.name.endswith(("migrations.env", "__main__")):
            continue  # Alembic's scripts run only inside a migration; __main__ runs the command
        module = importlib.import_module(info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("beoordeling"):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


def test_every_exception_derives_from_the_one_base() -> None:
    """Walked over every module, not listed by hand. The one exception is the letters' render timer,
    a private BaseException that must get past WeasyPrint's own `except Exception` and is turned
    into a DocumentError before it leaves the package."""
    classes = _package_classes()
    assert len(classes) > 15
    strays = [
        f"{c.__module__}.{c.__qualname__}"
        for c in classes
        if not issubclass(c, BeoordelingError) and not (c.__name__.startswith("_") and not issubclass(c, Exception))
    ]
    assert [] == strays


def test_replay_errors_are_store_errors() -> None:
    assert issubclass(ReplayError, StoreError)


def test_a_refusal_cites_the_framework_not_the_section_numbers_of_our_notes() -> None:
    from beoordeling.errors import Refused  # noqa: PLC0415

    refused = Refused(
        "TP-1", "plan ingediend", "approve",
        ["approve is decided jointly by the two market leaders (domain.md §3.2)", "funds are checked (§3.6)"],
    )  # fmt: skip
    assert (
        "approve is decided jointly by the two market leaders (Beoordelingskader, rol van de marktleiders)",
        "funds are checked (Beoordelingskader, toets van de NZa)",
    ) == refused.reasons
    assert "§" not in str(refused)
