"""Shards: groups of documents, the unit of work and of resumption.

Articles are small files, so work is cut into groups of documents, not files. A shard's
boundaries depend only on the names of its documents (a boundary follows a document whose
name hashes to 0 modulo the shard size), so adding or removing one file changes one shard,
not every shard after it. A shard's *key* hashes the run's options, the name and content
sha256 of each of its documents, and the repeated lines found in them: the same key means the
same output.

A shard is processed with fresh per-shard state (the translation cache), because CTranslate2's
results depend slightly on which sentences share a batch: the output of a shard then depends
on its documents alone, never on which worker ran it or what that worker did before. That is
what makes the output independent of the worker count and a resumed run equal to an
uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, is_dataclass

from ..batching import batched
from ..inputs.files import InputFile, WorkItem
from ..record import Document, Status
from ..stages.pipeline import Pipeline
from ..stages.read import ReadAhead, TooLarge, read_bounded

MAX_SHARD_FACTOR = 3  # a shard never holds more than 3 x the shard size: memory, balance
# Shards are handed out largest first within blocks of this many (see largest_first).
DISPATCH_BLOCK = 8


@dataclass(frozen=True)
class Shard:
    index: int  # position in the run: output order
    key: str
    items: tuple[WorkItem, ...]
    size: int = 0  # bytes of input: the work it holds, for scheduling only


def largest_first(shards: Iterable[Shard], block: int = DISPATCH_BLOCK) -> Iterator[Shard]:
    """``shards`` in blocks of ``block``, each block largest first.

    Boundaries follow names, so shard sizes vary (a few documents to 3 x the shard size). In
    input order, a run often ends on a large shard that one worker processes while the others
    wait; handed out largest first, the last shards of the run are its smallest, and the
    workers finish together. Blocks bound how far a shard is moved, so that output (written in
    input order) still streams. Processing order never changes a shard's records."""
    for batch in batched(shards, block):
        yield from sorted(batch, key=lambda shard: (-shard.size, shard.index))


@dataclass
class ShardResult:
    """What a worker sends back: the records as JSON lines, in input order, and the stats."""

    index: int
    key: str
    lines: list[str]
    counters: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)  # worker time per stage
    retry: int = 0  # documents to process again on the next run (status error)
    # the documents of ``lines`` themselves: set only by an engine whose results stay in this
    # process (never sent between processes)
    documents: list[Document] | None = field(default=None, repr=False, compare=False)


def _name_hash(relpath: str) -> int:
    return int.from_bytes(hashlib.sha256(relpath.encode("utf-8", "surrogatepass")).digest()[:8])


def group_items(items: Iterable[WorkItem], shard_size: int) -> Iterator[list[WorkItem]]:
    """Cut ``items`` (in order) into shards of about ``shard_size`` documents."""
    if shard_size < 1:
        raise ValueError("shard_size must be at least 1")
    group: list[WorkItem] = []
    for item in items:
        group.append(item)
        at_boundary = _name_hash(item.relpath) % shard_size == 0
        if at_boundary or len(group) >= MAX_SHARD_FACTOR * shard_size:
            yield group
            group = []
    if group:
        yield group


def content_digest(
    item: WorkItem, max_bytes: int, ahead: ReadAhead | None = None
) -> tuple[str, int]:
    """The sha256 of what the pipeline will read for ``item`` (a file's bytes, a record's
    fields), and the bytes it hashed: the work ``item`` holds, for scheduling (0 for a file the
    pipeline will only refuse). A file that cannot be read, or is over the size limit, gets a
    digest that says so, so that it is retried once it can be read.

    A file is read as the read stage reads it (:func:`~normalise.stages.read.read_bounded`,
    with the same limit); with ``ahead``, its bytes are kept there for the read stage, so that
    it is read and hashed once."""
    if not isinstance(item, InputFile):  # a record (or a rejected one): its fields are its content
        fields = asdict(item) if is_dataclass(item) else {"value": repr(item)}
        data = json.dumps(
            [type(item).__name__, fields], ensure_ascii=False, sort_keys=True, default=str
        ).encode("utf-8", "surrogatepass")
        return hashlib.sha256(data).hexdigest(), len(data)
    try:
        data = read_bounded(item.path, max_bytes)
    except TooLarge as error:
        return f"too-large:{error.size}", 0
    except (OSError, UnicodeError) as error:
        return f"unreadable:{type(error).__name__}", 0
    digest = hashlib.sha256(data).hexdigest()
    if ahead is not None:
        ahead.keep(item, data, digest)
    return digest, len(data)


def shard_key(options_sha256: str, sources: list[tuple[str, str]]) -> str:
    """A sha256 over the options and each document's name and content fingerprint."""
    digest = hashlib.sha256(options_sha256.encode())
    for relpath, content in sources:
        digest.update(b"\n")
        digest.update(relpath.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
        digest.update(content.encode())
    return digest.hexdigest()


def inputs_key(sources: list[tuple[str, str]]) -> str:
    """The fingerprint of a shard's documents alone (names and contents), without options:
    it finds the earlier version of a shard, to say why it is redone."""
    return shard_key("", sources)


def repetition_key(repeated_keys: Iterable[int]) -> str:
    """The fingerprint of the repeated lines found in a shard (see
    :func:`normalise.run.prepass.repeated_in`)."""
    return hashlib.sha256(" ".join(f"{key:x}" for key in repeated_keys).encode()).hexdigest()


def process_shard(pipeline: Pipeline, shard: Shard, keep_documents: bool = False) -> ShardResult:
    """Run one shard through ``pipeline`` with fresh per-shard state; used by every engine.
    ``keep_documents``: the result also holds the documents, as their records read back
    (:meth:`Document.as_written`), for an engine whose results stay in this process."""
    pipeline.start_shard()
    seconds_before = pipeline.timer.seconds()
    lines, retry = [], 0
    documents: list[Document] | None = [] if keep_documents else None
    for doc in pipeline.process_items(shard.items):
        line = doc.dumps()
        lines.append(line)
        if documents is not None:
            documents.append(doc.as_written(line))
        retry += doc.status == Status.ERROR
    stats = pipeline.stats()
    stage_seconds = {
        name: seconds - seconds_before.get(name, 0.0)
        for name, seconds in pipeline.timer.seconds().items()
    }
    return ShardResult(
        index=shard.index,
        key=shard.key,
        lines=lines,
        counters={name: n for name, n in sorted(stats.counters.items()) if n},
        missing=sorted(stats.missing_models),
        stage_seconds=stage_seconds,
        retry=retry,
        documents=documents,
    )
