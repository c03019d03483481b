"""The Ray engine against a real local Ray instance: the same records as the local engine."""

from __future__ import annotations

from pathlib import Path

import pytest
import ray
from conftest import SEEDS

from normalise.inputs.files import InputFile
from normalise.run.engines import PipelineFactory, make_engine
from normalise.run.engines.ray_engine import RayEngine
from normalise.run.sharded import ShardedRun
from normalise.settings import Settings
from normalise.testing.corpus import seed_articles, write_corpus


@pytest.fixture(scope="module")
def local_ray():
    """A real Ray instance, started and stopped by this module (2 CPUs, no dashboard)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def items_of(folder: Path) -> list[InputFile]:
    paths = sorted(folder.rglob("*.txt"))
    return [InputFile(path, path.relative_to(folder).as_posix()) for path in paths]


def run_lines(state: Path, items, engine, factory) -> list[str]:
    with ShardedRun(state, factory, engine, shard_size=3) as run:
        return [doc.dumps() for doc in run.documents(items)]


def test_ray_and_local_engines_write_identical_records(tmp_path, local_ray, tiny_store):
    items = items_of(write_corpus(tmp_path / "in", 24, seed_articles(SEEDS)))
    factory = PipelineFactory(Settings(models_dir=tiny_store))
    local = run_lines(tmp_path / "local", items, make_engine("local", 2), factory)
    on_ray = run_lines(tmp_path / "ray", items, RayEngine(workers=2), factory)
    assert len(on_ray) == 24
    assert on_ray == local
    assert sum('"status": "translated"' in line for line in on_ray) > 0


def test_ray_run_resumes_from_shards_the_local_engine_wrote(tmp_path, local_ray, tiny_store):
    """Engines share the state format: a run started locally can be finished on Ray."""
    items = items_of(write_corpus(tmp_path / "in", 10, seed_articles(SEEDS)))
    factory = PipelineFactory(Settings(models_dir=tiny_store))
    local = run_lines(tmp_path / "state", items[:6], make_engine("local", 1), factory)
    with ShardedRun(tmp_path / "state", factory, RayEngine(workers=2), shard_size=3) as run:
        lines = [doc.dumps() for doc in run.documents(items)]
    assert lines[:6] == local
    assert run.progress.shards_resumed >= 1
    assert len(lines) == 10


def test_the_pre_pass_runs_on_the_actors_and_gives_the_serial_result(
    tmp_path, local_ray, monkeypatch
):
    """Groups of inputs are counted on Ray actors and merged in input order by the driver;
    the same actors then process the shards (one set of actors for the whole run)."""
    import normalise.run.prepass as prepass
    from normalise.run.prepass import count_repeated_lines

    monkeypatch.setattr(prepass, "COUNT_GROUP_SIZE", 4)
    footer = "Questo articolo è stato prodotto in collaborazione con Agenzia Esempio."
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(10):
        text = f"Il consiglio comunale ha discusso il punto {i} per ore.\n\n{footer}\n"
        (folder / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    items = items_of(folder)
    settings = Settings(repeat_documents=5)
    serial = count_repeated_lines(items, settings)
    with RayEngine(workers=2) as engine:
        on_ray = count_repeated_lines(items, settings, engine=engine)
        actors = list(engine._actors)
        factory = PipelineFactory(settings, repeated=on_ray)
        with ShardedRun(tmp_path / "state", factory, engine, shard_size=3) as run:
            docs = list(run.documents(items))
        assert engine._actors == actors  # the pre-pass's actors served the shards
    assert on_ray == serial and footer in on_ray and on_ray.documents == 10
    assert len(docs) == 10
    assert all(footer not in doc.text for doc in docs)
    assert all(any(r.reason == "repeated_line" for r in doc.removed) for doc in docs)
