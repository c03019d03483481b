"""Corpus-level repetition: a line found in many documents of one run is boilerplate.

A syndication footer ("This story was produced by ..."), a site's newsletter blurb or its
menu repeats across every article of a crawl, while article prose almost never does. Whether a
line repeats is a fact about the whole run, so it is counted in a *pre-pass* over all inputs,
before the main pass: :func:`count_repeated_lines` returns a :class:`RepeatedLines` that every
worker's pipeline receives (``PipelineFactory(settings, extras={"repeated": ...})``). Counting
is a sum over documents, so the result is the same whatever the order of the inputs or the
number of workers.

Memory is bounded: each distinct block of text costs one 64-bit key and one counter in a
dict (about 100 bytes), and at most ``max_lines`` keys are held (default 2,000,000, about
200 MB). When a run has more distinct lines than that, only keys below a bound are tracked,
and the bound halves until they fit: which keys are tracked then depends only on the set of
lines, never on the order, so the result stays deterministic and every count stays exact. The
cost is that a share of the lines (reported as ``coverage``) is never flagged, so a very large
run misses some repeated lines rather than removing content.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

from .settings import Settings
from .sources import WorkItem
from .text.reflow import split_blocks

KEY_BITS = 64
DEFAULT_MAX_LINES = 2_000_000
COUNT_GROUP_SIZE = 100  # inputs per pre-pass task on a worker
_NOISE = re.compile(r"[\W_]+")


class ThresholdError(ValueError):
    """A ``--repeat-threshold`` value that cannot be parsed; the message shows the forms."""


@dataclass(frozen=True)
class RepeatThreshold:
    """A line is repeated when found in at least ``documents`` documents and at least
    ``share`` of the run's documents. Zero for both turns the check off."""

    documents: int = 5
    share: float = 0.0

    @property
    def enabled(self) -> bool:
        return self.documents > 0 or self.share > 0

    def minimum(self, total_documents: int) -> int:
        """The number of documents a line needs, for a run of ``total_documents``."""
        return max(self.documents, math.ceil(self.share * total_documents), 2)

    @classmethod
    def parse(cls, value: str) -> RepeatThreshold:
        """``5`` (documents), ``2%`` or ``0.02`` (share of documents), ``5,2%`` (both), ``0``
        (off)."""
        documents, share = 0, 0.0
        for part in value.replace(" ", "").split(","):
            try:
                if part.endswith("%"):
                    share = float(part[:-1]) / 100
                elif "." in part:
                    share = float(part)
                else:
                    documents = int(part)
            except ValueError:
                raise ThresholdError(
                    f"bad repeat threshold {value!r}: use a number of documents (5), a share "
                    "(2% or 0.02), both (5,2%), or 0 to turn the check off"
                ) from None
        if documents < 0 or not 0 <= share <= 1:
            raise ThresholdError(f"bad repeat threshold {value!r}: out of range")
        return cls(documents, share)


def line_key(text: str) -> int:
    """A 64-bit key for a line, blind to case, whitespace and punctuation."""
    normalised = _NOISE.sub(" ", text.casefold()).strip()
    digest = hashlib.blake2b(normalised.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass(frozen=True)
class RepeatedLines:
    """The result of the pre-pass: which lines repeat. Picklable, small."""

    keys: frozenset[int]
    documents: int = 0  # documents counted
    minimum: int = 0  # documents a line needed
    coverage: float = 1.0  # share of distinct lines that were tracked

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and line_key(text) in self.keys

    def __bool__(self) -> bool:
        return bool(self.keys)


class LineCounter:
    """Counts, per line key, the number of distinct documents it appears in."""

    def __init__(self, max_lines: int = DEFAULT_MAX_LINES):
        self.max_lines = max_lines
        self.counts: dict[int, int] = {}
        self.documents = 0
        self.level = 0  # keys below 2**(KEY_BITS - level) are tracked

    def _tracked(self, key: int) -> bool:
        return key >> (KEY_BITS - self.level) == 0 if self.level else True

    def _shrink(self) -> None:
        while len(self.counts) > self.max_lines:
            self.level += 1
            self.counts = {key: n for key, n in self.counts.items() if self._tracked(key)}

    def add_document(self, lines: Iterable[str]) -> None:
        self.documents += 1
        for key in {line_key(line) for line in lines if line.strip()}:
            if self._tracked(key):
                self.counts[key] = self.counts.get(key, 0) + 1
        self._shrink()

    def merge(self, other: LineCounter) -> None:
        """Add another counter's counts (a shard of the same run)."""
        self.documents += other.documents
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


def _batches(items: Iterable[WorkItem]) -> Iterator[list[WorkItem]]:
    pending = iter(items)
    while batch := list(islice(pending, COUNT_GROUP_SIZE)):
        yield batch


class CountingExecutor(Protocol):
    def map_line_counts(
        self, groups: Iterable[list[WorkItem]], settings: Settings, max_lines: int
    ) -> Iterator[LineCounter]:
        """:func:`count_lines` over each group, on the executor's workers, in group order."""
        ...


def count_lines(
    items: Iterable[WorkItem], settings: Settings, max_lines: int = DEFAULT_MAX_LINES
) -> LineCounter:
    """Read (and extract) ``items``; count the documents each line is in.

    Lines are the blocks the cleaner will judge (after reflow), so that a footer is matched
    however it was wrapped. Unreadable inputs are skipped here; the main pass reports them.
    """
    from .stages.extract import extract
    from .stages.read import read

    counter = LineCounter(max_lines)
    for doc in extract(read(items, settings), settings):
        if not doc.finished:
            counter.add_document(block.text for block in split_blocks(doc.raw_text))
    return counter


def count_repeated_lines(
    items: Iterable[WorkItem],
    settings: Settings,
    max_lines: int = DEFAULT_MAX_LINES,
    executor: CountingExecutor | None = None,
) -> RepeatedLines:
    """The pre-pass over every input. With an ``executor`` (the local pool) the inputs are
    counted in groups on its workers and the counts merged here: reading and extracting a
    whole run in one process would be the run's serial bottleneck (hours for millions of HTML
    pages), and the workers start up meanwhile. The merged counts are the same sums, so the
    result does not depend on the executor."""
    threshold = RepeatThreshold(settings.repeat_documents, settings.repeat_share)
    if not threshold.enabled:
        return LineCounter(max_lines).result(threshold)
    if executor is None:
        return count_lines(items, settings, max_lines).result(threshold)
    counter = LineCounter(max_lines)
    for part in executor.map_line_counts(_batches(items), settings, max_lines):
        counter.merge(part)
    return counter.result(threshold)
