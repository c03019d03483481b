"""The local engine: a pool of worker processes, one per core by default.

Workers are started with ``spawn`` (CTranslate2's thread pools do not survive ``fork``). One
pool serves the whole run: first the repetition pre-pass (each worker counts the lines of a
group of inputs, :meth:`PoolEngine.map_line_counts`), then the shards. A worker builds its
:class:`~normalise.stages.pipeline.Pipeline` on its first
shard and keeps it for every later shard of
the run (models load once per worker). At most ``2 x workers`` tasks are in flight, so the
input is read, and results come back, at the pace of the workers: memory stays flat however
large the run. A worker whose parent dies (``kill -9`` of the run) exits by itself instead of
lingering.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from itertools import islice
from typing import Any

from ...inputs.files import WorkItem
from ...stages.pipeline import Pipeline
from ..prepass import CountJob, LineCounter, count_lines
from ..shards import Shard, ShardResult, process_shard
from .base import PipelineFactory, available_cores

IN_FLIGHT_PER_WORKER = 2  # one running, one queued: workers never wait, memory stays bounded
_PARENT_POLL_SECONDS = 1.0

# Per worker process: the pipeline of the run's factory, built on the first shard.
_pipeline: tuple[str, Pipeline] | None = None


def _exit_with_parent(parent: int) -> None:
    while True:
        time.sleep(_PARENT_POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(parent: int) -> None:
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _run_shard(shard: Shard, digest: str, factory: bytes) -> ShardResult:
    """Process one shard; the factory travels pickled with it, and is unpickled and built
    only when it differs from the one this worker already holds."""
    global _pipeline
    if _pipeline is None or _pipeline[0] != digest:
        _pipeline = (digest, pickle.loads(factory)())
    return process_shard(_pipeline[1], shard)


def _count(items: list[WorkItem], job: CountJob) -> LineCounter:
    return count_lines(items, job)


class PoolEngine:
    """Process shards on ``workers`` local processes (default: one per available core).

    The pool starts on first use and stays up until :meth:`close` (or the end of a ``with``
    block), so the pre-pass and the main pass share it."""

    name = "local"
    shares_disk = True  # the pre-pass's workers keep what they extract for the main pass

    def __init__(self, workers: int | None = None, start_method: str = "spawn"):
        self.workers = workers or available_cores()
        self.start_method = start_method
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> PoolEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(self.start_method),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    def _bounded(
        self, tasks: Iterable[tuple[Callable[..., Any], tuple]], ordered: bool
    ) -> Iterator[Any]:
        """Submit ``tasks`` with at most ``2 x workers`` in flight; yield results in
        submission order (``ordered``) or as they complete."""
        pool = self._started()
        pending = iter(tasks)
        limit = IN_FLIGHT_PER_WORKER * self.workers
        in_flight: deque[Future] = deque()
        try:
            while True:
                for function, args in islice(pending, limit - len(in_flight)):
                    in_flight.append(pool.submit(function, *args))
                if not in_flight:
                    return
                if ordered:
                    yield in_flight.popleft().result()
                    continue
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=in_flight.index):
                    in_flight.remove(future)
                    yield future.result()
        finally:
            for future in in_flight:
                future.cancel()

    def map_line_counts(
        self, groups: Iterable[list[WorkItem]], job: CountJob
    ) -> Iterator[LineCounter]:
        """The repetition pre-pass, one group of inputs per task, results in group order;
        the workers keep what they extract in ``store``."""
        tasks = ((_count, (group, job)) for group in groups)
        return self._bounded(tasks, ordered=True)

    def map_shards(
        self, shards: Iterable[Shard], factory: PipelineFactory
    ) -> Iterator[ShardResult]:
        threads = max(1, available_cores() // self.workers)
        payload = pickle.dumps(factory.with_threads(threads))
        digest = hashlib.sha256(payload).hexdigest()
        owned = self._pool is None  # started here: stopped here
        try:
            tasks = ((_run_shard, (shard, digest, payload)) for shard in shards)
            yield from self._bounded(tasks, ordered=False)
        finally:
            if owned:
                self.close()
