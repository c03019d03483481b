"""A sentence's English, score and flags depend on the sentence, the model and the settings
only: not on its batch neighbours, the batch size, ``docs_per_batch`` or the cache."""

import random
from dataclasses import replace
from pathlib import Path

import pytest

from normalise.argos.store import ModelStore
from normalise.argos.translator import LENGTH_LIMIT_REACHED, PackageTranslator
from normalise.record import Document
from normalise.settings import Settings
from normalise.stages.translate import Translate
from normalise.testing.argos_builder import TINY, build_package

NTREX = Path(__file__).parent / "data" / "ntrex_sample"
SHORT = {"it": ["Grazie.", "Sì.", "Ciao a tutti."], "es": ["Gracias.", "Sí.", "Hola a todos."]}


def _sentences(lang: str) -> list[str]:
    name = {"it": "newstest2019-ref.ita.txt", "es": "newstest2019-ref.spa.txt"}[lang]
    lines = (NTREX / name).read_text(encoding="utf-8").splitlines()
    return SHORT[lang] + lines[:40]


@pytest.fixture(scope="module", params=[("it", "sentencepiece"), ("es", "bpe")])
def engine_and_sentences(request, tmp_path_factory):
    """int8 packages, as the Argos 1.0 packages ship; a short length clock so that short
    inputs reach their decoding limit (the case that used to depend on the neighbours)."""
    lang, kind = request.param
    root = tmp_path_factory.mktemp(kind)
    shape = replace(TINY, quantization="int8", eos_after=30)
    archive = build_package(root / "b", lang, tokenizer=kind, shape=shape, seed=5)
    package = ModelStore(root / "s").install(archive, force=True)
    return PackageTranslator(package, inter_threads=1, intra_threads=1), _sentences(lang)


def _as_tuples(translations):
    return [(t.text, t.score, t.flags) for t in translations]


def test_each_sentence_alone_equals_every_mix(engine_and_sentences):
    engine, sentences = engine_and_sentences
    alone = [_as_tuples(engine.translate([s]))[0] for s in sentences]
    assert any(LENGTH_LIMIT_REACHED in flags for _, _, flags in alone)  # the limit matters
    assert any(LENGTH_LIMIT_REACHED not in flags for _, _, flags in alone)
    rng = random.Random(14)
    mixes = [sentences, sentences[::-1]]
    for _ in range(3):
        shuffled = sentences[:]
        rng.shuffle(shuffled)
        mixes.append(shuffled)
    for mix in mixes:
        expected = [alone[sentences.index(s)] for s in mix]
        assert _as_tuples(engine.translate(mix)) == expected
    # short sentences next to the longest one, in one batch
    longest = max(sentences, key=len)
    for short in (s for s in sentences if len(s) < 16):
        pair = _as_tuples(engine.translate([short, longest]))
        assert pair == [alone[sentences.index(short)], alone[sentences.index(longest)]]


@pytest.mark.parametrize("max_batch_tokens", [16, 64, 4096])
def test_batch_size_does_not_change_results(engine_and_sentences, max_batch_tokens):
    engine, sentences = engine_and_sentences
    reference = _as_tuples(engine.translate(sentences))
    other = PackageTranslator(
        engine.package, max_batch_tokens=max_batch_tokens, inter_threads=1, intra_threads=1
    )
    assert _as_tuples(other.translate(sentences)) == reference


def _doc(doc_id: str, sentences: list[str], lang: str) -> Document:
    from normalise.record import Segment
    from normalise.stages.sentences import split_sentences

    text = " ".join(sentences)
    doc = Document(id=doc_id, source=doc_id, lang=lang, source_text=text)
    doc.segments = [Segment(kind="paragraph", text=text, start=0, end=len(text))]
    return split_sentences(doc)


def _stage_output(store: Path, docs: list[Document], **settings) -> dict[str, tuple]:
    stage = Translate(Settings(models_dir=store, **settings))
    out = {}
    for doc in stage(docs):
        for segment in doc.segments:
            for s in segment.sentences:
                out.setdefault(s.src, (s.en, s.score, tuple(s.flags)))
    return out


def test_stage_results_ignore_grouping_and_cache(tmp_path):
    """The same documents through the stage with different ``docs_per_batch``, batch sizes,
    order and a warm cache: every sentence gets the same record."""
    shape = replace(TINY, quantization="int8", eos_after=30)
    store = ModelStore(tmp_path / "s")
    store.install(build_package(tmp_path / "b", "it", shape=shape, seed=5))
    sentences = _sentences("it")
    docs = [_doc(f"d{i}", sentences[i : i + 3], "it") for i in range(0, len(sentences), 3)]

    def fresh():
        return [Document.from_json(d.to_json()) for d in docs]

    reference = _stage_output(store.root, fresh(), docs_per_batch=64)
    assert len(reference) >= 30
    for settings in ({"docs_per_batch": 1}, {"docs_per_batch": 3, "max_batch_tokens": 32}):
        assert _stage_output(store.root, fresh(), **settings) == reference
    assert _stage_output(store.root, fresh()[::-1], docs_per_batch=2) == reference
    warm = Translate(Settings(models_dir=store.root, docs_per_batch=1))
    list(warm(fresh()[:4]))  # fills the cache with some sentences, in other company
    out = {}
    for doc in warm(fresh()):
        for segment in doc.segments:
            for s in segment.sentences:
                out.setdefault(s.src, (s.en, s.score, tuple(s.flags)))
    assert warm.stats.counters["cache_hits"] > 0 and out == reference


def test_float32_weights_differ_at_most_in_the_last_bits_of_the_score(tmp_path):
    """float32 GEMM kernels round differently with the number of rows (a CTranslate2/oneDNN
    property, docs/engine.md): the English and flags still match, the score to 1e-5."""
    shape = replace(TINY, eos_after=30)  # float32 weights
    package = ModelStore(tmp_path / "s").install(build_package(tmp_path / "b", "it", shape=shape))
    engine = PackageTranslator(package, inter_threads=1, intra_threads=1)
    sentences = _sentences("it")
    alone = [engine.translate([s])[0] for s in sentences]
    mixed = engine.translate(sentences[::-1])[::-1]
    assert [(t.text, t.flags) for t in mixed] == [(t.text, t.flags) for t in alone]
    assert all(abs(a.score - b.score) < 1e-5 for a, b in zip(alone, mixed, strict=True))
