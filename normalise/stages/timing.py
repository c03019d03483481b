"""Time spent in each pipeline stage, measured from outside the stages.

Stages are chained generators: pulling a document from ``translate`` pulls from ``segment``,
and so on up the chain. The wrapper measures the time spent inside each ``next()`` (inclusive
of the stages upstream); subtracting the upstream stage's inclusive time gives the stage's own
time. Stages know nothing about it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from time import perf_counter
from typing import TypeVar

T = TypeVar("T")


class StageTimer:
    def __init__(
        self, stages: Iterable[str] = (), clock: Callable[[], float] = perf_counter
    ) -> None:
        """``stages``: the chain, upstream first (stages wrapped later are appended)."""
        self._inclusive: dict[str, float] = dict.fromkeys(stages, 0.0)
        self._clock = clock

    def wrap(self, name: str, stream: Iterable[T]) -> Iterator[T]:
        """``stream``, timed as stage ``name``."""
        self._inclusive.setdefault(name, 0.0)
        return self._timed(name, iter(stream))

    def _timed(self, name: str, iterator: Iterator[T]) -> Iterator[T]:
        while True:
            start = self._clock()
            try:
                item = next(iterator)
            except StopIteration:
                self._inclusive[name] += self._clock() - start
                return
            self._inclusive[name] += self._clock() - start
            yield item

    def seconds(self) -> dict[str, float]:
        """Each stage's own time in seconds, in chain order."""
        own, upstream = {}, 0.0
        for name, inclusive in self._inclusive.items():
            own[name] = max(inclusive - upstream, 0.0)
            upstream = inclusive
        return own
