"""Build genuine, tiny Argos Translate packages at test time.

Real `.argosmodel` files cannot be downloaded where this project is developed and tested, so
the tests and benchmarks make their own: a CTranslate2 Transformer filled with seeded random
weights (no torch), a SentencePiece model trained in-process, and the Argos zip layout around
them. The loading code under test cannot tell them from a real package; only the translations
are nonsense. A bias on ``</s>`` in the output projection keeps outputs short.

Two tokenizer kinds, as in the real packages: ``sentencepiece`` (the 1.0 packages) and
``bpe`` (the OPUS-MT ports such as es→en 1.9: a subword-nmt codes file ``bpe.model``, version
0.2, learnt here over Moses-tokenised text; it needs ``sacremoses``).

The same builder produces the benchmark model at the real Argos 1.0 shape
(6+6 layers, d512, 8 heads, FFN 2048, ~32k vocabulary, int8).
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# A small built-in corpus so that a package can be built with no data at hand.
_DEFAULT_TEXT = {
    "it": [
        "Il governo ha approvato la nuova legge sul lavoro.",
        "La partita è finita con una vittoria della squadra di casa.",
        "OpenAI e NVIDIA hanno stretto un accordo importante.",
        "L'azienda diventerà il partner strategico preferenziale.",
        "Il prezzo del petrolio è salito del 7,5 per cento.",
        "Questa mossa dimostra una strategia necessaria per il futuro.",
    ],
    "es": [
        "El gobierno aprobó la nueva ley laboral.",
        "Nvidia y OpenAI anunciaron una sociedad estratégica.",
        "El acuerdo incluye el despliegue de centros de datos.",
        "La empresa invertirá hasta cien mil millones de dólares.",
        "Los usuarios activos semanales superan los 700 millones.",
        "Microsoft ya no será su único proveedor de cómputo.",
    ],
    "en": [
        "The government approved the new labour law.",
        "The match ended with a win for the home team.",
        "The company will become the preferred strategic partner.",
    ],
}


@dataclass(frozen=True)
class ModelShape:
    """Transformer hyper-parameters of a generated model."""

    encoder_layers: int = 2
    decoder_layers: int = 2
    d_model: int = 32
    heads: int = 2
    ffn: int = 64
    vocab_size: int = 256
    """Size of the CTranslate2 vocabulary. The SentencePiece model may be smaller: the
    remaining entries are padding, so the output projection has the realistic cost."""
    sp_vocab_size: int = 256
    eos_bias: float = 1.0
    weight_scale: float = 0.08
    quantization: str | None = None
    eos_after: int | None = None
    """If set, the decoder stops by itself after about this many tokens, whatever its decoding
    limit: a "length clock" (see :func:`_add_length_clock`). Random weights alone never pick
    ``</s>`` at a steady rate, so beam search would run to the limit and benchmarks would time
    decoding work no real model does."""


TINY = ModelShape()
"""Builds in a fraction of a second; outputs a few tokens per sentence."""

ARGOS_1_0 = ModelShape(
    encoder_layers=6,
    decoder_layers=6,
    d_model=512,
    heads=8,
    ffn=2048,
    vocab_size=32000,
    sp_vocab_size=8000,
    eos_bias=0.0,
    weight_scale=0.02,
    quantization="int8",
    eos_after=30,
)
"""The shape of the real Argos 1.0 packages (it→en, es→en)."""


def train_sentencepiece(
    lines: Iterable[str], vocab_size: int, *, model_type: str = "unigram"
) -> bytes:
    """Train a SentencePiece model in memory with ids 0/1/2 = <unk>/<s>/</s>, as Argos uses."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type=model_type,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        hard_vocab_limit=False,
        character_coverage=1.0,
        num_threads=1,
        minloglevel=2,
    )
    return buffer.getvalue()


def learn_bpe(words: Iterable[str], merges: int) -> list[tuple[str, str]]:
    """Learn subword-nmt style merges (version 0.2: ``</w>`` glued to a word's last symbol)."""
    from collections import Counter

    from ..argos.bpe import merge_pair

    vocab = Counter(
        tuple(word[:-1]) + (word[-1] + "</w>",) for word in words if word and " " not in word
    )
    learned: list[tuple[str, str]] = []
    for _ in range(merges):
        pairs: Counter[tuple[str, str]] = Counter()
        for symbols, count in vocab.items():
            for pair in zip(symbols, symbols[1:], strict=False):
                pairs[pair] += count
        if not pairs:
            break
        best = max(pairs.items(), key=lambda item: (item[1], item[0]))[0]
        if pairs[best] < 2:
            break
        learned.append(best)
        merged_vocab: Counter[tuple[str, ...]] = Counter()
        for symbols, count in vocab.items():
            merged_vocab[tuple(merge_pair(symbols, best))] += count
        vocab = merged_vocab
    return learned


def bpe_codes_text(merges: list[tuple[str, str]]) -> str:
    return "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges)


