"""The command line: a thin layer of commands over the library.

Exit codes: 0 ok, 1 findings (a broken chain, a self-check that blocks), 2 bad input or usage,
3 an action the workflow refuses (role, state, guard or policy). Input that cannot be used is
reported as one clear message naming the file and field path, never as a traceback.
"""

from __future__ import annotations

from ._root import cli  # commands are loaded when used: see _root.SECTIONS

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="beoordeling")
