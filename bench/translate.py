"""Translation throughput: this engine against the raw CTranslate2 ceiling and an Argos-like
per-document baseline, side by side in one run. Prints numbers; asserts nothing about speed.

Model: a random-weight package of the real Argos 1.0 shape (6+6 layers, d512, 8 heads, FFN
2048, 32k vocabulary, int8), built with ``normalise.testing.argos_builder``. Its "length
clock" (``--eos-after``, default 30) makes the decoder stop by itself after ~30-40 tokens, about
the length of an NTREX sentence, whatever the decoding limit: so every path does the decoding
work a real model would, not work up to its limit (the mean output length of each path is
printed). Input: the Italian and Spanish sides of NTREX-128 (``../shared/data/ntrex``,
resolved from this script), one document per NTREX document id, about 4,000 sentences.

Paths, each timed after the model is loaded:

(a) this engine through its public API: the ``Translate`` stage over the segmented
    documents (dedup, length sort, token batches, asynchronous batches, order restored);
(b) the ceiling: one raw ``ctranslate2.Translator.translate_batch`` over the same
    pre-tokenised distinct sentences, ``max_batch_size=32``, with the same beam, threads,
    length penalty and decoding limit;
(c) an Argos-like baseline: per document, one ``translate_batch`` over its sentences with
    32-token batches (``batch_type="tokens"``), Argos's default threads, outputs joined; run
    over the first ``--baseline-sentences`` sentences only (it is slow), as sentences/second.

Then the engine runs in two fresh subprocesses over N and 2N sentences, and each prints its
peak RSS: memory must stay flat as the input grows.

Protected spans: (a) runs with them on (the default). The bench prints the share of spans
whose placeholder survived without restoring (a random-weight model never copies one, so here
it is a floor), and the throughput cost: the engine with protection off and on, interleaved,
on ``--protect-sentences`` sentences, and the time of masking and restoring alone (every span
restored: the worst case).

Target: (a)/(b) >= 0.9. (a)/(c) is printed but has no target: it is bounded by (b)/(c), a
property of the model and the machine. Full run (no arguments): about 20 minutes on 2
cores. ``--quick`` for development.

    .venv/bin/python bench/translate.py [--quick] [--sentences N] [--inter-threads 2 ...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from normalise.argos.package import load_package  # noqa: E402
from normalise.argos.store import ModelStore  # noqa: E402
from normalise.argos.translator import LENGTH_PENALTY, DecodingLimit  # noqa: E402
from normalise.record import Document, Segment  # noqa: E402
from normalise.settings import Settings  # noqa: E402
from normalise.stages.sentences import split_sentences  # noqa: E402
from normalise.stages.translate import Translate  # noqa: E402
from normalise.testing.argos_builder import ARGOS_1_0, build_package  # noqa: E402

NTREX = REPO.parent / "shared" / "data" / "ntrex"
FILES = {"it": "newstest2019-ref.ita.txt", "es": "newstest2019-ref.spa.txt"}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_documents(ntrex: Path, limit: int | None = None) -> list[Document]:
    """One segmented document per NTREX document id and language, it first, then es."""
    ids = (ntrex / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    documents: list[Document] = []
    for lang, name in FILES.items():
        lines = (ntrex / name).read_text(encoding="utf-8").splitlines()
        groups: dict[str, list[str]] = {}
        for doc_id, line in zip(ids, lines, strict=True):
            groups.setdefault(doc_id, []).append(line.strip())
        for doc_id, sentences in groups.items():
            text = " ".join(sentences)
            doc = Document(id=f"{lang}/{doc_id}", source=doc_id, lang=lang, source_text=text)
            doc.segments = [Segment(kind="paragraph", text=text, start=0, end=len(text))]
            documents.append(split_sentences(doc))
    if limit is not None:
        documents = _take(documents, limit)
    return documents


def _take(documents: list[Document], sentences: int) -> list[Document]:
    """Whole documents, alternating languages, until ``sentences`` are reached."""
    by_lang = {lang: [d for d in documents if d.lang == lang] for lang in FILES}
    chosen, count = [], 0
    for pair in zip(*by_lang.values(), strict=False):
        for doc in pair:
            if count >= sentences:
                break
            chosen.append(doc)
            count += sum(len(seg.sentences) for seg in doc.segments)
    return chosen


def sentences_of(doc: Document) -> list[str]:
    return [s.src for seg in doc.segments for s in seg.sentences]


def fresh(documents: list[Document]) -> list[Document]:
    return [Document.from_json(json.loads(doc.dumps())) for doc in documents]


def build_store(root: Path, eos_after: int) -> Path:
    """Both packages, the same random weights, SentencePiece trained on NTREX text."""
    training = []
    for name in (*FILES.values(), "newstest2019-src.eng.txt"):
        training += (NTREX / name).read_text(encoding="utf-8").splitlines()
    shape = replace(ARGOS_1_0, eos_after=eos_after)
    store = ModelStore(root / "store")
    for lang in FILES:
        archive = build_package(root / "built", lang, shape=shape, training_text=training)
        store.install(archive, force=True)  # generated: not the pinned bytes
    return store.root


def settings_for(store: Path, args: argparse.Namespace, protect: bool = True) -> Settings:
    return Settings(
        models_dir=store,
        beam_size=args.beam_size,
        inter_threads=args.inter_threads,
        intra_threads=args.intra_threads,
        max_batch_tokens=args.max_batch_tokens,
        protect_spans=protect,
    )


def run_engine(
    store: Path, documents: list[Document], args, protect: bool = True, counters: dict | None = None
) -> tuple[float, int, float]:
    """(seconds, sentences translated, mean output tokens) for path (a); the stage's
    counters (protected spans) into ``counters``."""
    stage = Translate(settings_for(store, args, protect))
    for lang in FILES:
        stage.translator_for(lang)  # load the models before the clock starts
    start = time.perf_counter()
    out = list(stage(documents))
    seconds = time.perf_counter() - start
    assert all(d.status == "translated" for d in out), {d.status for d in out}
    if counters is not None:
        counters.update(stage.stats.counters)
    lengths = []
    for lang in FILES:
        done = [s.en for d in out if d.lang == lang for seg in d.segments for s in seg.sentences]
        lengths += [len(t) for t in stage.translator_for(lang).tokenizer.encode(done)]
    return seconds, stage.stats.counters["sentences_translated"], statistics.mean(lengths)


def run_ceiling(store: Path, documents: list[Document], args) -> tuple[float, int, float]:
    """Path (b): one translate_batch per language over the pre-tokenised distinct sentences."""
    import ctranslate2

    from normalise.argos.tokenizers import load_tokenizer

    seconds, count, lengths = 0.0, 0, []
    for lang in FILES:
        package = load_package(store / f"translate-{lang}_en-1_0")
        tokenizer = load_tokenizer(package)
        distinct = list(
            dict.fromkeys(s for d in documents if d.lang == lang for s in sentences_of(d))
        )
        if not distinct:
            continue
        tokens = tokenizer.encode(distinct)
        model = ctranslate2.Translator(
            str(package.model_dir),
            inter_threads=args.inter_threads,
            intra_threads=args.intra_threads,
        )
        limit = DecodingLimit()(max(len(t) for t in tokens))
        start = time.perf_counter()
        results = model.translate_batch(
            tokens,
            max_batch_size=32,
            beam_size=args.beam_size,
            length_penalty=LENGTH_PENALTY,
            max_decoding_length=limit,
            return_scores=True,
        )
        seconds += time.perf_counter() - start
        count += len(tokens)
        lengths += [len(r.hypotheses[0]) for r in results]
        del model
    return seconds, count, statistics.mean(lengths)


def run_argos_like(store: Path, documents: list[Document], args) -> tuple[float, int, float]:
    """Path (c): per document, translate_batch with 32-token batches, outputs joined."""
    import ctranslate2

    from normalise.argos.tokenizers import load_tokenizer

    seconds, count, lengths = 0.0, 0, []
    for lang in FILES:
        package = load_package(store / f"translate-{lang}_en-1_0")
        tokenizer = load_tokenizer(package)
        model = ctranslate2.Translator(str(package.model_dir))  # Argos's defaults
        for doc in (d for d in documents if d.lang == lang):
            tokens = tokenizer.encode(sentences_of(doc))
            start = time.perf_counter()
            results = model.translate_batch(
                tokens,
                max_batch_size=32,
                batch_type="tokens",
                beam_size=args.beam_size,
                length_penalty=LENGTH_PENALTY,
                max_decoding_length=DecodingLimit()(max(len(t) for t in tokens)),
                return_scores=True,
            )
            " ".join(tokenizer.decode(r.hypotheses[0]) for r in results)
            seconds += time.perf_counter() - start
            count += len(tokens)
            lengths += [len(r.hypotheses[0]) for r in results]
        del model
    return seconds, count, statistics.mean(lengths)


def report_protection(
    store: Path, documents: list[Document], args, counters: dict, rate_a: float
) -> None:
    """Protected spans in (a): the share whose placeholder survived (no restoring), and the
    throughput cost: the engine with and without protection, side by side on a subset, and
    the time of masking and restoring alone."""
    from normalise.argos.protected import SpanProtector, restore

    spans, intact = counters.get("protected_spans", 0), counters.get("protected_spans_intact", 0)
    restored = counters.get("protected_restored", 0)
    share = intact / spans if spans else float("nan")
    print(
        f"protected spans: {spans} in {counters.get('sentences_translated', 0)} sentences; "
        f"{intact} survived without restoring ({share:.1%}); {restored} sentences restored"
    )
    subset = _take(documents, args.protect_sentences)
    timings = {}
    for protect in (False, True, False, True):  # interleaved: drift hits both alike
        seconds, count, _ = run_engine(store, fresh(subset), args, protect=protect)
        timings.setdefault(protect, []).append(count / seconds)
    off, on = (statistics.mean(timings[p]) for p in (False, True))
    print(
        f"throughput on {count} sentences: protection off {off:.2f}, on {on:.2f} sent/s "
        f"(cost {1 - on / off:+.1%})"
    )
    protector = SpanProtector()
    sentences = [s for d in documents for s in sentences_of(d)]
    start = time.perf_counter()
    for doc in documents:
        for sentence in sentences_of(doc):
            restore(protector.mask(sentence, doc.lang), sentence)
    seconds = time.perf_counter() - start
    print(
        f"masking + restoring alone: {seconds * 1e6 / len(sentences):.0f} µs per sentence, "
        f"{seconds / (len(sentences) / rate_a):.2%} of (a)'s time"
    )


def rss_child(args: argparse.Namespace) -> None:
    """Subprocess mode: the engine over ``--rss-child N`` sentences; print peak RSS."""
    documents = load_documents(args.ntrex, args.rss_child)
    seconds, count, _ = run_engine(args.store, documents, args)
    print(json.dumps({"sentences": count, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ntrex", type=Path, default=NTREX)
    parser.add_argument("--sentences", type=int, default=None, help="limit (default: all)")
    parser.add_argument("--baseline-sentences", type=int, help="(c) subset (default 300)")
    parser.add_argument("--rss-sentences", type=int, help="N, then 2N (default 1000)")
    parser.add_argument(
        "--protect-sentences", type=int, help="subset for protection on/off (default 300)"
    )
    parser.add_argument("--quick", action="store_true", help="400 sentences, small baseline")
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument("--inter-threads", type=int, default=2)
    parser.add_argument("--intra-threads", type=int, default=1)
    parser.add_argument("--max-batch-tokens", type=int, default=Settings.max_batch_tokens)
    parser.add_argument("--eos-after", type=int, default=30, help="decoder stops near here")
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (args.ntrex / "DOCUMENT_IDS.tsv").is_file():
        raise SystemExit(f"NTREX not found at {args.ntrex} (pass --ntrex DIR)")
    if args.rss_child:
        return rss_child(args)
    quick = args.quick  # smaller defaults; explicit flags still win
    args.sentences = args.sentences or (400 if quick else None)
    args.baseline_sentences = args.baseline_sentences or (60 if quick else 300)
    args.rss_sentences = args.rss_sentences or (150 if quick else 1000)
    args.protect_sentences = args.protect_sentences or (100 if quick else 300)
    sys.stdout.reconfigure(line_buffering=True)

    wall = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-translate-") as tmp:
        start = time.perf_counter()
        store = build_store(Path(tmp), args.eos_after)
        print(
            f"built 2 random-weight Argos-1.0-shape packages in {time.perf_counter() - start:.0f} s"
        )
        documents = load_documents(args.ntrex, args.sentences)
        total = sum(len(sentences_of(d)) for d in documents)
        print(
            f"input: {len(documents)} documents, {total} it+es sentences; beam {args.beam_size}, "
            f"inter_threads {args.inter_threads}, intra_threads {args.intra_threads}, "
            f"{os.cpu_count()} cores"
        )
        counters: dict = {}
        a = run_engine(store, fresh(documents), args, counters=counters)
        b = run_ceiling(store, documents, args)
        c = run_argos_like(store, _take(documents, args.baseline_sentences), args)
        rates = {}
        for key, label, (seconds, count, mean_out) in (
            ("a", "(a) engine, Translate stage", a),
            ("b", "(b) ceiling, one translate_batch", b),
            ("c", "(c) Argos-like, per document", c),
        ):
            rates[key] = count / seconds
            print(
                f"{label:34} {count:5} sentences {seconds:8.1f} s {rates[key]:8.2f} sent/s  "
                f"mean output {mean_out:.1f} tokens"
            )
        print(f"(a)/(b) = {rates['a'] / rates['b']:.2f}")
        print(f"(a)/(c) = {rates['a'] / rates['c']:.1f}  (no target: bounded by (b)/(c))")
        report_protection(store, documents, args, counters, rates["a"])

        peaks = []
        for n in (args.rss_sentences, 2 * args.rss_sentences):
            child = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--store",
                    str(store),
                    "--rss-child",
                    str(n),
                    "--ntrex",
                    str(args.ntrex),
                    "--beam-size",
                    str(args.beam_size),
                    "--inter-threads",
                    str(args.inter_threads),
                    "--intra-threads",
                    str(args.intra_threads),
                    "--max-batch-tokens",
                    str(args.max_batch_tokens),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            peaks.append(result["peak_rss_mb"])
            print(
                f"engine subprocess: {result['sentences']:5} sentences, "
                f"peak RSS {result['peak_rss_mb']:.0f} MB"
            )
        print(f"peak RSS 2N/N = {peaks[1] / peaks[0]:.2f}")
        print(f"peak RSS of this process (builder included) {peak_rss_mb():.0f} MB")
    print(f"total wall time {time.perf_counter() - wall:.0f} s")


if __name__ == "__main__":
    main()
