"""The pipeline around translation against extraction alone: documents per second, stage shares.

Data: the extraction dev pages (``../shared/data/extraction-dev``: 61 pages, mostly English,
with their whole visible text in ``page-text.json``), plus any folder of English HTML pages
given with ``--html DIR`` (repeatable). Run from the repository root::

    .venv/bin/python bench/pipeline.py [--html DIR]... [--rounds N] [--models-dir DIR]

In one process, on the same pages:

* HTML path: (p) trafilatura's ``bare_extraction`` alone, with the project's options, on the
  pages already in memory; (q) ``normalise run --workers 1`` on the same pages as files (read,
  decode, pre-pass, extract, clean, detect, segment, translate, write). It prints
  ``(q)/(p) = x``: normalise's documents per second divided by trafilatura's. Target (issue
  #19): >= 0.8.
* Plain-text path: (p) the reflow step alone (``text.reflow.split_blocks``) on each page's
  visible text; (q) ``normalise run --workers 1`` on the same texts as ``.txt`` files.

For each (q), the stage shares come from the run report's ``stage_seconds`` (``other``: the
run state, writing the outputs). Each round runs (p) then (q), back to back. With
``--rounds N`` the ratio printed is the median of the N rounds' own ratios: on a shared
machine each figure moves by some 5% from round to round, and a ratio of the two best rounds
pairs (p)'s luckiest round with (q)'s, which, a sum of many steps, is rarely as lucky; it is
printed too, with the best round of each. The first round of (q) also pays for loading the
language tables and for first sight of every word (a fixed cost per process); it is printed
on its own. Last, the start-up cost: ``normalise run`` on one short English file, in a fresh
interpreter, minus the bare interpreter's start (target <= 0.5 s).

Nothing is asserted: timings on a shared machine are noisy, so compared things run side by
side, and the figures are printed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_DATA = REPO.parent / "shared" / "data" / "extraction-dev"
ONE_FILE_TEXT = (
    "The council approved the new budget on Tuesday after a long debate.\n\n"
    "Members said the plan would fund schools and repair roads across the county.\n"
)


def load_pages(data: Path, extra: list[Path]) -> dict[str, str]:
    """name -> HTML of every page: the dev pages, then each extra folder's ``.html`` files."""
    pages: dict[str, str] = {}
    for path in sorted((data / "html").glob("*.html.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            pages[path.name.removesuffix(".gz")] = handle.read()
    for folder in extra:
        for path in sorted(folder.rglob("*.htm*")):
            name = f"{folder.name}-{path.relative_to(folder).as_posix().replace('/', '-')}"
            pages[name] = path.read_text("utf-8", errors="replace")
    return pages


class Clock:
    """Wall and CPU seconds of a block. On a shared machine the CPU seconds of this process are
    the steadier measure: other processes stretch the wall time, not the work done here."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def trafilatura_alone(pages: dict[str, str]) -> Clock:
    """``bare_extraction`` over every page, with the extract stage's options."""
    import trafilatura

    from normalise.stages.extract import TRAFILATURA_OPTIONS

    with Clock() as clock:
        for html in pages.values():
            trafilatura.bare_extraction(html, **TRAFILATURA_OPTIONS)
    return clock


def reflow_alone(texts: dict[str, str]) -> Clock:
    from normalise.text.reflow import split_blocks

    with Clock() as clock:
        for text in texts.values():
            split_blocks(text)
    return clock


def normalise_run(folder: Path, out: Path, models_dir: Path) -> tuple[Clock, dict]:
    """``normalise run FOLDER --workers 1`` in this process, and its report."""
    from normalise.cli.app import cli

    if out.exists():
        shutil.rmtree(out)
    args = ["-q", "run", str(folder), "-o", str(out / "corpus.jsonl"), "--workers", "1"]
    args += ["--models-dir", str(models_dir), "--fresh"]
    with Clock() as clock:
        code = cli.main(args, standalone_mode=False)
    if code not in (0, 3):
        raise SystemExit(f"normalise run exited with {code}")
    return clock, json.loads((out / "corpus.report.json").read_text("utf-8"))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def startup_seconds(scratch: Path, models_dir: Path, rounds: int) -> tuple[Clock, Clock]:
    """Best wall time (and its CPU time) of ``python -m normalise run one.txt`` and of
    ``python -c pass``."""
    one = scratch / "one.txt"
    one.write_text(ONE_FILE_TEXT, "utf-8")
    command = [sys.executable, "-m", "normalise", "-q", "run", str(one), "-o"]
    command += [str(scratch / "one-out" / "x.jsonl"), "--models-dir", str(models_dir)]
    command += ["--fresh", "--workers", "1"]
    bare = [sys.executable, "-c", "pass"]
    best: dict[str, Clock] = {}
    for _ in range(max(rounds, 3)):
        for name, args in (("bare", bare), ("run", command)):
            clock, cpu = Clock(), _children_cpu()
            with clock:
                done = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
            clock.cpu = _children_cpu() - cpu
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
            if name not in best or clock.wall < best[name].wall:
                best[name] = clock
    return best["run"], best["bare"]


def shares(report: dict) -> str:
    stages = report["stage_seconds"]
    total = sum(stages.values()) or 1.0
    ordered = sorted(stages.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{name} {seconds:.2f}s ({seconds / total:.0%})" for name, seconds in ordered)


def compare(
    label: str,
    baseline_name: str,
    baseline,
    inputs: dict[str, str],
    scratch: Path,
    models_dir: Path,
    rounds: int,
) -> None:
    """(p) ``baseline`` on ``inputs`` in memory against (q) ``normalise run`` on the same
    inputs written as files under ``scratch``; the best of ``rounds`` of each."""
    folder = write_folder(scratch / f"in-{label}", inputs)
    out = scratch / f"out-{label}"
    best_p: Clock | None = None
    best_q: Clock | None = None
    best_report: dict = {}
    first_q = 0.0
    ratios: list[float] = []  # each round's (q)/(p), by wall time...
    cpu_ratios: list[float] = []  # ...and by CPU time
    for round_index in range(rounds):
        p = baseline(inputs)
        if best_p is None or p.wall < best_p.wall:
            best_p = p
        q, report = normalise_run(folder, out, models_dir)
        ratios.append(p.wall / q.wall)
        cpu_ratios.append(p.cpu / q.cpu)
        if round_index == 0:
            first_q = q.wall
        if best_q is None or q.wall < best_q.wall:
            best_q, best_report = q, report
    assert best_p is not None and best_q is not None
    n = len(inputs)
    print(f"{label}: {n} documents")
    for name, clock in (
        (f"(p) {baseline_name}", best_p),
        ("(q) normalise run --workers 1", best_q),
    ):
        print(
            f"  {name:38} {clock.wall:6.2f} s  {n / clock.wall:7.1f} documents/s"
            f"  (CPU {clock.cpu:6.2f} s)"
        )
    if rounds > 1:
        print(f"      (first round of (q), profiles loading included: {first_q:.2f} s)")
    if rounds > 1:
        print(
            f"  (q)/(p) = {statistics.median(ratios):.2f}  (median of {rounds} rounds' ratios; "
            f"by CPU time: {statistics.median(cpu_ratios):.2f}; rounds: "
            f"{' '.join(f'{ratio:.2f}' for ratio in ratios)}; best round of each: "
            f"{best_p.wall / best_q.wall:.2f})"
        )
    else:
        print(
            f"  (q)/(p) = {best_p.wall / best_q.wall:.2f}  "
            f"(by CPU time: {best_p.cpu / best_q.cpu:.2f})"
        )
    print(f"  stage shares of (q): {shares(best_report)}")


def write_folder(folder: Path, files: dict[str, str]) -> Path:
    """``files`` (name: text) written into a new ``folder``, as the input of a run."""
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="extraction-dev folder")
    parser.add_argument("--html", type=Path, action="append", default=[], help="more HTML pages")
    parser.add_argument("--rounds", type=int, default=1, help="rounds; the best is kept")
    parser.add_argument("--models-dir", type=Path, help="default: an empty folder (no models)")
    parser.add_argument("--skip-text", action="store_true", help="only the HTML path")
    parser.add_argument("--skip-startup", action="store_true", help="no start-up measurement")
    args = parser.parse_args()
    if not (args.data / "html").is_dir():
        sys.exit(f"no pages at {args.data}/html: pass --data DIR (see /work/shared/data)")
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as name:
        scratch = Path(name)
        models_dir = args.models_dir or scratch / "no-models"
        models_dir.mkdir(exist_ok=True, parents=True)
        pages = load_pages(args.data, args.html)
        compare(
            "HTML path", "trafilatura bare_extraction alone", trafilatura_alone, pages,
            scratch, models_dir, args.rounds,
        )  # fmt: skip
        if not args.skip_text:
            visible = json.loads((args.data / "page-text.json").read_text("utf-8"))
            texts = {f"{key}.txt": entry["articleBody"] for key, entry in sorted(visible.items())}
            compare(
                "plain-text path", "reflow (split_blocks) alone", reflow_alone, texts,
                scratch, models_dir, args.rounds,
            )  # fmt: skip
        if not args.skip_startup:
            run, bare = startup_seconds(scratch, models_dir, args.rounds)
            print(
                f"start-up: normalise run on one short file {run.wall:.2f} s, bare interpreter "
                f"{bare.wall:.2f} s: {run.wall - bare.wall:.2f} s above it (target <= 0.5); "
                f"CPU {run.cpu:.2f} s and {bare.cpu:.2f} s"
            )


if __name__ == "__main__":
    main()
