"""Where a run's documents come from: a folder or file (:mod:`.files`), JSONL records
(:mod:`.jsonl`), or Python objects (the API). :class:`Inputs` is what a
:class:`~normalise.run.Run` takes, whichever the source."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .files import Excluded, InputFile, InputRecord, RejectedRecord, Skipped, WorkItem, walk
from .jsonl import read_records, record_from_mapping

STDIN = "-"


@dataclass
class Inputs:
    """The work items of a run, and what is known of them before any is read."""

    items: Iterable[WorkItem]
    total: int | None = None  # None: a stream, counted as it goes
    rereadable: bool = True  # can be iterated twice, as the repetition pre-pass needs
    skipped: list[Skipped] = field(default_factory=list)  # files the walk left out, and why
    description: str = ""
    excluded: list[Excluded] = field(default_factory=list)  # the run's own outputs inside


class _JsonlFile:
    """The records of a ``.jsonl`` file; iterable more than once (each pass reopens it)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[InputRecord | RejectedRecord]:
        with self.path.open("rb") as lines:
            yield from read_records(lines, name=self.path.name)


def open_inputs(
    path: Path | str,
    extensions: tuple[str, ...],
    stdin: IO[bytes] | None = None,
    exclude: Iterable[Path] = (),
) -> Inputs:
    """``-`` (JSONL on standard input, read once), a ``.jsonl`` file (records), a folder
    (walked in sorted order, leaving out the paths in ``exclude``: the run's outputs) or
    another file."""
    if str(path) == STDIN:
        lines = stdin if stdin is not None else sys.stdin.buffer
        return Inputs(read_records(lines, name="stdin"), rereadable=False, description="stdin")
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".jsonl":
        return Inputs(_JsonlFile(path), description=f"{path}: JSONL records")
    files: list[InputFile] = []
    skipped: list[Skipped] = []
    excluded: list[Excluded] = []
    for entry in walk(path, extensions, exclude):
        if isinstance(entry, InputFile):
            files.append(entry)
        else:
            (excluded if isinstance(entry, Excluded) else skipped).append(entry)
    return Inputs(files, len(files), True, skipped, f"{path}: {len(files)} files", excluded)


PythonInput = str | Mapping[str, Any] | InputRecord


def python_inputs(inputs: Iterable[PythonInput] | PythonInput) -> Inputs:
    """Strings, JSONL-style dicts and records, as given to :func:`normalise.normalise`. A list
    or another sequence can be read twice (so it gets the repetition pre-pass); a generator
    cannot."""
    rereadable = isinstance(inputs, Sequence) and not isinstance(inputs, str)
    items = list(work_items(inputs)) if rereadable else work_items(inputs)
    total = len(items) if isinstance(items, list) else None
    return Inputs(items, total, rereadable, description="Python objects")


def work_items(inputs: Iterable[PythonInput] | PythonInput) -> Iterator[WorkItem]:
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


__all__ = [
    "STDIN",
    "Excluded",
    "InputFile",
    "InputRecord",
    "Inputs",
    "RejectedRecord",
    "Skipped",
    "WorkItem",
    "open_inputs",
    "python_inputs",
    "work_items",
]
