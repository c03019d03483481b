"""Extract stage: HTML -> main text and metadata, through trafilatura.

Trafilatura finds the article; we render its XML tree as plain text
(:func:`normalise.text.plain_html.render`): blank lines between blocks, ``#`` headings and
``-`` list items, which :mod:`normalise.text.reflow` reads, and no Markdown emphasis, escapes
or inline markup, which would end up in ``source_text`` and in what is translated.
"""

from __future__ import annotations

from ..langid.hints import note_html_lang
from ..record import Document, Status
from ..text.plain_html import render
from .base import Stage

_METADATA_FIELDS = ("date", "author", "sitename", "url")
# What trafilatura is asked for (bench/pipeline.py times it alone with the same options).
TRAFILATURA_OPTIONS = {
    "include_comments": False,
    "include_formatting": True,  # keeps <hi> in the tree; render() drops the marks
    "deduplicate": False,
    "with_metadata": True,
}


def extract_html(doc: Document) -> Document:
    import trafilatura

    note_html_lang(doc)
    try:
        result = trafilatura.bare_extraction(doc.raw_text, **TRAFILATURA_OPTIONS)
    except Exception as error:  # trafilatura raises a variety of parser errors
        return doc.fail(Status.ERROR, f"HTML extraction failed: {type(error).__name__}: {error}")
    text = render(result.body, doc.raw_text) if result is not None else ""
    if not text.strip():
        return doc.fail(Status.EMPTY, "no main text found in the HTML page")
    doc.raw_text, doc.extracted = text, True
    doc.title = (result.title or "").strip() or None
    for name in _METADATA_FIELDS:
        value = getattr(result, name, None)
        if value:
            doc.metadata[name] = value
    return doc


class Extract(Stage):
    """HTML pages to their main text; plain text, and pages the pre-pass extracted already,
    pass through."""

    name = "extract"

    def process(self, doc: Document) -> Document:
        return extract_html(doc) if doc.format == "html" and not doc.extracted else doc
