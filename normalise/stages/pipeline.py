"""The chain of stages: read → extract → clean → detect → sentences → translate.

A :class:`Pipeline` holds the state that must be built once per process (loaded models and
caches) and is what every engine runs: in-process, in a pool worker or in a Ray actor.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..inputs.files import WorkItem
from ..record import Document
from ..settings import Settings
from .base import Stage, StageStats
from .clean.repetition import RepeatedLines
from .clean.stage import Clean
from .detect import Detect
from .extract import Extract
from .extracted import ExtractedStore
from .read import Read
from .sentences import Sentences
from .timing import StageTimer
from .translate import Translate


class Pipeline:
    def __init__(
        self,
        settings: Settings | None = None,
        repeated: RepeatedLines | None = None,
        extracted: ExtractedStore | None = None,
    ):
        """``repeated``: the lines that repeat across the run, from the pre-pass
        (:func:`normalise.run.prepass.count_repeated_lines`); None skips that check.
        ``extracted``: the documents the pre-pass read and extracted, taken from there
        instead of being read again; None reads every input."""
        self.settings = settings or Settings()
        self.read = Read(self.settings, extracted)
        self.translate = Translate(self.settings)
        # after read: the stages that take decoded documents
        self.stages: tuple[Stage, ...] = (
            Extract(self.settings),
            Clean(self.settings, repeated),
            Detect(self.settings),
            Sentences(self.settings),
            self.translate,
        )
        self.timer = StageTimer([self.read.name, *(stage.name for stage in self.stages)])

    def process(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Run decoded documents (``raw_text`` set) through extract..translate."""
        stream: Iterable[Document] = docs
        for stage in self.stages:
            stream = self.timer.wrap(stage.name, stage(stream))
        return iter(stream)

    def process_items(self, items: Iterable[WorkItem]) -> Iterator[Document]:
        """Run files or records through the whole chain, read included."""
        return self.process(self.timer.wrap(self.read.name, self.read(items)))

    def start_shard(self) -> None:
        """Fresh per-shard state in every stage (see :meth:`Stage.start_shard`)."""
        for stage in (self.read, *self.stages):
            stage.start_shard()

    def stats(self) -> StageStats:
        """Every stage's stats since the last :meth:`start_shard`, merged."""
        merged = StageStats()
        for stage in (self.read, *self.stages):
            merged.add(stage.stats)
        return merged
