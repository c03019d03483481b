"""One calibrated language decision for a text.

0. Proper names and titles are set aside when they make up much of the text (``names.py``):
   a Spanish sentence about "Citizens for Responsibility and Ethics in Washington" is Spanish.
1. langdetect, seeded, over its full profile set (55 languages), so that French is French and
   not "the closest of it/es/en".
2. If its top language has neighbours it confuses (Catalan/Portuguese/Galician/French/Romanian
   vs Spanish/Italian), function-word evidence re-checks it: a neighbour with more evidence
   wins; a switch *into* a language we translate needs a clear margin, and a near tie is
   ``und`` rather than a guess. Sending a text to the wrong model is worse than not sending it.
3. A top language below the confidence threshold is ``und`` unless function words single out
   one of langdetect's candidates.
4. Short texts must satisfy both methods at once, or they are ``und``.
5. Words get a second say (``words.py``: a naive-Bayes vote of whole words over 26 languages'
   frequency lists) on short texts: they decide a text steps 1-4 left ``und`` when their
   posterior is high (or fairly high, and langdetect or the function words agree), and
   overturn langdetect when they clearly point at a language we translate and give
   langdetect's choice almost no chance ("Solo press conferences are rare." is not Italian;
   "Trump da un mitin en West Virginia" is not German).
6. A hint (JSONL ``lang``, HTML ``<html lang>``) decides an ``und`` text, and wins over the
   text only when the text is compatible with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..languages import TARGET_LANG, TUNED_SOURCE_LANGS
from ..settings import Settings
from .evidence import evidence, group, letter_count, listed_languages, tokens
from .names import without_names
from .ngrams import probabilities
from .words import MARKS, vote

UNDETERMINED = "und"
# Switching langdetect's answer *into* one of these sends text to a model: demand more evidence.
TRANSLATED_LANGS = frozenset({TARGET_LANG, *TUNED_SOURCE_LANGS})
SWITCH_MARGIN = 1  # evidence needed over langdetect's choice to switch to an untranslated neighbour
SWITCH_INTO_TRANSLATED_MARGIN = 2
RESCUE_MIN_EVIDENCE = 3  # function words needed to rescue a low-confidence text...
RESCUE_MIN_DENSITY = 0.2  # ...and their share of its words
SHORT_MIN_SCORE = 0.99  # langdetect score a short text needs (on top of function-word agreement)
HINT_MIN_SCORE = 0.2  # langdetect score that makes the text "compatible" with a hint
MAX_DETECT_CHARS = 3000  # langdetect reads this much of a text: plenty, and bounds its cost
WORDS_MIN_POSTERIOR = 0.9  # the word vote decides an otherwise und text at this posterior...
WORDS_AGREEING_POSTERIOR = 0.5  # ...or at this one, if function words single out the same language,
WORDS_LANGDETECT_AGREEING_POSTERIOR = 0.8  # ...or at this one, if langdetect gave it >= 0.99
WORDS_OVERRULE_POSTERIOR = 0.95  # the word vote overrules langdetect into it/es/en at this one...
WORDS_OVERRULED_AT_MOST = 0.01  # ...if it gives langdetect's choice at most this (0.05 when
WORDS_OVERRULED_UNSURE_AT_MOST = 0.05  # langdetect itself is below SHORT_MIN_SCORE)...
WORDS_OVERRULE_MIN_KNOWN = 2  # ...from at least this many listed words
WORDS_MAX_TEXT_WORDS = 40  # longer texts give langdetect enough to read: words are not consulted
WORDS_MIN_TEXT_WORDS = 2  # a one-word text stays und: too short to tell, by any method
# Share of a text's words some list must know before the vote may decide or overrule: words no
# list has are names, or a language without a list (Galician "Non hai ningunha dúbida" must not
# become Italian on "non" and "hai" alone).
WORDS_MIN_KNOWN_SHARE = 0.6


@dataclass(frozen=True)
class LanguageGuess:
    lang: str
    score: float
    runner_up: str | None = None
    runner_up_score: float = 0.0
    method: str = "langdetect"  # "langdetect" | "function-words" | "words" | "hint" | "none"
    note: str | None = None  # why the language is und, or why a hint was set aside


def ranking(text: str, seed: int) -> list[tuple[str, float]]:
    """langdetect's languages with probability ≥ 0.1, best first; ``[]`` if it finds none.
    The random generator is reseeded per text: the result depends on nothing else. (Computed
    by ``ngrams.py``, which gives langdetect's numbers, bit for bit, in a fraction of the
    time.)"""
    return list(_ranking(text, seed))


@lru_cache(maxsize=4)
def _ranking(text: str, seed: int) -> tuple[tuple[str, float], ...]:
    """:func:`ranking`, kept for the last few texts: a hint is weighed on the text the
    decision just read."""
    return tuple(probabilities(text, seed, MAX_DETECT_CHARS))


def _undetermined(note: str, ranked: list[tuple[str, float]] = ()) -> LanguageGuess:
    best = ranked[0] if ranked else (None, 0.0)
    return LanguageGuess(UNDETERMINED, 0.0, best[0], round(best[1], 4), "none", note)


def _unique_best(counts: dict[str, int]) -> str | None:
    if not counts:
        return None
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    if len(ordered) > 1 and ordered[0][1] == ordered[1][1]:
        return None
    return ordered[0][0]


def _guess(
    lang: str, score: float, ranked: list[tuple[str, float]], method: str, note: str | None = None
) -> LanguageGuess:
    runner = next(((code, p) for code, p in ranked if code != lang), (None, 0.0))
    return LanguageGuess(lang, round(score, 4), runner[0], round(runner[1], 4), method, note)


def judged_text(text: str, settings: Settings) -> str:
    """What the decision reads: ``text``, or ``text`` without its proper names and titles when
    they make up much of it and enough is left to judge (``names.py``: a Spanish sentence
    about "Citizens for Responsibility and Ethics in Washington" is Spanish)."""
    rest = without_names(text)
    if rest is None:
        return text
    letters = letter_count(rest)
    if letters < settings.min_lang_chars or len(tokens(rest)) < settings.min_lang_words:
        return text
    return rest


def from_text(text: str, settings: Settings) -> LanguageGuess:
    """The decision the text alone supports (no hint)."""
    text = judged_text(text, settings)
    guess = _from_characters(text, settings)
    if guess.method == "none" and guess.note and guess.note.startswith("no letters"):
        return guess
    # "¡Venga!" is two words' worth of evidence: the mark is as Spanish as a word (words.py)
    word_count = len(tokens(text)) + sum(mark in text for mark in MARKS)
    if not WORDS_MIN_TEXT_WORDS <= word_count <= WORDS_MAX_TEXT_WORDS:
        return guess
    return _second_opinion(guess, text, word_count)


def _second_opinion(guess: LanguageGuess, text: str, word_count: int) -> LanguageGuess:
    """What whole words add to a short text's decision (see step 5 of the module docstring)."""
    words = vote(text)
    known = words.known_words >= WORDS_MIN_KNOWN_SHARE * word_count
    if words.lang is None or words.lang == guess.lang:
        return guess
    if guess.lang == UNDETERMINED:
        others = sorted(((p, code) for code, p in words.posteriors.items() if code != words.lang))
        runner = (others[-1][1], round(others[-1][0], 4)) if others else (None, 0.0)
        agreeing = _unique_best(evidence(text, listed_languages())) == words.lang
        # a short text langdetect is sure of, but whose function words tie with a neighbour's
        # ("Ella no es racista": es and ca alike): two methods agreeing is enough
        sure = guess.runner_up == words.lang and guess.runner_up_score >= SHORT_MIN_SCORE
        if known and (
            words.posterior >= WORDS_MIN_POSTERIOR
            or (agreeing and words.posterior >= WORDS_AGREEING_POSTERIOR)
            or (sure and words.posterior >= WORDS_LANGDETECT_AGREEING_POSTERIOR)
        ):
            return LanguageGuess(words.lang, round(words.posterior, 4), *runner, "words")
        return guess
    unsure = guess.score < SHORT_MIN_SCORE
    overruled_at_most = WORDS_OVERRULED_UNSURE_AT_MOST if unsure else WORDS_OVERRULED_AT_MOST
    if (
        words.lang in TRANSLATED_LANGS
        and words.posterior >= WORDS_OVERRULE_POSTERIOR
        and words.known_words >= WORDS_OVERRULE_MIN_KNOWN
        and known
        and words.of(guess.lang) <= overruled_at_most
    ):
        return LanguageGuess(
            words.lang,
            round(words.posterior, 4),
            guess.lang,
            guess.score,
            "words",
            f"langdetect read {guess.lang} ({guess.score:.2f}); its words are {words.lang}",
        )
    return guess


