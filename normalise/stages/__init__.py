"""Pipeline stages. Each is a generator over :class:`~normalise.record.Document` objects.

Most stages transform one document at a time; :func:`map_documents` turns such a function
into a generator that skips finished documents and turns an unexpected exception into an
``error`` status for that one document, so that bad input never costs another document its
output.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from ..record import Document, Status

log = logging.getLogger("normalise")


def map_documents(
    stage: str, function: Callable[[Document], Document], docs: Iterable[Document]
) -> Iterator[Document]:
    for doc in docs:
        if doc.finished:
            yield doc
            continue
        try:
            yield function(doc)
        except Exception as error:  # one bad document must not end the run
            log.debug("%s failed on %s", stage, doc.source, exc_info=True)
            yield doc.fail(Status.ERROR, f"{stage} failed: {type(error).__name__}: {error}")
