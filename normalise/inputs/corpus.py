"""Read a corpus written by ``normalise run`` back into documents, one line at a time.

Used by ``normalise export``. A line that is not a canonical record is reported with its
line number through ``on_error`` and skipped; the rest of the corpus still exports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ..record import Document
from .jsonl import json_lines


def read_corpus(
    lines: Iterable[bytes | str], on_error: Callable[[int, str], None]
) -> Iterator[Document]:
    for number, value, problem in json_lines(lines):
        if problem is None and not isinstance(value, dict):
            problem = "not a JSON object"
        if problem is None:
            try:
                doc = Document.from_json(value)
                if not isinstance(doc.id, str) or not isinstance(doc.segments, list):
                    raise TypeError("'id' or 'segments' has the wrong type")
            except (TypeError, ValueError, AttributeError) as error:
                problem = f"not a normalise record ({error})"
        if problem is not None:
            on_error(number, problem)
            continue
        yield doc
