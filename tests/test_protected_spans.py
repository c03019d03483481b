"""Protected spans and the glossary: every span of a source sentence is in its English,
verbatim, whatever the model does to the placeholders; damage is flagged, never silent."""

import re

import pytest
from click.testing import CliRunner

from normalise.argos.protected import PROTECTED_RESTORED, SpanProtector, mask, restore
from normalise.argos.store import ModelStore
from normalise.argos.translator import Translation
from normalise.record import Document, Segment
from normalise.settings import Settings
from normalise.stages.sentences import split_sentences
from normalise.stages.translate import Translate
from normalise.testing.argos_builder import build_package
from normalise.text.protect import Glossary, GlossaryError, find_spans

ITALIAN = [
    "Il prezzo è salito del 3,5% alle 19:30, a € 12,50 secondo https://www.repubblica.it/a_b.",
    "Scrivete a redazione@corriere.it o a @CorriereDellaSera con #elezioni2024.",
    "Scaricate il file bilancio_2024.pdf da Repubblica.it entro il 12/05/2024.",
    "La funzione os.path.join() e la variabile max_batch_tokens vanno in /usr/local/bin.",
    "Il G7 ha discusso del COVID-19 con 1.000.000 di persone collegate.",
]
SPANISH = [
    "Los usuarios activos superan los 700 millones, un 12,5 % más que en 2023.",
    "La cuenta @elpais_es publicó el enlace www.elpais.com/economia con #Presupuestos.",
    "El archivo informe.xlsx cuesta 12,50 € y llega a las 9:45 a ventas@empresa.es.",
]
EXPECTED = {
    ITALIAN[0]: ["3,5%", "19:30", "€ 12,50", "https://www.repubblica.it/a_b"],
    ITALIAN[1]: ["redazione@corriere.it", "@CorriereDellaSera", "#elezioni2024"],
    ITALIAN[2]: ["bilancio_2024.pdf", "Repubblica.it", "12/05/2024"],
    ITALIAN[3]: ["os.path.join()", "max_batch_tokens", "/usr/local/bin"],
    ITALIAN[4]: ["G7", "COVID-19", "1.000.000"],
    SPANISH[0]: ["700", "12,5 %", "2023"],
    SPANISH[1]: ["@elpais_es", "www.elpais.com/economia", "#Presupuestos"],
    SPANISH[2]: ["informe.xlsx", "12,50 €", "9:45", "ventas@empresa.es"],
}


@pytest.mark.parametrize("sentence", list(EXPECTED))
def test_spans_found(sentence):
    assert [s.text for s in find_spans(sentence)] == EXPECTED[sentence]


@pytest.mark.parametrize(
    "sentence",
    [
        "Il Sig. Rossi, ecc., e/o p.es. la Sra. García.",
        "Ha detto: «Andiamo!» (forse).",
        "El gobierno aprobó la nueva ley laboral.",
    ],
)
def test_plain_prose_has_no_spans(sentence):
    assert find_spans(sentence) == []


def test_sentence_punctuation_is_not_part_of_a_url():
    spans = find_spans("Vedi www.example.com. Oppure (https://x.org/a_(b)), grazie.")
    assert [s.text for s in spans] == ["www.example.com", "https://x.org/a_(b)"]


def _masked(sentence: str):
    return mask(sentence, find_spans(sentence))


def test_intact_placeholders_are_replaced_without_a_flag():
    masked = _masked(ITALIAN[0])
    assert masked.text == "Il prezzo è salito del {1} alle {2}, a {3} secondo {4}."
    english = "The price rose by {1} at { 2 }, to {3} according to {4}."
    result = restore(masked, english)
    assert result.text == (
        "The price rose by 3,5% at 19:30, to € 12,50 according to https://www.repubblica.it/a_b."
    )
    assert (result.intact, result.restored) == (4, False)


@pytest.mark.parametrize(
    "damaged",
    [
        "The price rose by at, to according to.",  # every placeholder dropped
        "The price rose by {1 at 2}, to {3}{3} according to {9}.",  # garbled, repeated, invented
        "The price rose by {4} at {3}, to {2} according to {1}.",  # reordered: fine
        "{ } {2",
        "",
    ],
)
def test_damaged_placeholders_are_restored_and_flagged(damaged):
    masked = _masked(ITALIAN[0])
    result = restore(masked, damaged)
    for span in masked.spans:
        assert result.text.count(span.text) == 1, (span.text, result.text)
    assert not re.search(r"[{}]", result.text)
    reordered = damaged.startswith("The price rose by {4}")
    assert result.restored is not reordered


