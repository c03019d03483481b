"""The run's own fast paths (reading an input, splitting sentences, writing records) give what
their plain versions give, exactly. Each plain version is kept here as the reference."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalise.stages import read as read_stage
from normalise.stages.read import TooLarge, read_bounded


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
