"""What every engine is: the :class:`Engine` protocol, the picklable :class:`PipelineFactory` it
builds workers' pipelines from, and :class:`InlineEngine`, the reference engine."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol

from ...inputs.files import WorkItem
from ...record import Document
from ...settings import Settings
from ...stages.clean.repetition import RepeatedLines
from ...stages.extracted import ExtractedStore
from ...stages.pipeline import Pipeline
from ..shards import Shard, ShardResult, process_shard


@dataclass(frozen=True)
class PipelineFactory:
    """Everything a worker needs to build its own :class:`Pipeline`; picklable."""

    settings: Settings
    repeated: RepeatedLines | None = None  # the pre-pass's result; None: no such check
    extracted: ExtractedStore | None = None  # what the pre-pass extracted; None: read again

    def __call__(self) -> Pipeline:
        return Pipeline(self.settings, repeated=self.repeated, extracted=self.extracted)

    def with_threads(self, threads: int) -> PipelineFactory:
        """This factory with CTranslate2 held to ``threads`` cores per worker: N workers on N
        cores must not each start a decoder per core (2 workers on 2 cores ran 4 decoding
        threads until both counts were capped). The split is CTranslate2's automatic one
        (parallel decoders first, see ``resolve_threads``) over the worker's share; a count
        the settings fix is kept. (Thread counts do not change translations, so they are not
        part of a run's fingerprint.)"""
        settings = self.settings
        inter = settings.inter_threads or max(1, min(4, threads))
        intra = settings.intra_threads or max(1, threads // inter)
        return replace(self, settings=replace(settings, inter_threads=inter, intra_threads=intra))


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached. (Here, not in ray_engine.py,
    so that the command line can catch it without importing an engine it does not use.)"""


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Engine(Protocol):
    def map_shards(
        self, shards: Iterable[Shard], factory: PipelineFactory
    ) -> Iterator[ShardResult]:
        """Process ``shards``, pulling them lazily (a bounded number in flight) and yielding
        each result as soon as it is ready, in completion order."""
        ...


class InlineEngine:
    """Everything in this process: the simplest engine, and the reference for the others."""

    name = "local"
    in_process = True  # the main pass runs in the process that runs the pre-pass

    def __init__(self) -> None:
        self.pipeline: Pipeline | None = None

    def run(self, items: Iterable[WorkItem], factory: PipelineFactory) -> Iterator[Document]:
        self.pipeline = factory()
        return self.pipeline.process_items(items)

    def map_shards(
        self, shards: Iterable[Shard], factory: PipelineFactory
    ) -> Iterator[ShardResult]:
        if self.pipeline is None:
            self.pipeline = factory()
        for shard in shards:
            yield process_shard(self.pipeline, shard, keep_documents=True)