def test_dropped_span_goes_to_its_relative_place_and_before_final_punctuation():
    masked = _masked("Il volo parte alle 19:30 da Roma e arriva a https://x.it/volo.")
    result = restore(masked, "The flight leaves at from Rome and arrives at.")
    assert result.text == "The flight leaves at 19:30 from Rome and arrives at https://x.it/volo."
    assert result.restored and result.intact == 0


class DamagingTranslator:
    """A stand-in model that "translates" by copying its input, then damages the
    placeholders: drops {1}, garbles {2} into "{2", repeats {3}, invents {9}. Used to check
    that the stage restores every span whatever a model does."""

    def __init__(self):
        self.seen: list[str] = []

    def translate(self, sentences):
        self.seen.extend(sentences)
        out = []
        for text in sentences:
            text = text.replace("{1}", "").replace("{2}", "{2").replace("{3}", "{3} {3}")
            out.append(Translation(text + " {9}", -0.5, ()))
        return out


def _doc(doc_id, sentences, lang):
    text = " ".join(sentences)
    doc = Document(id=doc_id, source=doc_id, lang=lang, source_text=text)
    doc.segments = [Segment(kind="paragraph", text=text, start=0, end=len(text))]
    return split_sentences(doc)


def _translated_sentences(stage, docs):
    return [s for d in stage(docs) for seg in d.segments for s in seg.sentences]


def test_stage_restores_what_a_damaging_model_breaks(tiny_store):
    stage = Translate(Settings(models_dir=tiny_store))
    fake = DamagingTranslator()
    stage._translators["it"] = fake
    stage._translators["es"] = fake
    docs = [_doc("it", ITALIAN, "it"), _doc("es", SPANISH, "es")]
    sentences = _translated_sentences(stage, docs)
    assert any("{1}" in text for text in fake.seen)  # the model saw placeholders, not spans
    assert not any("19:30" in text for text in fake.seen)
    for sentence in sentences:
        for span in EXPECTED[sentence.src]:
            assert span in sentence.en, (span, sentence.en)
        assert PROTECTED_RESTORED in sentence.flags
    assert stage.stats.counters["protected_spans"] == sum(len(v) for v in EXPECTED.values())
    assert stage.stats.counters["protected_spans_intact"] > 0  # {3} and {4}… came through


@pytest.mark.parametrize("lang, kind", [("it", "sentencepiece"), ("es", "bpe")])
def test_real_package_output_keeps_every_span(tmp_path, lang, kind):
    """A generated package (random weights: it never reproduces a placeholder by itself, so
    it drops or garbles every one) through the stage: every span is in the English."""
    store = ModelStore(tmp_path / "s")
    store.install(build_package(tmp_path / "b", lang, tokenizer=kind, seed=2))
    stage = Translate(Settings(models_dir=store.root))
    sentences = ITALIAN if lang == "it" else SPANISH
    out = _translated_sentences(stage, [_doc("d", sentences, lang)])
    assert [s.src for s in out] == sentences
    for sentence in out:
        for span in EXPECTED[sentence.src]:
            assert span in sentence.en, (span, sentence.en)
    assert stage.stats.counters["protected_restored"] == sum(
        PROTECTED_RESTORED in s.flags for s in out
    )


def test_protection_can_be_turned_off(tiny_store):
    stage = Translate(Settings(models_dir=tiny_store, protect_spans=False))
    fake = DamagingTranslator()
    stage._translators["it"] = fake
    _translated_sentences(stage, [_doc("it", ITALIAN[:1], "it")])
    assert fake.seen == ITALIAN[:1]


GLOSSARY = """
keep = ["Mario Draghi", "Banco Santander"]

[render]
"Camera dei Deputati" = "Chamber of Deputies"

[es]
keep = ["Real Madrid"]
render = { "Congreso de los Diputados" = "Congress of Deputies", "Moncloa" = "the Moncloa" }

[it]
render = { "Palazzo Chigi" = "the Prime Minister's office" }
"""


@pytest.fixture
def glossary_file(tmp_path):
    path = tmp_path / "glossary.toml"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


