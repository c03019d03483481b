"""The decision rules of normalise.langid on single texts."""

from __future__ import annotations

import pytest

from normalise.langid import decide, html_lang, normalise_code
from normalise.langid.evidence import evidence, tokens
from normalise.settings import Settings

SETTINGS = Settings()


def test_a_capital_accented_letter_is_a_word_not_an_initial():
    assert tokens("È terribile, À la carte") == ["è", "terribile", "à", "la", "carte"]
    assert decide("È terribile.", SETTINGS).lang == "it"


def test_tokens_split_elisions_and_drop_initials():
    assert tokens("L’any passat, qu'il s-a dell'anno la I Guerra") == [
        "l'", "any", "passat", "qu'", "il", "s-a", "dell'", "anno", "la", "guerra",
    ]  # fmt: skip


def test_suffix_markers_only_match_word_endings():
    assert evidence("nación", ("es", "ca"))["ca"] == 0
    assert evidence("nación", ("es", "ca"))["es"] == 1
    assert evidence("estacions", ("es", "ca"))["ca"] == 1


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Els treballadors de la fàbrica van sortir al carrer amb pancartes però sense "
         "incidents, segons la policia.", "ca"),
        ("Os trabalhadores da fábrica saíram à rua com cartazes, mas não houve incidentes, "
         "segundo a polícia.", "pt"),
        ("Muncitorii fabricii au ieșit în stradă cu pancarte, dar nu au fost incidente, "
         "potrivit poliției.", "ro"),
        ("Les ouvriers de l'usine sont descendus dans la rue avec des pancartes, mais il n'y a "
         "pas eu d'incidents, selon la police.", "fr"),
        ("Los trabajadores de la fábrica salieron a la calle con pancartas, pero no hubo "
         "incidentes, según la policía.", "es"),
        ("Gli operai della fabbrica sono scesi in piazza con i cartelli, ma non ci sono stati "
         "incidenti, secondo la polizia.", "it"),
    ],
)  # fmt: skip
def test_neighbours_are_told_apart(text, lang):
    guess = decide(text, SETTINGS)
    assert guess.lang == lang
    assert guess.runner_up != lang


def test_decision_is_calibrated_and_deterministic():
    text = "La reunión terminó sin acuerdo entre las partes implicadas en el conflicto."
    guesses = {decide(text, SETTINGS) for _ in range(3)}
    assert len(guesses) == 1
    (guess,) = guesses
    assert guess.lang == "es" and 0.8 <= guess.score <= 1.0


@pytest.mark.parametrize("text", ["Madrid", "la casa", "12 345 678", "Roma"])
def test_snippets_abstain(text):
    """One word, or words every neighbour shares: too short to tell."""
    assert decide(text, SETTINGS).lang == "und"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("el gobierno", "es"),  # ca govern, gl goberno, pt governo, it governo
        ("Sims was 20 years old.", "en"),
        ("Sims aveva 20 anni.", "it"),
        ("¿Lo recordáis?", "es"),  # inverted marks are Spanish
    ],
)
def test_whole_words_decide_short_texts_langdetect_cannot(text, lang):
    guess = decide(text, SETTINGS)
    assert (guess.lang, guess.method) == (lang, "words")
    assert guess.runner_up != lang


@pytest.mark.parametrize(
    ("text", "lang", "langdetect_said"),
    [
        ("Solo press conferences are rare.", "en", "it"),
        ("Trump da un mitin en West Virginia", "es", "de"),
    ],
)
def test_words_overrule_langdetect_only_into_a_clear_translated_language(
    text, lang, langdetect_said
):
    guess = decide(text, SETTINGS)
    assert (guess.lang, guess.method, guess.runner_up) == (lang, "words", langdetect_said)
    assert langdetect_said in guess.note


