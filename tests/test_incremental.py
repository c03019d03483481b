"""Incremental runs over a growing folder, and outputs that never hurt the input (issue 15).

Each numbered defect of the issue has a test here: (1) a new file redoes only its shard, and a
line tipped over the repetition threshold only the shards that hold it; (2) failures are
retried; (3) outputs inside the input are not read back; (4) -o naming the input is refused;
(5) one lock covers a whole output set; (6) files get the umask's mode, or keep their own;
(7) nothing is left behind after a kill, or after a refused format.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import pytest
from conftest import SEEDS
from test_scaling import KILL_TIMEOUT

from normalise.inputs import open_inputs
from normalise.inputs.files import InputRecord
from normalise.outputs.outputset import OutputSet
from normalise.run import Run
from normalise.run.engines import InlineEngine
from normalise.run.prepass import repeated_in
from normalise.run.shards import group_items
from normalise.settings import Settings
from normalise.stages.clean.repetition import RepeatedLines, line_key
from normalise.testing.corpus import seed_articles, write_corpus

FOOTER = "The weather in the northern hills stayed mild for most of the week."


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "normalise", *args]


def run_cli(*args: str, umask: int | None = None) -> subprocess.CompletedProcess:
    def set_umask() -> None:
        os.umask(umask)

    return subprocess.run(
        cli(*args),
        capture_output=True,
        text=True,
        preexec_fn=set_umask if umask is not None else None,
    )


def run_args(source: Path, out: Path | str, store: Path, *extra: str) -> tuple[str, ...]:
    return ("run", str(source), "-o", str(out), "--models-dir", str(store), "--workers", "1",
            "--shard-size", "3", *extra)  # fmt: skip


def _kill_when(args: list[str], ready: Callable[[], bool]) -> None:
    """Start a run and SIGKILL it with its workers (as a reboot would) once ``ready()``."""
    process = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + KILL_TIMEOUT
        while not ready() and process.poll() is None:
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.005)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert process.returncode == -signal.SIGKILL, "the run finished before the kill"
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def execution(report: Path) -> dict:
    return json.loads(report.read_text())["execution"]


def article(number: int, footer: bool = False) -> str:
    """An English article of its own: no two share a line, except the footer."""
    words = ["river", "bridge", "council", "market", "harbour", "orchard", "railway"]
    body = " ".join(f"{words[(number + i) % len(words)]} {number * 7 + i}" for i in range(12))
    text = (
        f"Report number {number} from the valley\n\n"
        f"The regional council discussed item {number} on Tuesday, with {body}.\n\n"
        f"Officials said that proposal {number} would be reviewed again next spring.\n"
    )
    return text + (f"\n{FOOTER}\n" if footer else "")


def write_articles(folder: Path, numbers: range, footer: set[int] = frozenset()) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in numbers:
        (folder / f"a{number:03d}.txt").write_text(article(number, number in footer))


def shards_holding(names: list[str], wanted: set[str], shard_size: int = 3) -> int:
    """How many shards of ``names`` (sorted relative paths) hold one of ``wanted``."""
    groups = group_items([InputRecord(name, "") for name in sorted(names)], shard_size)
    return sum(any(item.id in wanted for item in group) for group in groups)


# -- 1. work proportional to the change ---------------------------------------------------


def test_repeated_in_keeps_only_the_repeated_lines_of_these_documents():
    repeated = RepeatedLines(frozenset({line_key("a"), line_key("b")}), 10, 5)
    documents = [[line_key("a"), line_key("c")], None, [line_key("a")]]
    assert repeated_in(documents, repeated) == [line_key("a")]
    assert repeated_in(documents, None) == []


def test_a_new_file_redoes_only_its_shard_and_matches_a_fresh_run(tmp_path, tiny_store):
    """Defect 1: a new file changed the pre-pass's document count, hence every key."""
    folder = write_corpus(tmp_path / "in", 24, seed_articles(SEEDS))  # seed lines repeat
    out = tmp_path / "out" / "corpus.jsonl"
    args = run_args(folder, out, tiny_store)
    assert run_cli(*args).returncode == 0
    first = execution(out.with_name("corpus.report.json"))
    assert first["redone_because"] == {"new input": first["shards"]}

    (folder / "0001").mkdir()
    shutil.copy(SEEDS / "000_75c5c0dde06db0fc.txt", folder / "0001" / "0000000.txt")
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    second = execution(out.with_name("corpus.report.json"))
    assert second["shards_redone"] == 1 and second["redone_because"] == {"new input": 1}
    assert second["shards_resumed"] == second["shards"] - 1
    assert second["prepass_documents_read"] <= 3  # only the new file's shard is read
    assert "processed 1 shard(s): 1 new input" in result.stderr

    fresh = tmp_path / "fresh" / "corpus.jsonl"
    assert run_cli(*run_args(folder, fresh, tiny_store)).returncode == 0
    assert out.read_bytes() == fresh.read_bytes()


