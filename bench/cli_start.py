"""How fast the command line starts: `beoordeling --help` against `python -c pass`, in turns.

Each run is a fresh process, as a user starts it; the baseline is the bare interpreter start-up on
the same machine, so the ratio says what the tool itself adds (the goal is at most 10 times).

    python bench/cli_start.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import paired


def _run(args: list[str]) -> None:
    subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own argv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    bare = functools.partial(_run, ["-c", "pass"])
    for what, command in (
        ("--help", ["-m", "beoordeling", "--help"]),
        ("schema --help", ["-m", "beoordeling", "schema", "--help"]),
    ):
        base, ours, ratio = paired(bare, functools.partial(_run, command), args.repeat)
        timings = f"python -c pass {base * 1000:6.1f} ms  ours {ours * 1000:6.1f} ms"
        print(f"beoordeling {what:14} {timings}  ratio {ratio:5.1f}")


if __name__ == "__main__":
    main()
