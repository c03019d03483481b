"""Corpus exporters, one module per format, all fed from an iterable of documents.

``-o`` names a file for single-file formats (jsonl, tmx, tsv, parquet) and a folder for
multi-file formats (moses, text). With several formats at once, ``-o`` is a folder and each
format gets its usual name inside it (``corpus.jsonl``, ``corpus.tmx``, ``moses/``, …).
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


def _is_folder(output: str) -> bool:
    return Path(output).is_dir() or output.endswith(("/", "\\"))


def resolve_targets(formats: Sequence[str], output: str) -> list[tuple[str, Path | str]]:
    """Where each format goes for ``-o output`` (see the module docstring)."""
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
    folder = Path(output)
    if len(formats) == 1:
        cls = EXPORTERS[formats[0]]
        if not cls.multi_file:
            return [(cls.name, folder / f"corpus{cls.suffix}" if _is_folder(output) else folder)]
        if folder.exists() and not folder.is_dir():
            raise ExportError(f"{cls.name} output is a folder, but {output} is a file")
        return [(cls.name, folder)]
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"with several formats, -o names a folder, but {output} is a file")
    return [
        (
            name,
            folder / name
            if EXPORTERS[name].multi_file
            else folder / f"corpus{EXPORTERS[name].suffix}",
        )
        for name in formats
    ]


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
