"""The one progress display of the command line: a live line on a terminal, a log line every
``LOG_EVERY_S`` seconds otherwise, nothing under ``-q``.

It is fed :class:`~normalise.run.progress.ProgressEvent` objects (from a
:class:`~normalise.run.Run`, or from a download) and redraws on a timer of its own, so it is
live from the first second, while a stage has not finished its first input yet: the walk of
the input folder, the pre-pass, workers loading their models. It writes to standard error
only, so that ``normalise run - -o -`` stays a clean filter.

The time left is shown only once it is stable: after ``Eta.min_seconds`` in the stage, from
the rate over the last ``Eta.window_s`` seconds (start-up costs fall out of the window), and
when the last few estimates of the finishing time agree.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TextIO

from ..run.progress import ProgressEvent
from .common import PROGRESS_LOGGER

LOG_EVERY_S = 30.0  # a progress line in the log this often, when standard error is no terminal
DRAW_EVERY_S = 0.5  # the live line's refresh on a terminal


def clock_text(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Eta:
    """Time left in a stage, from the recent rate, offered only when it has settled."""

    def __init__(
        self,
        window_s: float = 30.0,
        min_seconds: float = 10.0,
        agree: int = 3,
        tolerance: float = 0.2,
    ) -> None:
        self.window_s, self.min_seconds = window_s, min_seconds
        self.agree, self.tolerance = agree, tolerance
        self.started: float | None = None
        self.samples: deque[tuple[float, int]] = deque()
        self.finishes: deque[float] = deque(maxlen=agree)  # estimated finishing times
        self._estimated_at = float("-inf")

    def add(self, now: float, done: int, total: int | None = None) -> None:
        """Record progress; at most once a second, also an estimate of the finishing time."""
        if self.started is None:
            self.started = now
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[0][0] > self.window_s:
            self.samples.popleft()  # a start-up pause leaves the window with it
        rate = self.rate()
        if total is not None and rate and now - self._estimated_at >= 1.0:
            self.finishes.append(now + max(total - done, 0) / rate)
            self._estimated_at = now

    def rate(self) -> float | None:
        """Inputs per second over the window; None until there is a span to measure."""
        if len(self.samples) < 2:
            return None
        (t0, d0), (t1, d1) = self.samples[0], self.samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else None

    def left(self, now: float, done: int, total: int | None) -> float | None:
        """Seconds left, or None while the estimate is not yet worth showing: too early in
        the stage, or the last estimates of the finishing time still disagree."""
        rate = self.rate()
        if total is None or not rate or self.started is None:
            return None
        if now - self.started < self.min_seconds or len(self.finishes) < self.agree:
            return None
        left = max(total - done, 0) / rate
        spread = max(self.finishes) - min(self.finishes)
        return left if spread <= self.tolerance * max(left, 1.0) else None


def _amount(done: float, total: float | None, unit: str) -> str:
    if unit == "bytes":
        mib = 2**20
        return f"{done / mib:.1f}/{total / mib:.1f} MiB" if total else f"{done / mib:.1f} MiB"
    return f"{done:,}/{total:,} {unit}" if total is not None else f"{done:,} {unit}"


class ProgressDisplay:
    """Shows the current stage, inputs done (of the total, when known), inputs and sentences
    per second, and the time left once stable.

    ``mode`` is ``"tty"`` (a line redrawn in place), ``"log"`` (an INFO line on the
    ``normalise.progress`` logger every ``LOG_EVERY_S``) or ``"off"``. Use it as a context
    manager; call it with events, or :meth:`stage` for the CLI's own steps."""

    def __init__(
        self,
        mode: str,
        *,
        unit: str = "documents",
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        every_s: float | None = None,
    ) -> None:
        self.mode, self.unit = mode, unit
        self.stream = stream or sys.stderr
        self.clock = clock
        self.every_s = every_s or (DRAW_EVERY_S if mode == "tty" else LOG_EVERY_S)
        self.started = clock()
        self.name, self.done, self.total, self.sentences = "starting", 0, None, 0
        self.stage_started = self.started
        self.eta = Eta()
        self._sentence_eta = Eta()  # only its rate is used
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._drawn = False

    @classmethod
    def for_stream(cls, quiet: bool, stream: TextIO | None = None, **kwargs) -> ProgressDisplay:
        """Live on a terminal, in the log otherwise, off under -q."""
        stream = stream or sys.stderr
        mode = "off" if quiet else "tty" if stream.isatty() else "log"
        return cls(mode, stream=stream, **kwargs)

    def __enter__(self) -> ProgressDisplay:
        if self.mode != "off":
            self._thread = threading.Thread(target=self._loop, name="progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def stage(self, name: str, total: int | None = None) -> None:
        """Start a stage that reports no inputs (listing the input folder, say)."""
        self(ProgressEvent(name, 0, total))

    def __call__(self, event: ProgressEvent) -> None:
        now = self.clock()
        with self._lock:
            if event.stage != self.name:
                self.name, self.stage_started = event.stage, now
                self.eta, self._sentence_eta = Eta(), Eta()
            self.done, self.total, self.sentences = event.done, event.total, event.sentences
            self.eta.add(now, event.done, event.total)
            self._sentence_eta.add(now, event.sentences)

    def line(self, now: float | None = None) -> str:
        """The progress line as it would be shown at ``now``."""
        now = self.clock() if now is None else now
        with self._lock:
            parts = [f"[{clock_text(now - self.started)}] {self.name}"]
            if self.total is not None or self.done:
                amount = _amount(self.done, self.total, self.unit)
                if self.total:
                    amount += f" ({self.done / self.total:.0%})"
                parts[0] += " " + amount
            rates = []
            rate = self.eta.rate()
            if rate is not None and self.done:
                per_s = "MiB/s" if self.unit == "bytes" else f"{self._short_unit()}/s"
                rates.append(f"{rate / 2**20 if self.unit == 'bytes' else rate:.1f} {per_s}")
                sentence_rate = self._sentence_eta.rate()
                if self.sentences and sentence_rate is not None:
                    rates.append(f"{sentence_rate:.1f} sentences/s")
            left = self.eta.left(now, self.done, self.total)
            if left is not None:
                rates.append(f"ETA {clock_text(left)}")
            elif self.mode == "tty" and self.total and 0 < self.done < self.total:
                rates.append("ETA …")  # on a terminal: it comes once the rate settles
            return ", ".join(parts + rates)

    def _short_unit(self) -> str:
        return {"documents": "docs"}.get(self.unit, self.unit)

    def echo(self, text: str) -> None:
        """Print a line of text without tearing the live line."""
        with self._lock:
            if self.mode == "tty" and self._drawn:
                self.stream.write("\r\x1b[K")
            self.stream.write(text + "\n")
            self.stream.flush()

    def tick(self, now: float | None = None) -> None:
        """Draw (terminal) or log (otherwise) the current line once."""
        text = self.line(now)
        if self.mode == "tty":
            with self._lock:
                self.stream.write("\r\x1b[K" + text)
                self.stream.flush()
                self._drawn = True
        elif self.mode == "log":
            logging.getLogger(PROGRESS_LOGGER).info(text)

    def _loop(self) -> None:
        if self.mode == "tty":
            self.tick()
        while not self._stop.wait(self.every_s):
            self.tick()

    def close(self) -> None:
        """Stop redrawing; a terminal keeps the last line."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.mode == "tty" and self._drawn:
            self.tick()
            with self._lock:
                self.stream.write("\n")
                self.stream.flush()
                self._drawn = False
