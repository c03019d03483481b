"""Drive a resumable run: plan shards, skip the complete ones, process the rest on an engine,
and yield every finished document in input order.

The driver streams: it hashes the input one shard at a time, hands shards to the engine (which
keeps a bounded number in flight), writes each result to the run state as soon as it arrives
(in any order), and yields documents by reading complete shards back from disk in input order.
So nothing but shard keys is held per shard, memory stays flat, a killed run loses at most the
shards in flight, and resumed and freshly processed shards take one and the same path to the
output.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..argos.catalog import Catalog
from ..inputs.files import WorkItem
from ..record import Document
from ..stages.clean.repetition import RepeatedLines
from .engines import Engine, PipelineFactory
from .shards import Shard, content_digest, group_items, largest_first, shard_key
from .state import RunState, StateError

DEFAULT_SHARD_SIZE = 50

# Settings that change how fast a run goes, never what it writes: a resumed run may change them.
_NOT_FINGERPRINTED = frozenset({"models_dir", "inter_threads", "intra_threads"})


def _sha256_file(path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        return f"unreadable:{type(error).__name__}"


def _feed(digest, value: Any) -> None:
    """Hash ``value`` in a canonical form: sets sorted, dataclasses by field, dicts by key,
    so that equal values hash equally however they were built."""
    if hasattr(value, "fingerprint"):
        value = value.fingerprint()
    if is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, dict):
        digest.update(b"{")
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
        digest.update(b"}")
    elif isinstance(value, set | frozenset):
        digest.update(b"<")
        for item in sorted(value, key=repr):
            _feed(digest, item)
        digest.update(b">")
    elif isinstance(value, list | tuple):
        digest.update(b"[")
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    else:
        digest.update(repr(value).encode("utf-8", "surrogatepass") + b";")


def prepass_fingerprint(repeated: RepeatedLines | None) -> str:
    """The pre-pass's corpus-level repeated lines change the output, and they change with the
    corpus: they are part of every shard's key (so shards are redone when they change), not of
    the options a resumed run must share."""
    digest = hashlib.sha256()
    _feed(digest, {"repeated": repeated})
    return digest.hexdigest()


def run_options(factory: PipelineFactory) -> dict[str, Any]:
    """The options that decide what a run writes: settings, the content of pattern and
    glossary files, installed models and the normalise version. A resumed run must have the
    same ones."""
    settings = factory.settings
    options: dict[str, Any] = {"normalise": __version__}
    for name, value in sorted(asdict(settings).items()):
        if name in _NOT_FINGERPRINTED:
            continue
        if name == "pattern_files":
            value = [[str(path), _sha256_file(path)] for path in settings.pattern_files]
        elif name == "glossary" and value is not None:
            value = [str(value), _sha256_file(value)]  # its content decides the English
        elif isinstance(value, tuple):
            value = list(value)
        options[name] = value
    options["models"] = sorted(
        f"{p.from_code}-{p.to_code} {p.name} {p.version}"
        for p in Catalog(settings.models_dir).all()
    )
    return json.loads(json.dumps(options, default=str))  # as it will read back from JSON


@dataclass
class RunProgress:
    """What the run did, for the report."""

    shards: int = 0
    shards_resumed: int = 0
    documents_resumed: int = 0
    shards_pruned: int = 0
    counters: Counter[str] = field(default_factory=Counter)
    missing: set[str] = field(default_factory=set)
    stage_seconds: Counter[str] = field(default_factory=Counter)  # this run's shards only


class ShardedRun:
    """One resumable run whose progress lives in ``state_dir`` (None: a temporary folder,
    removed at the end), processed on ``engine``.

    Use it as a context manager: entering locks the state folder (one run at a time), starts
    over if ``fresh``, and refuses state made with other options (:class:`StateError`)::

        with ShardedRun(Path("out/corpus.jsonl.parts"), factory, engine) as run:
            for doc in run.documents(items):
                ...
    """

    def __init__(
        self,
        state_dir: Path | None,
        factory: PipelineFactory,
        engine: Engine,
        *,
        shard_size: int = DEFAULT_SHARD_SIZE,
        fresh: bool = False,
    ):
        self._temporary = None
        if state_dir is None:  # nowhere to keep progress (output to stdout): a scratch folder
            self._temporary = tempfile.TemporaryDirectory(prefix="normalise-run-")
            state_dir = Path(self._temporary.name)
        self.state = RunState(state_dir)
        self.fresh = fresh
        self.factory = factory
        self.engine = engine
        self.shard_size = shard_size
        self.options = run_options(factory)
        self.options_sha256 = hashlib.sha256(
            json.dumps(self.options, sort_keys=True).encode()
            + prepass_fingerprint(factory.repeated).encode()
        ).hexdigest()
        self.progress = RunProgress()
        self._order: deque[str] = deque()  # keys of planned shards not yet yielded
        self._keys: list[str] = []  # every shard of this run, in order (for the manifest)
        self._sources: dict[str, list[tuple[str, str]]] = {}  # of the shards in flight
        self._resumed: set[str] = set()  # complete before this run: read back, not processed

    def __enter__(self) -> ShardedRun:
        try:
            self.state.open(self.options, fresh=self.fresh)
        except BaseException:
            self.state.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.state.close()
        if self._temporary is not None:
            self._temporary.cleanup()

    def _plan(self, items: Iterable[WorkItem]) -> Iterator[Shard]:
        """The shards still to process, handed out largest first in small blocks."""
        return largest_first(self._shards_to_process(items))

    def _shards_to_process(self, items: Iterable[WorkItem]) -> Iterator[Shard]:
        max_bytes = self.factory.settings.max_file_bytes
        for index, group in enumerate(group_items(items, self.shard_size)):
            prints = [content_digest(item, max_bytes) for item in group]  # (sha256, bytes)
            sources = [(item.relpath, sha) for item, (sha, _) in zip(group, prints, strict=True)]
            key = shard_key(self.options_sha256, sources)
            self._order.append(key)
            self._keys.append(key)
            self.progress.shards += 1
            if self.state.is_complete(key):
                self.progress.shards_resumed += 1
                self._resumed.add(key)
                continue
            if key not in self._sources:
                self._sources[key] = sources
                yield Shard(index, key, tuple(group), sum(size for _, size in prints))

    def _ready(self) -> Iterator[Document]:
        """Yield the documents of the complete shards at the front of the order."""
        while self._order and self.state.is_complete(self._order[0]):
            key = self._order.popleft()
            shard = self.state.load(key)
            if shard is None:
                self.state.forget(key)
                raise StateError(
                    f"shard {key} in {self.state.shards} failed its checksum and was removed; "
                    "rerun the same command to process it again"
                )
            self.progress.counters.update(shard.marker.get("counters", {}))
            self.progress.missing.update(shard.marker.get("missing", []))
            if key in self._resumed:
                self._resumed.discard(key)
                self.progress.documents_resumed += len(shard.lines)
            for line in shard.lines:
                yield Document.from_json(json.loads(line))

    def documents(self, items: Iterable[WorkItem]) -> Iterator[Document]:
        """Every document of ``items``, finished, in input order; complete shards are read
        back instead of processed. The manifest is finalised once all are yielded."""
        for result in self.engine.map_shards(self._plan(items), self.factory):
            marker = {
                "sources": self._sources.pop(result.key),
                "counters": result.counters,
                "missing": result.missing,
            }
            self.progress.stage_seconds.update(result.stage_seconds)
            self.state.save(result.key, result.lines, marker)
            yield from self._ready()
        yield from self._ready()
        if self._order:  # cannot happen unless the engine dropped a shard
            raise RuntimeError(f"{len(self._order)} shard(s) never completed")
        self.progress.shards_pruned = self.state.prune(set(self._keys))
        self.state.write_manifest(
            {
                "options": self.options,
                "complete": True,
                "shard_size": self.shard_size,
                "shards": self._keys,
            }
        )
