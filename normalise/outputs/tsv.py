"""TSV, bitextor style: ``doc_id  seg_idx  src_lang  src_text  en_text  flags``, no header.

Fields are backslash-escaped (``\\t``, ``\\n``, ``\\r``, ``\\\\`` and ``\\uXXXX`` for other
line separators), so that one row is always one line; :func:`base.unescape_field` undoes it.
Every aligned sentence of every document in English is a row, English originals included
(filter on ``src_lang``); ``flags`` is a comma-separated list.
"""

from __future__ import annotations

from dataclasses import replace

from ..record import Document
from .base import SingleFileExporter, escape_field, pairs

COLUMNS = ("doc_id", "seg_idx", "src_lang", "src_text", "en_text", "flags")


class TsvExporter(SingleFileExporter):
    name = "tsv"
    suffix = ".tsv"
    unit = "rows"

    def open(self) -> None:
        self._options = replace(self.options, include_english=True)
        super().open()

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
