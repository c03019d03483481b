"""TSV, bitextor style: ``doc_id  seg_idx  src_lang  src_text  en_text  flags``, no header.

Fields are backslash-escaped (``\\t``, ``\\n``, ``\\r``, ``\\\\`` and ``\\uXXXX`` for other
line separators), so that one row is always one line; :func:`base.unescape_field` undoes it.
Every aligned sentence of every document in English is a row, English originals included
(filter on ``src_lang``); ``flags`` is a comma-separated list.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace

from ..record import Document
from ..writers import open_output
from .base import Exporter, escape_field, pairs

COLUMNS = ("doc_id", "seg_idx", "src_lang", "src_text", "en_text", "flags")


class TsvExporter(Exporter):
    name = "tsv"
    suffix = ".tsv"
    unit = "rows"

    def open(self) -> None:
        self._options = replace(self.options, include_english=True)
        self._stack = ExitStack()
        self._handle = self._stack.enter_context(open_output(self.target))

    def write(self, doc: Document) -> None:
        self.stats.documents += 1
        for pair in pairs(doc, self._options, self.stats):
            fields = (
                pair.doc_id,
                str(pair.seg_idx),
                pair.src_lang,
                pair.src,
                pair.en,
                ",".join(pair.flags),
            )
            self._handle.write("\t".join(escape_field(f) for f in fields))
            self._handle.write("\n")
            self.stats.written += 1

    def close(self, success: bool) -> None:
        if success:
            self._stack.close()
        else:
            self._stack.__exit__(RuntimeError, RuntimeError("export failed"), None)
        self.stats.outputs.append(str(self.target))
