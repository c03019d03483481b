"""The chain of stages: read → extract → clean → detect → segment → translate.

Stages are generators over documents (as in datatrove), so documents stream through and the
same chain runs in-process, in a pool worker or in a Ray actor. A :class:`Pipeline` holds the
state that must be built once per process: loaded models and caches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .record import Document
from .repetition import RepeatedLines
from .settings import Settings
from .sources import WorkItem
from .stages.clean import clean
from .stages.detect import detect
from .stages.extract import extract
from .stages.read import read
from .stages.segment import segment
from .stages.translate import Translate


class Pipeline:
    def __init__(self, settings: Settings | None = None, repeated: RepeatedLines | None = None):
        """``repeated``: the lines that repeat across the run, from the pre-pass
        (:func:`normalise.repetition.count_repeated_lines`); None skips that check."""
        self.settings = settings or Settings()
        self.repeated = repeated
        self.translate = Translate(self.settings)

    def process(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Run decoded documents (``raw_text`` set) through extract..translate."""
        s = self.settings
        stream = extract(docs, s)
        stream = clean(stream, s, self.repeated)
        stream = detect(stream, s)
        stream = segment(stream, s)
        return self.translate(stream)

    def process_items(self, items: Iterable[WorkItem]) -> Iterator[Document]:
        """Run files or records through the whole chain, read included."""
        return self.process(read(items, self.settings))
