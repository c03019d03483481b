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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..argos.catalog import Catalog
from ..inputs.files import WorkItem
from ..record import Document
from ..stages.extracted import ExtractedStore
from ..stages.read import ReadAhead
from .engines import Engine, PipelineFactory
from .prepass import (
    CountJob,
    DocumentKeys,
    LineCounter,
    count_groups,
    repeated_in,
    threshold_of,
)
from .shards import (
    Shard,
    content_digest,
    group_items,
    inputs_key,
    largest_first,
    repetition_key,
    shard_key,
)
from .state import CompleteShard, RunState, StateError

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


def options_fingerprint(options: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    _feed(digest, options)
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


class Reason:
    """Why a shard is processed instead of read back from the saved state."""

    NEW_INPUT = "new input"  # new or changed files, or a shard never finished before
    SETTINGS = "changed settings"
    MODEL = "changed model"
    REPETITION = "repetition change"  # a line it holds started or stopped repeating
    FAILURE = "earlier failure"  # it held documents with status error: they are retried


@dataclass
class RunProgress:
    """What the run did, for the report."""

    shards: int = 0
    shards_resumed: int = 0
    documents_resumed: int = 0
    shards_pruned: int = 0
    redone: Counter[str] = field(default_factory=Counter)  # Reason -> shards processed
    prepass_read: int | None = None  # documents read by the pre-pass (None: no pre-pass)
    counters: Counter[str] = field(default_factory=Counter)
    missing: set[str] = field(default_factory=set)
    stage_seconds: Counter[str] = field(default_factory=Counter)  # this run's shards only


@dataclass(frozen=True)
class _Planned:
    """A shard before the pre-pass is done: its content key (options and inputs) names its
    saved line keys."""

    content: str
    inputs: str
    sources: list[tuple[str, str]]
    size: int


class ShardedRun:
    """One resumable run whose progress lives in ``state_dir`` (None: a temporary folder,
    removed at the end), processed on ``engine``.

    Use it as a context manager: entering locks the state folder (one run at a time) and
    starts over if ``fresh``::

        with ShardedRun(Path("out/corpus.jsonl.parts"), factory, engine) as run:
            for doc in run.documents(items):
                ...

    A shard's key is a sha256 over the options (settings, models, version), the name and
    content of each of its documents, and the repeated lines found in them
    (:func:`~normalise.run.prepass.repeated_in`): exactly what its records depend on, so a
    new file redoes the shard it lands in and nothing else, unless it makes a line repeat.
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
        self.settings_sha256 = options_fingerprint(
            {name: value for name, value in self.options.items() if name != "models"}
        )
        self.models_sha256 = options_fingerprint({"models": self.options["models"]})
        self.options_sha256 = hashlib.sha256(
            f"{self.settings_sha256} {self.models_sha256}".encode()
        ).hexdigest()
        self.progress = RunProgress()
        self._order: deque[str] = deque()  # keys of planned shards not yet yielded
        self._keys: list[str] = []  # every shard of this run, in order (for the manifest)
        self._contents: list[str] = []  # their content keys (saved line keys)
        self._pending: dict[str, dict[str, Any]] = {}  # marker fields of the shards in flight
        self._resumed: set[str] = set()  # complete before this run: read back, not processed
        self._earlier: dict[str, dict[str, Any]] = {}  # inputs key -> an earlier shard's marker
        self.state_bytes: int | None = None  # the saved state's size once complete (kept)
        self.prepass_seconds: dict[str, float] = {}  # the pre-pass's steps, for the report
        self._planned: list[_Planned] | None = None  # from count_repetition
        # a pre-pass in this process takes the bytes that keying a shard read (stages/read.py)
        self._ahead = None if hasattr(engine, "map_line_counts") else ReadAhead()

    def __enter__(self) -> ShardedRun:
        try:
            self.state.open(self.options, fresh=self.fresh)
            self._earlier = {m["inputs"]: m for m in self.state.markers() if "inputs" in m}
        except BaseException:
            self.state.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.state.close()
        if self._temporary is not None:
            self._temporary.cleanup()

    # -- the pre-pass ---------------------------------------------------------------------
    def _fingerprint(self, group: list[WorkItem], ahead: ReadAhead | None = None) -> _Planned:
        """The shard's content key; with ``ahead``, its inputs' bytes are kept there for the
        pre-pass (whatever the previous group left there is dropped first)."""
        max_bytes = self.factory.settings.max_file_bytes
        if ahead is not None:
            ahead.clear()
        prints = [content_digest(item, max_bytes, ahead) for item in group]  # (sha256, bytes)
        sources = [(item.relpath, sha) for item, (sha, _) in zip(group, prints, strict=True)]
        return _Planned(
            content=shard_key(self.options_sha256, sources),
            inputs=inputs_key(sources),
            sources=sources,
            size=sum(size for _, size in prints),
        )

    def _count_groups(
        self, groups: Iterable[list[WorkItem]], store: ExtractedStore | None
    ) -> Iterator[LineCounter]:
        """The pre-pass's counts of each group, with each document's line keys, in order: on
        the engine's workers when it counts (keeping what they extract in ``store`` if they
        share this disk), else here."""
        job = CountJob(self.factory.settings, store=store, keep_documents=True, ahead=self._ahead)
        return count_groups(groups, job, self.engine)

    def count_repetition(
        self,
        items: Iterable[WorkItem],
        store: ExtractedStore | None = None,
        on_counted: Callable[[int], None] | None = None,
    ) -> None:
        """The repetition pre-pass, incremental: the line keys of each shard's documents are
        saved in the state, so only new or changed inputs are read (on the engine's workers,
        which keep what they extract in ``store`` for the main pass). Sets the factory's
        repeated lines; :meth:`documents` then keys each shard by the repeated lines it holds.
        ``on_counted(n)`` is told the number of inputs counted so far."""
        settings = self.factory.settings
        counter = LineCounter()
        planned: list[_Planned] = []
        waiting: deque[_Planned] = deque()  # shards whose line keys the engine computes
        counted = 0

        def add(keys: list[DocumentKeys]) -> None:
            nonlocal counted
            for document in keys:
                if document is not None:
                    counter.add_keys(document)
            counted += len(keys)
            if on_counted is not None:
                on_counted(counted)

        def unsaved() -> Iterator[list[WorkItem]]:
            for group in group_items(items, self.shard_size):
                plan = self._fingerprint(group, self._ahead)
                planned.append(plan)
                saved = self.state.load_lines(plan.content, len(group))
                if saved is None:
                    waiting.append(plan)
                    yield group
                else:
                    add(saved)
            if self._ahead is not None:
                self._ahead.clear()

        read = 0
        for part in self._count_groups(unsaved(), store):
            keys = part.document_keys or []
            self.state.save_lines(waiting.popleft().content, keys)
            for step, seconds in part.seconds.items():
                self.prepass_seconds[step] = self.prepass_seconds.get(step, 0.0) + seconds
            read += len(keys)
            add(keys)
        self.progress.prepass_read = read
        self._planned = planned
        self.factory = replace(
            self.factory, repeated=counter.result(threshold_of(settings)), extracted=store
        )

    # -- the main pass --------------------------------------------------------------------
    def _plan(self, items: Iterable[WorkItem], planned: list[_Planned] | None) -> Iterator[Shard]:
        """The shards still to process, handed out largest first in small blocks."""
        return largest_first(self._shards_to_process(items, planned))

    def _why(self, plan: _Planned, repetition: str) -> str:
        """Why a shard that is not in the state is processed: compared with the earlier
        shard of the same inputs, if there is one."""
        earlier = self._earlier.get(plan.inputs)
        if earlier is None:
            return Reason.NEW_INPUT
        if earlier.get("settings") != self.settings_sha256:
            return Reason.SETTINGS
        if earlier.get("models") != self.models_sha256:
            return Reason.MODEL
        if earlier.get("repetition") != repetition:
            return Reason.REPETITION
        return Reason.NEW_INPUT

    def _shards_to_process(
        self, items: Iterable[WorkItem], planned: list[_Planned] | None
    ) -> Iterator[Shard]:
        for index, group in enumerate(group_items(items, self.shard_size)):
            present: list[int] = []
            if planned is None:
                plan = self._fingerprint(group)
            else:
                plan = planned[index]
                keys = self.state.load_lines(plan.content, len(group))
                if keys is None:
                    raise StateError(
                        f"the line keys of a shard vanished from {self.state.lines} during the "
                        "run; rerun the same command"
                    )
                present = repeated_in(keys, self.factory.repeated)
            repetition = repetition_key(present)
            key = shard_key(plan.content, [("repeated lines", repetition)])
            self._order.append(key)
            self._keys.append(key)
            self._contents.append(plan.content)
            self.progress.shards += 1
            marker = self.state.marker(key) if self.state.is_complete(key) else None
            if marker is not None and not marker.get("retry"):
                self.progress.shards_resumed += 1
                self._resumed.add(key)
                continue
            if self.state.is_complete(key):  # failed documents, or a damaged marker: redo
                self.state.forget(key)
            if key in self._pending:  # the same shard twice (identical records): once
                continue
            self.progress.redone[Reason.FAILURE if marker else self._why(plan, repetition)] += 1
            self._pending[key] = {
                "sources": plan.sources,
                "inputs": plan.inputs,
                "settings": self.settings_sha256,
                "models": self.models_sha256,
                "repetition": repetition,
            }
            yield Shard(index, key, tuple(group), plan.size)

    def _ready(
        self, just_saved: CompleteShard | None = None, documents: list[Document] | None = None
    ) -> Iterator[Document]:
        """Yield the documents of the complete shards at the front of the order.
        ``just_saved``: the shard this process has just written, if any; at the front, its
        records are taken as they are instead of being read back and verified, and its
        ``documents`` (from an engine in this process) as they are instead of parsed."""
        while self._order and self.state.is_complete(self._order[0]):
            key = self._order.popleft()
            if just_saved is not None and just_saved.key == key:
                shard: CompleteShard | None = just_saved
            else:
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
            if shard is just_saved and documents is not None:
                yield from documents
                documents = None  # the same shard again (identical inputs): read back
                continue
            for line in shard.lines:
                yield Document.from_json_line(line)

    def documents(self, items: Iterable[WorkItem]) -> Iterator[Document]:
        """Every document of ``items``, finished, in input order; complete shards are read
        back instead of processed. Call :meth:`count_repetition` first for the repeated-line
        check (``items`` must then be the same, and iterable again). The manifest is
        finalised once all are yielded."""
        for result in self.engine.map_shards(self._plan(items, self._planned), self.factory):
            marker = {
                **self._pending.pop(result.key),
                "counters": result.counters,
                "missing": result.missing,
                "retry": result.retry,
            }
            self.progress.stage_seconds.update(result.stage_seconds)
            self.state.save(result.key, result.lines, marker)
            saved = CompleteShard(result.key, result.lines, marker)
            yield from self._ready(saved, result.documents)
        yield from self._ready()
        if self._order:  # cannot happen unless the engine dropped a shard
            raise RuntimeError(f"{len(self._order)} shard(s) never completed")
        self.progress.shards_pruned = self.state.prune(set(self._keys), set(self._contents))
        self.state.write_manifest(
            {
                "options": self.options,
                "complete": True,
                "shard_size": self.shard_size,
                "shards": self._keys,
            }
        )
        if self._temporary is None:
            self.state_bytes = self.state.size()