@pytest.mark.parametrize(
    ("text", "not_lang"),
    [
        ("Não vamos pedir licença.", "es"),
        ("El govern ho nega tot.", "es"),
        ("Nu vom cere voie.", "it"),
        ("Il faut bien le faire.", "it"),
        ("Non hai ningunha dúbida.", "it"),  # Galician has no word list: "non hai" is not enough
    ],
)
def test_short_neighbours_are_not_rescued_into_a_translated_language(text, not_lang):
    assert decide(text, SETTINGS).lang not in {not_lang, "en"}


def test_hint_decides_only_what_the_text_leaves_open():
    assert decide("el gobierno", SETTINGS, hint="es").lang == "es"
    clear_it = (
        "Il governo ha approvato ieri sera la nuova legge sul lavoro dopo un lungo dibattito."
    )
    guess = decide(clear_it, SETTINGS, hint="en")
    assert guess.lang == "it" and "set aside" in guess.note
    assert decide("1234 5678", SETTINGS, hint="es").lang == "und"


def test_hint_codes_are_normalised():
    assert [normalise_code(c) for c in ("es-ES", "PT_br", "spa", "", "12", None)] == [
        "es", "pt", "es", None, None, None,
    ]  # fmt: skip
    assert html_lang('<!DOCTYPE html>\n<html class="x" lang="it-IT">') == "it"
    assert html_lang("<html lang=ca><body>") == "ca"
    assert html_lang("<html><body lang='fr'>") is None


def test_name_runs_span_connectors_but_not_the_sentence_between_names():
    from normalise.langid.names import name_spans

    text = "El primer gol de Dolly Menga para el Livingston ante Citizens for Responsibility."
    assert [text[a:b] for a, b in name_spans(text)] == [
        "Dolly Menga", "Citizens for Responsibility.",
    ]  # fmt: skip
    german = "Die Bundesregierung hat am Montag neue Regeln beschlossen."
    assert [german[a:b] for a, b in name_spans(german)] == ["Die Bundesregierung"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Norman Eisen, profesor emérito de la Brookings Institution, es el presidente de "
         "Citizens for Responsibility and Ethics in Washington y autor de “The Last Palace: "
         "Europe's Turbulent Century in Five Lives and One Legendary House”.", "es"),
        ("Norman Eisen, Senior Fellow presso la Brookings Institution, è il presidente "
         "dell'organizzazione Citizens for Responsibility and Ethics di Washington e l'autore di "
         "\"The Last Palace: Europe's Turbulent Century in Five Lives and One Legendary House\".",
         "it"),
        # the same names around a neighbour's grammar go to no model of ours
        ("Norman Eisen, investigador sénior da Brookings Institution, é o presidente da "
         "Citizens for Responsibility and Ethics in Washington.", "pt"),
        ("Norman Eisen, investigador sènior de la Brookings Institution, és el president de "
         "Citizens for Responsibility and Ethics in Washington.", "ca"),
    ],
)  # fmt: skip
def test_a_sentence_full_of_english_names_is_judged_by_its_grammar(text, lang):
    assert decide(text, SETTINGS).lang == lang


def test_a_title_case_headline_is_not_emptied_of_its_words():
    # every word is capitalised: nothing would be left, so the text is judged whole
    assert decide("Hurricane Michael Slams Into Florida Panhandle", SETTINGS).lang in {"en", "und"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ella no es racista.", "es"),  # es and ca tie on function words; langdetect is sure
        ("¡Venga!", "es"),  # one word, and a mark only Spanish writes
        ("I didn't leak.", "en"),  # a contraction is one listed word, not "didn" and "t"
        ("I am angry.", "en"),  # a capital I before a word is the pronoun, not an initial
    ],
)
def test_short_texts_two_methods_agree_on(text, lang):
    assert decide(text, SETTINGS).lang == lang


def test_words_overrule_an_unsure_langdetect_on_a_plainly_spanish_sentence():
    guess = decide('"No vamos a pedir permiso".', SETTINGS)
    assert (guess.lang, guess.method, guess.runner_up) == ("es", "words", "pt")
