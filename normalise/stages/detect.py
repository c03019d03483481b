"""Detect stage: the document's language, on the cleaned text, with seeded langdetect.

langdetect is random by design (it samples n-grams); a fixed seed makes it deterministic.
The profile factory is built once per process and reused, since loading the 55 profiles
costs far more than a detection.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..record import Document
from ..settings import Settings
from . import map_documents

UNDETERMINED = "und"


@dataclass(frozen=True)
class LanguageGuess:
    lang: str
    score: float
    runner_up: str | None = None
    runner_up_score: float = 0.0


@lru_cache(maxsize=4)
def _factory(seed: int):
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(seed)
    return factory


def guess_language(text: str, settings: Settings) -> LanguageGuess:
    """Best language for ``text``, or ``und`` when the text is too short or the best
    language is not clear enough."""
    from langdetect.lang_detect_exception import LangDetectException

    letters = sum(ch.isalpha() for ch in text)
    if letters < settings.min_lang_chars:
        return LanguageGuess(UNDETERMINED, 0.0)
    detector = _factory(settings.lang_seed).create()
    detector.append(text)
    try:
        ranked = detector.get_probabilities()
    except LangDetectException:
        return LanguageGuess(UNDETERMINED, 0.0)
    if not ranked:
        return LanguageGuess(UNDETERMINED, 0.0)
    best = ranked[0]
    runner_up = ranked[1] if len(ranked) > 1 else None
    lang = best.lang if best.prob >= settings.min_lang_score else UNDETERMINED
    return LanguageGuess(
        lang,
        round(best.prob, 4),
        runner_up.lang if runner_up else None,
        round(runner_up.prob, 4) if runner_up else 0.0,
    )


def detect_document(doc: Document, settings: Settings) -> Document:
    if settings.assume_lang:
        doc.lang, doc.lang_score = settings.assume_lang, None
        return doc
    guess = guess_language(doc.source_text, settings)
    doc.lang, doc.lang_score = guess.lang, guess.score
    if guess.runner_up:
        doc.metadata["lang_runner_up"] = guess.runner_up
    return doc


def detect(docs: Iterable[Document], settings: Settings) -> Iterator[Document]:
    return map_documents("detect", lambda doc: detect_document(doc, settings), docs)