def test_a_line_tipped_over_the_threshold_redoes_only_the_shards_holding_it(tmp_path, tiny_store):
    holders = {3, 9, 14, 20}  # the footer is in 4 documents: under the threshold of 5
    write_articles(tmp_path / "in", range(24), footer=holders)
    out = tmp_path / "out" / "corpus.jsonl"
    args = run_args(tmp_path / "in", out, tiny_store)
    assert run_cli(*args).returncode == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert not any(r["removed"] for r in records)

    (tmp_path / "in" / "a024.txt").write_text(article(24, footer=True))  # the fifth
    assert run_cli(*args).returncode == 0
    names = [f"a{n:03d}.txt" for n in range(25)]
    tipped = {f"a{n:03d}.txt" for n in holders}
    new_shards = shards_holding(names, {"a024.txt"})
    because = execution(out.with_name("corpus.report.json"))["redone_because"]
    assert because == {
        "new input": new_shards,
        "repetition change": shards_holding(names, tipped | {"a024.txt"}) - new_shards,
    }
    records = [json.loads(line) for line in out.read_text().splitlines()]
    footers = [r["source"] for r in records if any(x["text"] == FOOTER for x in r["removed"])]
    assert footers == sorted([*tipped, "a024.txt"])

    fresh = tmp_path / "fresh.jsonl"
    assert run_cli(*run_args(tmp_path / "in", fresh, tiny_store)).returncode == 0
    assert out.read_bytes() == fresh.read_bytes()


def test_killed_twice_then_grown_the_rerun_equals_a_fresh_run(tmp_path, tiny_store):
    """SIGKILL during the pre-pass and again during the shards, add files, rerun."""
    folder = write_corpus(tmp_path / "in", 30, seed_articles(SEEDS))
    out = tmp_path / "out" / "corpus.jsonl"
    state = out.with_name("corpus.jsonl.parts")
    args = cli(*run_args(folder, out, tiny_store, "--shard-size", "2"))
    _kill_when(args, lambda: len(list(state.glob("lines/*.json"))) >= 1)  # in the pre-pass
    _kill_when(args, lambda: len(list(state.glob("shards/*.done"))) >= 2)
    assert not out.exists()
    write_corpus(tmp_path / "more", 4, seed_articles(SEEDS)[2:])
    shutil.copytree(tmp_path / "more" / "0000", folder / "0001")

    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    fresh = tmp_path / "fresh" / "corpus.jsonl"
    assert run_cli(*run_args(folder, fresh, tiny_store, "--shard-size", "2")).returncode == 0
    assert out.read_bytes() == fresh.read_bytes()
    assert not list(out.parent.rglob(".*"))  # no temporaries, no locks
    assert not list(state.glob("extracted-*"))  # the killed runs' pre-pass documents


# -- 2. failures are retried ------------------------------------------------------------


def _run(settings: Settings, folder: Path, state: Path) -> tuple[list, dict]:
    run = Run(settings, InlineEngine(), state_dir=state, shard_size=2)
    docs = list(run.documents(open_inputs(folder, settings.extensions)))
    return docs, run.report.execution


