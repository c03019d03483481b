"""Scale benchmark: throughput per engine and worker count, and peak memory against run size.

Builds a synthetic corpus from NTREX-128 (../shared/data/ntrex, beside the repository; CC BY-SA
4.0) and the seed articles, installs generated translation models (tiny by default, the real
Argos 1.0 shape with --argos-shape), and runs the real command line (``normalise run``) in a
subprocess for each measurement. Prints numbers only; read them against the targets:

    local, 2 workers >= 1.7 x local, 1 worker            (docs/second, at both sizes; 1 worker
                                                          both as a user runs it and with
                                                          CTranslate2 on one thread, see below)
    ray, 2 workers   >= 0.8 x local, 2 workers           (docs/second; measured with a private
                                                          instance started by the run, at both
                                                          sizes, and joining a running one)
    peak RSS at 10k documents <= 1.2 x peak RSS at 1k    (local engine, 2 workers)

One worker, as a user runs it, is one process whose CTranslate2 runs a decoder per core (2 here),
so it already uses more than one core while it translates; each of 2 workers on 2 cores gets one
decoder. The ratio against one worker held to one thread measures the process engine alone.

Documents per second are whole-command figures (interpreter start, worker start, model
loading and the final corpus included), so they slightly favour fewer processes.

Peak RSS is that of the whole process tree (the command, its pool workers, and for Ray the
raylet, GCS and worker processes it starts): every 50 ms the tree is walked through
/proc/PID/task/*/children and the VmRSS of its members is summed; the largest sum is printed.
(resource.getrusage(RUSAGE_CHILDREN) would give the largest single process only, not the
tree's total at one moment.) Shared pages are counted once per process, so the figure is an
upper bound. CPU seconds (getrusage(RUSAGE_CHILDREN): the command and the pool workers it
reaped; not Ray's daemons) and the load average are printed to judge the timings: on a shared
machine other processes take cores, and the speed ratios then understate the engine.

    .venv/bin/python bench/scale.py                  # 1k and 10k documents
    .venv/bin/python bench/scale.py --sizes 200,2000 # quicker
    .venv/bin/python bench/scale.py --repeat 3       # best of 3 interleaved runs each
    .venv/bin/python bench/scale.py --incremental 10000   # only the incremental case

The incremental case (``--incremental N``; also run after the others with the large size) is
the nightly use: a run over N documents, then 1% more files (a new day's folder) and the same
command again. The rerun must take <= 5% of the first run's time, and its corpus must be
byte-identical to a fresh run over the grown folder (checked, not timed).

This machine's speed drifts by 10-20% from one minute to the next (the same command's CPU
seconds vary as much as its wall time), so a ratio of two single runs moves by about +-0.15.
``--repeat N`` runs every configuration N times, round robin, and takes each one's fastest run:
the ratios of best times are far steadier.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NTREX = REPO.parent / "shared" / "data" / "ntrex"
sys.path.insert(0, str(REPO))

from normalise.argos.store import ModelStore  # noqa: E402
from normalise.testing.argos_builder import ARGOS_1_0, TINY, build_package  # noqa: E402
from normalise.testing.corpus import ntrex_articles, seed_articles, write_corpus  # noqa: E402

INCREMENTAL_TARGET = 0.05  # the rerun's time over the first run's

SAMPLE_SECONDS = 0.05


def _tree(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        try:  # a process may exit while it is walked
            tasks = list(Path(f"/proc/{current}/task").glob("*"))
        except OSError:
            continue
        for task in tasks:
            try:
                stack += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
    return pids


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(args: list[str]) -> tuple[float, int, float]:
    """Run a command; return (wall seconds, peak RSS of its process tree in KiB, CPU seconds
    of the command and the workers it waited for)."""
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, sum(_rss_kib(pid) for pid in _tree(process.pid)))
            stop.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.monotonic() - start
    stop.set()
    sampler.join()
    if process.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{stderr.decode()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, peak, cpu


# size, engine, workers, Ray address, CTranslate2 held to one thread (process scaling alone)
Config = tuple[int, str, int, str | None, bool]


def label(config: Config) -> str:
    size, engine, workers, address, single = config
    joined = " joining a running instance" if address else ""
    threads = " (CTranslate2 on 1 thread)" if single else ""
    return f"{engine} {workers} worker(s){joined}{threads}, {size} docs"


def incremental(root: Path, store: ModelStore, articles: list[str], size: int) -> float:
    """Run over ``size`` documents, add 1% new files in a new folder (as a nightly crawl
    would), run again; check the rerun against a fresh run; return the time ratio."""
    folder = write_corpus(root / f"grow-{size}", size, articles)
    out = root / "grow-out" / "corpus.jsonl"
    command = [sys.executable, "-m", "normalise", "-q", "run", str(folder), "-o", str(out)]
    command += ["--models-dir", str(store.root), "--workers", "2"]
    first, _, _ = measure(command)
    added = max(1, size // 100)
    day = folder / "new-day"
    day.mkdir()
    for index in range(added):  # new articles: the existing ones, edited
        text = articles[(size + index) % len(articles)]
        (day / f"{index:05d}.txt").write_text(f"{text}\nUpdate {index}.\n", encoding="utf-8")
    rerun, _, _ = measure(command)
    report = json.loads(out.with_name("corpus.report.json").read_text())["execution"]
    fresh_out = root / "grow-fresh" / "corpus.jsonl"
    fresh = [
        *command[: command.index("-o") + 1],
        str(fresh_out),
        *command[command.index("-o") + 2 :],
    ]
    measure(fresh)
    identical = out.read_bytes() == fresh_out.read_bytes()
    ratio = rerun / first
    print(
        f"incremental, {size} docs + {added} new files (local, 2 workers): first run "
        f"{first:.1f} s, rerun {rerun:.1f} s, ratio {ratio:.3f} (target <= {INCREMENTAL_TARGET})"
        f"; {report['shards_redone']} of {report['shards']} shards redone "
        f"({report['redone_because']}), pre-pass read {report['prepass_documents_read']} "
        f"documents; rerun output {'identical to' if identical else 'DIFFERENT from'} a "
        "fresh run"
    )
    shutil.rmtree(out.parent)
    shutil.rmtree(fresh_out.parent)
    if not identical:
        raise SystemExit("the incremental rerun differs from a fresh run")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="small,large document counts")
    parser.add_argument("--argos-shape", action="store_true", help="real-size generated models")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray measurement")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each configuration, interleaved; the fastest counts (default 1)",
    )
    parser.add_argument(
        "--incremental",
        type=int,
        metavar="N",
        help="only the incremental case, over N documents (default: after the others, at "
        "the large size)",
    )
    options = parser.parse_args()
    small, large = (int(n) for n in options.sizes.split(","))

    articles = seed_articles(REPO / "seeds")
    if NTREX.is_dir():
        articles = ntrex_articles(NTREX) + articles
    else:
        print(f"note: {NTREX} not found; corpus built from the seeds only")
    shape = ARGOS_1_0 if options.argos_shape else TINY

    with tempfile.TemporaryDirectory(prefix="normalise-scale-") as tmp:
        root = Path(tmp)
        store = ModelStore(root / "models")
        for seed, lang in enumerate(["it", "es"]):
            store.install(build_package(root / "built", lang, shape=shape, seed=seed), force=True)
        if options.incremental:
            incremental(root, store, articles, options.incremental)
            return
        corpora = {n: write_corpus(root / f"in-{n}", n, articles) for n in (small, large)}
        runs: dict[Config, list[tuple[float, int, float]]] = {}  # (seconds, RSS, CPU) per run

        def best(config: Config) -> tuple[float, int, float]:
            """The fastest run's seconds and CPU, and the largest peak RSS of all runs."""
            seconds, _, cpu = min(runs[config])
            return seconds, max(rss for _, rss, _ in runs[config]), cpu

        def run(config: Config) -> None:
            size, engine, workers, address, single = config
            out = root / "out" / "corpus.jsonl"  # fresh every run: nothing to resume
            command = [sys.executable, "-m", "normalise", "-q", "run", str(corpora[size])]
            command += ["-o", str(out), "--models-dir", str(store.root)]
            command += ["--engine", engine, "--workers", str(workers)]
            command += ["--address", address] if address else []
            command += ["--inter-threads", "1", "--intra-threads", "1"] if single else []
            seconds, rss, cpu = measure(command)
            shutil.rmtree(out.parent)
            runs.setdefault(config, []).append((seconds, rss, cpu))

        def interleaved(configs: list[Config]) -> None:
            """Run each configuration ``--repeat`` times, round robin, so that a slow spell of
            this shared machine falls on all of them; print the fastest of each."""
            for _ in range(options.repeat):
                for config in configs:
                    run(config)
            for config in configs:
                seconds, rss, cpu = best(config)
                spread = ", ".join(f"{t:.1f}" for t, _, _ in runs[config])
                print(
                    f"{label(config)}: {seconds:.1f} s, {config[0] / seconds:.1f} docs/s, "
                    f"peak RSS {rss / 1024:.0f} MiB, CPU {cpu:.1f} s"
                    + (f" (runs: {spread} s)" if options.repeat > 1 else "")
                )

        def rate(config: Config) -> float:
            return config[0] / best(config)[0]

        print(f"models: {'argos-1.0 shape' if options.argos_shape else 'tiny'}")
        print(f"corpus: {len(articles)} distinct articles; {small} and {large} documents")
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        print(f"each configuration run {options.repeat} time(s); the fastest run counts")

        def configs(size: int) -> tuple[Config, Config, Config, Config]:
            """1 worker as a user runs it (one process, whose CTranslate2 decodes on every
            core) and with CTranslate2 on one thread, so that the ratio measures the process
            engine alone (each of 2 workers on 2 cores gets one thread anyway); 2 workers;
            Ray with 2 workers."""
            return (
                (size, "local", 1, None, False),
                (size, "local", 1, None, True),
                (size, "local", 2, None, False),
                (size, "ray", 2, None, False),
            )

        one, one_single, two, on_ray = configs(small)
        interleaved([one, one_single, two] + ([] if options.no_ray else [on_ray]))
        joined = (small, "ray", 2, "auto", False)
        if not options.no_ray:
            # a cluster is started once and serves many runs: join a running instance, as a
            # cluster user would (``ray start --head`` here), rather than start one per run
            ray = Path(sys.executable).with_name("ray")
            subprocess.run(
                [str(ray), "start", "--head", "--num-cpus", "2", "--include-dashboard", "false",
                 "--disable-usage-stats"],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            try:
                interleaved([joined])
            finally:
                subprocess.run([str(ray), "stop"], stdout=subprocess.DEVNULL, check=False)
            print("  (joined: the command's process tree only, not the running instance)")
        # the speed-ups once the fixed costs (start-up, warm-up, Ray's start) are spread thinner
        one_l, one_single_l, two_l, ray_l = configs(large)
        interleaved([one_l, one_single_l, two_l] + ([] if options.no_ray else [ray_l]))
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        print(
            f"speedup local 2 workers / 1 worker: {rate(two) / rate(one):.2f} at {small} docs, "
            f"{rate(two_l) / rate(one_l):.2f} at {large} docs"
        )
        print(
            "speedup local 2 workers / 1 worker with CTranslate2 on 1 thread: "
            f"{rate(two) / rate(one_single):.2f} at {small} docs, "
            f"{rate(two_l) / rate(one_single_l):.2f} at {large} docs"
        )
        if not options.no_ray:
            print(
                f"ray 2 workers / local 2 workers: {rate(on_ray) / rate(two):.2f} at {small} "
                f"docs, {rate(ray_l) / rate(two_l):.2f} at {large} docs (private Ray instance "
                "started and stopped by the run)"
            )
            print(
                f"ray 2 workers / local 2 workers: {rate(joined) / rate(two):.2f} at {small} docs"
                " (joining a running instance, as on a cluster)"
            )
        print(
            f"peak RSS {large} / {small} docs (local, 2 workers): "
            f"{best(two_l)[1] / best(two)[1]:.2f}"
        )
        incremental(root, store, articles, large)


if __name__ == "__main__":
    main()
