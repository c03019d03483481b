"""Walking and reading hostile files: nothing blocks, nothing is dropped without a reason."""

from __future__ import annotations

import errno
import os

import pytest

from normalise.inputs.files import InputFile, InputRecord, Skipped, walk
from normalise.record import Status
from normalise.settings import Settings
from normalise.stages.read import read, read_file, read_record

EXTENSIONS = Settings().extensions


def test_a_pipe_given_as_the_input_is_skipped_not_read(tmp_path):
    fifo = tmp_path / "feed.txt"
    os.mkfifo(fifo)
    assert list(walk(fifo, EXTENSIONS)) == [
        Skipped("feed.txt", "not a regular file: a named pipe (FIFO)")
    ]


def test_reading_a_pipe_returns_an_error_instead_of_blocking(tmp_path):
    """The reader checks the open descriptor too: a file replaced by a pipe after the walk."""
    fifo = tmp_path / "late.txt"
    os.mkfifo(fifo)
    doc = read_file(InputFile(fifo, "late.txt"), Settings())
    assert doc.status == Status.ERROR
    assert doc.reason.startswith("cannot read file: not a regular file")


def test_a_file_named_explicitly_is_read_whatever_its_extension(tmp_path):
    path = tmp_path / "article.text"
    path.write_text("hello")
    assert list(walk(path, EXTENSIONS)) == [InputFile(path, "article.text")]


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text("fine")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_text("never seen")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == os.fspath(locked):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert list(walk(tmp_path, EXTENSIONS)) == [
        Skipped("locked", "cannot list folder: Permission denied"),
        InputFile(tmp_path / "ok.txt", "ok.txt"),
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file; see test_hostile")
def test_a_chmod_000_file_is_an_error_with_the_os_reason(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("This is an English sentence that nobody may read.")
    path.chmod(0)
    try:
        (doc,) = read([InputFile(path, "secret.txt")], Settings())
    finally:
        path.chmod(0o644)
    assert (doc.status, doc.reason) == (Status.ERROR, "cannot read file: Permission denied")


def test_too_large_names_the_limit_and_reads_at_most_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 1000)
    doc = read_file(InputFile(path, "big.txt"), Settings(max_file_bytes=4000))
    assert doc.status == Status.TOO_LARGE
    assert doc.reason == (
        "5000 bytes is over the limit of 4000 bytes (raise it with --max-file-size)"
    )
    assert doc.raw_text == ""


def test_limit_is_inclusive(tmp_path):
    path = tmp_path / "exact.txt"
    path.write_bytes(b"a" * 20 + b" is a word")
    doc = read_file(InputFile(path, "exact.txt"), Settings(max_file_bytes=30))
    assert doc.status is None and doc.raw_text.endswith("is a word")


def test_record_text_with_lone_surrogates_is_repaired_and_noted():
    record = InputRecord(id="rec\ud800-1", text="Testo \udc80 rotto, però leggibile.")
    doc = read_record(record, Settings())
    assert doc.raw_text == "Testo \ufffd rotto, però leggibile."
    assert doc.id == "rec\ufffd-1"
    assert doc.metadata["encoding_note"] == "1 lone surrogate(s) replaced with U+FFFD"
    doc.dumps().encode("utf-8")  # writable as UTF-8


def test_oversized_record_is_too_large():
    doc = read_record(InputRecord(id="r", text="x" * 101), Settings(max_file_bytes=100))
    assert doc.status == Status.TOO_LARGE
    assert "101 bytes of text is over the limit of 100 bytes" in doc.reason
