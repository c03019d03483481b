"""Flag documents whose normalised text repeats an earlier document's, in output order.

Crawls are full of copies: the same article saved twice, as text and as a re-encoded file,
with different boilerplate around it. A copy is kept, complete, and marked:
``metadata["duplicate_of"]`` holds the id of the first document (in input order) with the
same text. Its status is unchanged, so nothing is lost and a consumer decides what to do.

"Same text" means the cleaned source text (``source_text``: after decoding, newline repair,
extraction and boilerplate removal) with every run of whitespace made one space. Documents
with no text (empty, too large, unreadable) are never duplicates.

Memory is bounded: one 16-byte digest and the first document's id per distinct text, at most
``max_entries`` of them (by default 500,000, about 90 MiB with 36-character ids; see
bench/duplicates_memory.py). When the table is full, the older half is forgotten, so a copy
that follows its original by more than that many distinct documents is not flagged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from itertools import islice

from ..record import Document

DEFAULT_MAX_ENTRIES = 500_000
DUPLICATE_OF = "duplicate_of"


def text_key(doc: Document) -> bytes | None:
    """A digest of the document's whitespace-normalised cleaned text; None without text."""
    normalised = " ".join(doc.source_text.split())
    if not normalised:
        return None
    data = normalised.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).digest()


class DuplicateFlagger:
    """Remembers the first document of each text and marks the later ones."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES):
        if max_entries < 2:
            raise ValueError("max_entries must be at least 2")
        self.max_entries = max_entries
        self._first: dict[bytes, str] = {}
        self.flagged = 0

    def flag(self, doc: Document) -> Document:
        digest = text_key(doc)
        if digest is None:
            return doc
        first = self._first.get(digest)
        if first is not None and first != doc.id:
            doc.metadata[DUPLICATE_OF] = first
            self.flagged += 1
            return doc
        if len(self._first) >= self.max_entries:
            self._forget_older_half()
        self._first[digest] = doc.id
        return doc

    def _forget_older_half(self) -> None:
        # dicts keep insertion order: the first half is the older half
        keep = islice(self._first.items(), len(self._first) // 2, None)
        self._first = dict(keep)

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield self.flag(doc)