def test_a_failed_document_is_processed_again_on_the_next_run(tmp_path, tiny_store, monkeypatch):
    """Defect 2: an error was saved with its shard and "resumed" for ever."""
    from normalise.stages.detect import Detect

    write_articles(tmp_path / "in", range(6))
    settings = Settings(models_dir=tiny_store)
    real = Detect.process

    def broken(self, doc):
        if doc.source == "a004.txt":
            raise OSError("model file damaged")
        return real(self, doc)

    monkeypatch.setattr(Detect, "process", broken)
    docs, _ = _run(settings, tmp_path / "in", tmp_path / "state")
    assert [d.status for d in docs].count("error") == 1

    monkeypatch.setattr(Detect, "process", real)  # repaired
    docs, done = _run(settings, tmp_path / "in", tmp_path / "state")
    assert all(d.status == "english" for d in docs)
    assert done["redone_because"] == {"earlier failure": 1}
    assert done["shards_resumed"] == done["shards"] - 1


def test_untranslated_for_a_missing_model_is_redone_once_it_is_installed(tmp_path, tiny_store):
    models = tmp_path / "models"
    models.mkdir()
    settings = Settings(models_dir=models)
    docs, _ = _run(settings, SEEDS, tmp_path / "state")
    assert "untranslated" in [d.status for d in docs]

    for package in tiny_store.iterdir():
        shutil.copytree(package, models / package.name)
    docs, done = _run(settings, SEEDS, tmp_path / "state")
    assert "untranslated" not in [d.status for d in docs]
    assert done["redone_because"] == {"changed model": done["shards"]}


# -- 3, 4. the run never reads its own outputs, and never overwrites its input ------------


def test_outputs_inside_the_input_are_not_read_back(tmp_path, tiny_store):
    """Defect 3: the corpus, report, parts and text exports became documents."""
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    out = folder / "out"
    args = run_args(folder, f"{out}/", tiny_store, "-f", "jsonl", "-f", "text")
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    corpus = (out / "corpus.jsonl").read_bytes()
    assert (out / "text" / "000_75c5c0dde06db0fc.txt").is_file()

    second = run_cli(*args)
    assert second.returncode == 0, second.stderr  # nothing skipped, nothing new
    assert (out / "corpus.jsonl").read_bytes() == corpus
    report = json.loads((out / "corpus.report.json").read_text())
    assert report["documents"] == 5 and report["skipped"] == []
    assert {e["source"] for e in report["excluded"]} >= {
        "out/corpus.jsonl", "out/corpus.report.json", "out/corpus.parts/", "out/text/",
    }  # fmt: skip
    assert "left out of the input" in second.stderr


def test_a_state_folder_in_the_input_is_left_out(tmp_path, tiny_store):
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    assert run_cli(*run_args(folder, folder / "c.jsonl", tiny_store)).returncode == 0
    result = run_cli(*run_args(folder, tmp_path / "elsewhere.jsonl", tiny_store))
    assert result.returncode == 3, result.stderr  # the other run's corpus and report: skipped
    report = json.loads((tmp_path / "elsewhere.report.json").read_text())
    assert report["documents"] == 5
    assert [s["source"] for s in report["skipped"]] == ["c.jsonl", "c.report.json"]
    assert {"source": "c.jsonl.parts/", "reason": "the saved state of a normalise run"} in (
        report["excluded"]
    )


@pytest.mark.parametrize(
    ("output", "extra", "message"),
    [
        ("{tmp}/out.jsonl", ("--report", "{input}/002_87fb64a53af5b8d3.txt"), "input document"),
        ("{input}", ("-f", "text"), "is the input"),
        ("{input}/..", ("-f", "text"), "contains the input"),
        ("{tmp}/c.jsonl.parts/x.jsonl", (), "inside the state folder"),
    ],
)
def test_outputs_that_would_hurt_the_input_are_refused(tmp_path, tiny_store, output, extra,
                                                       message):  # fmt: skip
    """Defect 4: -o naming the input overwrote it."""
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    (tmp_path / "c.jsonl.parts" / "shards").mkdir(parents=True)
    before = {p: p.read_bytes() for p in folder.rglob("*")}
    target, *extra = [arg.format(input=folder, tmp=tmp_path) for arg in (output, *extra)]
    result = run_cli(*run_args(folder, target, tiny_store, *extra))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert {p: p.read_bytes() for p in folder.rglob("*")} == before


