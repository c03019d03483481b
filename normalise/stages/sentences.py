"""Sentences stage: split every segment (paragraph, heading, list item: made by the clean
stage) into sentences with their offsets."""

from __future__ import annotations

from ..record import Document, Sentence
from ..text.sentences import split_spans
from .base import Stage


def split_sentences(doc: Document) -> Document:
    for segment in doc.segments:
        lang = segment.lang or doc.lang
        segment.sentences = [
            Sentence(src=segment.text[s:e], start=segment.start + s, end=segment.start + e)
            for s, e in split_spans(segment.text, lang)
        ]
    return doc


class Sentences(Stage):
    name = "sentences"

    def process(self, doc: Document) -> Document:
        return split_sentences(doc)
