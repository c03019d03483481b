"""The pre-pass: count, over every input of a run, the documents each line appears in.

Whether a line repeats is a fact about the whole run (see
:mod:`normalise.stages.clean.repetition`), so it is counted before the main pass. Counting is a
sum over documents, so the result is the same whatever the order of the inputs or the number of
workers.

Counting needs every input read, decoded and extracted; with an
:class:`~normalise.stages.extracted.ExtractedStore` the pre-pass keeps those documents on disk,
and the main pass goes on from them instead of reading and extracting each input again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from time import perf_counter
from typing import Any, Protocol

from ..batching import batched
from ..inputs.files import WorkItem
from ..settings import Settings
from ..stages.clean.repetition import RepeatedLines, RepeatThreshold, line_key
from ..stages.extract import Extract
from ..stages.extracted import ExtractedStore
from ..stages.read import ReadAhead, read
from ..stages.timing import StageTimer
from ..text.reflow import split_blocks
from .progress import counted

KEY_BITS = 64
DEFAULT_MAX_LINES = 2_000_000
COUNT_GROUP_SIZE = 100  # inputs per pre-pass task on a worker


@dataclass(frozen=True)
class CountJob:
    """What counting a group of inputs needs besides the inputs: sent, pickled, to every
    pre-pass task on an engine's workers."""

    settings: Settings
    max_lines: int = DEFAULT_MAX_LINES
    store: ExtractedStore | None = None  # keeps each document read, for the main pass
    keep_documents: bool = False  # keep each document's line keys (for per-shard keys)
    # inputs read already (to key their shard), in this process: taken instead of read again
    ahead: ReadAhead | None = None


class LineCounter:
    """Counts, per line key, the number of distinct documents it appears in."""

    def __init__(self, max_lines: int = DEFAULT_MAX_LINES, keep_documents: bool = False):
        self.max_lines = max_lines
        self.counts: dict[int, int] = {}
        self.documents = 0
        # with keep_documents, each input's line keys, in order (None: no text, not counted):
        # a resumable run saves them, so that its next pre-pass reads only new inputs
        self.document_keys: list[DocumentKeys] | None = [] if keep_documents else None
        self.level = 0  # keys below 2**(KEY_BITS - level) are tracked
        self.seconds: dict[str, float] = {}  # the pre-pass's time per step, for the report

    def _tracked(self, key: int) -> bool:
        return key >> (KEY_BITS - self.level) == 0 if self.level else True

    def _shrink(self) -> None:
        while len(self.counts) > self.max_lines:
            self.level += 1
            self.counts = {key: n for key, n in self.counts.items() if self._tracked(key)}

    def add_document(self, lines: Iterable[str]) -> None:
        keys = line_keys(lines)
        if self.document_keys is not None:
            self.document_keys.append(keys)
        self.add_keys(keys)

    def add_unreadable(self) -> None:
        """An input without text: not counted, but its place kept in :attr:`document_keys`."""
        if self.document_keys is not None:
            self.document_keys.append(None)

    def add_keys(self, keys: Iterable[int]) -> None:
        """Count one document, given its distinct line keys (:func:`line_keys`)."""
        self.documents += 1
        for key in keys:
            if self._tracked(key):
                self.counts[key] = self.counts.get(key, 0) + 1
        self._shrink()

    def merge(self, other: LineCounter) -> None:
        """Add another counter's counts (a shard of the same run)."""
        self.documents += other.documents
        for step, seconds in other.seconds.items():
            self.seconds[step] = self.seconds.get(step, 0.0) + seconds
        self.level = max(self.level, other.level)
        for key, count in other.counts.items():
            if self._tracked(key):
                self.counts[key] = self.counts.get(key, 0) + count
        self.counts = {key: n for key, n in self.counts.items() if self._tracked(key)}
        self._shrink()

    def result(self, threshold: RepeatThreshold) -> RepeatedLines:
        minimum = threshold.minimum(self.documents)
        keys = frozenset(k for k, n in self.counts.items() if n >= minimum)
        if not threshold.enabled:
            keys = frozenset()
        return RepeatedLines(keys, self.documents, minimum, 2.0**-self.level)


DocumentKeys = list[int] | None  # a document's sorted distinct line keys; None: no text


def line_keys(lines: Iterable[str]) -> list[int]:
    """The distinct keys of the non-blank ``lines`` of one document, sorted."""
    return sorted({line_key(line) for line in lines if line.strip()})


def repeated_in(documents: Iterable[DocumentKeys], repeated: RepeatedLines | None) -> list[int]:
    """The repeated line keys that occur in ``documents`` (their line keys), sorted.

    This is all a shard's records depend on of the pre-pass: the cleaner asks only whether
    each line of a document is in the repeated set. So it is what goes into a shard's key, in
    place of the whole run's result: a new file that tips a line over the threshold changes
    the keys of the shards holding that line, and of no other.
    """
    if not repeated:
        return []
    found = {key for keys in documents if keys for key in keys if key in repeated.keys}
    return sorted(found)


