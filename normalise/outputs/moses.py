"""Moses pair files: ``corpus.it-en.it`` / ``corpus.it-en.en`` (and es-en), line-aligned.

Line ``n`` of the source file, of the English file and of ``corpus.it-en.ids`` belong
together; the ids file says where the pair comes from (``doc_id<TAB>seg_idx``, TSV-escaped).
A sentence that contains a tab or a line break gets a space instead, so that alignment holds
(counted in the export notes). English originals (with ``--include-english``) go to
``corpus.en-en.src`` / ``corpus.en-en.en``, since both sides are English.
"""

from __future__ import annotations

from ..record import Document
from .atomic import AtomicFolder
from .base import ENGLISH, Exporter, escape_field, one_line, pairs


def pair_files(src_lang: str) -> tuple[str, str, str]:
    """File names (source, English, ids) for one language pair."""
    stem = f"corpus.{src_lang}-{ENGLISH}"
    source_suffix = "src" if src_lang == ENGLISH else src_lang
    return f"{stem}.{source_suffix}", f"{stem}.{ENGLISH}", f"{stem}.ids"


class MosesExporter(Exporter):
    name = "moses"
    multi_file = True
    unit = "sentence pairs"

    def open(self) -> None:
        self._folder = AtomicFolder(self.target)

    def _line(self, text: str) -> str:
        flat = one_line(text)
        if flat is not text:
            self.stats.notes["sentences with tabs or line breaks put on one line"] += 1
        return flat + "\n"

    def write(self, doc: Document) -> None:
        self.stats.documents += 1
        for pair in pairs(doc, self.options, self.stats):
            if not pair.src_lang or any(ch.isspace() or ch in "/\\" for ch in pair.src_lang):
                self.stats.notes["sentences with an unusable language code left out"] += 1
                continue
            src_name, en_name, ids_name = pair_files(pair.src_lang)
            self._folder.handle(src_name).write(self._line(pair.src))
            self._folder.handle(en_name).write(self._line(pair.en))
            self._folder.handle(ids_name).write(f"{escape_field(pair.doc_id)}\t{pair.seg_idx}\n")
            self.stats.written += 1

    def close(self, success: bool) -> None:
        if not success:
            self._folder.discard()
            return
        names = self._folder.names
        self._folder.commit()
        self.stats.outputs += [str(self._folder.folder / name) for name in names]
