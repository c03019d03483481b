"""Apply subword-nmt BPE merges, as the OPUS-MT ports among Argos packages (es→en 1.9) need.

Such a package's ``bpe.model`` is a subword-nmt *codes* file: an optional ``#version: 0.2``
header, then one merge per line, two symbols separated by a space, in priority order; the
end of a word is marked ``</w>`` (in version 0.2, glued to the word's last character).
Subwords that do not end a word carry the ``@@`` joiner on output.

Written here rather than imported: subword-nmt is one small algorithm, and Argos vendors it
too; this keeps runtime dependencies to ``sacremoses`` (the ``bpe`` extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

END_OF_WORD = "</w>"
JOINER = "@@"


class BPECodes:
    def __init__(self, merges: list[tuple[str, str]], version: tuple[int, ...] = (0, 2)):
        if version not in ((0, 1), (0, 2)):
            raise ValueError(f"unsupported BPE codes version {version}")
        self.version = version
        self.ranks: dict[tuple[str, str], int] = {}
        for rank, pair in enumerate(merges):
            self.ranks.setdefault(pair, rank)  # a duplicate keeps its first (higher) rank
        self._cache: dict[str, tuple[str, ...]] = {}

    @classmethod
    def load(cls, path: Path) -> BPECodes:
        """Read a codes file as subword-nmt (and so Argos) reads it; raise ValueError naming
        the line that is not a merge.

        Lines end at ``\n`` only, and trailing blank lines are ignored: a symbol may hold any
        other character, ``\x0c``, ``\x85`` or U+2028 included, which ``str.splitlines()``
        (and Python's universal-newline text mode) would wrongly treat as line ends. Each line
        loses surrounding ``\r``, ``\n`` and spaces, as in subword-nmt, so CRLF files work.
        """
        text = Path(path).read_bytes().decode("utf-8")
        lines = text.rstrip("\r\n").split("\n") if text.strip("\r\n") else []
        version: tuple[int, ...] = (0, 1)
        first_number = 1
        if lines and lines[0].startswith("#version:"):
            first_number = 2
            parts = lines.pop(0).split()[-1].split(".")
            version = tuple(int(p) for p in parts)
            while len(version) > 2 and version[-1] == 0:
                version = version[:-1]
        merges = []
        for number, line in enumerate(lines, start=first_number):
            pair = line.strip("\r\n ").split(" ")
            if len(pair) != 2:
                raise ValueError(f"{path}: line {number} is not a merge of two symbols: {line!r}")
            merges.append((pair[0], pair[1]))
        return cls(merges, version)

    def segment_word(self, word: str) -> tuple[str, ...]:
        """The subwords of one word, without joiners."""
        if word in self._cache:
            return self._cache[word]
        if self.version == (0, 1):
            symbols = [*word, END_OF_WORD]
        else:
            symbols = [*word[:-1], word[-1] + END_OF_WORD]
        while len(symbols) > 1:
            ranked = [
                (self.ranks.get(pair, -1), i)
                for i, pair in enumerate(zip(symbols, symbols[1:], strict=False))
            ]
            best = min((r for r in ranked if r[0] >= 0), default=None)
            if best is None:
                break
            symbols = merge_pair(symbols, (symbols[best[1]], symbols[best[1] + 1]))
        if symbols[-1] == END_OF_WORD:
            symbols.pop()
        elif symbols[-1].endswith(END_OF_WORD):
            symbols[-1] = symbols[-1][: -len(END_OF_WORD)]
        result = tuple(symbols)
        if len(self._cache) < 200_000:
            self._cache[word] = result
        return result

    def segment(self, words: list[str]) -> list[str]:
        """Subword tokens for whitespace-separated ``words``, joiners on non-final pieces."""
        tokens: list[str] = []
        for word in words:
            if not word:
                continue
            pieces = self.segment_word(word)
            tokens.extend(piece + JOINER for piece in pieces[:-1])
            tokens.append(pieces[-1])
        return tokens


def join_subwords(tokens: list[str]) -> list[str]:
    """Undo :meth:`BPECodes.segment`: glue ``@@``-marked pieces back into words."""
    words, current = [], ""
    for token in tokens:
        if token.endswith(JOINER):
            current += token[: -len(JOINER)]
        else:
            words.append(current + token)
            current = ""
    if current:  # a dangling joiner at the end of the output
        words.append(current)
    return words


def merge_pair(symbols: Sequence[str], pair: tuple[str, str]) -> list[str]:
    """``symbols`` with every adjacent occurrence of ``pair`` joined, left to right."""
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged
