"""The local engine: a pool of worker processes, one per core by default.

Workers are started with ``spawn`` (CTranslate2's thread pools do not survive ``fork``), build
their :class:`~normalise.pipeline.Pipeline` once in the initializer (models load once per
worker) and then process shard after shard. At most ``2 x workers`` shards are in flight, so
the input is read, and results come back, at the pace of the workers: memory stays flat
however large the run. A worker whose parent dies (``kill -9`` of the run) exits by itself
instead of lingering.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from itertools import islice

from ..pipeline import Pipeline
from . import PipelineFactory, available_cores
from .shards import Shard, ShardResult, process_shard

IN_FLIGHT_PER_WORKER = 2  # one running, one queued: workers never wait, memory stays bounded
_PARENT_POLL_SECONDS = 1.0

_pipeline: Pipeline | None = None  # one per worker process


def _exit_with_parent(parent: int) -> None:
    while True:
        time.sleep(_PARENT_POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(factory: PipelineFactory, parent: int) -> None:
    global _pipeline
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _pipeline = factory()


def _run_shard(shard: Shard) -> ShardResult:
    assert _pipeline is not None, "worker not initialised"
    return process_shard(_pipeline, shard)


class PoolExecutor:
    """Process shards on ``workers`` local processes (default: one per available core)."""

    def __init__(self, workers: int | None = None, start_method: str = "spawn"):
        self.workers = workers or available_cores()
        self.start_method = start_method

    def map_shards(
        self, shards: Iterable[Shard], factory: PipelineFactory
    ) -> Iterator[ShardResult]:
        threads = max(1, available_cores() // self.workers)
        context = multiprocessing.get_context(self.start_method)
        pending = iter(shards)
        limit = IN_FLIGHT_PER_WORKER * self.workers
        with ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(factory.with_threads(threads), os.getpid()),
        ) as pool:
            in_flight: set[Future[ShardResult]] = set()
            try:
                while True:
                    for shard in islice(pending, limit - len(in_flight)):
                        in_flight.add(pool.submit(_run_shard, shard))
                    if not in_flight:
                        return
                    done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=lambda f: f.result().index):
                        yield future.result()
            finally:
                for future in in_flight:
                    future.cancel()
