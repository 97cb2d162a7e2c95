"""Where the project's data folders are, in a source checkout and in an installed copy alike.

``rules/``, ``policy/``, ``programme/``, ``forms/``, ``profiles/`` and ``examples/`` live at the repository root,
where people edit them. The wheel carries copies inside the package (``beoordeling/_bundled``, see
pyproject.toml), so that a non-editable install run from any directory finds them too.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Literal

from ._i18n import _
from .errors import ConfigurationError

__all__ = ["Folder", "bundled_dir", "data_file", "tool_version"]

Folder = Literal["rules", "policy", "programme", "forms", "examples", "profiles"]

_PACKAGE = Path(__file__).resolve().parent


def bundled_dir(name: Folder) -> Path:
    """The folder ``name``: the installed copy if there is one, else the checkout's root folder."""
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise ConfigurationError(
        _(
            "the {name}/ folder was not found next to the package ({package}); reinstall beoordeling "
            "or run it from a complete checkout"
        ).format(name=name, package=_PACKAGE)
    )


def data_file(name: str) -> Path:
    """A reference-data file that ships inside the package (``beoordeling/data``)."""
    path = _PACKAGE / "data" / name
    if not path.is_file():
        raise ConfigurationError(
            _("reference data {name} is missing from {parent}; reinstall beoordeling").format(
                name=name, parent=path.parent
            )
        )
    return path


@cache
def tool_version() -> str:
    """The installed version, stamped on workbooks and letters."""
    try:
        return version("beoordeling")
    except PackageNotFoundError:  # a bare checkout that was never installed
        return "0+onbekend"
