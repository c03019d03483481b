"""Language routing end to end: the right model or none, never a neighbour's."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pytest

from normalise.inputs.files import InputRecord
from normalise.record import Document, Status
from normalise.settings import Settings
from normalise.stages.clean.stage import Clean
from normalise.stages.detect import Detect
from normalise.stages.pipeline import Pipeline

EN_1 = (
    "The city council approved the new budget on Tuesday after a long debate. "
    "The mayor said that the money would go to schools and to public transport."
)
EN_2 = (
    "Opposition members argued that the plan was too expensive and that it had been rushed "
    "through without a proper consultation with the residents."
)
ES_QUOTE = (
    "«No vamos a permitir que nos quiten el autobús de la noche, porque es la única forma que "
    "tenemos de volver a casa después del trabajo», dijo una vecina del barrio."
)
IT_TEXT = (
    "Il consiglio comunale ha approvato martedì il nuovo bilancio dopo un lungo dibattito. "
    "Il sindaco ha detto che i fondi andranno alle scuole e al trasporto pubblico."
)
NEIGHBOURS = {
    "ca": "L'ajuntament va aprovar dimarts el nou pressupost després d'un llarg debat. "
    "L'alcalde va dir que els diners anirien a les escoles i al transport públic.",
    "pt": "A câmara municipal aprovou na terça-feira o novo orçamento depois de um longo debate. "
    "O presidente disse que o dinheiro não vai faltar às escolas nem aos transportes.",
    "ro": "Consiliul local a aprobat marți noul buget după o dezbatere lungă. "
    "Primarul a spus că banii vor merge la școli și la transportul public.",
    "fr": "Le conseil municipal a approuvé mardi le nouveau budget après un long débat. "
    "Le maire a déclaré que l'argent irait aux écoles et aux transports publics.",
}


def _docs(texts: dict[str, str]) -> list[Document]:
    return [Document(id=name, source=name, raw_text=text) for name, text in texts.items()]


def _detected(texts: dict[str, str], settings: Settings | None = None) -> dict[str, Document]:
    settings = settings or Settings()
    return {doc.id: doc for doc in Detect(settings)(Clean(settings)(_docs(texts)))}


def _fingerprint(doc: Document) -> tuple:
    return (doc.id, doc.lang, doc.lang_score, tuple(s.lang for s in doc.segments), doc.metadata)


TEXTS = {"en": EN_1, "mixed": f"{EN_1}\n\n{ES_QUOTE}\n\n{EN_2}", "it": IT_TEXT, **NEIGHBOURS}


def _detect_one(item: tuple[str, str]) -> tuple:
    return _fingerprint(_detected(dict([item]))[item[0]])


def test_detection_is_the_same_across_runs_orders_and_worker_processes():
    forward = [_fingerprint(d) for d in _detected(TEXTS).values()]
    again = [_fingerprint(d) for d in _detected(TEXTS).values()]
    backward = sorted(
        (_fingerprint(d) for d in _detected(dict(reversed(TEXTS.items()))).values()),
        key=lambda f: list(TEXTS).index(f[0]),
    )
    with ProcessPoolExecutor(max_workers=2) as pool:
        in_workers = list(pool.map(_detect_one, TEXTS.items()))
    assert forward == again == backward == in_workers


@pytest.mark.parametrize("lang", sorted(NEIGHBOURS))
def test_neighbours_are_recognised_and_not_translated(lang, tiny_store):
    pipeline = Pipeline(Settings(models_dir=tiny_store))
    (doc,) = pipeline.process(_docs({lang: NEIGHBOURS[lang]}))
    assert doc.lang == lang
    assert doc.status == Status.UNSUPPORTED_LANGUAGE
    assert repr(lang) in doc.reason
    assert doc.text == ""
    assert doc.source_text == NEIGHBOURS[lang]
    assert all(s.en is None for seg in doc.segments for s in seg.sentences)
    assert not pipeline.stats().counters["sentences_translated"]


def test_mixed_document_translates_only_its_foreign_paragraph(tiny_store):
    pipeline = Pipeline(Settings(models_dir=tiny_store))
    (doc,) = pipeline.process(_docs({"mixed": TEXTS["mixed"]}))
    assert doc.lang == "en"
    assert [seg.lang for seg in doc.segments] == ["en", "es", "en"]
    assert doc.metadata["lang_chars"]["en"] > doc.metadata["lang_chars"]["es"]
    assert doc.status == Status.TRANSLATED
    assert doc.translator["name"] == "translate-es_en-1_0"
    english, spanish, english_again = doc.segments
    for seg in (english, english_again):
        assert all(s.en == s.src for s in seg.sentences)
    assert all(s.en is not None and s.en != s.src for s in spanish.sentences)
    assert pipeline.stats().counters["sentences_translated"] == len(spanish.sentences)
    assert doc.text.startswith(EN_1) and doc.text.endswith(EN_2)


def test_majority_by_characters_decides_the_document_language():
    short_en = "The mayor replied briefly to the question from the press."
    long_es = f"{ES_QUOTE} {ES_QUOTE}"
    doc = _detected({"d": f"{short_en}\n\n{long_es}"})["d"]
    assert doc.lang == "es"
    assert [seg.lang for seg in doc.segments] == ["en", "es"]


def test_english_paragraph_in_an_italian_article_passes_through(tiny_store):
    pipeline = Pipeline(Settings(models_dir=tiny_store))
    (doc,) = pipeline.process(_docs({"d": f"{IT_TEXT}\n\n{IT_TEXT}\n\n{EN_2}"}))
    assert doc.lang == "it" and doc.status == Status.TRANSLATED
    quoted = doc.segments[-1]
    assert quoted.lang == "en"
    assert all(s.en == s.src and "untranslated" not in s.flags for s in quoted.sentences)


def test_short_text_is_und_unless_a_language_is_assumed(tiny_store):
    short = {"short": "Hola, Maria"}  # one word and a name: es, it, pt, ca alike
    plain = Pipeline(Settings(models_dir=tiny_store))
    (doc,) = plain.process(_docs(short))
    assert doc.lang == "und"
    assert doc.status == Status.UNTRANSLATED
    assert "too short" in doc.reason and "--assume-lang" in doc.reason
    assumed = Pipeline(Settings(models_dir=tiny_store, assume_lang="es"))
    (doc,) = assumed.process(_docs(short))
    assert doc.lang == "es" and doc.metadata["lang_method"] == "assume-lang"
    assert doc.status == Status.TRANSLATED


def test_assume_lang_does_not_override_a_clear_text(tiny_store):
    (doc,) = Pipeline(Settings(models_dir=tiny_store, assume_lang="it")).process(
        _docs({"fr": NEIGHBOURS["fr"]})
    )
    assert doc.lang == "fr" and doc.status == Status.UNSUPPORTED_LANGUAGE


def test_empty_and_numbers_only_documents_are_und_with_a_clear_status(tiny_store):
    settings = Settings(models_dir=tiny_store, assume_lang="es")
    empty, numbers = Pipeline(settings).process(
        _docs({"empty": "   \n\n  ", "numbers": "2019 - 2020\n\n12,5 % 3.400 1:0"})
    )
    assert (empty.lang, empty.status) == ("und", Status.EMPTY)
    assert (numbers.lang, numbers.status) == ("und", Status.UNTRANSLATED)
    assert "no letters" in numbers.reason


def test_a_record_lang_decides_a_short_text_but_not_a_clear_one(tiny_store):
    pipeline = Pipeline(Settings(models_dir=tiny_store))
    short, clear = pipeline.process_items(
        [
            InputRecord(id="short", text="Hola, Maria", lang="es-ES"),
            InputRecord(id="clear", text=NEIGHBOURS["pt"], lang="es"),
        ]
    )
    assert (short.lang, short.metadata["lang_method"]) == ("es", "hint")
    assert short.status == Status.TRANSLATED
    assert clear.lang == "pt" and clear.status == Status.UNSUPPORTED_LANGUAGE
    assert "set aside" in clear.metadata["lang_note"]


def test_html_lang_is_a_hint_weighed_against_the_text(tiny_store):
    page = (
        '<!doctype html><html lang="en-GB"><head><title>Notícia</title></head><body><article>'
        f"<p>{NEIGHBOURS['pt']}</p><p>{NEIGHBOURS['pt']}</p></article></body></html>"
    )
    (doc,) = Pipeline(Settings(models_dir=tiny_store)).process(
        [Document(id="p.html", source="p.html", format="html", raw_text=page)]
    )
    assert doc.metadata["lang_hint"] == "en"
    assert doc.lang == "pt" and doc.status == Status.UNSUPPORTED_LANGUAGE
