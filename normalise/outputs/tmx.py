"""TMX 1.4b: translation memory for CAT tools, one ``<tu>`` per aligned sentence.

Written as text, unit by unit, so that memory stays flat. ``creationdate`` is left out on
purpose: the same corpus always gives the same bytes.
"""

from __future__ import annotations

import re

from .. import __version__
from ..record import Document
from .base import SingleFileExporter, pairs

# Characters XML 1.0 forbids; they cannot appear even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_ATTR = {**_TEXT, '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}


class TmxExporter(SingleFileExporter):
    name = "tmx"
    suffix = ".tmx"
    unit = "translation units"

    def _xml(self, text: str, table: dict[str, str]) -> str:
        text, replaced = _NOT_XML.subn("\ufffd", text)
        if replaced:
            self.stats.notes["characters not allowed in XML replaced by U+FFFD"] += replaced
        return "".join(table.get(ch, ch) for ch in text)

    def header(self) -> str:
        langs = sorted(self.options.source_langs)
        srclang = langs[0] if len(langs) == 1 else "*all*"
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
            '<tmx version="1.4">\n'
            f'  <header creationtool="normalise" creationtoolversion="{__version__}" '
            'datatype="plaintext" segtype="sentence" adminlang="en" '
            f'srclang="{srclang}" o-tmf="normalise"/>\n'
            "  <body>\n"
        )

    def footer(self) -> str:
        return "  </body>\n</tmx>\n"

    def write(self, doc: Document) -> None:
        self.stats.documents += 1
        write = self._handle.write
        for pair in pairs(doc, self.options, self.stats):
            lang = self._xml(pair.src_lang, _ATTR)
            write(f'    <tu srclang="{lang}">\n')
            write(f'      <prop type="x-doc-id">{self._xml(pair.doc_id, _TEXT)}</prop>\n')
            write(f'      <prop type="x-seg-idx">{pair.seg_idx}</prop>\n')
            write(f'      <prop type="x-segment">{pair.segment}</prop>\n')
            if pair.flags:
                flags = self._xml(",".join(pair.flags), _TEXT)
                write(f'      <prop type="x-flags">{flags}</prop>\n')
            if pair.score is not None:
                write(f'      <prop type="x-score">{pair.score}</prop>\n')
            write(f'      <tuv xml:lang="{lang}"><seg>{self._xml(pair.src, _TEXT)}</seg></tuv>\n')
            write(f'      <tuv xml:lang="en"><seg>{self._xml(pair.en, _TEXT)}</seg></tuv>\n')
            write("    </tu>\n")
            self.stats.written += 1