def _moses_words(lines: Iterable[str], lang: str) -> list[str]:
    from sacremoses import MosesPunctNormalizer, MosesTokenizer

    normalizer, tokenizer = MosesPunctNormalizer(lang=lang), MosesTokenizer(lang=lang)
    return [word for line in lines for word in tokenizer.tokenize(normalizer.normalize(line))]


def _vocabulary_from_bpe(codes: list[tuple[str, str]], words: list[str], size: int) -> list[str]:
    """Every subword the codes produce on the training words, plus every character in both
    forms (word-final and ``@@``-joined), after the specials: a closed vocabulary."""
    from ..argos.bpe import BPECodes

    segmenter = BPECodes(codes)
    tokens = dict.fromkeys(["<unk>", "<s>", "</s>"])
    for char in sorted({c for word in words for c in word}):
        tokens.setdefault(char)
        tokens.setdefault(char + "@@")
    for token in segmenter.segment(words):
        tokens.setdefault(token)
    vocab = list(tokens)
    vocab += [f"<pad{i}>" for i in range(max(0, size - len(vocab)))]
    return vocab


def _vocabulary_from_sentencepiece(model: bytes, size: int) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    tokens = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    tokens += [f"<pad{i}>" for i in range(max(0, size - len(tokens)))]
    return tokens


def _random_transformer_spec(shape: ModelShape, vocab: list[str], eos_id: int, seed: int):
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config(
        (shape.encoder_layers, shape.decoder_layers), shape.heads
    )
    d, v, f = shape.d_model, len(vocab), shape.ffn

    def normal(*dims: int) -> np.ndarray:
        return (rng.standard_normal(dims) * shape.weight_scale).astype(np.float32)

    def fill_norm(norm) -> None:
        norm.gamma = np.ones(d, dtype=np.float32)
        norm.beta = np.zeros(d, dtype=np.float32)

    def fill_linear(linear, rows: int, cols: int) -> None:
        linear.weight = normal(rows, cols)
        linear.bias = np.zeros(rows, dtype=np.float32)

    def fill_ffn(ffn) -> None:
        fill_norm(ffn.layer_norm)
        fill_linear(ffn.linear_0, f, d)
        fill_linear(ffn.linear_1, d, f)

    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = normal(v, d)
    for layer in encoder.layer:
        fill_norm(layer.self_attention.layer_norm)
        fill_linear(layer.self_attention.linear[0], 3 * d, d)
        fill_linear(layer.self_attention.linear[1], d, d)
        fill_ffn(layer.ffn)
    fill_norm(encoder.layer_norm)

    decoder.embeddings.weight = normal(v, d)
    for layer in decoder.layer:
        fill_norm(layer.self_attention.layer_norm)
        fill_linear(layer.self_attention.linear[0], 3 * d, d)
        fill_linear(layer.self_attention.linear[1], d, d)
        fill_norm(layer.attention.layer_norm)
        fill_linear(layer.attention.linear[0], d, d)
        fill_linear(layer.attention.linear[1], 2 * d, d)
        fill_linear(layer.attention.linear[2], d, d)
        fill_ffn(layer.ffn)
    fill_norm(decoder.layer_norm)
    decoder.projection.weight = normal(v, d)
    bias = np.zeros(v, dtype=np.float32)
    bias[eos_id] = shape.eos_bias
    # Padding entries never come out: they only give the projection its realistic size.
    padding = np.array([token.startswith("<pad") for token in vocab])
    bias[padding] = -1e4
    decoder.projection.bias = bias
    if shape.eos_after is not None:
        _add_length_clock(decoder, d, eos_id, shape.eos_after)
    return spec


CLOCK_SLOPE = 1.0  # EOS logit gained per decoding step, near the stopping step
CLOCK_MAX_POSITIONS = 1024


