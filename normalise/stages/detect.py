"""Detect stage: each document's language, and each paragraph's, on the cleaned text.

The whole text is decided once (hint included). Paragraphs long enough to be judged on their
own are checked too, so that a Spanish quote in an English article is found: a paragraph whose
function words plainly agree with the document keeps its language without another detection,
any other gets its own decision. The document's language is the majority by characters. The
decision rules live in :mod:`normalise.langid` (see docs/language.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from ..langid import UNDETERMINED, LanguageGuess, decide, normalise_code
from ..langid.decide import from_text
from ..langid.evidence import evidence, listed_languages, tokens
from ..record import Document, Segment, Status
from ..settings import Settings
from .base import Stage, map_documents

AGREEMENT_MIN_EVIDENCE = 3  # function words that let a paragraph keep the document's language


def long_enough(text: str, settings: Settings) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters >= settings.min_lang_chars and len(tokens(text)) >= settings.min_lang_words


def _plainly(text: str, lang: str) -> bool:
    """True when the function words of ``text`` point to ``lang`` and to no other language."""
    counts = evidence(text, listed_languages())
    if counts[lang] < AGREEMENT_MIN_EVIDENCE:
        return False
    return all(count < counts[lang] for code, count in counts.items() if code != lang)


def _segment_guess(segment: Segment, whole: LanguageGuess, settings: Settings) -> str | None:
    """A paragraph's own language, or None when it is too short to have one."""
    if not long_enough(segment.text, settings):
        return None
    if whole.lang != UNDETERMINED and _plainly(segment.text, whole.lang):
        return whole.lang
    guess = from_text(segment.text, settings)
    return None if guess.lang == UNDETERMINED else guess.lang


def detect_document(doc: Document, settings: Settings) -> Document:
    hint = normalise_code(doc.metadata.get("lang_hint"))
    whole = decide(doc.source_text, settings, hint)
    own = [_segment_guess(segment, whole, settings) for segment in doc.segments]
    chars: Counter[str] = Counter()
    for segment, lang in zip(doc.segments, own, strict=True):
        lang = lang or whole.lang
        if lang != UNDETERMINED:
            chars[lang] += len(segment.text)
    lang, score, method = whole.lang, whole.score, whole.method
    if chars:
        majority = max(chars, key=lambda code: (chars[code], code == whole.lang))
        if majority != whole.lang:
            lang, method = majority, "paragraphs"
            score = round(chars[majority] / sum(chars.values()), 4)
    has_words = any(ch.isalpha() for ch in doc.source_text)
    assumed = normalise_code(settings.assume_lang)
    if lang == UNDETERMINED and assumed and has_words:
        lang, score, method = assumed, 0.0, "assume-lang"
    doc.lang, doc.lang_score = lang, (score if lang != UNDETERMINED else None)
    for segment, own_lang in zip(doc.segments, own, strict=True):
        segment.lang = own_lang or lang
    doc.metadata["lang_method"] = method
    if whole.runner_up:
        doc.metadata["lang_runner_up"] = whole.runner_up
        doc.metadata["lang_runner_up_score"] = whole.runner_up_score
    if whole.note and method == whole.method:
        doc.metadata["lang_note"] = whole.note
    if len(chars) > 1:
        doc.metadata["lang_chars"] = dict(chars.most_common())
    return doc


def _undetermined_if_empty(doc: Document) -> Document:
    if doc.status == Status.EMPTY and doc.lang is None:
        doc.lang = UNDETERMINED
    return doc


class Detect(Stage):
    """Documents already finished (empty, error) pass through; an empty one is ``und``."""

    name = "detect"

    def process(self, doc: Document) -> Document:
        return detect_document(doc, self.settings)

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in map_documents(self.name, self.process, docs):
            yield _undetermined_if_empty(doc)
