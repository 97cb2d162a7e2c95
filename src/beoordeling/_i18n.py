"""The language of what a person reads on the terminal: Dutch, or English under an English locale.

Messages are written in English in the code (the msgid) and translated through the gettext
catalog ``locale/nl/LC_MESSAGES/beoordeling.po``. Dutch is the default: it is what a user gets
unless the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set names an
English locale (``en``, ``en_GB.UTF-8``, ``en_US``); ``C`` and ``POSIX`` give Dutch too. The
choice is read when a message is made, so a test may switch it with the environment.

Documents (letters, the overview) are always Dutch and do not pass through here; the terms of
the framework carry their Dutch and English labels in their enums (:func:`term`).

``scripts/catalog`` extracts the messages (every ``_``, ``N_`` and ``ngettext`` call, click's own
messages and the help of every command) into ``beoordeling.pot`` and merges them into the Dutch
catalog; the build compiles it to ``.mo`` (``hatch_build.py``, ``make``). A source checkout whose
``.mo`` is missing or older than its ``.po`` reads the ``.po`` directly (Babel), so a stale build
never shows English to a Dutch user.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gettext
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model._types import LabelledEnum

__all__ = [
    "DOMAIN",
    "LOCALEDIR",
    "N_",
    "_",
    "compile_po",
    "english",
    "language",
    "locale_name",
    "ngettext",
    "os_reason",
    "speaking",
    "term",
]

DOMAIN = "beoordeling"
LOCALEDIR = Path(__file__).parent / "locale"
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def locale_name() -> str:
    """The first locale the environment names (``en_GB.UTF-8``), or '' when none is set."""
    for variable in _LOCALE_VARIABLES:
        value = os.environ.get(variable, "")
        if value:
            return value.split(":")[0]
    return ""


_SPOKEN: list[str] = []
"""Languages forced by :func:`speaking`, innermost last."""


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Messages, terms, dates and amounts in ``lang`` ('nl' or 'en') whatever the terminal speaks:
    for what is always Dutch (a letter, the overview) made from pieces the terminal shares."""
    _SPOKEN.append(lang)
    try:
        yield
    finally:
        _SPOKEN.pop()


def language() -> str:
    """'en' when the environment's locale is English, else 'nl' (or what :func:`speaking` forces)."""
    if _SPOKEN:
        return _SPOKEN[-1]
    name = locale_name().lower()
    return "en" if name == "en" or name.startswith(("en_", "en.", "en@")) else "nl"


def english() -> bool:
    """Whether the terminal speaks English."""
    return language() == "en"


@functools.cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    folder = LOCALEDIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or po.stat().st_mtime <= mo.stat().st_mtime):
        with mo.open("rb") as stream:
            return gettext.GNUTranslations(stream)
    if po.is_file():
        return gettext.GNUTranslations(io.BytesIO(compile_po(po)))
    return gettext.NullTranslations()  # pragma: no cover - the package ships its catalogs


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file, as ``pybabel compile`` writes them."""
    from babel.messages.mofile import write_mo  # noqa: PLC0415 - only a stale source checkout needs Babel here
    from babel.messages.pofile import read_po  # noqa: PLC0415

    with po.open("rb") as stream:
        catalog = read_po(stream, locale=po.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _(message: str) -> str:
    """``message`` (English) in the terminal's language."""
    return _catalog(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message with a count, in the terminal's language."""
    return _catalog(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks ``message`` for the catalog where it is defined; :func:`_` translates it where it is shown."""
    return message


_OS_ERRORS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.EEXIST: N_("File exists"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
    errno.ENAMETOOLONG: N_("File name too long"),
}
"""What the C library says of the errors a named file runs into most."""


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in the terminal's language where the error is a common one."""
    known = _OS_ERRORS.get(exc.errno or 0)
    return _(known) if known else exc.strerror or str(exc)


def term(member: LabelledEnum) -> str:
    """A term of the framework in the terminal's language: its Dutch label, or its English one."""
    return member.label_en if english() else member.label
