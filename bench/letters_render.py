"""Decision letters in a batch vs bare WeasyPrint rendering the same HTML, in one run.

The store is the demo's walk (13 decisions with a letter), each letter produced three times per
measurement (39 letters). Bare and ours run in turns; medians of the repeats (the overhead: of the pairs):

- baseline: bare WeasyPrint: ``HTML(string=...).write_pdf`` of the very same HTML with the same
  stylesheet, PDF/A variant and one shared font configuration, the letters' HTML made beforehand;
- ours, one process: ``LetterOffice.produce(workers=1)``: read the store, compose each letter,
  render it behind the safe fetcher and time limit, write the file atomically, record it;
- ours, two processes: the same with ``workers=2`` (the speed-up over one process is reported).

    python bench/letters_render.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import median, paired
from beoordeling import Actor, Role, Store, load_plans
from beoordeling.cli._demo_paths import DemoClock, walk_examples
from beoordeling.desk import Desk
from beoordeling.letters import LetterOffice
from beoordeling.letters.html import letter_html
from beoordeling.letters.pdf import PDF_VARIANT

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
ISSUER = Actor("bench", "Coöperatie VGZ", Role.COORDINATING_INSURER)
TIMES = 3


def walked_store(path: Path) -> None:
    story = DemoClock()
    with Store.open(str(path), create=True, clock=story) as store:
        store.initialise(Actor("bench", "beoordeling", Role.SYSTEM), practice=True)
        plans = load_plans(EXAMPLES)
        store.save_plans(plans, Actor("bench", "bench", Role.SUBMITTER))
        walk_examples(Desk(store), story, {p.id for p in plans})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        walked_store(folder / "walked.db")
        with Store.open(str(folder / "walked.db")) as store:
            office = LetterOffice(store)
            events = office.decisions() * TIMES
            htmls = [letter_html(office.letter(e)) for e in events]
        count = len(events)

        font_config = FontConfiguration()
        css_text = files("beoordeling.letters").joinpath("assets", "letter.css").read_text(encoding="utf-8")
        stylesheet = weasyprint.CSS(string=css_text, font_config=font_config)

        def bare() -> None:
            for html in htmls:
                weasyprint.HTML(string=html).write_pdf(
                    stylesheets=[stylesheet], font_config=font_config, pdf_variant=PDF_VARIANT, custom_metadata=True
                )

        def ours(workers: int) -> Callable[[], None]:
            def run() -> None:
                target = folder / f"run-{workers}-{time.perf_counter_ns()}"
                shutil.copy(folder / "walked.db", target.with_suffix(".db"))
                with Store.open(str(target.with_suffix(".db"))) as store:
                    office = LetterOffice(store)
                    office.produce(office.decisions() * TIMES, target, ISSUER, workers=workers)

            return run

        baseline, one, ratio = paired(bare, ours(1), args.repeat)  # in turns, after a warm-up of each
        two = median(ours(2), args.repeat)
    print(f"letters per batch: {count}")
    print(f"bare WeasyPrint (same HTML, same options): {baseline:.2f} s, {count / baseline:.1f} letters/s")
    print(f"ours, 1 process:  {one:.2f} s, {count / one:.1f} letters/s, overhead {100 * (ratio - 1):+.0f}%")
    print(f"ours, 2 processes: {two:.2f} s, {count / two:.1f} letters/s, speed-up {one / two:.2f}x over 1 process")


if __name__ == "__main__":
    main()
