"""Parallel and resumable runs through the CLI: worker counts, resumption, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS

from normalise.testing.corpus import seed_articles, write_corpus

KILL_TIMEOUT = 120.0  # seconds: a safety net against a hung run, not a speed assertion


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "normalise", *args]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(cli(*args), capture_output=True, text=True)


def run_args(source: Path, out: Path | str, store: Path, workers: int | str, shard_size: int):
    """``normalise run`` arguments with the options every test here sets."""
    return ("run", str(source), "-o", str(out), "--models-dir", str(store),
            "--workers", str(workers), "--shard-size", str(shard_size))  # fmt: skip


def report_of(out: Path) -> dict:
    return json.loads(out.with_name(out.stem + ".report.json").read_text())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """40 documents (the seeds, cycled) in two sub-folders."""
    return write_corpus(tmp_path_factory.mktemp("corpus"), 40, seed_articles(SEEDS))


@pytest.fixture(scope="module")
def reference(tmp_path_factory, corpus, tiny_store) -> bytes:
    """The output of one uninterrupted run in this process's engine (one worker)."""
    out = tmp_path_factory.mktemp("reference") / "corpus.jsonl"
    result = run_cli(*run_args(corpus, out, tiny_store, 1, 4))
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


def test_worker_count_and_shard_size_do_not_change_the_output(
    tmp_path, corpus, tiny_store, reference
):
    out = tmp_path / "corpus.jsonl"
    result = run_cli(*run_args(corpus, out, tiny_store, 2, 3))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == reference
    records = [json.loads(line) for line in reference.decode().splitlines()]
    assert [r["source"] for r in records] == sorted(r["source"] for r in records)
    assert len(records) == 40
    assert report_of(out)["execution"]["workers"] == 2


def test_rerun_resumes_everything_and_a_changed_file_is_redone(tmp_path, corpus, tiny_store):
    folder = tmp_path / "in"
    write_corpus(folder, 12, seed_articles(SEEDS))
    out = tmp_path / "out" / "corpus.jsonl"
    args = run_args(folder, out, tiny_store, 2, 2)
    assert run_cli(*args).returncode == 0
    first = out.read_bytes()
    shards = report_of(out)["execution"]["shards"]

    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == first
    execution = report_of(out)["execution"]
    assert execution["shards_resumed"] == shards
    assert execution["documents_resumed"] == 12
    assert f"resumed {shards} of {shards} shards" in result.stderr

    changed = folder / "0000" / "0000005.txt"
    changed.write_text("A completely new article about rivers and bridges in the north.\n")
    assert run_cli(*args).returncode == 0
    execution = report_of(out)["execution"]
    assert execution["shards_resumed"] == shards - 1
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 12
    redone = next(r for r in records if r["source"] == "0000/0000005.txt")
    assert redone["text"].startswith("A completely new article about rivers")
    state = out.with_name("corpus.jsonl.parts")
    assert len(list((state / "shards").glob("*.done"))) == shards  # the old shard is pruned


def test_fresh_starts_over_and_other_options_are_not_mixed_in(tmp_path, tiny_store):
    out = tmp_path / "out"
    base = run_args(SEEDS, f"{out}/", tiny_store, 1, 1)
    assert run_cli(*base).returncode == 0
    state = out / "corpus.jsonl.parts"
    first_keys = {p.name for p in (state / "shards").glob("*.done")}

    changed = run_cli(*base, "--beam-size", "2")
    assert changed.returncode == 0, changed.stderr
    assert "changed: beam_size" in changed.stderr
    assert report_of(out / "corpus.jsonl")["execution"]["shards_resumed"] == 0
    second_keys = {p.name for p in (state / "shards").glob("*.done")}
    assert len(second_keys) == 5 and not second_keys & first_keys  # old ones pruned

    fresh = run_cli(*base, "--beam-size", "2", "--fresh")
    assert fresh.returncode == 0, fresh.stderr
    assert report_of(out / "corpus.jsonl")["execution"]["shards_resumed"] == 0
    manifest = json.loads((state / "manifest.json").read_text())
    assert manifest["options"]["beam_size"] == 2 and manifest["complete"] is True
    assert len(manifest["shards"]) == 5


def test_address_without_ray_engine_is_a_usage_error(tmp_path, tiny_store):
    result = run_cli("run", str(SEEDS), "-o", str(tmp_path / "c.jsonl"), "--address", "auto")
    assert result.returncode == 2
    assert "--address is for --engine ray" in result.stderr


def _done(state: Path) -> int:
    return len(list((state / "shards").glob("*.done")))


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _kill_after(args: list[str], state: Path, shards_done: int, whole_group: bool) -> None:
    """Start a run, wait until ``shards_done`` shards are complete, SIGKILL it."""
    process = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + KILL_TIMEOUT
        while _done(state) < shards_done and process.poll() is None:
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.01)
        workers = _children(process.pid)
        if whole_group:
            os.killpg(process.pid, signal.SIGKILL)  # the run and its workers, as a reboot would
        else:
            os.kill(process.pid, signal.SIGKILL)  # the driver only: workers must follow
        process.wait()
        assert process.returncode == -signal.SIGKILL, "the run finished before the kill"
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in workers):  # orphaned workers exit by themselves
            assert time.monotonic() < deadline, "workers outlived their killed run"
            time.sleep(0.1)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def _assert_no_partial_records(state: Path) -> None:
    """Whatever a killed run left, every shard with a marker holds whole records only."""
    for marker in (state / "shards").glob("*.done"):
        lines = marker.with_suffix(".jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == json.loads(marker.read_text())["documents"]
        for line in lines:
            json.loads(line)


@pytest.mark.parametrize(
    ("workers", "shards_done", "whole_group"),
    [("2", 1, True), ("2", 5, False), ("1", 3, True)],
    ids=["pool-early", "pool-driver-only", "inline"],
)
def test_killed_run_resumes_to_the_uninterrupted_output(
    tmp_path, corpus, tiny_store, reference, workers, shards_done, whole_group
):
    out = tmp_path / "corpus.jsonl"
    state = tmp_path / "corpus.jsonl.parts"
    args = cli(*run_args(corpus, out, tiny_store, workers, 4))
    _kill_after(args, state, shards_done, whole_group)
    assert not out.exists()  # the corpus is only ever renamed into place when whole
    done_before = _done(state)
    assert shards_done <= done_before
    _assert_no_partial_records(state)

    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == reference  # no duplicates, nothing missing, nothing cut
    execution = report_of(out)["execution"]
    assert execution["shards_resumed"] == done_before < execution["shards"]
