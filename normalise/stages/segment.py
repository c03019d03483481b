"""Segment stage: split every paragraph, heading and list item into sentences with offsets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..record import Document, Sentence
from ..settings import Settings
from ..text.sentences import split_spans
from . import map_documents


def segment_document(doc: Document) -> Document:
    for segment in doc.segments:
        lang = segment.lang or doc.lang
        segment.sentences = [
            Sentence(src=segment.text[s:e], start=segment.start + s, end=segment.start + e)
            for s, e in split_spans(segment.text, lang)
        ]
    return doc


def segment(docs: Iterable[Document], settings: Settings) -> Iterator[Document]:
    return map_documents("segment", segment_document, docs)
