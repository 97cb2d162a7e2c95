"""Memory of a long-lived letter worker: one renderer for the whole batch vs a new one per letter.

Each way runs in a fresh child process, rendering the demo's 13 letters over and over and sampling
the resident set size (RSS) after every round of 13, after a garbage collection. The figure is the
growth from the end of the first round to the end of the last, in MiB per 100 letters:

- ours: one ``Renderer`` (one font configuration, the stylesheet parsed once) for every letter,
  which is what each worker of ``beoordeling letters --pending`` keeps;
- baseline: a new ``Renderer`` per letter, the pattern that grows memory steadily.

    python bench/letters_memory.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from beoordeling import Store
from beoordeling.letters import LetterOffice, Renderer
from beoordeling.letters.html import letter_html
from letters_render import walked_store

MiB = 1024 * 1024


def rss() -> float:
    """This process's resident set size in MiB (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MiB


def samples(htmls: list[str], rounds: int, shared: bool) -> list[float]:
    """RSS after each round of rendering every letter once."""
    renderer = Renderer() if shared else None
    found = []
    for _ in range(rounds):
        for number, html in enumerate(htmls):
            (renderer or Renderer()).render(html, f"letter {number}")
        gc.collect()
        found.append(rss())
    return found


def in_child(htmls: list[str], rounds: int, shared: bool) -> list[float]:
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(samples, (htmls, rounds, shared))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        walked_store(Path(tmp) / "walked.db")
        with Store.open(str(Path(tmp) / "walked.db")) as store:
            office = LetterOffice(store)
            htmls = [letter_html(office.letter(event)) for event in office.decisions()]
    per_round = len(htmls)
    for label, shared in (("one renderer for the batch (ours)", True), ("a new renderer per letter", False)):
        found = in_child(htmls, args.rounds, shared)
        growth = (found[-1] - found[0]) / (per_round * (args.rounds - 1)) * 100
        trace = " ".join(f"{value:.1f}" for value in found)
        print(f"{label}: RSS {trace} MiB; growth {growth:+.2f} MiB per 100 letters")


if __name__ == "__main__":
    main()