def test_glossary_terms_in_italian_and_spanish(tiny_store, glossary_file):
    stage = Translate(Settings(models_dir=tiny_store, glossary=glossary_file))
    fake = DamagingTranslator()
    stage._translators["it"] = stage._translators["es"] = fake
    italian = [
        "Mario Draghi ha parlato alla Camera dei Deputati ieri.",
        "Palazzo Chigi ha smentito le voci su Mario Draghi e il Real Madrid.",
    ]
    spanish = [
        "El Banco Santander y el Real Madrid firmaron en la Moncloa.",
        "El Congreso de los Diputados votó; la Camera dei Deputati no.",
    ]
    out = _translated_sentences(stage, [_doc("i", italian, "it"), _doc("s", spanish, "es")])
    english = {s.src: s.en for s in out}
    assert "Mario Draghi" in english[italian[0]]
    assert "Chamber of Deputies" in english[italian[0]]
    assert "Camera dei Deputati" not in english[italian[0]]
    assert "the Prime Minister's office" in english[italian[1]]
    assert "Real Madrid" in english[italian[1]]  # an es-only term: plain text in Italian
    assert any("Real Madrid" in text for text in fake.seen)
    assert "Banco Santander" in english[spanish[0]] and "Real Madrid" in english[spanish[0]]
    assert "the Moncloa" in english[spanish[0]]
    assert "Congress of Deputies" in english[spanish[1]]
    assert "Chamber of Deputies" in english[spanish[1]]  # [render] applies to every language
    assert not any(term in text for text in fake.seen for term in ("Draghi", "Santander"))
    assert not any("Moncloa" in text for text in fake.seen)


def test_glossary_term_in_italian_is_not_a_spanish_term(glossary_file):
    glossary = Glossary.load(glossary_file)
    italian = find_spans("Il Real Madrid e la Moncloa.", glossary, "it")
    spanish = find_spans("El Real Madrid y la Moncloa.", glossary, "es")
    assert italian == []
    assert [(s.text, s.render) for s in spanish] == [
        ("Real Madrid", "Real Madrid"),
        ("Moncloa", "the Moncloa"),
    ]


def test_glossary_matches_whole_words_longest_first(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text('keep = ["Banco", "Banco Santander", "Ana"]\n', encoding="utf-8")
    glossary = Glossary.load(path)
    spans = find_spans("El Banco Santander y Banana de Ana.", glossary, "es")
    assert [s.text for s in spans] == ["Banco Santander", "Ana"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("keep = 'Mario'", "must be a list"),
        ("[render]\n'x' = 3", "must map terms"),
        ("colour = 'blue'", "unknown key 'colour'"),
        ("[it]\nkepp = ['x']", "unknown key"),
        ("keep = [", "not valid TOML"),
    ],
)
def test_bad_glossary_names_file_and_fix(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GlossaryError, match=message) as error:
        Glossary.load(path)
    assert str(path) in str(error.value)


def test_cli_glossary_refused_with_exit_2(tmp_path):
    from normalise.cli.app import cli

    bad = tmp_path / "bad.toml"
    bad.write_text("keep = 3\n", encoding="utf-8")
    (tmp_path / "in.txt").write_text("Ciao a tutti.", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["run", str(tmp_path / "in.txt"), "-o", str(tmp_path / "o.jsonl"), "--glossary", str(bad)],
    )
    assert result.exit_code == 2 and "bad.toml" in result.output


def test_glossary_content_is_part_of_the_run_fingerprint(tmp_path, glossary_file):
    from normalise.run.engines import PipelineFactory
    from normalise.run.sharded import run_options

    def options():
        settings = Settings(models_dir=tmp_path / "m", glossary=glossary_file)
        return run_options(PipelineFactory(settings))

    before = options()
    assert before["glossary"][0] == str(glossary_file)
    glossary_file.write_text(GLOSSARY + '\n[fr]\nkeep = ["x"]\n', encoding="utf-8")
    assert options() != before


def test_protector_masks_per_language(glossary_file):
    protector = SpanProtector(Glossary.load(glossary_file))
    assert protector.mask("La Moncloa, 9:45.", "es").text == "La {1}, {2}."
    assert protector.mask("La Moncloa, 9:45.", "it").text == "La Moncloa, {1}."


def test_cli_run_with_glossary(tmp_path, tiny_store, glossary_file):
    import json

    from normalise.cli.app import cli

    source = tmp_path / "articolo.txt"
    source.write_text(
        "Mario Draghi ha parlato alla Camera dei Deputati di Roma alle 19:30 di ieri sera, "
        "davanti a un pubblico numeroso e attento.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        cli,
        ["run", str(source), "-o", str(out), "--models-dir", str(tiny_store), "--glossary",
         str(glossary_file), "--assume-lang", "it", "--workers", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    english = " ".join(s["en"] for seg in record["segments"] for s in seg["sentences"])
    assert "Mario Draghi" in english and "Chamber of Deputies" in english and "19:30" in english
