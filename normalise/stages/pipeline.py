"""The chain of stages: read → extract → clean → detect → segment → translate.

Stages are generators over documents (as in datatrove), so documents stream through and the
same chain runs in-process, in a pool worker or in a Ray actor. A :class:`Pipeline` holds the
state that must be built once per process: loaded models and caches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..inputs.files import WorkItem
from ..record import Document
from ..run.timing import StageTimer
from ..settings import Settings
from .clean.repetition import RepeatedLines
from .clean.stage import clean
from .detect import detect
from .extract import extract
from .read import read
from .segment import segment
from .translate import Translate

STAGES = ("read", "extract", "clean", "detect", "segment", "translate")


class Pipeline:
    def __init__(self, settings: Settings | None = None, repeated: RepeatedLines | None = None):
        """``repeated``: the lines that repeat across the run, from the pre-pass
        (:func:`normalise.run.prepass.count_repeated_lines`); None skips that check."""
        self.settings = settings or Settings()
        self.repeated = repeated
        self.translate = Translate(self.settings)
        self.timer = StageTimer(STAGES)  # time per stage, for the run report

    def process(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Run decoded documents (``raw_text`` set) through extract..translate."""
        s, timed = self.settings, self.timer.wrap
        stream = timed("extract", extract(docs, s))
        stream = timed("clean", clean(stream, s, self.repeated))
        stream = timed("detect", detect(stream, s))
        stream = timed("segment", segment(stream, s))
        return timed("translate", self.translate(stream))

    def process_items(self, items: Iterable[WorkItem]) -> Iterator[Document]:
        """Run files or records through the whole chain, read included."""
        return self.process(self.timer.wrap("read", read(items, self.settings)))
