"""Progress events: what a run reports while it works, for whoever displays it.

A :class:`~normalise.run.Run` given ``on_progress`` calls it with a :class:`ProgressEvent`
when a stage starts and as inputs are done; it never prints. The CLI turns the events into
its live display (:mod:`normalise.cli.progress`); a notebook or a job scheduler can log them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

PREPASS = "pre-pass"  # reading every input once to find lines repeated across documents
NORMALISING = "normalising"  # the documents through the stages, in input order

T = TypeVar("T")


@dataclass(frozen=True)
class ProgressEvent:
    """``done`` of ``total`` inputs (None: not known, a stream) of ``stage``; ``sentences``
    is the running count of sentences in the documents done (the main pass only)."""

    stage: str
    done: int
    total: int | None = None
    sentences: int = 0


OnProgress = Callable[[ProgressEvent], None]


def counted(items: Iterable[T], report: Callable[[int], None]) -> Iterator[T]:
    """``items`` unchanged, calling ``report(n)`` with the number handed out so far each time
    the consumer asks for the next one (so ``n`` items are done, or being done)."""
    n = 0
    for item in items:
        yield item
        n += 1
        report(n)
