"""JSONL: the canonical record, one document per line, every document whatever its status."""

from __future__ import annotations

from ..record import Document
from .base import SingleFileExporter


class JsonlExporter(SingleFileExporter):
    name = "jsonl"
    suffix = ".jsonl"
    unit = "records"

    def write(self, doc: Document) -> None:
        self.stats.documents += 1
        self._handle.write(doc.dumps())
        self._handle.write("\n")
        self.stats.written += 1
