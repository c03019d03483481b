"""What every exporter shares: options, counters, and the sentence pairs of a document.

Exporters take documents one at a time (``write``) and keep only counters in memory, so they
work on a corpus of any size and do not care whether documents come from a run in progress,
a pool of workers or a JSONL file read back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ..languages import TARGET_LANG
from ..record import Document, Status
from .atomic import open_output

ENGLISH = TARGET_LANG

# Everything Python's str.splitlines() treats as a line boundary, plus the tab: any of these
# inside a sentence would break line alignment in line-based formats.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_ESCAPES.update({ch: f"\\u{ord(ch):04x}" for ch in LINE_BREAKS if ch not in _ESCAPES})
_UNESCAPES = {value: key for key, value in _ESCAPES.items()}


class ExportError(Exception):
    """An export that cannot be done as asked (missing optional dependency, bad target)."""


@dataclass(frozen=True)
class ExportOptions:
    include_english: bool = False  # English-original sentences in bitext formats (TMX, Moses)
    source_langs: frozenset[str] = frozenset()  # only these source languages; empty: all


@dataclass
class ExportStats:
    """What an export wrote and what it left out, and why: nothing is dropped silently."""

    documents: int = 0
    written: int = 0  # units of the format: records, sentence pairs, rows or files
    unit: str = "records"
    left_out: Counter[str] = field(default_factory=Counter)  # reason -> documents
    notes: Counter[str] = field(default_factory=Counter)  # lossy changes -> occurrences
    outputs: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{self.documents} documents in, {self.written} {self.unit} out"]
        lines += [f"  left out: {n} document(s): {why}" for why, n in sorted(self.left_out.items())]
        lines += [f"  note: {why}: {n}" for why, n in sorted(self.notes.items())]
        return "\n".join(lines)


@dataclass(frozen=True)
class Pair:
    """One source sentence and its English sentence, located in its document."""

    doc_id: str
    seg_idx: int  # the sentence's position in the document, counting across segments
    segment: int  # index of the structural segment (heading, paragraph, list item)
    src_lang: str
    src: str
    en: str
    flags: tuple[str, ...] = ()
    score: float | None = None


class Exporter:
    """Base class: a context manager that commits its output only on success."""

    name: ClassVar[str]
    multi_file: ClassVar[bool] = False
    suffix: ClassVar[str] = ""
    unit: ClassVar[str] = "records"

    def __init__(self, target: Path | str, options: ExportOptions | None = None):
        self.target = target
        self.options = options or ExportOptions()
        self.stats = ExportStats(unit=self.unit)

    def __enter__(self) -> Exporter:
        self.open()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(success=exc_type is None)

    def open(self) -> None:
        """Prepare the output (called once, before the first document)."""

    def write(self, doc: Document) -> None:
        raise NotImplementedError

    def close(self, success: bool) -> None:
        """Commit the output when ``success``, else discard it."""


class SingleFileExporter(Exporter):
    """An exporter writing one text stream (a file, or standard output), committed atomically:
    subclasses write through ``self._handle`` and may add a ``header()`` and ``footer()``."""

    def header(self) -> str:
        return ""

    def footer(self) -> str:
        return ""

    def open(self) -> None:
        self._stack = ExitStack()
        self._handle = self._stack.enter_context(open_output(self.target))
        self._handle.write(self.header())

    def close(self, success: bool) -> None:
        if success:
            self._handle.write(self.footer())
            self._stack.close()
        else:
            self._stack.__exit__(RuntimeError, RuntimeError("export failed"), None)
        self.stats.outputs.append(str(self.target))


def pairs(doc: Document, options: ExportOptions, stats: ExportStats) -> Iterator[Pair]:
    """The aligned sentence pairs of ``doc`` that a bitext format should contain.

    Documents that did not reach English are counted in ``stats.left_out`` by status;
    English-original sentences need ``include_english``.
    """
    if doc.status not in Status.OK:
        stats.left_out[f"status {doc.status}"] += 1
        return
    found = english = 0
    index = -1
    for seg_number, segment in enumerate(doc.segments):
        src_lang = segment.lang or doc.lang or ""
        for sentence in segment.sentences:
            index += 1
            if sentence.en is None:
                continue
            if options.source_langs and src_lang not in options.source_langs:
                continue
            if src_lang == ENGLISH and not options.include_english:
                english += 1
                continue
            found += 1
            yield Pair(
                doc.id,
                index,
                seg_number,
                src_lang,
                sentence.src,
                sentence.en,
                tuple(sentence.flags),
                sentence.score,
            )
    if not found:
        if english:
            stats.left_out["English original (add --include-english)"] += 1
        elif options.source_langs:
            stats.left_out["other source language"] += 1
        else:
            stats.left_out["no aligned sentences"] += 1


def one_line(text: str) -> str:
    """``text`` on one line: tabs and line breaks become spaces (for line-aligned files)."""
    if not any(ch in text for ch in LINE_BREAKS + "\t"):
        return text
    return "".join(" " if ch in LINE_BREAKS or ch == "\t" else ch for ch in text)


def escape_field(text: str) -> str:
    """Backslash-escape a TSV field so that it holds no tab and no line break, reversibly."""
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def unescape_field(text: str) -> str:
    """The inverse of :func:`escape_field`."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            for width in (2, 6):
                token = text[i : i + width]
                if token in _UNESCAPES:
                    out.append(_UNESCAPES[token])
                    i += width
                    break
            else:
                out.append(text[i])
                i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
