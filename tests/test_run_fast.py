"""The run's own fast paths (reading an input, splitting sentences, writing records) give what
their plain versions give, exactly. Each plain version is kept here as the reference."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalise.inputs.files import InputFile
from normalise.run.shards import content_digest
from normalise.settings import Settings
from normalise.stages import read as read_stage
from normalise.stages.read import ReadAhead, TooLarge, read_bounded, read_file


def plain_read_bounded(path: Path, limit: int) -> bytes:
    """read_bounded as it was: one read of ``limit + 1`` bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if info.st_size > limit:
            raise TooLarge(info.st_size)
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TooLarge(max(len(data), info.st_size))
    return data


def outcome(read, path: Path, limit: int) -> bytes | tuple[str, int]:
    try:
        return read(path, limit)
    except TooLarge as error:
        return ("too large", error.size)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(size=st.integers(0, 3000), known=st.integers(0, 3000), limit=st.integers(0, 3000))
def test_read_bounded_reads_what_one_read_to_the_limit_reads(
    tmp_path, monkeypatch, size, known, limit
):
    """``known``: the size fstat reports, smaller than ``size`` when the file grew after it."""
    path = tmp_path / "page.html"
    path.write_bytes(bytes(range(256)) * (size // 256) + bytes(size % 256))
    real_fstat = os.fstat

    def fstat(fd):
        info = real_fstat(fd)
        reported = min(known, info.st_size)  # it can only have grown since
        return os.stat_result((*info[:6], reported, *info[7:]))

    monkeypatch.setattr(read_stage.os, "fstat", fstat)
    assert outcome(read_bounded, path, limit) == outcome(plain_read_bounded, path, limit)


def test_read_bounded_reads_a_grown_file_to_the_limit_and_no_further(tmp_path, monkeypatch):
    path = tmp_path / "page.html"
    path.write_bytes(b"x" * 100)
    real_fstat = os.fstat
    monkeypatch.setattr(
        read_stage.os,
        "fstat",
        lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])),
    )
    assert read_bounded(path, 100) == b"x" * 100
    with pytest.raises(TooLarge) as error:
        read_bounded(path, 99)
    assert error.value.size == 100


def test_read_ahead_holds_at_most_its_bytes_and_gives_each_up_once(tmp_path):
    ahead = ReadAhead(max_bytes=10)
    first, second = InputFile(tmp_path / "a", "a"), InputFile(tmp_path / "b", "b")
    ahead.keep(first, b"123456", "sha-a")
    ahead.keep(second, b"123456", "sha-b")  # would pass the bound: not kept
    assert ahead.take(second) is None
    assert ahead.take(first) == (b"123456", "sha-a")
    assert ahead.take(first) is None
    ahead.keep(second, b"123456", "sha-b")  # room again once taken
    assert ahead.take(second) == (b"123456", "sha-b")


def test_read_ahead_arrives_empty_in_another_process(tmp_path):
    ahead = ReadAhead(max_bytes=100)
    item = InputFile(tmp_path / "a", "a")
    ahead.keep(item, b"bytes", "sha")
    copy = pickle.loads(pickle.dumps(ahead))
    assert copy.max_bytes == 100
    assert copy.take(item) is None
    assert ahead.take(item) == (b"bytes", "sha")


@pytest.mark.parametrize("size", [0, 5, 300])
def test_a_file_read_ahead_is_keyed_and_read_as_without(tmp_path, size):
    path = tmp_path / "page.html"
    path.write_bytes(b"<p>caff\xc3\xa8</p>" * size)
    item, settings = InputFile(path, "page.html"), Settings(max_file_bytes=2000)
    ahead = ReadAhead()
    assert content_digest(item, 2000, ahead) == content_digest(item, 2000)
    kept = read_file(item, settings, ahead)
    assert ahead.take(item) is None  # taken by the read
    assert kept == read_file(item, settings)
