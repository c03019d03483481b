"""A one-line progress display for long runs: documents, sentences per second, ETA.

It writes to standard error only, so that ``normalise run - -o -`` stays a clean filter, and
only when enabled (the CLI enables it on a terminal without ``--quiet``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Progress:
    def __init__(
        self,
        total: int | None,
        *,
        enabled: bool,
        stream: TextIO | None = None,
        interval: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.total, self.enabled = total, enabled
        self.stream = stream or sys.stderr
        self.interval, self.clock = interval, clock
        self.started = self._drawn = clock()
        self.documents = self.sentences = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def update(self, sentences: int = 0) -> None:
        """One more document, with this many sentences."""
        self.documents += 1
        self.sentences += sentences
        now = self.clock()
        if self.enabled and now - self._drawn >= self.interval:
            self._drawn = now
            self._draw(self.line(now))

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.sentences / elapsed
        if self.total:
            share = self.documents / self.total
            eta = (self.total - self.documents) * elapsed / max(self.documents, 1)
            return (
                f"normalising {self.documents}/{self.total} documents ({share:.0%}), "
                f"{rate:.1f} sentences/s, ETA {_clock(eta)}"
            )
        return f"normalising {self.documents} documents, {rate:.1f} sentences/s"

    def _draw(self, text: str) -> None:
        self.stream.write("\r\x1b[K" + text)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.documents:
            self._draw(self.line(self.clock()))
            self.stream.write("\n")
            self.stream.flush()
