"""Language routing benchmark: accuracy, misrouting of neighbours, abstention on snippets, cost.

Data (see bench/data/langid/README.md):
  * NTREX-128 (../shared/data/ntrex, CC BY-SA 4.0): the same 1,997 news sentences in en/it/es,
    and its 123 documents rebuilt from DOCUMENT_IDS.tsv (headline, then paragraphs of up to
    three sentences);
  * bench/data/langid/{ca,pt,fr,ro,de}.txt: distractor sentences written for this project, and
    bench/data/langid/hard/: harder ones (short, or full of English names and titles);
  * snippets: 1-, 2- and 3-word spans of NTREX sentences, drawn with a fixed seed.

Targets (issue #5): documents 100%; sentences >= 99.5% per language; distractors misrouted into
it/es/en <= 1%; snippets routed wrongly (und is not wrong) <= 5%; detection <= 10% of the
pipeline's time on the NTREX corpus.

    .venv/bin/python bench/langid.py [--model tiny|argos] [--timing-docs N] [--skip-timing]
                                     [--timing-only]

The timing section runs the whole pipeline (read excluded) with generated models: ``tiny``
(default) costs almost nothing to translate, so detection's share is an upper bound; ``argos``
has the real Argos 1.0 shape but random weights, whose outputs run long.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from normalise.langid import UNDETERMINED, decide  # noqa: E402
from normalise.record import Document  # noqa: E402
from normalise.settings import Settings  # noqa: E402
from normalise.stages import detect as detect_module  # noqa: E402
from normalise.stages.clean.stage import Clean  # noqa: E402
from normalise.stages.detect import Detect, long_enough  # noqa: E402

NTREX = REPO.parent / "shared" / "data" / "ntrex"
DISTRACTORS = REPO / "bench" / "data" / "langid"
FILES = {"en": "newstest2019-src.eng.txt", "it": "newstest2019-ref.ita.txt",
         "es": "newstest2019-ref.spa.txt"}  # fmt: skip
ROUTED = ("it", "es", "en")
DISTRACTOR_LANGS = ("ca", "pt", "fr", "ro", "de")
SENTENCES_PER_PARAGRAPH = 3
SNIPPETS_PER_LENGTH = 300


def ntrex_sentences() -> dict[str, list[str]]:
    return {lang: (NTREX / name).read_text("utf-8").splitlines() for lang, name in FILES.items()}


def ntrex_documents(lines: list[str]) -> list[str]:
    """Consecutive lines with the same document id are one article: headline, then paragraphs."""
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text("utf-8").splitlines()
    grouped: dict[str, list[str]] = {}
    for doc_id, line in zip(ids, lines, strict=True):
        grouped.setdefault(doc_id, []).append(line.strip())
    texts = []
    for sentences in grouped.values():
        head, body = sentences[0], sentences[1:]
        paragraphs = [
            " ".join(body[i : i + SENTENCES_PER_PARAGRAPH])
            for i in range(0, len(body), SENTENCES_PER_PARAGRAPH)
        ]
        texts.append("\n\n".join([head, *paragraphs]))
    return texts


def distractor_sentences(folder: Path = DISTRACTORS) -> dict[str, list[str]]:
    return {
        lang: [s for s in (folder / f"{lang}.txt").read_text("utf-8").splitlines() if s]
        for lang in DISTRACTOR_LANGS
    }


def snippets(lines: list[str], words: int, rng: random.Random) -> list[str]:
    pool = [line.split() for line in lines if len(line.split()) >= words]
    out = []
    for _ in range(SNIPPETS_PER_LENGTH):
        tokens = rng.choice(pool)
        start = rng.randrange(len(tokens) - words + 1)
        out.append(" ".join(tokens[start : start + words]))
    return out


def as_documents(texts: list[str], prefix: str) -> list[Document]:
    return [
        Document(id=f"{prefix}{i}", source=f"{prefix}{i}", raw_text=text)
        for i, text in enumerate(texts)
    ]


def detect_documents(texts: list[str], settings: Settings, prefix: str) -> list[str]:
    docs = Detect(settings)(Clean(settings)(as_documents(texts, prefix)))
    return [doc.lang or UNDETERMINED for doc in docs]


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.2f}%" if whole else "   n/a"


def report_sentences(sentences: dict[str, list[str]], settings: Settings) -> None:
    print("\n== NTREX sentences (und counts as not correct) ==")
    print("lang  n      correct   und      wrong    | long-enough: n  correct   | wrong-examples")
    for lang, lines in sentences.items():
        decided = [decide(line, settings).lang for line in lines]
        right = sum(d == lang for d in decided)
        und = sum(d == UNDETERMINED for d in decided)
        wrong = len(lines) - right - und
        long = [d for d, line in zip(decided, lines, strict=True) if long_enough(line, settings)]
        long_right = sum(d == lang for d in long)
        examples = Counter(d for d in decided if d not in (lang, UNDETERMINED)).most_common(4)
        print(f"{lang:4}  {len(lines):5}  {pct(right, len(lines))}  {pct(und, len(lines))}"
              f"  {pct(wrong, len(lines))}  | {len(long):13}  {pct(long_right, len(long))}"
              f"  | {dict(examples)}")  # fmt: skip


def report_documents(sentences: dict[str, list[str]], settings: Settings) -> None:
    print("\n== NTREX documents (through clean + detect) ==")
    for lang, lines in sentences.items():
        texts = ntrex_documents(lines)
        decided = detect_documents(texts, settings, f"{lang}-")
        right = sum(d == lang for d in decided)
        print(f"{lang:4}  {len(texts):4} documents  correct {pct(right, len(texts))}"
              f"  {dict(Counter(d for d in decided if d != lang))}")  # fmt: skip


def report_distractors(
    settings: Settings, folder: Path = DISTRACTORS, title: str = "Distractors", documents=True
) -> None:
    """Share of each neighbour's sentences (and, with ``documents``, of 5-sentence documents
    made of them) routed into it/es/en."""
    print(f"\n== {title}: share routed into it/es/en (target <= 1%) ==")
    total = misrouted_total = 0
    for lang, lines in distractor_sentences(folder).items():
        decided = [decide(line, settings).lang for line in lines]
        misrouted = [(d, s) for d, s in zip(decided, lines, strict=True) if d in ROUTED]
        counts = Counter(decided)
        row = (f"{lang:4}  {len(lines):3} sentences  misrouted {pct(len(misrouted), len(lines))}"
               f"  correct {pct(counts[lang], len(lines))}"
               f"  und {pct(counts[UNDETERMINED], len(lines))}")  # fmt: skip
        if documents:
            docs = ["\n\n".join(lines[i : i + 5]) for i in range(0, len(lines), 5)]
            doc_wrong = sum(d in ROUTED for d in detect_documents(docs, settings, f"{lang}-"))
            row += f"  | {len(docs)} documents misrouted {pct(doc_wrong, len(docs))}"
        print(row)
        for d, s in misrouted:
            print(f"      -> {d}: {s}")
        total += len(lines)
        misrouted_total += len(misrouted)
    print(f"all   {total:3} sentences  misrouted {pct(misrouted_total, total)}")


def report_snippets(sentences: dict[str, list[str]], settings: Settings) -> None:
    print(
        "\n== Snippets of 1-3 words from NTREX: wrong routing (und is not wrong; target <= 5%) =="
    )
    rng = random.Random(5)
    all_wrong = all_total = 0
    for lang, lines in sentences.items():
        row = []
        for words in (1, 2, 3):
            decided = [decide(s, settings).lang for s in snippets(lines, words, rng)]
            wrong = sum(d not in (lang, UNDETERMINED) for d in decided)
            right = sum(d == lang for d in decided)
            all_wrong += wrong
            all_total += len(decided)
            row.append(
                f"{words}w wrong {pct(wrong, len(decided))} right {pct(right, len(decided))}"
            )
        print(f"{lang:4}  " + " | ".join(row))
    print(f"all   wrong {pct(all_wrong, all_total)} of {all_total} snippets")


def report_timing(sentences: dict[str, list[str]], settings: Settings, model: str, n: int) -> None:
    from normalise.argos.store import ModelStore
    from normalise.stages.pipeline import Pipeline
    from normalise.testing.argos_builder import ARGOS_1_0, TINY, build_package

    shape = ARGOS_1_0 if model == "argos" else TINY
    print(f"\n== Detection share of the whole pipeline on NTREX ({model} model shape) ==")
    texts = [(lang, t) for lang, lines in sentences.items() for t in ntrex_documents(lines)[:n]]
    with tempfile.TemporaryDirectory() as tmp:
        store = ModelStore(Path(tmp) / "store")
        for seed, lang in enumerate(("it", "es")):
            store.install(
                build_package(Path(tmp) / "built", lang, shape=shape, seed=seed), force=True
            )
        run_settings = Settings(models_dir=store.root)
        pipeline = Pipeline(run_settings)
        spent = [0.0]
        original = detect_module.detect_document

        def timed(doc, s):
            start = time.perf_counter()
            try:
                return original(doc, s)
            finally:
                spent[0] += time.perf_counter() - start

        detect_module.detect_document = timed
        try:
            docs = as_documents([t for _, t in texts], "t-")
            start = time.perf_counter()
            out = list(pipeline.process(docs))
            total = time.perf_counter() - start
        finally:
            detect_module.detect_document = original
    statuses = Counter(doc.status for doc in out)
    chars = sum(len(t) for _, t in texts)
    print(f"{len(out)} documents ({dict(statuses)}); pipeline {total:.2f}s, "
          f"detection {spent[0]:.2f}s = {100 * spent[0] / total:.1f}% of the pipeline; "
          f"detection {1000 * spent[0] / len(out):.1f} ms per document, "
          f"{1e6 * spent[0] / chars:.1f} ms per 1000 characters")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=["tiny", "argos"], default="tiny")
    parser.add_argument("--timing-docs", type=int, default=123, help="documents per language")
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--timing-only", action="store_true")
    args = parser.parse_args()
    if not NTREX.is_dir():
        sys.exit(f"NTREX not found at {NTREX}: this benchmark needs ../shared/data/ntrex")
    settings = Settings()
    sentences = ntrex_sentences()
    if not args.timing_only:
        start = time.perf_counter()
        report_sentences(sentences, settings)
        report_documents(sentences, settings)
        report_distractors(settings)
        # short sentences (3-7 words) and sentences full of English names and titles, where a
        # neighbour is most easily taken for it/es/en
        report_distractors(
            settings, DISTRACTORS / "hard", "Hard distractors (short, or full of English names)",
            documents=False,
        )  # fmt: skip
        report_snippets(sentences, settings)
        print(f"\n(accuracy sections took {time.perf_counter() - start:.1f}s)")
    if not args.skip_timing:
        report_timing(sentences, settings, args.model, args.timing_docs)


if __name__ == "__main__":
    main()
