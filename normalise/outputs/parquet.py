"""Parquet: one row per document, with nested segments, for dataframe and Arrow tools.

Needs ``pyarrow`` (``pip install 'normalise[parquet]'``); it is imported only here, so the
rest of the tool never pays for it. ``metadata`` is a JSON string: its keys vary by record.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..atomic import commit_path, temporary_beside
from ..record import Document
from .base import Exporter, ExportError

ROWS_PER_GROUP = 1000


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ExportError(
            "Parquet output needs pyarrow, which is not installed. "
            "Install it with: pip install 'normalise[parquet]'"
        ) from None
    return pyarrow, pyarrow.parquet


def schema(pa):
    sentence = pa.struct(
        [
            ("src", pa.string()),
            ("en", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("flags", pa.list_(pa.string())),
            ("score", pa.float64()),
        ]
    )
    segment = pa.struct(
        [
            ("kind", pa.string()),
            ("text", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("lang", pa.string()),
            ("sentences", pa.list_(sentence)),
        ]
    )
    removal = pa.struct(
        [
            ("text", pa.string()),
            ("reason", pa.string()),
            ("rule", pa.string()),
            ("position", pa.int64()),
        ]
    )
    return pa.schema(
        [
            ("schema", pa.int64()),
            ("id", pa.string()),
            ("source", pa.string()),
            ("sha256", pa.string()),
            ("format", pa.string()),
            ("encoding", pa.string()),
            ("title", pa.string()),
            ("lang", pa.string()),
            ("lang_score", pa.float64()),
            ("status", pa.string()),
            ("reason", pa.string()),
            ("source_text", pa.string()),
            ("text", pa.string()),
            ("segments", pa.list_(segment)),
            ("removed", pa.list_(removal)),
            ("translator", pa.map_(pa.string(), pa.string())),
            ("metadata", pa.string()),
        ]
    )


def row(doc: Document) -> dict:
    record = doc.to_json()
    record["metadata"] = json.dumps(record["metadata"], ensure_ascii=False, sort_keys=True)
    if record["translator"] is not None:
        record["translator"] = list(record["translator"].items())
    return record


class ParquetExporter(Exporter):
    name = "parquet"
    suffix = ".parquet"
    unit = "rows"

    def __init__(self, target, options=None):
        super().__init__(target, options)
        if str(target) == "-":
            raise ExportError("Parquet cannot be written to standard output; name a file")
        self.pa, self.pq = _pyarrow()

    def open(self) -> None:
        self.path = Path(self.target)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = temporary_beside(self.path)
        os.close(fd)
        self._schema = schema(self.pa)
        self._writer = self.pq.ParquetWriter(self._tmp, self._schema)
        self._rows: list[dict] = []

    def _flush(self) -> None:
        if self._rows:
            table = self.pa.Table.from_pylist(self._rows, schema=self._schema)
            self._writer.write_table(table)
            self._rows = []

    def write(self, doc: Document) -> None:
        self.stats.documents += 1
        self._rows.append(row(doc))
        self.stats.written += 1
        if len(self._rows) >= ROWS_PER_GROUP:
            self._flush()

    def close(self, success: bool) -> None:
        try:
            if success:
                self._flush()
            self._writer.close()
        finally:
            if success:
                commit_path(self._tmp, self.path)
                self.stats.outputs.append(str(self.path))
            else:
                os.unlink(self._tmp)
