"""The engine: both tokenizer kinds, batching and order, duplicates, long inputs, prefixes."""

import sys

import pytest

from normalise.argos.bpe import BPECodes, join_subwords
from normalise.argos.package import PackageError, load_package
from normalise.argos.store import ModelStore
from normalise.argos.translator import (
    SPLIT_FOR_LENGTH,
    DecodingLimit,
    PackageTranslator,
    resolve_compute_type,
)
from normalise.record import Document
from normalise.settings import Settings
from normalise.stages.translate import Translate
from normalise.testing.argos_builder import build_package

SENTENCES = [
    "Il governo ha approvato la nuova legge sul lavoro.",
    "Ciao.",
    "La partita è finita con una vittoria della squadra di casa dopo novanta minuti.",
    "OpenAI e NVIDIA hanno stretto un accordo.",
]
SPANISH = [
    "El gobierno aprobó la nueva ley laboral.",
    "Hola.",
    "Nvidia y OpenAI anunciaron una sociedad estratégica, según el comunicado.",
    "La empresa invertirá hasta cien mil millones de dólares.",
]


@pytest.fixture(scope="module")
def translator(tiny_store):
    return PackageTranslator(load_package(tiny_store / "translate-it_en-1_0"))


@pytest.fixture(scope="module")
def bpe_package(tmp_path_factory):
    root = tmp_path_factory.mktemp("bpe")
    archive = build_package(root / "built", "es", version="1.9", tokenizer="bpe", seed=3)
    return ModelStore(root / "store").install(archive)


def _same_under_permutation(engine, inputs):
    """The i-th output belongs to the i-th input whatever the input order (results are
    sorted by length internally, so a lost order would show as a permutation)."""
    forward = engine.translate(inputs)
    backward = engine.translate(inputs[::-1])[::-1]
    assert [t.text for t in forward] == [t.text for t in backward]
    assert len({t.text for t in forward}) > 1  # the check is not vacuous
    return forward


def test_sentencepiece_batch_order_is_restored(translator):
    batched = _same_under_permutation(translator, SENTENCES)
    assert all(t.score is not None for t in batched)
    assert batched[1].text == translator.translate([SENTENCES[1]])[0].text


def test_many_small_batches_keep_order(tiny_store, translator):
    small = PackageTranslator(translator.package, max_batch_tokens=16)
    inputs = SENTENCES * 3 + ["Sì."]
    calls_before = small.model_calls
    _same_under_permutation(small, inputs)
    assert small.model_calls - calls_before > 6  # really several batches per call


def test_bpe_package_is_read_and_translated(bpe_package):
    assert bpe_package.tokenizer == "bpe" and (bpe_package.path / "bpe.model").is_file()
    engine = PackageTranslator(bpe_package, compute_type="auto")
    assert engine.compute_type == "default"  # never quantised behind the user's back
    tokens = engine.tokenizer.encode(["La empresa invertirá."])[0]
    assert any(token.endswith("@@") for token in tokens)  # subwords with joiners
    batched = _same_under_permutation(engine, SPANISH)
    assert all(t.score is not None for t in batched)
    assert not any("<s>" in t.text or "</s>" in t.text for t in batched)


def test_bpe_round_trip_through_moses(bpe_package):
    engine = PackageTranslator(bpe_package)
    text = "Nvidia y OpenAI anunciaron una sociedad estratégica, según el comunicado."
    assert engine.tokenizer.decode(engine.tokenizer.encode([text])[0]) == text


