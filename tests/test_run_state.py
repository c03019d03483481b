"""The run state folder: atomic shards, verified markers, locking, options, pruning."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalise.run.state import RunState, StateError, shard_bytes

OPTIONS = {"beam_size": 4, "models": ["it-en translate-it_en-1_0 1.0"]}


def opened(root, options=OPTIONS, fresh=False) -> RunState:
    state = RunState(root)
    state.open(options, fresh=fresh)
    return state


def test_saved_shard_loads_back_with_its_marker(tmp_path):
    with opened(tmp_path / "s") as state:
        state.save("k1", ['{"id": "a"}', '{"id": "b"}'], {"counters": {"x": 1}})
        shard = state.load("k1")
    assert shard.lines == ['{"id": "a"}', '{"id": "b"}']
    assert shard.marker["documents"] == 2
    assert shard.marker["counters"] == {"x": 1}


def test_shard_without_marker_is_not_complete(tmp_path):
    with opened(tmp_path / "s") as state:
        (state.shards / "k1.jsonl").write_text('{"id": "a"}\n')
        assert not state.is_complete("k1")
        assert state.load("k1") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-5],  # truncated
        lambda data: data.replace(b'"a"', b'"z"'),  # same size, other content
        lambda data: data + b'{"id": "c"}\n',  # a line too many
    ],
)
def test_damaged_shard_is_rejected(tmp_path, damage):
    with opened(tmp_path / "s") as state:
        state.save("k1", ['{"id": "a"}', '{"id": "b"}'], {})
        path = state.shards / "k1.jsonl"
        path.write_bytes(damage(path.read_bytes()))
        assert state.load("k1") is None


def test_second_run_on_same_state_is_refused(tmp_path):
    with opened(tmp_path / "s"):
        with pytest.raises(StateError, match="another normalise run"):
            opened(tmp_path / "s")
    opened(tmp_path / "s").close()  # released when the first closes


def test_other_options_are_named_and_old_shards_kept_until_the_end(tmp_path):
    with opened(tmp_path / "s") as state:
        state.save("k1", ["{}"], {})
        assert state.changed_options == []
    with opened(tmp_path / "s", {**OPTIONS, "beam_size": 2}) as state:
        assert state.changed_options == ["beam_size"]
        assert state.keys() == {"k1"}  # pruned only once the new run completes
        assert state.read_manifest()["options"]["beam_size"] == 2


def test_fresh_discards_shards_and_options(tmp_path):
    with opened(tmp_path / "s") as state:
        state.save("k1", ["{}"], {})
    with opened(tmp_path / "s", {**OPTIONS, "beam_size": 2}, fresh=True) as state:
        assert state.keys() == set()
        assert state.read_manifest()["options"]["beam_size"] == 2


def test_leftover_temporaries_are_removed_on_open(tmp_path):
    with opened(tmp_path / "s") as state:
        leftover = state.shards / ".k1.jsonl.abcd1234.tmp"
        leftover.write_text('{"id": "a", "trunc')
    with opened(tmp_path / "s"):
        assert not leftover.exists()


def test_prune_keeps_only_current_shards(tmp_path):
    with opened(tmp_path / "s") as state:
        for key in ("old", "new"):
            state.save(key, ["{}"], {})
        assert state.prune({"new"}) == 1
        assert state.keys() == {"new"}
        assert not (state.shards / "old.jsonl").exists()


def test_unreadable_manifest_says_how_to_recover(tmp_path):
    opened(tmp_path / "s").close()
    (tmp_path / "s" / "manifest.json").write_text("{not json")
    with pytest.raises(StateError, match="--fresh"):
        opened(tmp_path / "s")


RECORD_CHARACTERS = st.characters(exclude_categories=("Cs",), exclude_characters="\n\r")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=RECORD_CHARACTERS), max_size=6))
def test_shard_bytes_are_the_lines_joined_then_encoded(lines):
    # one emoji among plain lines is what made the joined string slow to encode
    assert shard_bytes(lines) == "".join(line + "\n" for line in lines).encode("utf-8")


def test_shard_with_astral_and_latin_records_loads_back(tmp_path):
    lines = ['{"t": "caffè"}', '{"t": "🙂 ok"}', '{"t": "plain"}']
    with opened(tmp_path / "s") as state:
        state.save("k1", lines, {})
        data = (state.shards / "k1.jsonl").read_bytes()
        shard = state.load("k1")
    assert data == "".join(line + "\n" for line in lines).encode("utf-8")
    assert shard is not None
    assert shard.lines == lines
