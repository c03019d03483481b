"""Drive CTranslate2 directly over an Argos package, sentence by sentence, in big batches.

Argos's own ``translate()`` works one paragraph at a time and joins the output, losing which
English sentence came from which source sentence. Here every source sentence is one
translation unit, so alignment is exact, and the units of many documents share the model:
they are sorted by length (little padding), grouped into batches by token count, the batches
are submitted asynchronously (so that ``inter_threads`` workers decode in parallel), and the
results are put back in their original order.

A sentence's English, score and flags depend on the sentence, the model and the settings only,
never on its batch neighbours: its decoding limit is a function of its own length (rounded up
to a length class), and a batch only holds sentences of one class. CTranslate2 shares one
``max_decoding_length`` per batch, so a limit taken from a batch's longest input would let a
short sentence decode further next to a long neighbour than alone. With int8 weights (the
Argos 1.0 packages) the results are then bit-identical in any company; with float32 weights
the CPU GEMM kernels round differently with the number of rows, so a score can differ in its
last bit (see docs/engine.md).

A sentence longer than the model's input limit is cut into pieces at safe points (after
punctuation, else between words), translated piece by piece and rejoined: never truncated.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from .package import BPE, ArgosPackage
from .tokenizers import Tokenizer, load_tokenizer, safe_cuts

# Flags the translator itself can raise (the stage adds text-based quality flags).
SPLIT_FOR_LENGTH = "split_for_length"
LENGTH_LIMIT_REACHED = "length_limit_reached"

LENGTH_PENALTY = 0.2  # what Argos's translate() uses with these models


@dataclass(frozen=True)
class Translation:
    text: str
    score: float | None
    flags: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class DecodingLimit:
    """``max_decoding_length`` as a function of one input's own length: ``ratio * n + extra``,
    at least ``minimum``, at most ``cap``, where ``n`` is the length rounded up to a multiple
    of ``step``. The rounding makes length classes: sentences of similar length share a limit,
    so they can share a batch (CTranslate2 takes one limit per batch) with little padding."""

    ratio: float = 2.0
    extra: int = 10
    minimum: int = 16
    cap: int = 512
    step: int = 8

    def __call__(self, input_tokens: int) -> int:
        rounded = -(-max(1, input_tokens) // self.step) * self.step
        return min(self.cap, max(self.minimum, int(self.ratio * rounded) + self.extra))


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def resolve_compute_type(package: ArgosPackage, compute_type: str) -> str:
    """``auto`` lets CTranslate2 pick the fastest type, which on CPU means int8. BPE packages
    (OPUS-MT ports) ship float weights and are not quantised behind the user's back: for
    them ``auto`` means ``default`` (the type the model was saved in)."""
    if compute_type == "auto" and package.tokenizer == BPE:
        return "default"
    return compute_type


def resolve_threads(device: str, inter_threads: int, intra_threads: int) -> tuple[int, int]:
    """0 means automatic. On CPU: up to 4 parallel workers (on 2 cores, 2 workers of 1
    thread each was measured fastest), the cores shared among them."""
    cores = os.cpu_count() or 1
    if device == "cuda":
        return inter_threads or 1, intra_threads or 1
    inter = inter_threads or max(1, min(4, cores))
    intra = intra_threads or max(1, cores // inter)
    return inter, intra


class PackageTranslator:
    """One loaded package. Build it once per worker: loading a model costs seconds."""

    def __init__(
        self,
        package: ArgosPackage,
        *,
        device: str = "cpu",
        compute_type: str = "default",
        inter_threads: int = 0,
        intra_threads: int = 0,
        beam_size: int = 4,
        max_batch_tokens: int = 1024,
        max_input_tokens: int = 250,
        decoding_limit: DecodingLimit | None = None,
    ):
        import ctranslate2

        self.package = package
        self.tokenizer: Tokenizer = load_tokenizer(package)
        self.beam_size = beam_size
        self.max_batch_tokens = max_batch_tokens
        self.max_input_tokens = max_input_tokens
        self.decoding_limit = decoding_limit or DecodingLimit()
        self.device = resolve_device(device)
        self.compute_type = resolve_compute_type(package, compute_type)
        self.inter_threads, self.intra_threads = resolve_threads(
            self.device, inter_threads, intra_threads
        )
        self.model = ctranslate2.Translator(
            str(package.model_dir),
            device=self.device,
            compute_type=self.compute_type,
            inter_threads=self.inter_threads,
            intra_threads=self.intra_threads,
        )
        self.model_calls = 0  # translate_batch calls, for tests and reports

    def pieces(self, tokens: list[str]) -> list[list[str]]:
        """Cut an over-long input into pieces of at most ``max_input_tokens`` tokens.

        A cut goes after punctuation if there is one in the second half of the window, else
        between words, else (one "word" longer than the limit, such as a pasted URL) at the
        limit. Every token lands in exactly one piece.
        """
        limit = self.max_input_tokens
        if len(tokens) <= limit:
            return [tokens]
        after_punctuation, between_words = safe_cuts(self.tokenizer, tokens)
        pieces, start = [], 0
        while len(tokens) - start > limit:
            window = range(start + limit, start, -1)
            cut = next((i for i in window if i in after_punctuation and i > start + limit // 2), 0)
            cut = cut or next((i for i in window if i in between_words), 0) or start + limit
            pieces.append(tokens[start:cut])
            start = cut
        pieces.append(tokens[start:])
        return pieces

    def translate_tokens(self, tokens: list[str]) -> str:
        """Translate one already-tokenised input of at most ``max_input_tokens`` tokens, with
        the same options as :meth:`translate` (for tests and diagnostics)."""
        decoded: list = [None]
        limit = self.decoding_limit(max(1, len(tokens)))
        prefix = self.package.target_prefix
        futures = self.model.translate_batch(
            [tokens],
            target_prefix=[[prefix]] if prefix else None,
            asynchronous=True,
            beam_size=self.beam_size,
            length_penalty=LENGTH_PENALTY,
            max_input_length=0,
            max_decoding_length=limit + (1 if prefix else 0),
            return_scores=True,
            replace_unknowns=True,
        )
        self._collect(([0], limit, futures), prefix, decoded)
        return self.tokenizer.decode(decoded[0][0])

    def _batches(self, lengths: list[int], order: list[int]) -> list[list[int]]:
        """Consecutive runs of ``order`` (sorted by length, longest first) that share one
        decoding limit and whose padded size (longest input x count) stays within
        ``max_batch_tokens``."""
        batches: list[list[int]] = []
        current: list[int] = []
        for index in order:
            if current:
                longest = lengths[current[0]]
                other_class = self.decoding_limit(lengths[index]) != self.decoding_limit(longest)
                too_big = longest * (len(current) + 1) > self.max_batch_tokens
            if current and (other_class or too_big):
                batches.append(current)
                current = []
            current.append(index)
        if current:
            batches.append(current)
        return batches

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        """Translate each sentence; the i-th result belongs to the i-th input."""
        if not sentences:
            return []
        units: list[list[str]] = []  # model inputs
        owners: list[int] = []  # which sentence each unit belongs to
        for index, tokens in enumerate(self.tokenizer.encode(sentences)):
            for piece in self.pieces(tokens):
                units.append(piece)
                owners.append(index)
        lengths = [max(1, len(unit)) for unit in units]
        order = sorted(range(len(units)), key=lambda i: lengths[i], reverse=True)
        prefix = self.package.target_prefix
        decoded: list[tuple[list[str], float | None, bool]] = [([], None, False)] * len(units)
        # At most a few batches in flight: enough to keep every decoder busy, few enough that
        # memory does not grow with the number of sentences.
        in_flight: deque[tuple[list[int], int, list]] = deque()
        for batch in self._batches(lengths, order):
            limit = self.decoding_limit(lengths[batch[0]])  # every member's own limit
            futures = self.model.translate_batch(
                [units[i] for i in batch],
                target_prefix=[[prefix]] * len(batch) if prefix else None,
                asynchronous=True,
                beam_size=self.beam_size,
                length_penalty=LENGTH_PENALTY,
                max_input_length=0,  # never truncate: pieces are within the limit already
                max_decoding_length=limit + (1 if prefix else 0),
                return_scores=True,
                replace_unknowns=True,
            )
            self.model_calls += 1
            in_flight.append((batch, limit, futures))
            if len(in_flight) > 2 * self.inter_threads:
                self._collect(in_flight.popleft(), prefix, decoded)
        while in_flight:
            self._collect(in_flight.popleft(), prefix, decoded)
        return self._assemble(len(sentences), owners, decoded)

    @staticmethod
    def _collect(job, prefix: str | None, decoded: list) -> None:
        batch, limit, futures = job
        for index, future in zip(batch, futures, strict=True):
            result = future.result()
            tokens = result.hypotheses[0]
            if prefix and tokens[:1] == [prefix]:
                tokens = tokens[1:]
            score = result.scores[0] if result.scores else None
            decoded[index] = (tokens, score, len(tokens) >= limit)

    def _assemble(
        self,
        count: int,
        owners: list[int],
        decoded: list[tuple[list[str], float | None, bool]],
    ) -> list[Translation]:
        texts: list[list[str]] = [[] for _ in range(count)]
        scored: list[list[tuple[float, int]]] = [[] for _ in range(count)]
        flags: list[list[str]] = [[] for _ in range(count)]
        for (tokens, score, at_limit), owner in zip(decoded, owners, strict=True):
            texts[owner].append(self.tokenizer.decode(tokens))
            if score is not None:
                scored[owner].append((score, max(1, len(tokens))))
            if at_limit and LENGTH_LIMIT_REACHED not in flags[owner]:
                flags[owner].append(LENGTH_LIMIT_REACHED)
        results = []
        for parts, scores, own_flags in zip(texts, scored, flags, strict=True):
            if len(parts) > 1:
                own_flags.insert(0, SPLIT_FOR_LENGTH)
            weight = sum(n for _, n in scores)
            score = sum(s * n for s, n in scores) / weight if scores else None
            results.append(Translation(" ".join(p for p in parts if p), score, tuple(own_flags)))
        return results