class CountingEngine(Protocol):
    # False when workers may run on other machines: the pre-pass then keeps nothing on disk
    shares_disk: bool

    def map_line_counts(
        self, groups: Iterable[list[WorkItem]], job: CountJob
    ) -> Iterator[LineCounter]:
        """:func:`count_lines` over each group, on the engine's workers, in group order."""
        ...


PREPASS_STEPS = ("prepass_read", "prepass_extract", "prepass_count")


def threshold_of(settings: Settings) -> RepeatThreshold:
    """The run's repeat threshold; when it is off the pre-pass reads nothing."""
    return RepeatThreshold(settings.repeat_documents, settings.repeat_share)


def count_lines(items: Iterable[WorkItem], job: CountJob) -> LineCounter:
    """Read (and extract) ``items``; count the documents each line is in, and keep each
    document in ``store`` for the main pass (and, with ``keep_documents``, each one's line
    keys in the counter's :attr:`~LineCounter.document_keys`).

    Lines are the blocks the cleaner will judge (after reflow), so that a footer is matched
    however it was wrapped. Unreadable inputs are skipped here; the main pass reports them.
    """
    settings, store = job.settings, job.store
    counter = LineCounter(job.max_lines, job.keep_documents)
    timer = StageTimer(PREPASS_STEPS[:2])
    pending: deque[WorkItem] = deque()  # the item whose document is coming: read is 1:1, lazy

    def noted(items: Iterable[WorkItem]) -> Iterator[WorkItem]:
        for item in items:
            pending.append(item)
            yield item

    docs = timer.wrap(
        "prepass_extract",
        Extract(settings)(timer.wrap("prepass_read", read(noted(items), settings, job.ahead))),
    )
    counting = 0.0
    for doc in docs:
        started = perf_counter()
        item = pending.popleft()
        if store is not None:
            store.put(item, doc)
        if not doc.finished:
            counter.add_document(block.text for block in split_blocks(doc.raw_text))
        else:
            counter.add_unreadable()
        counting += perf_counter() - started
    counter.seconds = {**timer.seconds(), "prepass_count": counting}
    return counter


def count_groups(
    groups: Iterable[list[WorkItem]], job: CountJob, engine: object | None = None
) -> Iterator[LineCounter]:
    """:func:`count_lines` over each group, in group order: on the engine's workers when it
    counts (workers that may not share this machine's disk get no store), else here."""
    if not hasattr(engine, "map_line_counts"):
        return (count_lines(group, job) for group in groups)
    if not getattr(engine, "shares_disk", False):
        job = replace(job, store=None)
    return engine.map_line_counts(groups, job)  # type: ignore[union-attr]


def count_repeated_lines(
    items: Iterable[WorkItem], settings: Settings, **options: Any
) -> RepeatedLines:
    """The pre-pass's repeated lines alone; ``options`` are :func:`prepass`'s."""
    return prepass(items, settings, **options)[0]


def prepass(
    items: Iterable[WorkItem],
    settings: Settings,
    max_lines: int = DEFAULT_MAX_LINES,
    engine: CountingEngine | None = None,
    store: ExtractedStore | None = None,
    on_counted: Callable[[int], None] | None = None,
) -> tuple[RepeatedLines, dict[str, float]]:
    """The pre-pass over every input: the repeated lines, and the seconds of each step.
    With an ``engine`` (the local pool) the inputs are counted in groups on its workers and
    the counts merged here: reading and extracting a whole run in one process would be the
    run's serial bottleneck (hours for millions of HTML pages), and the workers start up
    meanwhile. The merged counts are the same sums, so the result does not depend on the
    engine. ``store`` keeps every document read for the main pass; an engine whose workers
    do not share this machine's disk is given none. With the check off there is nothing to
    count and nothing is read.

    ``on_counted(n)`` is told the number of inputs counted so far, as counting goes (for a
    progress display)."""
    threshold = threshold_of(settings)
    if not threshold.enabled:
        return LineCounter(max_lines).result(threshold), {}
    if engine is None:
        if on_counted is not None:
            items = counted(items, on_counted)
        counter = count_lines(items, CountJob(settings, max_lines, store))
        return counter.result(threshold), counter.seconds
    sizes: deque[int] = deque()  # of the groups handed to the engine, not yet merged

    def groups() -> Iterator[list[WorkItem]]:
        for group in batched(items, COUNT_GROUP_SIZE):
            sizes.append(len(group))
            yield group

    counter, done = LineCounter(max_lines), 0
    for part in count_groups(groups(), CountJob(settings, max_lines, store), engine):
        counter.merge(part)
        done += sizes.popleft()
        if on_counted is not None:
            on_counted(done)
    return counter.result(threshold), counter.seconds
