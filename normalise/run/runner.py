"""One run: the pre-pass, the documents through the stages on an engine, duplicates flagged,
and the report. The CLI and :func:`normalise.normalise` both call :class:`Run`; they differ
only in where documents come from and where they go."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from ..inputs import Inputs
from ..record import Document
from ..settings import Settings
from ..stages.clean.repetition import RepeatedLines
from ..stages.extracted import MEMORY_CHARS, ExtractedStore
from ..stages.pipeline import Pipeline
from .duplicates import DuplicateFlagger
from .engines import Engine, PipelineFactory
from .prepass import prepass, threshold_of
from .progress import NORMALISING, PREPASS, OnProgress, ProgressEvent
from .report import RunReport
from .sharded import DEFAULT_SHARD_SIZE, ShardedRun

log = logging.getLogger("normalise")


class Run:
    """A run of ``settings`` over some :class:`~normalise.inputs.Inputs`.

    With an ``engine``, documents are processed in shards whose results are saved in
    ``state_dir`` (a temporary folder when None), so an interrupted run resumes; the engine is
    closed when the run ends. Without one, documents stream through one in-process
    :class:`Pipeline` (``pipeline``, or one built here) with nothing saved: the Python API's
    way, lazy and light. Either way :meth:`documents` yields every document in input order and
    :attr:`report` holds the run's report once they have all been yielded::

        run = Run(settings, make_engine("local", None), state_dir=Path("out/corpus.jsonl.parts"))
        for doc in run.documents(open_inputs("articles/", settings.extensions)):
            ...
        run.report.to_json()
    """

    def __init__(
        self,
        settings: Settings,
        engine: Engine | None = None,
        *,
        state_dir: Path | None = None,
        shard_size: int = DEFAULT_SHARD_SIZE,
        fresh: bool = False,
        pipeline: Pipeline | None = None,
        on_note: Callable[[str], None] = log.warning,
        on_progress: OnProgress | None = None,
    ) -> None:
        if pipeline is not None and engine is not None:
            raise ValueError("a pipeline is for in-process runs; an engine builds its own")
        self.settings = settings
        self.engine = engine
        self.state_dir = state_dir
        self.shard_size = shard_size
        self.fresh = fresh
        self.pipeline = pipeline
        self.on_note = on_note
        self.on_progress = on_progress
        self.report = RunReport(boilerplate_kept=settings.keep_boilerplate)
        self.sharded: ShardedRun | None = None  # while and after a sharded run: its state
        # what the pre-pass read and extracted, for the main pass (see stages/extracted.py)
        self.extracted: ExtractedStore | None = None
        self.prepass_seconds: dict[str, float] = {}

    def _progress(self, stage: str, done: int, total: int | None, sentences: int = 0) -> None:
        if self.on_progress is not None:
            self.on_progress(ProgressEvent(stage, done, total, sentences))

    def prepass(self, inputs: Inputs) -> RepeatedLines | None:
        """Lines repeated across the inputs; None when the inputs can be read only once, or a
        pipeline was given (it carries its own). The documents read on the way are kept in
        :attr:`extracted` (beside the run's state, or in a temporary folder) until the run
        ends, so that the main pass reads and extracts nothing again."""
        if self.pipeline is not None:
            return None
        if not self._rereadable(inputs):
            return None
        counting = self.engine if hasattr(self.engine, "map_line_counts") else None
        if threshold_of(self.settings).enabled:  # with the check off, nothing is read
            self._keep_extracted()
            self._progress(PREPASS, 0, inputs.total)
        repeated, self.prepass_seconds = prepass(
            inputs.items,
            self.settings,
            engine=counting,
            store=self.extracted,
            on_counted=lambda done: self._progress(PREPASS, done, inputs.total),
        )
        return repeated

    def _keep_extracted(self) -> None:
        """A store for what the pre-pass reads and extracts, where the main pass can read it
        back: in this process, or on workers that share this machine's disk (not a cluster)."""
        counts_here = not hasattr(self.engine, "map_line_counts")
        if counts_here or getattr(self.engine, "shares_disk", False):
            # both passes in this process: the store may hold documents in memory
            in_process = self.engine is None or getattr(self.engine, "in_process", False)
            memory = MEMORY_CHARS if counts_here and in_process else 0
            self.extracted = ExtractedStore.create(self.state_dir, memory)

    @staticmethod
    def _rereadable(inputs: Inputs) -> bool:
        if not inputs.rereadable:
            log.info("%s is read once: the repeated-line check is off", inputs.description)
        return inputs.rereadable

    def documents(self, inputs: Inputs) -> Iterator[Document]:
        """Every document of ``inputs``, finished, in input order."""
        try:
            for skipped in inputs.skipped:
                self.report.skip(skipped)
            self.report.excluded = [
                {"source": entry.relpath, "reason": entry.reason} for entry in inputs.excluded
            ]
            if self.engine is None:
                stream = self._in_process(inputs, self.prepass(inputs))
                self._progress(NORMALISING, 0, inputs.total)
            else:
                stream = self._sharded(inputs)  # the pre-pass is the sharded run's own
            done = sentences = 0
            for doc in DuplicateFlagger()(stream):
                self.report.add(doc)
                done += 1
                sentences += sum(len(segment.sentences) for segment in doc.segments)
                self._progress(NORMALISING, done, inputs.total, sentences)
                yield doc
            self.report.stage_seconds = {**self.prepass_seconds, **self.report.stage_seconds}
            self.report.finish()
        finally:
            if self.engine is not None and hasattr(self.engine, "close"):
                self.engine.close()
            if self.extracted is not None:
                self.extracted.close()

    def _in_process(self, inputs: Inputs, repeated: RepeatedLines | None) -> Iterator[Document]:
        pipeline = self.pipeline or Pipeline(
            self.settings, repeated=repeated, extracted=self.extracted
        )
        self.pipeline = pipeline
        yield from pipeline.process_items(inputs.items)
        stats = pipeline.stats()
        self.report.counters = dict(sorted(stats.counters.items()))
        self.report.missing_models = sorted(stats.missing_models)
        self.report.stage_seconds = pipeline.timer.seconds()
        self.report.execution = {"engine": "in-process", "workers": 1}

    def _sharded(self, inputs: Inputs) -> Iterator[Document]:
        """Shards on the engine. The repetition pre-pass runs once the state is open: it keeps
        each shard's line keys there, and reads only inputs it has no keys for."""
        assert self.engine is not None
        factory = PipelineFactory(self.settings)
        sharded = ShardedRun(
            self.state_dir, factory, self.engine, shard_size=self.shard_size, fresh=self.fresh
        )
        self.sharded = sharded
        with sharded:
            if sharded.state.changed_options:
                self.on_note(
                    f"the saved progress in {sharded.state.root} was made with other options "
                    f"(changed: {', '.join(sharded.state.changed_options)}); it is not reused, "
                    "and is removed when this run completes"
                )
            if self._rereadable(inputs) and threshold_of(self.settings).enabled:
                self._keep_extracted()
                self._progress(PREPASS, 0, inputs.total)
                sharded.count_repetition(
                    inputs.items,
                    self.extracted,
                    on_counted=lambda done: self._progress(PREPASS, done, inputs.total),
                )
                self.prepass_seconds = sharded.prepass_seconds
            self._progress(NORMALISING, 0, inputs.total)
            yield from sharded.documents(inputs.items)
        progress = sharded.progress
        self.report.missing_models = sorted(progress.missing)
        self.report.counters = dict(sorted(progress.counters.items()))
        self.report.stage_seconds = dict(progress.stage_seconds)
        self.report.execution = {
            "engine": getattr(self.engine, "name", type(self.engine).__name__),
            "workers": getattr(self.engine, "workers", None) or 1,
            "shards": progress.shards,
            "shards_resumed": progress.shards_resumed,
            "documents_resumed": progress.documents_resumed,
            "shards_redone": sum(progress.redone.values()),
            "redone_because": dict(sorted(progress.redone.items())),
            "prepass_documents_read": progress.prepass_read,
            "state": str(self.state_dir) if self.state_dir else None,
            "state_bytes": sharded.state_bytes,
        }
