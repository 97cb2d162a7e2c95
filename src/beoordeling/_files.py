"""Writing output files atomically: a reader finds the old file or the new one, never half of one.

Output goes only where it may: a new file in an existing folder, or in place of a regular file.
A folder, a device (``/dev/full``, a terminal), a fifo, a socket or a symbolic link at the target is
refused, and so is a folder that does not exist (a typo is never created silently)."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from ._i18n import N_, _, os_reason
from .errors import OutputError

__all__ = ["atomic_write", "check_output", "write_bytes", "write_text"]

_KINDS = (
    (stat.S_ISDIR, N_("a folder")),
    (stat.S_ISLNK, N_("a symbolic link")),
    (stat.S_ISCHR, N_("a character device")),
    (stat.S_ISBLK, N_("a block device")),
    (stat.S_ISFIFO, N_("a named pipe")),
    (stat.S_ISSOCK, N_("a socket")),
)


def check_output(path: Path) -> None:
    """Refuse ``path`` as an output unless it is a regular file or a new name in an existing folder."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None  # a new file, or a path under something that is not a folder (checked below)
    except OSError as exc:
        raise OutputError(path, os_reason(exc)) from exc
    if mode is not None and not stat.S_ISREG(mode):
        kind = _(next((name for test, name in _KINDS if test(mode)), N_("not a regular file")))
        raise OutputError(path, _("this is {kind}; output replaces only a regular file").format(kind=kind))
    parent = path.parent
    if not parent.is_dir():
        if parent.exists():
            raise OutputError(path, _("the folder {parent} is not a folder; create it first").format(parent=parent))
        raise OutputError(path, _("the folder {parent} does not exist; create it first").format(parent=parent))


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Let ``write`` fill a temporary file beside ``path``, then put it in place in one step
    (after :func:`check_output`).

    The temporary file is created with the usual permissions (the umask applies), so the result is
    as readable as any file the user writes; it is removed if ``write`` fails.
    """
    check_output(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        write(tmp)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8, ``\n`` line ends) to ``path`` atomically, where output may go."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"))


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, where output may go."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))
