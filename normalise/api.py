"""The Python API: ``normalise.normalise(texts_or_records, **options) -> Iterator[Document]``.

For use inside other pipelines (datatrove, dolma, a notebook). The records are the ones the
CLI writes: ``normalise run records.jsonl`` and ``normalise(records)`` give the same
documents. For repeated calls, build one :class:`~normalise.stages.pipeline.Pipeline` and pass it
in, so that models load once and the translation cache is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from .inputs import PythonInput, python_inputs, work_items
from .record import Document
from .run import Run
from .settings import Settings
from .stages.pipeline import Pipeline

__all__ = ["make_settings", "normalise", "work_items"]

Input = PythonInput
_PATH_OPTIONS = {"models_dir"}
_TUPLE_OPTIONS = {"extensions", "pattern_files"}


def make_settings(settings: Settings | None = None, **options: Any) -> Settings:
    """``settings`` (default: the defaults) with ``options`` replacing fields by name.

    Raises TypeError naming the valid options when one is unknown.
    """
    names = {f.name for f in fields(Settings)}
    unknown = sorted(set(options) - names)
    if unknown:
        raise TypeError(
            f"unknown option(s) {', '.join(unknown)}; valid options: {', '.join(sorted(names))}"
        )
    for key in _PATH_OPTIONS & set(options):
        options[key] = Path(options[key]).expanduser()
    for key in _TUPLE_OPTIONS & set(options):
        options[key] = tuple(options[key])
    return replace(settings or Settings(), **options)


def normalise(
    inputs: Iterable[Input] | Input,
    *,
    pipeline: Pipeline | None = None,
    settings: Settings | None = None,
    **options: Any,
) -> Iterator[Document]:
    """Clean, detect, translate and align each input; yield one :class:`Document` per input,
    in input order, lazily (translation works on groups of ``docs_per_batch`` documents).

    As in ``normalise run``, later copies of a text are flagged (``metadata.duplicate_of``),
    and when ``inputs`` is a list or tuple, lines repeated across the inputs are removed as
    boilerplate (a generator is read once, so it gets no such pre-pass).

    ``options`` are :class:`Settings` fields (``models_dir``, ``assume_lang``, ``beam_size``,
    ``device``, …). Pass ``pipeline`` to reuse loaded models across calls; options then
    belong to its settings, not to this call.
    """
    if pipeline is not None and (settings is not None or options):
        raise TypeError("options go to the Pipeline's Settings when a pipeline is given")
    settings = pipeline.settings if pipeline is not None else make_settings(settings, **options)
    return Run(settings, pipeline=pipeline).documents(python_inputs(inputs))
