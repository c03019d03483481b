"""One pass over each input: the pre-pass keeps what it read and extracted, the main pass goes on
from it (normalise/stages/extracted.py), and the output is what reading twice gave."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from normalise.inputs import open_inputs
from normalise.record import Document
from normalise.run import sharded as sharded_module
from normalise.run import shards as shards_module
from normalise.run.engines import InlineEngine, PoolEngine
from normalise.run.runner import Run
from normalise.settings import Settings
from normalise.stages import extract as extract_module
from normalise.stages import read as read_module
from normalise.stages.extracted import ExtractedStore

# the same last paragraph in every page: the pre-pass finds it repeated
REPEATED = "<p>This story was produced by the Example Gazette's district desk team.</p>"


def page(n: int) -> str:
    body = "".join(
        f"<p>Story {n}, paragraph {i}: the council met on Tuesday to discuss the new bus routes "
        f"for district {n}, and residents asked for later services at weekends.</p>"
        for i in range(3)
    )
    head = f"<html lang='en'><head><title>Story {n}</title></head>"
    return f"{head}<body><article>{body}{REPEATED}</article></body></html>"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(8):
        (pages / f"p{n}.html").write_text(page(n), "utf-8")
    (pages / "note.txt").write_text("A short plain text note about the bus routes.\n", "utf-8")
    return pages


@pytest.fixture
def calls(monkeypatch) -> dict[str, list[str]]:
    """Every file read and every page extracted, by name."""
    seen: dict[str, list[str]] = {"read": [], "extract": []}
    real_read, real_extract = read_module.read_file, extract_module.extract_html

    def reading(item, settings, *ahead):
        seen["read"].append(item.relpath)
        return real_read(item, settings, *ahead)

    def extracting(doc):
        seen["extract"].append(doc.source)
        return real_extract(doc)

    monkeypatch.setattr(read_module, "read_file", reading)
    monkeypatch.setattr(extract_module, "extract_html", extracting)
    return seen


def records(folder: Path, state: Path, engine=None) -> tuple[list[str], Run]:
    job = Run(Settings(), engine or InlineEngine(), state_dir=state)
    return [doc.dumps() for doc in job.documents(open_inputs(folder, Settings().extensions))], job


def test_each_input_is_read_and_extracted_once(folder, tmp_path, calls):
    lines, job = records(folder, tmp_path / "state")
    names = sorted(path.name for path in folder.iterdir())
    assert sorted(calls["read"]) == names
    assert sorted(calls["extract"]) == [name for name in names if name.endswith(".html")]
    assert job.report.counters["inputs_from_prepass"] == len(names)
    assert len(lines) == len(names)
    # the pre-pass still did its work: the footer repeats in every page and is removed
    assert job.report.removed_by_reason["repeated_line"] == 8


def test_each_file_is_read_from_disk_once(folder, tmp_path, monkeypatch):
    """Keying a shard reads its files; the pre-pass in this process takes those very bytes
    (stages/read.py ReadAhead) instead of opening each file again."""
    opened: list[str] = []
    real = read_module.read_bounded

    def read_bounded(path, limit):
        opened.append(path.name)
        return real(path, limit)

    monkeypatch.setattr(read_module, "read_bounded", read_bounded)
    monkeypatch.setattr(shards_module, "read_bounded", read_bounded)
    lines, _ = records(folder, tmp_path / "state")
    assert sorted(opened) == sorted(path.name for path in folder.iterdir())
    # and a rerun with nothing changed reads each file once, to key its shard
    opened.clear()
    again = [
        doc.dumps()
        for doc in Run(Settings(), InlineEngine(), state_dir=tmp_path / "state").documents(
            open_inputs(folder, Settings().extensions)
        )
    ]
    assert again == lines
    assert sorted(opened) == sorted(path.name for path in folder.iterdir())


def test_bytes_read_ahead_are_the_bytes_processed(folder, tmp_path, monkeypatch):
    """A file changed after its shard was keyed: the pre-pass processes the bytes that were
    keyed, so the record's sha256 (and the shard's key) describe what was processed."""
    path = folder / "note.txt"
    before = path.read_bytes()
    real = shards_module.content_digest

    def changing(item, max_bytes, ahead=None):
        digest = real(item, max_bytes, ahead)
        if item.path == path:
            path.write_text("Changed after it was keyed: a different note.\n", "utf-8")
        return digest

    monkeypatch.setattr(sharded_module, "content_digest", changing)
    lines, _ = records(folder, tmp_path / "state")
    (note,) = [line for line in lines if '"source": "note.txt"' in line]
    assert Document.from_json_line(note).sha256 == hashlib.sha256(before).hexdigest()
    assert "A short plain text note" in note


def test_the_output_is_what_reading_twice_gives(folder, tmp_path, monkeypatch):
    once, _ = records(folder, tmp_path / "once")
    with monkeypatch.context() as patch:
        patch.setattr(ExtractedStore, "get", lambda self, item: None)
        twice, job = records(folder, tmp_path / "twice")
    assert "inputs_from_prepass" not in job.report.counters
    assert once == twice


def test_the_store_is_removed_when_the_run_ends(folder, tmp_path):
    state = tmp_path / "state"
    _, job = records(folder, state)
    assert job.extracted is not None and not job.extracted.root.exists()
    assert not list(state.glob("extracted-*"))


def test_the_prepass_steps_are_in_the_report(folder, tmp_path):
    _, job = records(folder, tmp_path / "state")
    steps = job.report.to_json()["stage_seconds"]
    assert {"prepass_read", "prepass_extract", "prepass_count", "read", "extract"} <= set(steps)


def test_a_file_changed_between_the_passes_is_read_again(folder, tmp_path):
    from normalise.inputs.files import InputFile

    store = ExtractedStore.create(tmp_path)
    path = folder / "p0.html"
    item = InputFile(path, "p0.html")
    doc = Document(id="p0", source="p0.html", format="html", raw_text="kept text", extracted=True)
    store.put(item, doc)
    kept = store.get(item)
    assert kept is not None and kept.raw_text == "kept text" and kept.extracted
    path.write_text(page(0) + "<!-- edited -->", "utf-8")
    assert store.get(item) is None
    store.close()
    assert not store.root.exists()


def test_a_file_changed_between_the_passes_is_read_again_when_held_in_memory(folder, tmp_path):
    from normalise.inputs.files import InputFile

    store = ExtractedStore.create(tmp_path, memory_chars=1000)
    path = folder / "p0.html"
    item = InputFile(path, "p0.html")
    store.put(item, Document(id="p0", source="p0.html", raw_text="kept text", extracted=True))
    assert not list(store.root.rglob("*.json"))  # held in memory, by the file's name and stat
    path.write_text(page(0) + "<!-- edited -->", "utf-8")
    assert store.get(item) is None
    store.close()


def test_a_damaged_entry_is_read_again(folder, tmp_path):
    from normalise.inputs.files import InputFile

    store = ExtractedStore.create(tmp_path)
    item = InputFile(folder / "p1.html", "p1.html")
    store.put(item, Document(id="p1", source="p1.html", raw_text="x"))
    for entry in store.root.rglob("*.json"):
        entry.write_text("{half an entry", "utf-8")
    assert store.get(item) is None


def test_pool_workers_share_the_store(folder, tmp_path):
    reference, _ = records(folder, tmp_path / "inline")
    with PoolEngine(2) as pool:
        lines, job = records(folder, tmp_path / "pool", pool)
    assert job.report.counters["inputs_from_prepass"] == 9
    assert lines == reference


def test_records_in_process_are_extracted_once(calls):
    """The Python API's way: records, no engine, nothing saved; the store is a temporary
    folder."""
    from normalise.inputs import python_inputs

    inputs = [
        {"id": f"r{n}", "text": page(n), "format": "html", "metadata": {"seen": [n]}}
        for n in range(6)
    ]
    job = Run(Settings())
    docs = list(job.documents(python_inputs(inputs)))
    assert [doc.id for doc in docs] == [f"r{n}" for n in range(6)]
    assert sorted(calls["extract"]) == [f"r{n}" for n in range(6)]
    assert job.report.counters["inputs_from_prepass"] == 6
    assert job.extracted is not None and not job.extracted.root.exists()


def test_a_document_that_cannot_be_kept_is_read_again(tmp_path):
    """Metadata given through the API may hold what JSON cannot (a set): the input is then
    read again in the main pass, as without the store."""
    from normalise.inputs.files import InputRecord

    store = ExtractedStore.create(tmp_path)
    item = InputRecord("r", "some text", metadata={"seen": {1, 2}})
    doc = Document(id="r", source="r", raw_text="some text", metadata={"seen": {1, 2}})
    store.put(item, doc)
    assert store.get(item) is None


def test_with_the_repeat_check_off_nothing_is_kept(folder, tmp_path, calls):
    job = Run(Settings(repeat_documents=0), InlineEngine(), state_dir=tmp_path / "state")
    docs = list(job.documents(open_inputs(folder, Settings().extensions)))
    assert len(docs) == 9 and job.extracted is None
    assert len(calls["read"]) == 9  # read once, by the main pass


def test_in_one_process_the_store_holds_documents_in_memory_up_to_its_bound(tmp_path):
    from normalise.inputs.files import InputRecord

    store = ExtractedStore.create(tmp_path, memory_chars=10)
    small, large = InputRecord("a", "12345"), InputRecord("b", "123456789")
    small_doc = Document(id="a", source="a", raw_text="12345")
    store.put(small, small_doc)
    store.put(large, Document(id="b", source="b", raw_text="123456789"))  # over the bound
    assert [path.name for path in store.root.rglob("*.json")] == [f"{store.key(large)}.json"]
    assert store.get(small) is small_doc  # held: no copy, no JSON
    assert store.get(small) is None  # taken: memory is given up as the main pass goes
    from_disk = store.get(large)
    assert from_disk is not None and from_disk.raw_text == "123456789"
    again = Document(id="b", source="b", raw_text="123456789")
    store.put(large, again)  # the small document's room is free again
    assert store.get(large) is again
    store.close()
    assert not store.root.exists()


def test_another_process_sees_only_what_is_on_disk(tmp_path):
    """A pickled store (what a pool worker gets) holds nothing in memory, and keeps nothing
    there: a worker's memory is not the main process's."""
    import pickle

    from normalise.inputs.files import InputRecord

    store = ExtractedStore.create(tmp_path, memory_chars=1000)
    held, written = InputRecord("a", "text a"), InputRecord("b", "text b")
    store.put(held, Document(id="a", source="a", raw_text="text a"))
    copy = pickle.loads(pickle.dumps(store))
    assert copy.root == store.root and copy.memory_chars == 0
    assert copy.get(held) is None
    copy.put(written, Document(id="b", source="b", raw_text="text b"))
    assert store.get(written).raw_text == "text b"


def test_only_a_run_whose_passes_share_a_process_keeps_documents_in_memory(folder, tmp_path):
    _, inline = records(folder, tmp_path / "inline")
    assert inline.extracted is not None and inline.extracted.memory_chars > 0
    with PoolEngine(2) as pool:
        _, pooled = records(folder, tmp_path / "pool", pool)
    assert pooled.extracted is not None and pooled.extracted.memory_chars == 0


def test_a_one_worker_run_yields_documents_as_their_records_read_back(folder, tmp_path):
    """The inline engine hands its documents on without writing and parsing them again: each is
    what its record gives back, duplicates flagged included."""
    (folder / "copy.txt").write_text((folder / "note.txt").read_text("utf-8"), "utf-8")
    job = Run(Settings(), InlineEngine(), state_dir=tmp_path / "state")
    docs = list(job.documents(open_inputs(folder, Settings().extensions)))
    assert len(docs) == 10 and len({id(doc) for doc in docs}) == 10
    assert any("duplicate_of" in doc.metadata for doc in docs)
    for doc in docs:
        assert doc == Document.from_json_line(doc.to_json_line())
        assert doc.to_json_line() == Document.from_dict(doc.to_dict()).to_json_line()