def _from_characters(text: str, settings: Settings) -> LanguageGuess:
    """langdetect's character n-grams, checked by function words (steps 1-4)."""
    words = tokens(text)
    letters = letter_count(text)
    if letters == 0:
        return _undetermined("no letters: only numbers, symbols or punctuation")
    ranked = ranking(text, settings.lang_seed)
    if not ranked:
        return _undetermined("no language features in the text")
    probability = dict(ranked)
    top, top_score = ranked[0]
    counts = evidence(text, listed_languages())
    short = letters < settings.min_lang_chars or len(words) < settings.min_lang_words

    if short:
        if top_score >= SHORT_MIN_SCORE and _unique_best(counts) == top:
            return _guess(top, top_score, ranked, "langdetect")
        return _undetermined(f"too short to tell ({len(words)} words, {letters} letters)", ranked)

    neighbours = group(top)
    if neighbours:
        best = max(
            neighbours, key=lambda code: (counts[code], code == top, probability.get(code, 0))
        )
        if best != top and counts[best] > counts[top]:
            needed = SWITCH_INTO_TRANSLATED_MARGIN if best in TRANSLATED_LANGS else SWITCH_MARGIN
            if counts[best] - counts[top] < needed:
                return _undetermined(f"{top} or {best}: the evidence is too close", ranked)
            share = counts[best] / sum(counts[code] for code in neighbours)
            return _guess(best, share, ranked, "function-words")

    # langdetect unsure, or sure of a language whose function words are absent: one of its
    # candidates may still be singled out by a dense run of its own function words
    candidates = {code: counts[code] for code in probability if counts[code]}
    rescued = _unique_best(candidates)
    if (
        rescued is not None
        and rescued != top
        and (top_score < settings.min_lang_score or counts[top] == 0)
        and counts[rescued] >= max(RESCUE_MIN_EVIDENCE, RESCUE_MIN_DENSITY * len(words))
        and _unique_best(counts) == rescued
    ):
        return _guess(rescued, probability[rescued], ranked, "function-words")
    if top_score >= settings.min_lang_score:
        return _guess(top, top_score, ranked, "langdetect")
    return _undetermined(
        f"no clear language (best {top} {top_score:.2f} < {settings.min_lang_score})", ranked
    )