def _add_length_clock(decoder, d: int, eos_id: int, eos_after: int) -> None:
    """Make ``</s>`` win at about step ``eos_after``, with no change to the compute.

    One model dimension is reserved as a clock: the decoder's position encodings (given
    explicitly, sinusoidal elsewhere) carry ``c * (t - eos_after)`` there, the embeddings and
    every sublayer output write nothing there, and only the ``</s>`` row of the output
    projection reads it. So the ``</s>`` logit rises by about ``CLOCK_SLOPE`` per step and
    crosses the (random, ~N(0, 0.5)) logits of the other tokens near ``eos_after``; the final
    layer norm's scale is close to 1 for these weights.
    """
    clock = d - 1
    positions = np.arange(CLOCK_MAX_POSITIONS, dtype=np.float32)[:, None]
    rates = np.exp(-np.log(10000.0) * np.arange(0, d, 2, dtype=np.float32) / d)[None, :]
    encodings = np.zeros((CLOCK_MAX_POSITIONS, d), dtype=np.float32)
    encodings[:, 0::2] = np.sin(positions * rates)[:, : (d + 1) // 2]
    encodings[:, 1::2] = np.cos(positions * rates)[:, : d // 2]
    scale = 0.05
    encodings[:, clock] = scale * (positions[:, 0] - eos_after)
    decoder.position_encodings.encodings = encodings

    decoder.embeddings.weight[:, clock] = 0.0
    for layer in decoder.layer:
        for linear in (
            layer.self_attention.linear[1],
            layer.attention.linear[2],
            layer.ffn.linear_1,
        ):
            linear.weight[clock, :] = 0.0
            linear.bias[clock] = 0.0
    projection = decoder.projection
    projection.weight[:, clock] = 0.0
    projection.weight[eos_id, :] = 0.0
    projection.weight[eos_id, clock] = CLOCK_SLOPE / scale
    projection.bias[eos_id] = 2.0  # about the largest random logit: a tie at eos_after


def write_ctranslate2_model(
    output_dir: Path, shape: ModelShape, vocab: list[str], *, seed: int = 0
) -> None:
    """Write a random-weight CTranslate2 Transformer to ``output_dir`` (which must not exist)."""
    from ctranslate2.converters import Converter

    spec = _random_transformer_spec(shape, vocab, eos_id=vocab.index("</s>"), seed=seed)

    class _SeededConverter(Converter):
        def _load(self):
            spec.register_source_vocabulary(vocab)
            spec.register_target_vocabulary(vocab)
            return spec

    _SeededConverter().convert(str(output_dir), quantization=shape.quantization)


def build_package(
    directory: Path,
    from_code: str,
    to_code: str = "en",
    *,
    shape: ModelShape = TINY,
    version: str = "1.0",
    seed: int = 0,
    training_text: Iterable[str] | None = None,
    extra_metadata: dict | None = None,
    package_name: str | None = None,
    tokenizer: str = "sentencepiece",
    extra_files: dict[str, bytes] | None = None,
) -> Path:
    """Build ``translate-<from>_<to>-<version>.argosmodel`` in ``directory`` and return its path.

    The zip holds one top folder with ``metadata.json``, ``model/`` (CTranslate2) and
    ``sentencepiece.model`` (the layout of the real Argos 1.0 packages) or, with
    ``tokenizer="bpe"``, ``bpe.model`` (the OPUS-MT ports). ``extra_files`` adds files by
    relative path, e.g. a ``stanza/`` folder as some real packages carry.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    name = package_name or f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    lines = list(training_text) if training_text is not None else []
    lines += _DEFAULT_TEXT.get(from_code, []) + _DEFAULT_TEXT.get(to_code, [])
    if tokenizer == "sentencepiece":
        sp_model = train_sentencepiece(lines, shape.sp_vocab_size)
        vocab = _vocabulary_from_sentencepiece(sp_model, shape.vocab_size)
        tokenizer_files = {"sentencepiece.model": sp_model}
    elif tokenizer == "bpe":
        words = _moses_words(lines, from_code)
        codes = learn_bpe(words, merges=shape.sp_vocab_size)
        vocab = _vocabulary_from_bpe(codes, words, shape.vocab_size)
        tokenizer_files = {"bpe.model": bpe_codes_text(codes).encode("utf-8")}
    else:
        raise ValueError(f"unknown tokenizer kind {tokenizer!r}")
    prefix = (extra_metadata or {}).get("target_prefix")
    if prefix and prefix not in vocab:  # a real package's prefix token is in its vocabulary
        padding = next((i for i, token in enumerate(vocab) if token.startswith("<pad")), None)
        if padding is None:
            vocab.append(prefix)
        else:
            vocab[padding] = prefix

    with tempfile.TemporaryDirectory(prefix="argos-build-") as tmp:
        root = Path(tmp) / name
        root.mkdir()
        write_ctranslate2_model(root / "model", shape, vocab, seed=seed)
        for relative, data in {**tokenizer_files, **(extra_files or {})}.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(data)
        metadata = {
            "package_version": version,
            "argos_version": "1.0",
            "from_code": from_code,
            "from_name": from_code,
            "to_code": to_code,
            "to_name": to_code,
            "package_type": "translate",
            "description": "generated test package: random weights",
        }
        metadata.update(extra_metadata or {})
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        target = directory / f"{name}.argosmodel"
        _zip_folder(root, target)
    return target


def _zip_folder(root: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{root.name}/", "")
        for path in sorted(root.rglob("*")):
            arcname = f"{root.name}/{path.relative_to(root).as_posix()}"
            if path.is_dir():
                archive.writestr(arcname + "/", "")
            else:
                archive.write(path, arcname)


def extract_package(package: Path, into: Path) -> Path:
    """Unzip a generated package (trusted: it was just built) and return its folder."""
    with zipfile.ZipFile(package) as archive:
        archive.extractall(into)
        top = archive.namelist()[0].split("/")[0]
    return Path(into) / top