def test_output_equal_to_an_input_file_is_refused(tmp_path, tiny_store):
    source = tmp_path / "articles.jsonl"
    source.write_text('{"id": "a", "text": "Il governo ha approvato la legge."}\n')
    before = source.read_bytes()
    result = run_cli(*run_args(source, source, tiny_store))
    assert result.returncode == 2 and "is the input" in result.stderr
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.jsonl"]


# -- 5. one lock per output set ---------------------------------------------------------


def test_a_run_sharing_any_output_with_a_running_one_is_refused(tmp_path, tiny_store):
    """Defect 5: -o out/ and -o out/ -f jsonl -f tmx were not locked against each other."""
    out = tmp_path / "out"
    holder = OutputSet([out / "corpus.jsonl", out / "corpus.report.json"], [],
                       out / "corpus.jsonl.parts")  # fmt: skip
    with holder.lock():
        result = run_cli(*run_args(SEEDS, f"{out}/", tiny_store, "-f", "jsonl", "-f", "tmx"))
        assert result.returncode == 2
        assert "is being written by another normalise run" in result.stderr
        assert f"pid {os.getpid()}" in result.stderr
        assert not (out / "corpus.tmx").exists()
    result = run_cli(*run_args(SEEDS, f"{out}/", tiny_store, "-f", "jsonl", "-f", "tmx"))
    assert result.returncode == 0, result.stderr
    assert not list(out.glob(".*.lock"))  # released and removed