def weigh_hint(guess: LanguageGuess, hint: str, text: str, settings: Settings) -> LanguageGuess:
    """The hint decides an undetermined text, and beats the text only where the text is
    compatible with it: langdetect gives the hint some probability, or the hint is a neighbour
    of the detected language with at least as much function-word evidence."""
    if guess.lang == hint:
        return guess
    if guess.lang == UNDETERMINED:
        if guess.note and guess.note.startswith("no letters"):
            return guess
        return LanguageGuess(hint, 0.0, guess.runner_up, guess.runner_up_score, "hint")
    text = judged_text(text, settings)  # as the guess read it
    probability = dict(ranking(text, settings.lang_seed))
    compatible = probability.get(hint, 0.0) >= HINT_MIN_SCORE
    if not compatible and hint in group(guess.lang):
        counts = evidence(text, (hint, guess.lang))
        compatible = counts[hint] >= counts[guess.lang] > 0
    if compatible:
        return LanguageGuess(
            hint, round(probability.get(hint, 0.0), 4), guess.lang, guess.score, "hint"
        )
    return LanguageGuess(
        guess.lang,
        guess.score,
        guess.runner_up,
        guess.runner_up_score,
        guess.method,
        f"hint {hint!r} set aside: the text reads as {guess.lang}",
    )


def decide(text: str, settings: Settings, hint: str | None = None) -> LanguageGuess:
    """The language of ``text``: a code, or ``und`` with a note saying why."""
    guess = from_text(text, settings)
    return weigh_hint(guess, hint, text, settings) if hint else guess
