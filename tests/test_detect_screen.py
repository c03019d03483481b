"""The detect stage's cost: a bounded sample per document, own detections only where needed.

A full detection per paragraph costs more than extracting the page, so paragraphs that read
like a clearly decided document keep its language (see normalise/stages/detect.py). These
tests check that the screen spares the paragraphs it should, still finds the foreign ones, and
gives the languages a full detection of every paragraph gives.
"""

from __future__ import annotations

import pytest

from normalise.record import Document
from normalise.settings import Settings
from normalise.stages import detect as detect_module
from normalise.stages.clean.stage import Clean
from normalise.stages.detect import SAMPLE_MAX_CHARS, Detect, document_sample

EN = [
    "The city council approved the new budget on Tuesday after a long debate.",
    "Opposition members argued that the plan was too expensive for the residents.",
    "Schools, roads and buses: spending rises across every district next year.",
    "Residents queue outside the library before the morning opening.",
    "Local traders welcome cheaper parking near the market square.",
]
IT = [
    "Il consiglio comunale ha approvato martedì il nuovo bilancio dopo un lungo dibattito.",
    "Il sindaco ha detto che i fondi andranno alle scuole e al trasporto pubblico.",
    "Secondo l'opposizione il piano è troppo costoso e non è stato discusso con i cittadini.",
]
ES_QUOTE = (
    "«No vamos a permitir que nos quiten el autobús de la noche, porque es la única forma que "
    "tenemos de volver a casa después del trabajo», dijo una vecina del barrio."
)
SETTINGS = Settings()


def _run(texts: dict[str, str]) -> dict[str, Document]:
    docs = [Document(id=name, source=name, raw_text=text) for name, text in texts.items()]
    return {doc.id: doc for doc in Detect(SETTINGS)(Clean(SETTINGS)(docs))}


@pytest.fixture
def own_detections(monkeypatch) -> list[str]:
    """The paragraphs that got a detection of their own."""
    seen: list[str] = []
    real = detect_module.from_text

    def counting(text, settings):
        seen.append(text)
        return real(text, settings)

    monkeypatch.setattr(detect_module, "from_text", counting)
    return seen


def _without_screen(monkeypatch, texts: dict[str, str]) -> dict[str, Document]:
    """What the stage gives when every paragraph that does not plainly agree is detected."""
    with monkeypatch.context() as patch:
        patch.setattr(detect_module, "_reads_like", lambda text, whole: False)
        return _run(texts)


def _languages(doc: Document) -> tuple:
    return doc.lang, doc.lang_score, [s.lang for s in doc.segments], doc.metadata


def test_a_clear_document_spares_its_paragraphs_their_own_detection(own_detections):
    doc = _run({"en": "\n\n".join(EN)})["en"]
    assert doc.lang == "en"
    assert [s.lang for s in doc.segments] == ["en"] * len(EN)
    assert own_detections == []


def test_a_foreign_quote_in_a_clear_document_is_still_detected(own_detections):
    doc = _run({"mixed": "\n\n".join([*EN[:3], ES_QUOTE, *EN[3:]])})["mixed"]
    assert doc.lang == "en"
    assert [s.lang for s in doc.segments] == ["en", "en", "en", "es", "en", "en"]
    assert own_detections == [ES_QUOTE]


def test_an_english_paragraph_in_an_italian_article_is_found(own_detections):
    text = "\n\n".join([IT[0], IT[1], EN[0], IT[2]])
    doc = _run({"it": text})["it"]
    assert doc.lang == "it"
    assert [s.lang for s in doc.segments] == ["it", "it", "en", "it"]
    assert EN[0] in own_detections and not set(IT) & set(own_detections)


def test_the_screen_gives_the_languages_a_full_detection_gives(monkeypatch):
    texts = {
        "en": "\n\n".join(EN),
        "en-es": "\n\n".join([*EN[:2], ES_QUOTE, *EN[2:]]),
        "it-en": "\n\n".join([IT[0], EN[0], IT[1], EN[1], IT[2]]),
        "half": "\n\n".join([*EN, *IT]),
    }
    screened = {name: _languages(doc) for name, doc in _run(texts).items()}
    full = {name: _languages(doc) for name, doc in _without_screen(monkeypatch, texts).items()}
    assert screened == full


def test_a_document_whose_majority_overturns_its_decision_is_detected_in_full(
    own_detections, monkeypatch
):
    """The sample (the start of the document) reads as English, but most of the document is
    Italian: the document is mixed, so its English paragraphs get their own decisions after
    all, as without the screen."""
    english = "\n\n".join(EN * 9)  # past the sample
    italian = "\n\n".join(IT * 30)
    text = f"{english}\n\n{italian}"
    assert document_sample(text) in english
    doc = _run({"long": text})["long"]
    assert doc.lang == "it" and doc.metadata["lang_method"] == "paragraphs"
    assert set(EN[2:]) <= set(own_detections)  # the first two plainly agree: kept, as ever
    assert _languages(doc) == _languages(_without_screen(monkeypatch, {"long": text})["long"])


def test_the_document_is_decided_on_a_bounded_sample(monkeypatch):
    decided: list[str] = []
    real = detect_module.decide

    def recording(text, settings, hint=None):
        decided.append(text)
        return real(text, settings, hint)

    monkeypatch.setattr(detect_module, "decide", recording)
    text = "\n\n".join(EN * 200)  # about 70,000 characters
    doc = _run({"long": text})["long"]
    assert doc.lang == "en"
    assert len(decided) == 1 and len(decided[0]) <= SAMPLE_MAX_CHARS
    sample = decided[0]
    assert text.startswith(sample) and text[len(sample) :].startswith("\n\n")  # whole paragraphs


def test_a_short_document_is_decided_whole():
    text = "\n\n".join(EN)
    assert document_sample(text) == text
