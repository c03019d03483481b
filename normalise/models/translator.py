"""Drive CTranslate2 directly over an Argos package, sentence by sentence, in big batches.

Argos's own ``translate()`` works one paragraph at a time and joins the output, losing which
English sentence came from which source sentence. Here every source sentence is one
translation unit, so alignment is exact, and the units of many documents share one
``translate_batch`` call: sorted by length (less padding), batched by tokens, and put back in
their original order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .package import SENTENCEPIECE, ArgosPackage, PackageError


@dataclass(frozen=True)
class Translation:
    text: str
    score: float | None


class SentencePieceTokenizer:
    def __init__(self, model_path: str):
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=model_path)

    def encode(self, texts: Sequence[str]) -> list[list[str]]:
        return self._sp.encode(list(texts), out_type=str)

    def decode(self, tokens: list[str]) -> str:
        return self._sp.decode_pieces(tokens).strip()


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


class PackageTranslator:
    """One loaded package. Build it once per worker: loading a model costs seconds."""

    def __init__(
        self,
        package: ArgosPackage,
        *,
        device: str = "cpu",
        compute_type: str = "default",
        inter_threads: int = 1,
        intra_threads: int = 0,
        beam_size: int = 4,
        max_batch_tokens: int = 2048,
        max_input_tokens: int = 250,
    ):
        import ctranslate2

        if package.tokenizer != SENTENCEPIECE:
            raise PackageError(
                f"{package.path}: {package.tokenizer} packages are not supported yet"
            )
        self.package = package
        self.tokenizer = SentencePieceTokenizer(str(package.path / "sentencepiece.model"))
        self.beam_size = beam_size
        self.max_batch_tokens = max_batch_tokens
        self.max_input_tokens = max_input_tokens
        self.model = ctranslate2.Translator(
            str(package.model_dir),
            device=resolve_device(device),
            compute_type=compute_type,
            inter_threads=inter_threads,
            intra_threads=intra_threads,
        )

    def _chunks(self, tokens: list[str]) -> list[list[str]]:
        """Split an over-long input into pieces the model accepts (never truncate)."""
        size = self.max_input_tokens
        return [tokens[i : i + size] for i in range(0, len(tokens), size)] or [[]]

    def translate_tokens(self, tokens: list[str]) -> str:
        """Translate one already-tokenised input of at most ``max_input_tokens`` tokens."""
        (result,) = self.model.translate_batch([tokens], beam_size=self.beam_size)
        return self.tokenizer.decode(result.hypotheses[0])

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        """Translate each sentence; the i-th result belongs to the i-th input."""
        if not sentences:
            return []
        units: list[list[str]] = []  # model inputs
        owners: list[int] = []  # which sentence each unit belongs to
        for index, tokens in enumerate(self.tokenizer.encode(sentences)):
            for chunk in self._chunks(tokens):
                units.append(chunk)
                owners.append(index)
        order = sorted(range(len(units)), key=lambda i: len(units[i]))
        prefix = self.package.target_prefix
        results = self.model.translate_batch(
            [units[i] for i in order],
            target_prefix=[[prefix]] * len(order) if prefix else None,
            beam_size=self.beam_size,
            max_batch_size=self.max_batch_tokens,
            batch_type="tokens",
            max_decoding_length=min(2 * self.max_input_tokens, 512),
            return_scores=True,
            replace_unknowns=True,
        )
        decoded: list[tuple[list[str], float | None]] = [([], None)] * len(units)
        for position, result in zip(order, results, strict=True):
            tokens = result.hypotheses[0]
            if prefix and tokens[:1] == [prefix]:
                tokens = tokens[1:]
            score = result.scores[0] if result.scores else None
            decoded[position] = (tokens, score)
        pieces: list[list[str]] = [[] for _ in sentences]
        scores: list[list[float]] = [[] for _ in sentences]
        for (tokens, score), owner in zip(decoded, owners, strict=True):
            pieces[owner].append(self.tokenizer.decode(tokens))
            if score is not None:
                scores[owner].append(score)
        return [
            Translation(" ".join(p for p in parts if p), min(s) if s else None)
            for parts, s in zip(pieces, scores, strict=True)
        ]
