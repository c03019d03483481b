"""Shard planning and keys: boundaries follow names, keys follow content and options."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SEEDS

from normalise.inputs.files import InputFile, InputRecord
from normalise.record import Document
from normalise.run.engines import InlineEngine, PipelineFactory
from normalise.run.shards import (
    MAX_SHARD_FACTOR,
    Shard,
    content_digest,
    group_items,
    shard_key,
)
from normalise.settings import Settings


def records(names):
    return [InputRecord(id=name, text=f"text of {name}") for name in names]


def names_of(groups):
    return [[item.relpath for item in group] for group in groups]


def test_groups_keep_order_and_lose_nothing():
    items = records([f"doc{i:04d}" for i in range(500)])
    groups = list(group_items(items, 8))
    assert [item for group in groups for item in group] == items
    assert max(len(group) for group in groups) <= MAX_SHARD_FACTOR * 8
    assert 20 < len(groups) < 200  # about 500 / 8


def test_inserting_a_document_changes_one_shard_only():
    names = [f"doc{i:04d}" for i in range(400)]
    before = names_of(group_items(records(names), 10))
    after = names_of(group_items(records(sorted([*names, "doc0200x"])), 10))
    changed_before = [g for g in before if g not in after]
    changed_after = [g for g in after if g not in before]
    assert len(changed_before) == 1 and len(changed_after) == 1
    assert set(changed_after[0]) - set(changed_before[0]) == {"doc0200x"}


def test_key_depends_on_content_options_and_names(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("one")
    first = content_digest(InputFile(path, "a.txt"), 1000)[0]
    path.write_text("two")
    second = content_digest(InputFile(path, "a.txt"), 1000)[0]
    assert first != second
    assert shard_key("opts", [("a.txt", first)]) != shard_key("opts", [("a.txt", second)])
    assert shard_key("opts", [("a.txt", first)]) != shard_key("other", [("a.txt", first)])
    assert shard_key("opts", [("a.txt", first)]) != shard_key("opts", [("b.txt", first)])
    assert content_digest(InputFile(tmp_path / "gone.txt", "gone.txt"), 1000)[0].startswith(
        "unreadable:"
    )
    assert content_digest(InputFile(path, "a.txt"), 2)[0] == "too-large:3"


def seed_items():
    return [InputFile(path, path.name) for path in sorted(Path(SEEDS).glob("*.txt"))]


def test_shard_output_does_not_depend_on_what_the_worker_did_before(tiny_store):
    """The same shard gives the same bytes in a fresh worker and in one that has already
    translated other shards (the per-shard cache is reset)."""
    factory = PipelineFactory(Settings(models_dir=tiny_store))
    items = seed_items()
    target = Shard(9, "k", tuple(items[2:4]))  # the Italian and the Spanish seed
    fresh = list(InlineEngine().map_shards([target], factory))[0]
    busy = InlineEngine()
    warm_up = [Shard(0, "a", tuple(items)), Shard(1, "b", tuple(reversed(items)))]
    results = list(busy.map_shards([*warm_up, target], factory))
    assert results[-1].lines == fresh.lines
    assert fresh.counters["sentences_translated"] > 0
    assert results[-1].counters == fresh.counters


def test_records_round_trip_byte_for_byte(tiny_store):
    """Resumed documents are read back from shards: their JSON must survive the trip."""
    factory = PipelineFactory(Settings(models_dir=tiny_store))
    (result,) = InlineEngine().map_shards([Shard(0, "k", tuple(seed_items()))], factory)
    assert len(result.lines) == 5
    for line in result.lines:
        assert Document.from_json(json.loads(line)).dumps() == line


def test_shards_are_handed_out_largest_first_within_blocks():
    from normalise.run.shards import largest_first

    sizes = [5, 90, 40, 7, 300, 1, 60, 60, 2, 8]
    shards = [Shard(i, f"k{i}", (), size) for i, size in enumerate(sizes)]
    order = [shard.index for shard in largest_first(shards, block=4)]
    assert sorted(order) == list(range(10))  # nothing lost or repeated
    assert order == [1, 2, 3, 0, 4, 6, 7, 5, 9, 8]  # ties keep input order
    # a shard moves at most one block away from its place: output still streams
    assert all(abs(position - index) < 4 for position, index in enumerate(order))


def test_workers_share_the_cores_instead_of_each_taking_them_all():
    """A worker's CTranslate2 gets its share of the cores: decoders and threads per decoder
    both capped (2 workers on 2 cores: 1 x 1 each, not 2 decoders each); fixed counts stay."""
    factory = PipelineFactory(Settings())
    one = factory.with_threads(1).settings
    assert (one.inter_threads, one.intra_threads) == (1, 1)
    four = factory.with_threads(4).settings
    assert (four.inter_threads, four.intra_threads) == (4, 1)
    fixed = PipelineFactory(Settings(intra_threads=3)).with_threads(2).settings
    assert (fixed.inter_threads, fixed.intra_threads) == (2, 3)


def test_a_content_digest_counts_the_bytes_of_work(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 300)
    import hashlib

    expected = hashlib.sha256(b"x" * 300).hexdigest()
    assert content_digest(InputFile(path, "a.txt"), 1000) == (expected, 300)
    assert content_digest(InputFile(path, "a.txt"), 100) == ("too-large:300", 0)  # refused: no work
    assert content_digest(InputFile(tmp_path / "gone", "gone"), 100)[1] == 0
