"""Sentence-boundary precision, recall and F1 per language on NTREX-128 (target: F1 >= 0.98).

The dev set is built on the fly from ``../shared/data/ntrex`` (resolved from this script's
location): each document's consecutive lines (same id in ``DOCUMENT_IDS.tsv``) are joined with
a space into paragraphs; the gold boundaries are the offsets where the lines meet. Our splitter
runs over each paragraph and its boundaries are compared with the gold ones.

A line with no sentence-final punctuation is a headline or a byline ("Volcano spews ash on
Mexico City"): in a real article it is a block of its own (``text/reflow.py`` makes it a
heading), so it is never handed to the splitter glued to the next line. It closes its
paragraph here too. The line ``all lines joined`` also scores the naive set, where headlines
are glued to the text that follows, for comparison: no punctuation-based splitter can find
those boundaries.

    .venv/bin/python bench/sentences.py [--ntrex DIR] [--show-errors N]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from normalise.text.sentences import split_spans  # noqa: E402

NTREX = REPO.parent / "shared" / "data" / "ntrex"
FILES = {
    "en": "newstest2019-src.eng.txt",
    "it": "newstest2019-ref.ita.txt",
    "es": "newstest2019-ref.spa.txt",
}


_TERMINATED = re.compile(r"""[.!?…]["'”’»)\]]*$""")


def load_documents(ntrex: Path, lang: str) -> list[list[str]]:
    """Each document as its list of gold sentences, in file order."""
    ids = (ntrex / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    lines = (ntrex / FILES[lang]).read_text(encoding="utf-8").splitlines()
    if len(ids) != len(lines):
        raise SystemExit(f"{ntrex}: {len(ids)} ids but {len(lines)} {lang} lines")
    documents: list[list[str]] = []
    previous = None
    for doc_id, line in zip(ids, lines, strict=True):
        if doc_id != previous:
            documents.append([])
            previous = doc_id
        documents[-1].append(line.strip())
    return documents


def paragraphs(documents: list[list[str]]) -> list[list[str]]:
    """Split documents after each unterminated line (a headline: a block of its own)."""
    result: list[list[str]] = []
    for sentences in documents:
        current: list[str] = []
        for sentence in sentences:
            current.append(sentence)
            if not _TERMINATED.search(sentence):
                result.append(current)
                current = []
        if current:
            result.append(current)
    return result


def boundaries(spans: list[tuple[int, int]]) -> set[int]:
    """Sentence ends, the text's own end excluded (it is not a decision)."""
    return {end for _, end in spans[:-1]}


def score(documents: list[list[str]], lang: str, show_errors: int = 0) -> tuple[float, ...]:
    tp = fp = fn = 0
    shown = 0
    for sentences in documents:
        paragraph, gold_spans, position = "", [], 0
        for sentence in sentences:
            if paragraph:
                paragraph += " "
                position += 1
            paragraph += sentence
            gold_spans.append((position, position + len(sentence)))
            position += len(sentence)
        gold = boundaries(gold_spans)
        found = boundaries(split_spans(paragraph, lang))
        tp += len(gold & found)
        fp += len(found - gold)
        fn += len(gold - found)
        for end in sorted(found ^ gold):
            if shown < show_errors:
                kind = "FP" if end in found else "FN"
                before, after = paragraph[max(0, end - 50) : end], paragraph[end : end + 30]
                print(f"  {lang} {kind}: …{before}|{after}…")
                shown += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp, fp, fn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ntrex", type=Path, default=NTREX)
    parser.add_argument("--show-errors", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if not (args.ntrex / "DOCUMENT_IDS.tsv").is_file():
        raise SystemExit(f"NTREX not found at {args.ntrex} (pass --ntrex DIR)")
    header = "set               lang  paragraphs  boundaries  precision  recall  F1      TP/FP/FN"
    print(header)
    for lang in ("it", "es", "en"):
        documents = load_documents(args.ntrex, lang)
        for name, units in (("paragraphs", paragraphs(documents)), ("all lines joined", documents)):
            gold = sum(len(unit) - 1 for unit in units)
            shown = args.show_errors if name == "paragraphs" else 0
            p, r, f1, tp, fp, fn = score(units, lang, shown)
            print(
                f"{name:16}  {lang:4}  {len(units):10}  {gold:10}  {p:9.4f}  {r:6.4f}  "
                f"{f1:.4f}  {tp}/{fp}/{fn}"
            )
    print("target: F1 >= 0.98 per language on the paragraphs set")


if __name__ == "__main__":
    main()
