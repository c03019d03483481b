"""Executors run the pipeline over work items; stages know nothing about them.

An executor takes the work items of a run and a picklable :class:`PipelineFactory`, and yields
finished documents *in input order*, whatever the number of workers. Each worker builds its
pipeline once (models load once per worker) and keeps it for every shard it processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..pipeline import Pipeline
from ..record import Document
from ..settings import Settings
from ..sources import WorkItem


@dataclass(frozen=True)
class PipelineFactory:
    """Everything a worker needs to build its own :class:`Pipeline`; picklable."""

    settings: Settings
    extras: dict[str, Any] = field(default_factory=dict)

    def __call__(self) -> Pipeline:
        return Pipeline(self.settings, **self.extras)


class Executor(Protocol):
    def run(self, items: Iterable[WorkItem], factory: PipelineFactory) -> Iterator[Document]: ...


class InlineExecutor:
    """Everything in this process: the simplest executor, and the reference for the others."""

    def __init__(self) -> None:
        self.pipeline: Pipeline | None = None

    def run(self, items: Iterable[WorkItem], factory: PipelineFactory) -> Iterator[Document]:
        self.pipeline = factory()
        return self.pipeline.process_items(items)
