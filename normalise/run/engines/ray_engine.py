"""The Ray engine: the same shards on Ray actors, on this machine or on a cluster.

Each actor is a stateful worker that builds its :class:`~normalise.stages.pipeline.Pipeline` once
(models load once per actor) and processes whole shards, so the sentences of many documents
share a translation batch exactly as in the local engine, and the records are byte-identical
to it. Results come back to the driver, which alone writes the output: the nodes of a cluster
need no shared output folder, only the models (installed on every node, or on shared storage
at the same path) and ``normalise`` itself.

Install with ``pip install 'normalise[ray]'``.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from ...inputs.files import WorkItem
from ...stages.pipeline import Pipeline
from ..prepass import CountJob, LineCounter, count_lines
from ..shards import Shard, ShardResult, process_shard
from .base import PipelineFactory, RayUnavailable, available_cores
from .pool import IN_FLIGHT_PER_WORKER


def _import_ray():
    try:
        import ray
    except ImportError:
        raise RayUnavailable("the Ray engine needs Ray: pip install 'normalise[ray]'") from None
    return ray


def _ray_log_level() -> int:
    """Ray's own logging (its start-up warnings) as loud as ours, at most WARNING: quiet when
    ``normalise -q`` raised our level. ``ray.init`` sets the ``ray`` logger to this."""
    return max(logging.WARNING, logging.getLogger("normalise").getEffectiveLevel())


class _Worker:
    """The actor body: counts lines for the pre-pass, then processes shards with one pipeline.

    The pipeline is built on the first shard, from a factory sent by reference and fetched
    only when its digest differs from the one this actor holds: the factory carries the
    pre-pass's repeated lines, so it exists only once the pre-pass is done, and it should
    cross the network once per actor, not once per shard."""

    def __init__(self) -> None:
        self._pipeline: tuple[str, Pipeline] | None = None

    def count(self, items: list[WorkItem], job: CountJob) -> LineCounter:
        return count_lines(items, job)

    def process(self, shard: Shard, digest: str, factory: list) -> ShardResult:
        if self._pipeline is None or self._pipeline[0] != digest:
            import ray

            (ref,) = factory  # wrapped in a list, so that Ray does not resolve it every call
            self._pipeline = (digest, ray.get(ref)())
        return process_shard(self._pipeline[1], shard)


class RayEngine:
    """Process shards on ``workers`` Ray actors (one CPU each).

    ``address`` None starts a private local Ray instance with ``workers`` CPUs (and stops it
    at the end); ``"auto"`` or ``"ray://host:port"`` joins an existing cluster, where
    ``workers`` defaults to the cluster's CPU count. If Ray is already initialised in this
    process (a test, a notebook), that instance is used as it is.

    As with the local pool, the actors start on first use and serve the whole run, the
    repetition pre-pass (:meth:`map_line_counts`) and then the shards, until :meth:`close`:
    the pre-pass runs on the cluster, not in the driver, and the actors warm up meanwhile.
    """

    name = "ray"

    def __init__(self, workers: int | None = None, address: str | None = None):
        self.workers = workers
        self.address = address
        self._ray: Any = None
        self._started_ray = False
        self._actors: list = []

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
                    logging_level=_ray_log_level(),
                )
            else:
                ray.init(
                    num_cpus=self.workers or available_cores(),
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=_ray_log_level(),
                )
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = self.address or "a local instance"
            raise RayUnavailable(f"cannot start or reach Ray at {where}: {error}") from None
        return True

    def _started(self) -> tuple[Any, list]:
        if not self._actors:
            ray = _import_ray()
            self._started_ray = self._connect(ray)
            self._ray = ray
            workers = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            self.workers = workers  # as used, for the report
            actor_class = ray.remote(num_cpus=1)(_Worker)
            self._actors = [actor_class.remote() for _ in range(workers)]
        return self._ray, self._actors

    def close(self) -> None:
        if self._ray is not None:
            for actor in self._actors:
                self._ray.kill(actor)
            if self._started_ray:
                self._ray.shutdown()
        self._ray, self._actors, self._started_ray = None, [], False

    @property
    def shares_disk(self) -> bool:
        """A private local Ray runs on this machine; a cluster's nodes may not share a disk,
        so there the pre-pass keeps nothing for the main pass (which extracts again)."""
        return self.address is None

    def map_line_counts(
        self, groups: Iterable[list[WorkItem]], job: CountJob
    ) -> Iterator[LineCounter]:
        """The repetition pre-pass on the actors, one group of inputs per task, results in
        group order (the merge must not depend on which actor finished first)."""
        ray, actors = self._started()
        limit = IN_FLIGHT_PER_WORKER * len(actors)
        in_flight: deque = deque()
        pending = iter(groups)
        turn = 0
        while True:
            for group in islice(pending, limit - len(in_flight)):
                in_flight.append(actors[turn % len(actors)].count.remote(group, job))
                turn += 1
            if not in_flight:
                return
            yield ray.get(in_flight.popleft())

    def map_shards(
        self, shards: Iterable[Shard], factory: PipelineFactory
    ) -> Iterator[ShardResult]:
        owned = not self._actors  # started here: stopped here
        try:
            ray, actors = self._started()
            one_thread = factory.with_threads(1)
            digest = hashlib.sha256(pickle.dumps(one_thread)).hexdigest()
            reference = [ray.put(one_thread)]
            yield from self._schedule(ray, actors, iter(shards), digest, reference)
        finally:
            if owned:
                self.close()

    @staticmethod
    def _schedule(
        ray: Any, actors: list, pending: Iterator[Shard], digest: str, factory: list
    ) -> Iterator[ShardResult]:
        """Keep every actor busy with at most IN_FLIGHT_PER_WORKER shards each; the least
        loaded actor gets the next shard, so long shards do not hold up a queue."""
        load = {index: 0 for index in range(len(actors))}
        owner: dict[Any, int] = {}
        while True:
            for shard in islice(pending, IN_FLIGHT_PER_WORKER * len(actors) - len(owner)):
                index = min(load, key=lambda i: (load[i], i))
                owner[actors[index].process.remote(shard, digest, factory)] = index
                load[index] += 1
            if not owner:
                return
            done, _ = ray.wait(list(owner), num_returns=1)
            for ref in done:
                load[owner.pop(ref)] -= 1
                yield ray.get(ref)
