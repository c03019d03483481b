"""The two tokenizer kinds found in Argos packages, behind one small interface.

* SentencePiece (the 1.0 packages): ``sentencepiece.model``.
* Moses + BPE (the OPUS-MT ports, such as es→en 1.9): ``bpe.model`` is a subword-nmt codes
  file; text is punctuation-normalised and Moses-tokenised (``sacremoses``) before BPE, and
  the output is un-BPE'd (``@@ `` joiners) and Moses-detokenised, as Argos does.

Both also say where an over-long input may be cut (:meth:`safe_cuts`), so that the translator
can split it between words, preferably after punctuation, never inside a word.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from .bpe import JOINER, BPECodes, join_subwords
from .package import BPE, SENTENCEPIECE, ArgosPackage, PackageError

_PUNCTUATION = frozenset(".,;:!?…)]}»”’\"'")
_WORD_MARK = "▁"
_SPECIALS = frozenset({"<s>", "</s>", "<pad>", "<unk>"})


class Tokenizer(Protocol):
    def encode(self, texts: Sequence[str]) -> list[list[str]]: ...

    def decode(self, tokens: list[str]) -> str: ...

    def word_ends_after(self, tokens: list[str], index: int) -> bool: ...


def _is_punctuation(token: str) -> bool:
    core = token.replace(_WORD_MARK, "").removesuffix(JOINER)
    return bool(core) and all(ch in _PUNCTUATION for ch in core)


def safe_cuts(tokenizer: Tokenizer, tokens: list[str]) -> tuple[set[int], set[int]]:
    """Positions ``i`` where ``tokens[:i]`` may end a piece: (after punctuation, between words)."""
    after_punctuation, between_words = set(), set()
    for index in range(len(tokens) - 1):
        if tokenizer.word_ends_after(tokens, index):
            between_words.add(index + 1)
            if _is_punctuation(tokens[index]):
                after_punctuation.add(index + 1)
    return after_punctuation, between_words


class SentencePieceTokenizer:
    def __init__(self, model_path: Path):
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=str(model_path))

    def encode(self, texts: Sequence[str]) -> list[list[str]]:
        return self._sp.encode(list(texts), out_type=str)

    def decode(self, tokens: list[str]) -> str:
        return self._sp.decode_pieces(tokens).strip()

    def word_ends_after(self, tokens: list[str], index: int) -> bool:
        return tokens[index + 1].startswith(_WORD_MARK)


class MosesBPETokenizer:
    """Moses tokenisation + subword-nmt BPE; needs ``sacremoses`` (the ``bpe`` extra)."""

    def __init__(self, codes_path: Path, from_code: str, to_code: str):
        try:
            from sacremoses import MosesDetokenizer, MosesPunctNormalizer, MosesTokenizer
        except ImportError:
            raise PackageError(
                f"{codes_path.parent}: this package uses BPE + Moses tokenisation, which needs "
                "sacremoses: pip install 'normalise[bpe]'"
            ) from None
        try:
            self.codes = BPECodes.load(codes_path)
        except (OSError, ValueError) as error:
            raise PackageError(f"{codes_path}: unreadable BPE codes: {error}") from None
        self._normalizer = MosesPunctNormalizer(lang=from_code)
        self._tokenizer = MosesTokenizer(lang=from_code)
        self._detokenizer = MosesDetokenizer(lang=to_code)

    def encode(self, texts: Sequence[str]) -> list[list[str]]:
        return [
            self.codes.segment(self._tokenizer.tokenize(self._normalizer.normalize(text)))
            for text in texts
        ]

    def decode(self, tokens: list[str]) -> str:
        words = join_subwords([t for t in tokens if t not in _SPECIALS])
        return self._detokenizer.detokenize(words).strip()

    def word_ends_after(self, tokens: list[str], index: int) -> bool:
        return not tokens[index].endswith(JOINER)


def load_tokenizer(package: ArgosPackage) -> Tokenizer:
    if package.tokenizer == SENTENCEPIECE:
        return SentencePieceTokenizer(package.path / "sentencepiece.model")
    if package.tokenizer == BPE:
        return MosesBPETokenizer(package.path / "bpe.model", package.from_code, package.to_code)
    raise PackageError(f"{package.path}: unknown tokenizer kind {package.tokenizer!r}")
