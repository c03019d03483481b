"""The Ray engine: the same shards on Ray actors, on this machine or on a cluster.

Each actor is a stateful worker that builds its :class:`~normalise.pipeline.Pipeline` once
(models load once per actor) and processes whole shards, so the sentences of many documents
share a translation batch exactly as in the local engine, and the records are byte-identical
to it. Results come back to the driver, which alone writes the output: the nodes of a cluster
need no shared output folder, only the models (installed on every node, or on shared storage
at the same path) and ``normalise`` itself.

Install with ``pip install 'normalise[ray]'``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from . import PipelineFactory, available_cores
from .pool import IN_FLIGHT_PER_WORKER
from .shards import Shard, ShardResult, process_shard


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached."""


def _import_ray():
    try:
        import ray
    except ImportError:
        raise RayUnavailable("the Ray engine needs Ray: pip install 'normalise[ray]'") from None
    return ray


class _ShardWorker:
    """The actor body: one pipeline, many shards."""

    def __init__(self, factory: PipelineFactory):
        self.pipeline = factory()

    def process(self, shard: Shard) -> ShardResult:
        return process_shard(self.pipeline, shard)


class RayExecutor:
    """Process shards on ``workers`` Ray actors (one CPU each).

    ``address`` None starts a private local Ray instance with ``workers`` CPUs (and stops it
    at the end); ``"auto"`` or ``"ray://host:port"`` joins an existing cluster, where
    ``workers`` defaults to the cluster's CPU count. If Ray is already initialised in this
    process (a test, a notebook), that instance is used as it is.
    """

    def __init__(self, workers: int | None = None, address: str | None = None):
        self.workers = workers
        self.address = address

    def _connect(self, ray: Any) -> bool:
        """Initialise Ray if needed; True if we started it (and so must shut it down)."""
        if ray.is_initialized():
            return False
        try:
            if self.address:
                ray.init(
                    address=self.address,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.WARNING,
                )
            else:
                ray.init(
                    num_cpus=self.workers or available_cores(),
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.WARNING,
                )
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = self.address or "a local instance"
            raise RayUnavailable(f"cannot start or reach Ray at {where}: {error}") from None
        return True

    def map_shards(
        self, shards: Iterable[Shard], factory: PipelineFactory
    ) -> Iterator[ShardResult]:
        ray = _import_ray()
        started = self._connect(ray)
        try:
            workers = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            self.workers = workers  # as used, for the report
            actor_class = ray.remote(num_cpus=1)(_ShardWorker)
            one_thread = factory.with_threads(1)
            actors = [actor_class.remote(one_thread) for _ in range(workers)]
            yield from self._schedule(ray, actors, iter(shards))
        finally:
            if started:
                ray.shutdown()

    @staticmethod
    def _schedule(ray: Any, actors: list, pending: Iterator[Shard]) -> Iterator[ShardResult]:
        """Keep every actor busy with at most IN_FLIGHT_PER_WORKER shards each; the least
        loaded actor gets the next shard, so long shards do not hold up a queue."""
        load = {index: 0 for index in range(len(actors))}
        owner: dict[Any, int] = {}
        while True:
            for shard in islice(pending, IN_FLIGHT_PER_WORKER * len(actors) - len(owner)):
                index = min(load, key=lambda i: (load[i], i))
                owner[actors[index].process.remote(shard)] = index
                load[index] += 1
            if not owner:
                return
            done, _ = ray.wait(list(owner), num_returns=1)
            for ref in done:
                load[owner.pop(ref)] -= 1
                yield ray.get(ref)