def test_two_concurrent_runs_on_one_output_one_is_refused(tmp_path, tiny_store):
    folder = write_corpus(tmp_path / "in", 30, seed_articles(SEEDS))
    out = tmp_path / "out"
    first = subprocess.Popen(
        cli(*run_args(folder, f"{out}/", tiny_store)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while not (out / ".corpus.jsonl.lock").exists():
            assert first.poll() is None, first.stderr.read()
            time.sleep(0.01)
        second = run_cli(*run_args(folder, f"{out}/", tiny_store, "-f", "jsonl", "-f", "tsv"))
        assert second.returncode == 2
        assert f"pid {first.pid}" in second.stderr
    finally:
        assert first.wait(timeout=300) == 0
    assert len((out / "corpus.jsonl").read_text().splitlines()) == 30
    assert not (out / "corpus.tsv").exists()


# -- 6. modes -----------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o002, 0o077])
def test_every_output_gets_the_mode_the_umask_gives(tmp_path, tiny_store, umask):
    """Defect 6: every output was 0600 whatever the umask."""
    out = tmp_path / "out"
    args = run_args(SEEDS, f"{out}/", tiny_store, *"-f jsonl -f tmx -f moses -f text".split())
    result = run_cli(*args, umask=umask)
    assert result.returncode == 0, result.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 15
    modes = {str(p.relative_to(out)): stat.S_IMODE(p.stat().st_mode) for p in files}
    assert modes == dict.fromkeys(modes, 0o666 & ~umask)


def test_a_rerun_keeps_the_mode_of_an_existing_output(tmp_path, tiny_store):
    out = tmp_path / "corpus.jsonl"
    assert run_cli(*run_args(SEEDS, out, tiny_store), umask=0o022).returncode == 0
    out.chmod(0o664)
    assert run_cli(*run_args(SEEDS, out, tiny_store, "--fresh"), umask=0o077).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o664


# -- 7. leftovers, and --no-state ---------------------------------------------------------


def test_temporaries_of_a_killed_run_are_removed_by_the_next(tmp_path, tiny_store):
    out = tmp_path / "out"
    out.mkdir()
    leftovers = [out / ".corpus.report.json.k3x_9abc", out / ".corpus.jsonl.abcd1234.tmp"]
    for path in leftovers:
        path.write_text("half a file")
    unrelated = out / ".notes.txt"
    unrelated.write_text("mine")
    assert run_cli(*run_args(SEEDS, f"{out}/", tiny_store)).returncode == 0
    assert not any(path.exists() for path in leftovers)
    assert unrelated.exists()


def test_a_format_that_cannot_be_written_leaves_nothing(tmp_path, tiny_store):
    out = tmp_path / "out"
    code = (
        "import sys; sys.modules['pyarrow'] = None; from normalise.cli.app import main; "
        f"sys.argv = ['normalise', *{run_args(SEEDS, out / 'c.parquet', tiny_store)!r}, "
        "'-f', 'parquet']; main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2 and "normalise[parquet]" in result.stderr
    assert not out.exists() or not list(out.iterdir())


def test_no_state_leaves_no_parts(tmp_path, tiny_store):
    out = tmp_path / "corpus.jsonl"
    result = run_cli(*run_args(SEEDS, out, tiny_store, "--no-state"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "corpus.report.json"]
    assert execution(tmp_path / "corpus.report.json")["state_bytes"] is None


def test_the_report_and_summary_show_the_state_and_its_size(tmp_path, tiny_store):
    out = tmp_path / "corpus.jsonl"
    result = run_cli(*run_args(SEEDS, out, tiny_store))
    state = tmp_path / "corpus.jsonl.parts"
    size = sum(p.stat().st_size for p in state.rglob("*") if p.is_file())
    assert execution(tmp_path / "corpus.report.json")["state_bytes"] == size
    assert f"state: {state}" in result.stderr and "--no-state" in result.stderr


def test_a_resumed_record_is_written_back_as_read_unless_flagged(tiny_store):
    """Reruns write resumed records without rebuilding their JSON; a duplicate flag, set by
    the run after the shards, is added exactly as a full rebuild would write it."""
    from normalise.record import Document

    run = Run(Settings(models_dir=tiny_store), InlineEngine(), shard_size=2)
    docs = list(run.documents(open_inputs(SEEDS, (".txt",))))
    docs[0].metadata["site"] = "Il Giornale\u2029"  # a record with metadata before the flag
    lines = [doc.to_json_line() for doc in docs]
    for line in lines:
        doc = Document.from_json_line(line)
        assert doc.to_json_line() == line
        for flag in ("other", "line\u2028break"):
            doc.metadata["duplicate_of"] = flag
            rebuilt = Document.from_dict(json.loads(line))
            rebuilt.metadata["duplicate_of"] = flag
            assert doc.to_json_line() == rebuilt.to_json_line()
            del doc.metadata["duplicate_of"]
        doc.metadata.clear()  # not an addition: rebuilt in full
        assert json.loads(doc.to_json_line())["metadata"] == {}


def test_a_damaged_marker_is_redone_not_fatal(tmp_path):
    write_articles(tmp_path / "in", range(6))
    settings = Settings(models_dir=tmp_path / "no-models")
    first, _ = _run(settings, tmp_path / "in", tmp_path / "state")
    marker = sorted((tmp_path / "state" / "shards").glob("*.done"))[0]
    marker.write_text("{not json")
    again, done = _run(settings, tmp_path / "in", tmp_path / "state")
    assert [d.dumps() for d in again] == [d.dumps() for d in first]
    assert done["shards_redone"] == 1 and done["shards_resumed"] == done["shards"] - 1


def test_changed_settings_are_named_as_the_reason(tmp_path):
    write_articles(tmp_path / "in", range(4))
    _run(Settings(models_dir=tmp_path / "m"), tmp_path / "in", tmp_path / "state")
    _, done = _run(Settings(models_dir=tmp_path / "m", beam_size=2), tmp_path / "in",
                   tmp_path / "state")  # fmt: skip
    assert done["redone_because"] == {"changed settings": done["shards"]}
