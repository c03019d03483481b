"""Detect stage: each document's language, and each paragraph's, on the cleaned text.

The document is decided once (hint included), on a bounded sample of its text: the paragraphs
up to about ``SAMPLE_CHARS`` characters, which is all that langdetect reads of a text anyway,
so a long article costs no more than a short one. Paragraphs long enough to be judged on their
own are checked too, so that a Spanish quote in an English article is found; but a full
detection per paragraph would cost more than extracting the page, so each paragraph is first
screened on cheap evidence, and detected only where that evidence is mixed or weak:

* a paragraph whose function words plainly agree with the document keeps its language;
* in a document decided clearly (by langdetect, at ``CLEAR_SCORE`` or more), a paragraph whose
  character n-grams are likeliest in the document's language keeps it too
  (:func:`normalise.langid.ngrams.likeliest`);
* any other paragraph gets its own decision, as does every paragraph of a document decided
  weakly (low score, hint, function words or word vote, ``und``).

The document's language is the majority by characters. When that majority overturns the
document's own decision, the document is mixed, and the screened paragraphs get their own
decisions after all. The decision rules live in :mod:`normalise.langid` (see
docs/language.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from ..langid import UNDETERMINED, LanguageGuess, decide, normalise_code
from ..langid.decide import MAX_DETECT_CHARS, from_text
from ..langid.evidence import (
    evidence_hits,
    evidence_of,
    has_letters,
    listed_languages,
    remember_tokens,
    tokens,
    tokens_of_each,
)
from ..langid.ngrams import likeliest
from ..record import Document, Status
from ..settings import Settings
from .base import Stage, map_documents

AGREEMENT_MIN_EVIDENCE = 3  # function words that let a paragraph keep the document's language
SAMPLE_CHARS = MAX_DETECT_CHARS  # the document is decided on its paragraphs up to this many...
SAMPLE_MAX_CHARS = 2 * SAMPLE_CHARS  # ...finishing the paragraph, if it ends by this many
CLEAR_SCORE = 0.95  # langdetect's score above which paragraphs are screened (see above)
PARAGRAPH_SEPARATOR = "\n\n"  # between the paragraphs of ``source_text`` (the clean stage's)


def long_enough(text: str, settings: Settings, text_tokens: Sequence[str] | None = None) -> bool:
    """Long enough to be judged on its own (``text_tokens``: its :func:`tokens`, if known)."""
    if len(text) < settings.min_lang_chars or not has_letters(text, settings.min_lang_chars):
        return False
    words = tokens(text) if text_tokens is None else text_tokens
    return len(words) >= settings.min_lang_words


def _plainly(text_tokens: Sequence[str], lang: str) -> bool:
    """True when the function words of a text point to ``lang`` and to no other language.

    Asked of nearly every paragraph, so counted cheaply first: ``lang``'s evidence alone, and
    when it outweighs all the other languages' together, no other can equal it. Only the rest
    count each language (:func:`evidence_of`; every piece of evidence is a listed language's).
    """
    hits = evidence_hits(text_tokens)
    mine = hits.count(lang)
    if mine < AGREEMENT_MIN_EVIDENCE:
        return False
    if len(hits) - mine < mine:
        return True
    counts = evidence_of(text_tokens, listed_languages())
    return all(count < mine for code, count in counts.items() if code != lang)


def document_sample(text: str) -> str:
    """What the document's decision reads: ``text`` up to the end of the paragraph in which
    its ``SAMPLE_CHARS``-th character falls, or up to the first space after it if that
    paragraph runs past ``SAMPLE_MAX_CHARS``. langdetect reads the first ``MAX_DETECT_CHARS``
    characters of a text (URLs and e-mail addresses taken out), so it sees what it saw in the
    whole text; function words, names and letters are counted on the sample too."""
    if len(text) <= SAMPLE_CHARS:
        return text
    end = text.find("\n\n", SAMPLE_CHARS)
    if end == -1:
        end = len(text)
    if end > SAMPLE_MAX_CHARS:
        space = text.find(" ", SAMPLE_CHARS, SAMPLE_MAX_CHARS)
        end = space if space != -1 else SAMPLE_MAX_CHARS
    return text[:end]


def clear(whole: LanguageGuess) -> bool:
    """Is the document's decision strong enough for its paragraphs to be screened?"""
    return whole.method == "langdetect" and whole.score >= CLEAR_SCORE


def _reads_like(text: str, whole: LanguageGuess) -> bool:
    """Do the paragraph's character n-grams make it likeliest in the document's language?
    Asked only in a document decided clearly (see the module docstring)."""
    return clear(whole) and likeliest(text) == whole.lang


def _own_guess(text: str, settings: Settings) -> str | None:
    """A paragraph's own decision, or None when it is ``und``."""
    guess = from_text(text, settings)
    return None if guess.lang == UNDETERMINED else guess.lang


def _characters(doc: Document, own: list[str | None], whole: LanguageGuess) -> Counter[str]:
    """Characters per language; a paragraph without a language of its own counts as the
    document's decision."""
    chars: Counter[str] = Counter()
    for segment, lang in zip(doc.segments, own, strict=True):
        lang = lang or whole.lang
        if lang != UNDETERMINED:
            chars[lang] += len(segment.text)
    return chars


def _majority(chars: Counter[str], whole: LanguageGuess) -> str:
    return max(chars, key=lambda code: (chars[code], code == whole.lang))


def paragraph_languages(
    doc: Document,
    whole: LanguageGuess,
    settings: Settings,
    words: Sequence[Sequence[str]] | None = None,
) -> tuple[list[str | None], Counter[str]]:
    """Each paragraph's own language (None: too short to have one, or ``und``) and the
    characters per language (``words``: each paragraph's :func:`tokens`, if known). When the
    majority overturns the document's decision the document is mixed, and the paragraphs
    that the n-gram screen spared get their own decisions after all."""
    texts = [segment.text for segment in doc.segments]
    if words is None:
        words = [tokens(text) for text in texts]
    judged = [long_enough(text, settings, w) for text, w in zip(texts, words, strict=True)]
    agree = whole.lang != UNDETERMINED
    # no function word counts for a language without a list (ru, ja): none plainly agrees
    listed = whole.lang in listed_languages()
    plain = [
        long and listed and _plainly(w, whole.lang) for w, long in zip(words, judged, strict=True)
    ]
    alike = [
        long and agree and not plainly and _reads_like(text, whole)
        for text, long, plainly in zip(texts, judged, plain, strict=True)
    ]
    own = [
        whole.lang if plainly or like else (_own_guess(text, settings) if long else None)
        for text, long, plainly, like in zip(texts, judged, plain, alike, strict=True)
    ]
    chars = _characters(doc, own, whole)
    if any(alike) and _majority(chars, whole) != whole.lang:
        own = [
            _own_guess(text, settings) if like else lang
            for text, like, lang in zip(texts, alike, own, strict=True)
        ]
        chars = _characters(doc, own, whole)
    return own, chars


def _paragraph_words(doc: Document, sample: str) -> list[tuple[str, ...]]:
    """Each paragraph's :func:`tokens`; those of ``sample`` too, from them, when the sample is
    whole paragraphs joined as the clean stage joins them (the decision reads its words)."""
    texts = [segment.text for segment in doc.segments]
    words = tokens_of_each(texts)
    length, count = -len(PARAGRAPH_SEPARATOR), 0
    while count < len(texts) and length < len(sample):
        length += len(PARAGRAPH_SEPARATOR) + len(texts[count])
        count += 1
    if length == len(sample) and sample == PARAGRAPH_SEPARATOR.join(texts[:count]):
        remember_tokens(sample, [word for part in words[:count] for word in part])
    return words


def detect_document(doc: Document, settings: Settings) -> Document:
    hint = normalise_code(doc.metadata.get("lang_hint"))
    sample = document_sample(doc.source_text)
    words = _paragraph_words(doc, sample)
    whole = decide(sample, settings, hint)
    own, chars = paragraph_languages(doc, whole, settings, words)
    lang, score, method = whole.lang, whole.score, whole.method
    if chars:
        majority = _majority(chars, whole)
        if majority != whole.lang:
            lang, method = majority, "paragraphs"
            score = round(chars[majority] / sum(chars.values()), 4)
    has_words = any(map(str.isalpha, doc.source_text))
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
