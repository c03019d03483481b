"""The Python API: ``normalise.normalise(texts_or_records, **options) -> Iterator[Document]``.

For use inside other pipelines (datatrove, dolma, a notebook). The records are the ones the
CLI writes: ``normalise run records.jsonl`` and ``normalise(records)`` give the same
documents. For repeated calls, build one :class:`~normalise.stages.pipeline.Pipeline` and pass it
in, so that models load once and the translation cache is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from .inputs.files import InputRecord, RejectedRecord
from .inputs.jsonl import record_from_mapping
from .record import Document
from .run.duplicates import DuplicateFlagger
from .run.prepass import count_repeated_lines
from .settings import Settings
from .stages.pipeline import Pipeline

Input = str | Mapping[str, Any] | InputRecord
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


def work_items(inputs: Iterable[Input] | Input) -> Iterator[InputRecord | RejectedRecord]:
    """Turn strings, JSONL-style dicts and records into work items, in order.

    A string gets the id ``text-N`` (N: its position); a dict is checked exactly like a JSONL
    line (a bad one becomes an ``error`` document, not an exception); a single string or dict
    is one input, not an iterable of characters or keys.
    """
    if isinstance(inputs, str | Mapping | InputRecord):
        inputs = [inputs]
    for position, item in enumerate(inputs):
        if isinstance(item, InputRecord):
            yield item
        elif isinstance(item, str):
            yield InputRecord(f"text-{position}", item)
        elif isinstance(item, Mapping):
            yield record_from_mapping(item, f"record-{position}", f"input {position}: ")
        else:
            raise TypeError(
                f"input {position}: expected a string, a dict or an InputRecord, "
                f"got {type(item).__name__}"
            )


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
    if pipeline is None:
        settings = make_settings(settings, **options)
        repeated = None
        if isinstance(inputs, Sequence) and not isinstance(inputs, str):
            repeated = count_repeated_lines(work_items(inputs), settings)  # read twice
        pipeline = Pipeline(settings, repeated=repeated)
    elif settings is not None or options:
        raise TypeError("options go to the Pipeline's Settings when a pipeline is given")
    return DuplicateFlagger()(pipeline.process_items(work_items(inputs)))
