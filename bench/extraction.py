"""Extraction quality on the gold set: raw page text, our cleaner, trafilatura, our HTML path.

Data: ``../shared/data/extraction-dev`` beside the repository (61 pages of the Scrapinghub
article-extraction benchmark), or ``--data DIR``. Run from the repository root::

    .venv/bin/python bench/extraction.py

Metric (as in the benchmark): per page, the word 4-gram ("shingle") multisets of the gold body
and of the prediction give TP (overlap), FP (prediction surplus) and FN (gold surplus); tokens
are ``\\w+`` matches, lower-cased. Per-page precision is TP/(TP+FP) and recall TP/(TP+FN);
precision is the mean over pages with predicted shingles, recall the mean over pages with gold
shingles, and F1 their harmonic mean.

Targets (issue #4): plain-text cleaner F1 >= 0.85 (raw is about 0.65); our HTML path >=
trafilatura alone; on the seeds, no boilerplate line kept and no content sentence removed.
Nothing here is asserted: the script prints the figures and the checks side by side.
``--diff`` lists, per page, what our cleaner removes from trafilatura's output (rule, span, and
how many of its 4-grams the gold body has) with the page's P/R/F1 before and after.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from normalise.record import Document  # noqa: E402
from normalise.stages.clean.rules import load_rules  # noqa: E402
from normalise.stages.clean.stage import clean_document  # noqa: E402
from normalise.stages.extract import extract_html  # noqa: E402
from normalise.text.sentences import split  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "extraction-dev"
SEEDS = REPO / "seeds"
SEED_GOLD = Path(__file__).resolve().parent / "data" / "seed-boilerplate.json"
_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text.lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_scores(predicted: str, gold: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page; None where the denominator has no shingles."""
    pred, true = shingles(predicted), shingles(gold)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def page_f1(predicted: str, gold: str) -> float:
    precision, recall = page_scores(predicted, gold)
    p, r = precision or 0.0, recall or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(predictions: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    precisions, recalls = [], []
    for page, gold_text in gold.items():
        precision, recall = page_scores(predictions.get(page, ""), gold_text)
        if precision is not None:
            precisions.append(precision)
        if recall is not None:
            recalls.append(recall)
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1


def clean_text(text: str, rules) -> str:
    doc = clean_document(Document(id="page", source="page", raw_text=text), rules, False)
    return doc.source_text


def trafilatura_alone(html: str) -> str:
    """Trafilatura with the same options as our extract stage, without our cleaner."""
    doc = extract_html(Document(id="page", source="page", format="html", raw_text=html))
    return "" if doc.finished else doc.raw_text


def html_path(html: str, rules) -> str:
    return html_path_document(html, rules).source_text


def html_path_document(html: str, rules) -> Document:
    """Our HTML path, keeping the document (its ``removed`` audit trail) for ``--diff``."""
    doc = extract_html(Document(id="page", source="page", format="html", raw_text=html))
    if doc.finished:
        doc.source_text = ""
        return doc
    return clean_document(doc, rules, False)


def print_diff(pages: list[str], html: dict[str, str], gold: dict[str, str], rules) -> None:
    """Per page where our cleaner changes trafilatura's output: P/R/F1 of trafilatura alone and
    of our HTML path, then each removed span with its rule and whether the gold body has it."""
    print("pages where our cleaner removes something from trafilatura's output:")
    for page in pages:
        doc = html_path_document(html[page], rules)
        if not doc.removed:
            continue
        theirs, ours = trafilatura_alone(html[page]), doc.source_text
        (p0, r0), (p1, r1) = page_scores(theirs, gold[page]), page_scores(ours, gold[page])
        f0, f1 = page_f1(theirs, gold[page]), page_f1(ours, gold[page])
        print(
            f"  {page[:8]} F1 {f0:.3f} -> {f1:.3f} ({f1 - f0:+.4f})"
            f"  P {p0 or 0:.3f} -> {p1 or 0:.3f}  R {r0 or 0:.3f} -> {r1 or 0:.3f}"
        )
        gold_shingles = shingles(gold[page])
        for removal in doc.removed:
            removed = shingles(removal.text)
            in_gold = sum((removed & gold_shingles).values())
            text = " ".join(removal.text.split())
            print(
                f"      {removal.rule:28} gold {in_gold}/{sum(removed.values())} 4-grams"
                f"  {text[:90]!r}"
            )


def seed_check(rules) -> tuple[int, int, list[str]]:
    """(boilerplate lines kept, content sentences removed, details) over the seed articles."""
    expected: dict[str, list[str]] = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    kept_boilerplate = removed_content = 0
    details = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc = clean_document(Document(id=path.name, source=path.name, raw_text=text), rules, False)
        boilerplate = expected.get(path.name, [])
        for line in boilerplate:
            if line in doc.source_text:
                kept_boilerplate += 1
                details.append(f"{path.name}: kept boilerplate {line!r}")
        removed_text = " ".join(removal.text for removal in doc.removed)
        for sentence in split(removed_text, "en"):
            if sentence not in boilerplate:
                removed_content += 1
                details.append(f"{path.name}: removed content {sentence[:70]!r}")
    return kept_boilerplate, removed_content, details


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="extraction-dev folder")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst cleaned pages")
    parser.add_argument(
        "--diff", action="store_true", help="per page: what our cleaner removes from trafilatura"
    )
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").is_file():
        sys.exit(f"no gold set at {args.data}: pass --data DIR (see /work/shared/data/README.md)")
    gold = {k: v["articleBody"] for k, v in _load(args.data / "ground-truth.json").items()}
    page_text = {k: v["articleBody"] for k, v in _load(args.data / "page-text.json").items()}
    html = {}
    for page in gold:
        with gzip.open(args.data / "html" / f"{page}.html.gz", "rt", encoding="utf-8") as f:
            html[page] = f.read()
    rules = load_rules()
    systems: list[tuple[str, Callable[[str], str], dict[str, str]]] = [
        ("raw page-text.json", lambda text: text, page_text),
        ("our plain-text cleaner", lambda text: clean_text(text, rules), page_text),
        ("trafilatura alone (HTML)", trafilatura_alone, html),
        ("our HTML path", lambda page: html_path(page, rules), html),
    ]
    print(f"{len(gold)} pages from {args.data}")
    print(f"{'system':28} {'P':>6} {'R':>6} {'F1':>6} {'seconds':>8}")
    results = {}
    for name, function, inputs in systems:
        started = time.perf_counter()
        predictions = {page: function(inputs[page]) for page in gold}
        elapsed = time.perf_counter() - started
        p, r, f1 = evaluate(predictions, gold)
        results[name] = (predictions, f1)
        print(f"{name:28} {p:6.3f} {r:6.3f} {f1:6.3f} {elapsed:8.1f}")
    cleaner_f1 = results["our plain-text cleaner"][1]
    raw_f1 = results["raw page-text.json"][1]
    html_f1, traf_f1 = results["our HTML path"][1], results["trafilatura alone (HTML)"][1]
    print(f"plain-text cleaner F1 {cleaner_f1:.3f} (target >= 0.85; raw {raw_f1:.3f})")
    print(f"HTML path minus trafilatura alone: {html_f1 - traf_f1:+.4f} F1 (target >= 0)")
    ours, theirs = results["our HTML path"][0], results["trafilatura alone (HTML)"][0]
    worse = [
        page for page in gold if page_f1(ours[page], gold[page]) < page_f1(theirs[page], gold[page])
    ]
    print(f"pages where the HTML path scores below trafilatura alone: {len(worse)}")
    kept, removed, details = seed_check(rules)
    print(f"seeds: {kept} boilerplate lines kept, {removed} content sentences removed (target 0/0)")
    for line in details:
        print(f"  {line}")
    if args.worst:
        predictions = results["our plain-text cleaner"][0]
        scored = []
        for page in gold:
            p, r = page_scores(predictions[page], gold[page])
            scored.append((page_f1(predictions[page], gold[page]), p, r, page))
        for f1, p, r, page in sorted(scored)[: args.worst]:
            print(f"  worst: {page[:12]} F1 {f1:.3f} P {p or 0:.3f} R {r or 0:.3f}")
    if args.diff:
        print_diff(list(gold), html, gold, rules)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
