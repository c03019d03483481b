"""JSONL: the canonical record, one document per line, every document whatever its status."""

from __future__ import annotations

from contextlib import ExitStack

from ..record import Document
from ..writers import open_output
from .base import Exporter


class JsonlExporter(Exporter):
    name = "jsonl"
    suffix = ".jsonl"
    unit = "records"

    def open(self) -> None:
        self._stack = ExitStack()
        self._handle = self._stack.enter_context(open_output(self.target))

    def write(self, doc: Document) -> None:
        self.stats.documents += 1
        self._handle.write(doc.dumps())
        self._handle.write("\n")
        self.stats.written += 1

    def close(self, success: bool) -> None:
        if success:
            self._stack.close()
        else:
            self._stack.__exit__(RuntimeError, RuntimeError("export failed"), None)
        self.stats.outputs.append(str(self.target))
