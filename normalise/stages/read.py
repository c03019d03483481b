"""Read stage: bytes from disk -> a Document with decoded text, hash, format and encoding."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..inputs.files import InputFile, InputRecord, RejectedRecord, WorkItem, document_id
from ..record import Document, Status
from ..settings import Settings
from ..text.encoding import BinaryContent, decode, normalise_newlines
from .base import Stage
from .extracted import ExtractedStore

HTML_EXTENSIONS = (".html", ".htm")


class TooLarge(Exception):
    """The input is over the size limit; ``size`` is what we know of its size."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


class NotRegularFile(OSError):
    """A pipe, socket or device: reading it could block forever or never end."""


def read_bounded(path: Path, limit: int) -> bytes:
    """Read at most ``limit`` bytes of a regular file.

    Opened non-blocking and checked on the open descriptor, so a named pipe or a device that
    slipped in (or replaced the file after the folder was walked) cannot hang the run; and a
    file that grows while it is read still never costs more than ``limit`` bytes of memory.

    The first read asks for one byte more than the file's size, not ``limit + 1``: a read of
    n bytes allocates n bytes first, and 20 MiB for every page cost four times the reading
    itself. Only a file that grew goes on being read, up to ``limit + 1`` bytes in all.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"not a regular file (mode {stat.filemode(info.st_mode)})")
        if info.st_size > limit:
            raise TooLarge(info.st_size)
        asked = info.st_size + 1
        with open(fd, "rb", closefd=False) as handle:
            data = handle.read(asked)
            if len(data) == asked < limit + 1:  # it grew since fstat: read on to the limit
                data += handle.read(limit + 1 - asked)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TooLarge(max(len(data), info.st_size))
    return data


# The bytes a run may hold read ahead (one shard's inputs, see ReadAhead): a shard of news
# pages is a few megabytes; what does not fit is read again, as when nothing is kept.
READ_AHEAD_BYTES = 32 * 2**20


class ReadAhead:
    """Inputs' bytes, with their sha256, read before the read stage asks for them.

    A resumable run reads and hashes each input of a shard to key the shard (see
    :mod:`normalise.run.sharded`); when the pre-pass then reads the same inputs in this
    process, it takes the bytes from here instead of reading and hashing each file a second
    time. So the shard's key describes the very bytes processed, even if a file changes
    meanwhile. At most ``max_bytes`` are held; an input that does not fit is read again.
    Sent to another process (pickled), it arrives empty: the bytes stay where they were read.
    """

    def __init__(self, max_bytes: int = READ_AHEAD_BYTES) -> None:
        self.max_bytes = max_bytes
        self._held: dict[InputFile, tuple[bytes, str]] = {}
        self._size = 0

    def __reduce__(self) -> tuple[type[ReadAhead], tuple[int]]:
        return (ReadAhead, (self.max_bytes,))

    def keep(self, item: InputFile, data: bytes, sha256: str) -> None:
        """Hold ``data`` (read from ``item``, hashing to ``sha256``) if it fits."""
        if item not in self._held and self._size + len(data) <= self.max_bytes:
            self._held[item] = (data, sha256)
            self._size += len(data)

    def take(self, item: InputFile) -> tuple[bytes, str] | None:
        """The bytes kept for ``item`` and their sha256, given up; None if none are kept."""
        taken = self._held.pop(item, None)
        if taken is not None:
            self._size -= len(taken[0])
        return taken

    def clear(self) -> None:
        self._held.clear()
        self._size = 0


def _too_large_reason(size: int, limit: int, unit: str = "bytes") -> str:
    at_least = "at least " if size == limit + 1 else ""
    return (
        f"{at_least}{size} {unit} is over the limit of {limit} bytes "
        "(raise it with --max-file-size)"
    )


def read_file(item: InputFile, settings: Settings, ahead: ReadAhead | None = None) -> Document:
    """``item`` read and decoded; its bytes taken from ``ahead`` when they were read already
    (with the same limit: ``settings.max_file_bytes``)."""
    doc = Document(id=document_id(item.relpath), source=item.relpath)
    doc.format = "html" if item.path.suffix.lower() in HTML_EXTENSIONS else "text"
    taken = ahead.take(item) if ahead is not None else None
    if taken is not None:
        return decode_into(doc, *taken)
    try:
        data = read_bounded(item.path, settings.max_file_bytes)
    except TooLarge as error:
        return doc.fail(Status.TOO_LARGE, _too_large_reason(error.size, settings.max_file_bytes))
    except OSError as error:
        return doc.fail(Status.ERROR, f"cannot read file: {error.strerror or error}")
    return decode_into(doc, data)


def decode_into(doc: Document, data: bytes, sha256: str | None = None) -> Document:
    """Hash and decode ``data`` into ``doc`` (shared by files and JSONL records);
    ``sha256``: its digest, when the caller has it already."""
    doc.sha256 = sha256 if sha256 is not None else hashlib.sha256(data).hexdigest()
    try:
        decoded = decode(data)
    except BinaryContent as error:
        return doc.fail(Status.ERROR, f"not text: {error}")
    doc.encoding = decoded.encoding
    if decoded.note:
        doc.metadata["encoding_note"] = decoded.note
    doc.raw_text = normalise_newlines(decoded.text)
    if not doc.raw_text.strip():
        doc.fail(Status.EMPTY, "the file is empty" if not data else "the file is blank")
    return doc


def _valid_text(text: str) -> tuple[str, int]:
    """Lone surrogates (possible in JSON input: "\\ud800") cannot be written as UTF-8;
    they become U+FFFD, counted."""
    if text.isascii():
        return text, 0
    bad = sum(1 for ch in text if "\ud800" <= ch <= "\udfff")
    if not bad:
        return text, 0
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text), bad


def read_record(item: InputRecord, settings: Settings | None = None) -> Document:
    limit = (settings or Settings()).max_file_bytes
    name = _valid_text(item.id)[0]
    doc = Document(id=name, source=name, format=item.format)
    doc.metadata.update(item.metadata or {})
    if item.lang:
        doc.metadata["lang_hint"] = item.lang
    text, bad = _valid_text(item.text)
    if bad:
        doc.metadata["encoding_note"] = f"{bad} lone surrogate(s) replaced with U+FFFD"
    data = text.encode("utf-8")
    doc.sha256 = hashlib.sha256(data).hexdigest()
    doc.encoding = "utf-8"
    if len(data) > limit:
        return doc.fail(Status.TOO_LARGE, _too_large_reason(len(data), limit, "bytes of text"))
    doc.raw_text = normalise_newlines(text)
    if not doc.raw_text.strip():
        doc.fail(Status.EMPTY, "the record's text is empty" if not item.text else "blank text")
    return doc


class Read(Stage):
    """The first stage: work items (files, records) in, decoded documents out. With an
    ``extracted`` store (filled by the run's pre-pass), an input kept there is taken from it,
    read, decoded and extracted already, instead of being read again."""

    name = "read"

    def __init__(self, settings: Settings, extracted: ExtractedStore | None = None) -> None:
        super().__init__(settings)
        self.extracted = extracted

    def __call__(self, items: Iterable[WorkItem]) -> Iterator[Document]:  # type: ignore[override]
        if self.extracted is None:
            return read(items, self.settings)
        return self._kept_or_read(items, self.extracted)

    def _kept_or_read(self, items: Iterable[WorkItem], store: ExtractedStore) -> Iterator[Document]:
        for item in items:
            doc = store.get(item)
            if doc is None:
                yield from read([item], self.settings)
            else:
                self.stats.counters["inputs_from_prepass"] += 1
                yield doc


def read(
    items: Iterable[WorkItem], settings: Settings, ahead: ReadAhead | None = None
) -> Iterator[Document]:
    """Each of ``items`` read and decoded, in order; files read already are taken from
    ``ahead``."""
    for item in items:
        try:
            if isinstance(item, InputRecord):
                yield read_record(item, settings)
            elif isinstance(item, RejectedRecord):
                name = _valid_text(item.id)[0]
                yield Document(id=name, source=name).fail(Status.ERROR, item.reason)
            else:
                yield read_file(item, settings, ahead)
        except Exception as error:  # e.g. a file name the filesystem cannot encode
            name = _valid_text(item.relpath)[0]
            doc = Document(id=document_id(name), source=name)
            yield doc.fail(Status.ERROR, f"read failed: {type(error).__name__}: {error}")
