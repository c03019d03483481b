"""Corpus exporters, one module per format, all fed from an iterable of documents.

Where ``-o`` puts things (the table in docs/outputs.md; :func:`resolve_targets` follows it):

- ``-`` is standard output (one of jsonl, tmx, tsv);
- a name ending in the format's suffix (``x.jsonl``, ``x.tmx``, ``x.tsv``, ``x.parquet``), for
  one single-file format, is that file;
- an existing folder, a name ending in ``/``, or any other name is a folder: each single-file
  format is ``corpus.<suffix>`` inside it, moses and text are ``moses/`` and ``text/`` inside
  it, or the folder itself when they are the only format;
- a name ending in another format's suffix (``-o x.jsonl -f tmx``; several formats, moses or
  text with ``-o x.jsonl``) is refused: it would hide one format under another's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from pathlib import Path

from ..record import Document
from .atomic import STDOUT
from .base import Exporter, ExportError, ExportOptions, ExportStats
from .jsonl import JsonlExporter
from .moses import MosesExporter
from .parquet import ParquetExporter
from .text import TextExporter
from .tmx import TmxExporter
from .tsv import TsvExporter

EXPORTERS: dict[str, type[Exporter]] = {
    cls.name: cls for cls in (JsonlExporter, TmxExporter, MosesExporter, TsvExporter, TextExporter)
}
EXPORTERS["parquet"] = ParquetExporter
FORMATS: tuple[str, ...] = tuple(EXPORTERS)
STREAMABLE = ("jsonl", "tmx", "tsv")  # may be written to standard output

__all__ = [
    "EXPORTERS",
    "FORMATS",
    "ExportError",
    "ExportOptions",
    "ExportStats",
    "Exporter",
    "export",
    "open_exporters",
    "resolve_targets",
]


OUTPUT_SUFFIXES = {cls.suffix: name for name, cls in EXPORTERS.items() if cls.suffix}


def _is_folder(output: str) -> bool:
    return Path(output).is_dir() or output.endswith(("/", "\\"))


def _inside(folder: Path, name: str, alone: bool) -> Path:
    """Where format ``name`` goes inside the output folder."""
    cls = EXPORTERS[name]
    if cls.multi_file:
        return folder if alone else folder / name
    return folder / f"corpus{cls.suffix}"


def resolve_targets(formats: Sequence[str], output: str) -> list[tuple[str, Path | str]]:
    """Where each format goes for ``-o output`` (the rules are in the module docstring)."""
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in EXPORTERS]
    if unknown:
        raise ExportError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    if output == STDOUT:
        if len(formats) != 1 or formats[0] not in STREAMABLE:
            raise ExportError(
                f"only one of {', '.join(STREAMABLE)} can go to standard output (-o -); "
                f"got {', '.join(formats)}"
            )
        return [(formats[0], STDOUT)]
    path = Path(output)
    suffix = path.suffix.lower()
    single = EXPORTERS[formats[0]] if len(formats) == 1 else None
    if single and single.suffix and suffix == single.suffix and not _is_folder(output):
        return [(single.name, path)]
    if suffix in OUTPUT_SUFFIXES and not _is_folder(output):
        wanted = ", ".join(formats)
        if len(formats) == 1 and not EXPORTERS[formats[0]].multi_file:
            fix = f"name it {path.with_suffix(EXPORTERS[formats[0]].suffix)}"
        else:
            fix = f"give a folder, such as -o {path.with_suffix('')}/"
        raise ExportError(
            f"-o {output} names a {OUTPUT_SUFFIXES[suffix]} file, but the output is {wanted}: {fix}"
        )
    if path.exists() and not path.is_dir():
        raise ExportError(f"-o {output} is a file, but {', '.join(formats)} go into a folder")
    return [(name, _inside(path, name, len(formats) == 1)) for name in formats]


class open_exporters:
    """Several exporters fed from one stream: each document is written to all of them.

    A context manager: outputs are committed together on success and discarded on error.
    """

    def __init__(
        self, targets: Sequence[tuple[str, Path | str]], options: ExportOptions | None = None
    ):
        self.exporters = [EXPORTERS[name](target, options) for name, target in targets]

    def __enter__(self) -> open_exporters:
        self._stack = ExitStack()
        for exporter in self.exporters:
            self._stack.enter_context(exporter)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool | None:
        return self._stack.__exit__(exc_type, exc, tb)

    def write(self, doc: Document) -> None:
        for exporter in self.exporters:
            exporter.write(doc)

    def stats(self) -> dict[str, ExportStats]:
        return {exporter.name: exporter.stats for exporter in self.exporters}


def export(
    docs: Iterable[Document],
    format: str,
    output: Path | str,
    *,
    include_english: bool = False,
    source_langs: Iterable[str] = (),
) -> ExportStats:
    """Write ``docs`` in one ``format`` to ``output`` (a file, a folder or ``-``), streaming."""
    options = ExportOptions(include_english, frozenset(source_langs))
    [(name, target)] = resolve_targets([format], str(output))
    with open_exporters([(name, target)], options) as exporters:
        for doc in docs:
            exporters.write(doc)
    return exporters.stats()[name]
