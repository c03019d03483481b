"""Plain English text: one UTF-8 file per document, mirroring the input tree.

``news/2024/a.html`` becomes ``OUT/news/2024/a.html.txt`` and ``a.txt`` stays ``OUT/a.txt``,
so that two inputs can never map to one output. Record ids from JSONL input become paths
too, made safe first: no absolute paths, no ``..``, no control characters.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..atomic import AtomicFile
from ..record import Document, Status
from .base import Exporter

MAX_NAME_BYTES = 200  # below the 255-byte limit of common filesystems, room for a suffix


def _safe_part(part: str) -> str:
    if part == "..":
        return "%2E%2E"
    escaped = "".join(
        "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
        if not ch.isprintable() or ch in "\\%" or ch == "\x00"
        else ch
        for ch in part
    )
    if len(escaped.encode("utf-8")) > MAX_NAME_BYTES:
        digest = hashlib.sha256(part.encode("utf-8")).hexdigest()[:16]
        escaped = escaped.encode("utf-8")[: MAX_NAME_BYTES - 17].decode("utf-8", "ignore")
        escaped = f"{escaped}-{digest}"
    return escaped


def text_relpath(source: str) -> str:
    """The output path (POSIX, relative) of a document's text file."""
    parts = [_safe_part(p) for p in source.split("/") if p not in ("", ".")]
    relpath = "/".join(parts) or "_"
    return relpath if relpath.lower().endswith(".txt") else relpath + ".txt"


class TextExporter(Exporter):
    name = "text"
    multi_file = True
    unit = "files"

    def open(self) -> None:
        self.root = Path(self.target)
        self._used: set[str] = set()

    def write(self, doc: Document) -> None:
        self.stats.documents += 1
        if doc.status not in Status.OK:
            self.stats.left_out[f"status {doc.status}"] += 1
            return
        if not doc.text.strip():
            self.stats.left_out["no English text"] += 1
            return
        relpath = text_relpath(doc.source or doc.id)
        if relpath in self._used:
            stem, n = relpath[: -len(".txt")], 2
            while f"{stem}~{n}.txt" in self._used:
                n += 1
            relpath = f"{stem}~{n}.txt"
            self.stats.notes["documents with a clashing path given a ~N suffix"] += 1
        self._used.add(relpath)
        with AtomicFile(self.root / relpath) as handle:
            handle.write(doc.text)
            handle.write("\n")
        self.stats.written += 1

    def close(self, success: bool) -> None:
        self.stats.outputs.append(str(self.root))
