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
