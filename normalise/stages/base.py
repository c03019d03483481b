"""The shape every stage has: documents in, documents out, in order, plus stats for the report.

Stages are generators over :class:`~normalise.record.Document` objects (as in datatrove), so
documents stream through and the same chain runs in-process, in a pool worker or in a Ray
actor. Engines and the run see stages only through this shape: they call
:meth:`Stage.start_shard` before a shard and read :attr:`Stage.stats` after it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from ..record import Document, Status
from ..settings import Settings

log = logging.getLogger("normalise")


@dataclass
class StageStats:
    """What stages tell the report: event counts (``sentences_translated``, ``cache_hits``)
    and the languages that needed a translation model that is not installed."""

    counters: Counter[str] = field(default_factory=Counter)
    missing_models: set[str] = field(default_factory=set)

    def add(self, other: StageStats) -> None:
        self.counters.update(other.counters)
        self.missing_models |= other.missing_models


class Stage:
    """A step of the chain. Subclasses set :attr:`name` and implement :meth:`process` (one
    document at a time) or override :meth:`__call__` (a stage that needs several documents at
    once, such as translation)."""

    name: ClassVar[str]

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stats = StageStats()

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        return map_documents(self.name, self.process, docs)

    def process(self, doc: Document) -> Document:
        raise NotImplementedError

    def start_shard(self) -> None:
        """Forget per-shard state and stats, so that a shard's output and stats depend on its
        own documents only, never on what the worker did before."""
        self.stats = StageStats()


def map_documents(
    stage: str, function: Callable[[Document], Document], docs: Iterable[Document]
) -> Iterator[Document]:
    """``function`` over each unfinished document; finished ones pass through, and an
    unexpected exception becomes an ``error`` status for that one document, so that bad input
    never costs another document its output."""
    for doc in docs:
        if doc.finished:
            yield doc
            continue
        try:
            yield function(doc)
        except Exception as error:  # one bad document must not end the run
            log.debug("%s failed on %s", stage, doc.source, exc_info=True)
            yield doc.fail(Status.ERROR, f"{stage} failed: {type(error).__name__}: {error}")