def test_bpe_codes_follow_subword_nmt(tmp_path):
    codes_file = tmp_path / "bpe.model"
    codes_file.write_text("#version: 0.2\nl o\nlo w</w>\ne r</w>\n", encoding="utf-8")
    codes = BPECodes.load(codes_file)
    assert codes.segment_word("low") == ("low",)
    assert codes.segment(["lower", "low"]) == ["lo@@", "w@@", "er", "low"]
    assert join_subwords(["lo@@", "w@@", "er", "low"]) == ["lower", "low"]
    codes_file.write_text("#version: 0.2\nl o x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        BPECodes.load(codes_file)


def test_bpe_without_sacremoses_names_the_extra(bpe_package, monkeypatch):
    monkeypatch.setitem(sys.modules, "sacremoses", None)
    with pytest.raises(PackageError, match=r"normalise\[bpe\]"):
        PackageTranslator(bpe_package)


def test_long_sentence_is_split_at_word_boundaries_not_truncated(translator):
    small = PackageTranslator(translator.package, max_input_tokens=8)
    long_sentence = " ".join(SENTENCES)
    tokens = small.tokenizer.encode([long_sentence])[0]
    pieces = small.pieces(tokens)
    assert len(pieces) > 1 and sum(pieces, []) == tokens  # every token, once, in order
    assert all(len(piece) <= 8 for piece in pieces)
    assert all(piece[0].startswith("▁") for piece in pieces)  # cuts fall between words
    (result,) = small.translate([long_sentence])
    per_piece = [small.translate([small.tokenizer.decode(p)])[0].text for p in pieces]
    assert result.text == " ".join(text for text in per_piece if text)
    assert SPLIT_FOR_LENGTH in result.flags


def test_cut_prefers_punctuation(translator):
    small = PackageTranslator(translator.package, max_input_tokens=12)
    tokens = small.tokenizer.encode(["Il governo ha approvato, la nuova legge sul lavoro oggi."])[0]
    first = small.pieces(tokens)[0]
    assert len(tokens) > 12 and first[-1].endswith(",")


def test_target_prefix_is_given_and_stripped(tmp_path, tiny_packages):
    archive = build_package(
        tmp_path / "b",
        "it",
        package_name="translate-it_en-prefix",
        extra_metadata={"target_prefix": "▁The"},
    )
    package = ModelStore(tmp_path / "s").install(archive)
    assert package.target_prefix == "▁The"
    engine = PackageTranslator(package)
    (ours,) = engine.translate(["Il governo ha approvato la legge."])
    tokens = engine.tokenizer.encode(["Il governo ha approvato la legge."])
    (raw,) = engine.model.translate_batch(
        tokens, target_prefix=[["▁The"]], beam_size=4, length_penalty=0.2
    )
    assert raw.hypotheses[0][0] == "▁The"
    assert ours.text == engine.tokenizer.decode(raw.hypotheses[0][1:])


def test_decoding_limit_is_relative_and_capped():
    limit = DecodingLimit()
    assert limit(1) == 26 and limit(8) == 26 and limit(9) == 42 and limit(40) == 90
    assert limit(400) == 512 and DecodingLimit(step=1)(1) == 16


def test_auto_compute_type_kept_for_sentencepiece(translator):
    assert resolve_compute_type(translator.package, "auto") == "auto"


def _doc(doc_id, sentences, lang="it"):
    from normalise.record import Segment
    from normalise.stages.sentences import split_sentences
    from normalise.text.reflow import PARAGRAPH

    text = " ".join(sentences)
    doc = Document(id=doc_id, source=doc_id, lang=lang, source_text=text)
    doc.segments = [Segment(kind=PARAGRAPH, text=text, start=0, end=len(text))]
    return split_sentences(doc)


def test_duplicates_are_translated_once(tiny_store):
    stage = Translate(Settings(models_dir=tiny_store))
    engine = stage.translator_for("it")
    seen: list[str] = []
    real = engine.translate

    def counting(sentences):
        seen.extend(sentences)
        return real(sentences)

    engine.translate = counting
    docs = [_doc(f"d{i}", SENTENCES[:2] + [SENTENCES[i % 4]]) for i in range(6)]
    out = list(stage(docs))
    assert sorted(seen) == sorted(set(SENTENCES))  # each distinct sentence exactly once
    assert stage.stats.counters["sentences_translated"] == 4
    again = list(stage([_doc("late", SENTENCES[:1])]))  # later group: served by the cache
    assert len(seen) == 4 and stage.stats.counters["cache_hits"] >= 1
    first = {s.src: s.en for d in out for seg in d.segments for s in seg.sentences}
    assert again[0].segments[0].sentences[0].en == first[SENTENCES[0]]
    assert all(d.status == "translated" for d in out)


def test_sentences_carry_offsets_score_and_flags(tiny_store):
    stage = Translate(Settings(models_dir=tiny_store))
    (doc,) = stage([_doc("d", SENTENCES)])
    for sentence in doc.segments[0].sentences:
        assert doc.source_text[sentence.start : sentence.end] == sentence.src
        assert isinstance(sentence.score, float)
        assert isinstance(sentence.flags, list)


def test_packages_with_stanza_or_minisbd_use_our_splitter_offline(tmp_path, socket_attempts):
    """Real packages may carry a stanza/ or minisbd/ splitter: it is ignored (nothing
    imported, nothing downloaded) and our own splitter decides the sentences. The BPE kind
    runs through the same full CLI."""
    import json

    from click.testing import CliRunner
    from conftest import SEEDS

    from normalise.cli.app import cli
    from normalise.text.sentences import split

    store = ModelStore(tmp_path / "store")
    splitter_files = {
        "stanza/it/tokenize/combined.pt": b"not a real stanza model",
        "stanza/resources.json": b"{}",
        "minisbd/model.onnx": b"not a real minisbd model",
    }
    store.install(build_package(tmp_path / "b", "it", extra_files=splitter_files))
    store.install(build_package(tmp_path / "b", "es", tokenizer="bpe", version="1.9"))
    attempts = socket_attempts
    out = tmp_path / "corpus.jsonl"
    result = CliRunner().invoke(
        cli, ["run", str(SEEDS), "-o", str(out), "--models-dir", str(store.root)]
    )
    assert result.exit_code == 0, result.output
    assert attempts == [] and "stanza" not in sys.modules and "minisbd" not in sys.modules
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_lang = {r["lang"]: r for r in records if r["lang"] in ("it", "es")}
    assert by_lang["it"]["translator"]["name"] == "translate-it_en-1_0"
    assert by_lang["es"]["translator"] == {"name": "translate-es_en-1_9", "version": "1.9"}
    for lang, record in by_lang.items():
        assert record["status"] == "translated"
        for segment in record["segments"]:
            assert [s["src"] for s in segment["sentences"]] == split(segment["text"], lang)


@pytest.mark.parametrize(
    "symbol", ["\u2028", "\x85", "\x0c", "\x1c", "\u2029", "\x0b"], ids=lambda s: f"U+{ord(s):04X}"
)
def test_bpe_codes_keep_symbols_that_splitlines_would_break_on(tmp_path, symbol):
    """subword-nmt (and Argos) end lines at \\n only: a merge may hold any other character."""
    codes_file = tmp_path / "bpe.model"
    body = f"#version: 0.2\na {symbol}\na{symbol} b</w>\nl o\n"
    codes_file.write_bytes(body.encode("utf-8"))
    codes = BPECodes.load(codes_file)
    assert list(codes.ranks) == [("a", symbol), ("a" + symbol, "b</w>"), ("l", "o")]
    assert codes.segment_word(f"a{symbol}b") == (f"a{symbol}b",)


@pytest.mark.parametrize("ending", ["\n", "\n\n", "\n\n\n", "", "\r\n", "\r\n\r\n"], ids=repr)
def test_bpe_codes_trailing_blank_lines_and_crlf(tmp_path, ending):
    codes_file = tmp_path / "bpe.model"
    lines = ["#version: 0.2", "l o", "lo w</w>", "e r</w>"]
    newline = "\r\n" if "\r" in ending else "\n"
    codes_file.write_bytes((newline.join(lines) + ending).encode("utf-8"))
    codes = BPECodes.load(codes_file)
    assert codes.version == (0, 2)
    assert list(codes.ranks) == [("l", "o"), ("lo", "w</w>"), ("e", "r</w>")]
    assert codes.segment(["lower", "low"]) == ["lo@@", "w@@", "er", "low"]


def test_bpe_codes_blank_line_inside_is_named(tmp_path):
    codes_file = tmp_path / "bpe.model"
    codes_file.write_bytes(b"#version: 0.2\nl o\n\nlo w</w>\n")
    with pytest.raises(ValueError, match="line 3"):
        BPECodes.load(codes_file)
    codes_file.write_bytes(b"l o\nx\n")  # no header: numbering starts at 1
    with pytest.raises(ValueError, match="line 2"):
        BPECodes.load(codes_file)


def test_bpe_package_with_awkward_codes_translates(tmp_path):
    """A whole package whose bpe.model holds a U+2028 merge and a trailing blank line loads
    and translates through the engine."""
    from normalise.testing.argos_builder import extract_package

    archive = build_package(tmp_path / "b", "es", tokenizer="bpe", version="1.9", seed=3)
    folder = extract_package(archive, tmp_path / "x")
    codes = folder / "bpe.model"
    codes.write_bytes(codes.read_bytes() + "\u2028 x\n\n".encode())
    engine = PackageTranslator(load_package(folder))
    assert ("\u2028", "x") in engine.tokenizer.codes.ranks
    (result,) = engine.translate(["La empresa invertirá."])
    assert result.score is not None
