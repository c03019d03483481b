"""Engines run the pipeline over the shards of a run; stages know nothing about them.

An engine takes the shards of a run (see :mod:`normalise.run.shards`) and a picklable
:class:`PipelineFactory`, and yields a :class:`~normalise.run.shards.ShardResult` for each as it
completes, in any order; :class:`~normalise.run.sharded.ShardedRun` puts them back in input
order. Each worker builds its pipeline once (models load once per worker) and keeps it for every
shard it processes.

Engines: :class:`InlineEngine` (this process), :class:`~.pool.PoolEngine` (a local process
pool, the default) and :class:`~.ray_engine.RayEngine` (``pip install 'normalise[ray]'``). A new
engine implements :class:`Engine` (and, to run the pre-pass on its workers,
:class:`~normalise.run.prepass.CountingEngine`) and is named in :func:`make_engine`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import Engine, InlineEngine, PipelineFactory, RayUnavailable, available_cores

if TYPE_CHECKING:
    from .pool import PoolEngine
    from .ray_engine import RayEngine

ENGINES = ("local", "ray")
# imported on first use: a run with one worker needs neither multiprocessing nor Ray's engine
_LAZY = {"PoolEngine": ".pool", "RayEngine": ".ray_engine"}

__all__ = [
    "ENGINES",
    "Engine",
    "InlineEngine",
    "PipelineFactory",
    "PoolEngine",
    "RayEngine",
    "RayUnavailable",
    "available_cores",
    "make_engine",
]


def make_engine(engine: str, workers: int | None, address: str | None = None) -> Engine:
    """The engine for ``--engine``/``--workers``/``--address``. One local worker runs in this
    process (no pool to start); Ray itself is imported only when a Ray engine starts."""
    if engine == "ray":
        from .ray_engine import RayEngine

        return RayEngine(workers, address)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if workers == 1:
        return InlineEngine()
    from .pool import PoolEngine

    return PoolEngine(workers)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
