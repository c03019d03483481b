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
``--it-es`` runs the Italian and Spanish mode instead (:func:`it_es_main`, see there).
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
from normalise.text.encoding import decode, normalise_newlines  # noqa: E402
from normalise.text.sentences import split  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "extraction-dev"
DEFAULT_IT_ES = REPO.parent / "shared" / "data" / "extraction-dev-it-es"
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
    """Trafilatura's own text, with the same options as our extract stage (Markdown
    formatting), without our rendering and our cleaner."""
    import trafilatura

    result = trafilatura.bare_extraction(
        html, include_comments=False, include_formatting=True, deduplicate=False
    )
    return (result.text or "") if result is not None else ""


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
    parser.add_argument(
        "--it-es",
        nargs="?",
        const=DEFAULT_IT_ES,
        type=Path,
        metavar="DIR",
        help="Italian/Spanish mode on extraction-dev-it-es (snippet P/R/F1, Markdown markers)",
    )
    parser.add_argument(
        "--dump", type=Path, metavar="DIR", help="--it-es: write each page's outputs to DIR"
    )
    args = parser.parse_args()
    if args.it_es:
        it_es_main(args.it_es, args.dump, args.diff)
        return
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


# --- Italian and Spanish mode (--it-es) ------------------------------------------------------

# Markdown left in text: emphasis (``**x**``, ``*x*``, ``__x__``, ``_x_``), backslash escapes,
# inline tags, code spans, strike-through, links and images, heading marks.
MARKDOWN_MARKER = re.compile(
    r"\*\*|__|~~|`|(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])|(?<!\w)_(?=\w)(?=[^_]*_(?!\w))"
    r"|\\[\\`*_{}\[\]()#+\-.!|>~<]|</?(?:u|b|i|em|strong|span|a|sup|sub|mark|del)\b[^>]*>"
    r"|\]\(|(?:^|\n)#{1,6}\s",
    re.IGNORECASE,
)
# Elements whose text is not shown, and elements that start a new line (html-text's layout).
_HIDDEN = {"script", "style", "noscript", "template", "head", "title", "svg", "iframe"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "option", "p", "pre", "section", "select",
    "summary", "table", "td", "th", "tr", "ul",
}  # fmt: skip
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "dd"}


def visible_text(html: str) -> str:
    """The page's visible text, as a reader copying the whole page would get it.

    The English dev set's page-text.json is html-text 0.7.0 output; this is the same method
    without the dependency: the text of ``<body>`` minus script, style and other hidden
    elements, a line break around block elements and a blank line around paragraphs, headings,
    list items and table rows; runs of spaces collapsed within a line.
    """
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8")  # the text is decoded already
    root = lxml.html.fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    body = root.find("body")
    parts: list[str] = []

    def walk(element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _HIDDEN or not tag:
            return
        brk = "\n\n" if tag in _PARAGRAPH else "\n" if tag in _BLOCK else ""
        parts.append(brk)
        parts.append(element.text or "")
        for child in element:
            walk(child)
            parts.append(child.tail or "")
        parts.append(brk)

    walk(body if body is not None else root)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def trafilatura_defaults(html: str) -> str:
    """trafilatura.extract with every option at its default (what a new user gets)."""
    import trafilatura

    return trafilatura.extract(html) or ""


def snippet_counts(text: str, entry: dict) -> tuple[int, int, int]:
    """(TP, FP, FN) for one page, upstream's rule: whitespace-normalised substrings."""
    text = re.sub(r"\s+", " ", text).strip()
    norm = [re.sub(r"\s+", " ", s).strip() for s in entry.get("with", [])]
    tp = sum(1 for s in norm if s in text)
    fp = sum(1 for s in entry.get("without", []) if re.sub(r"\s+", " ", s).strip() in text)
    return tp, fp, len(norm) - tp


def it_es_main(data: Path, dump: Path | None, diff: bool) -> None:
    """Snippet precision, recall and F1 on the 24 Spanish pages with gold
    (``trafilatura-eval-es``; scoring rule in the data's README), for trafilatura's defaults,
    our HTML path and our plain-text path on the visible page text (:func:`visible_text`),
    and the Markdown markers left in ``source_text``; then what our cleaners remove on the 28
    raw pages without gold (``news-raw``), to read by eye (``--dump DIR`` writes every output).

    Targets (issue #13): HTML path F1 >= trafilatura's defaults + 0.03; plain-text path F1 >=
    0.88; no Markdown markers in our HTML path's ``source_text``.
    """
    gold_file = data / "trafilatura-eval-es" / "evaldata-dev.json"
    if not gold_file.is_file():
        sys.exit(f"no it/es dev set at {data}: pass --it-es DIR (see /work/shared/data/README.md)")
    gold = list(_load(gold_file).values())
    rules = load_rules()
    pages = {}
    for entry in gold:
        path = data / "trafilatura-eval-es" / "eval" / f"{entry['file']}.gz"
        pages[entry["file"]] = _read_page(path)
    systems: list[tuple[str, Callable[[str], str]]] = [
        ("trafilatura defaults", trafilatura_defaults),
        ("our HTML path", lambda html: html_path(html, rules)),
        ("our plain-text path", lambda html: clean_text(visible_text(html), rules)),
        ("visible text (raw)", visible_text),
    ]
    outputs: dict[str, dict[str, str]] = {}
    print(f"{len(gold)} Spanish pages with snippets from {data / 'trafilatura-eval-es'}")
    print(f"{'system':24} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4} {'md':>5}")
    for name, function in systems:
        tp = fp = fn = markers = 0
        outputs[name] = {}
        for entry in gold:
            text = function(pages[entry["file"]])
            outputs[name][entry["file"]] = text
            a, b, c = snippet_counts(text, entry)
            tp, fp, fn = tp + a, fp + b, fn + c
            markers += len(MARKDOWN_MARKER.findall(text))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        print(f"{name:24} {p:6.3f} {r:6.3f} {f1:6.3f} {tp:4} {fp:4} {fn:4} {markers:5}")
    if diff:
        for entry in gold:
            for name in ("trafilatura defaults", "our HTML path", "our plain-text path"):
                text = re.sub(r"\s+", " ", outputs[name][entry["file"]])
                missed = [s for s in entry["with"] if re.sub(r"\s+", " ", s) not in text]
                kept = [s for s in entry["without"] if re.sub(r"\s+", " ", s) in text]
                if missed or kept:
                    print(f"  {entry['file'][:28]:28} {name:20} missed {missed} kept {kept}")
    raw = sorted((data / "news-raw").glob("*/*.html.gz"))
    removed: Counter = Counter()
    for path in raw:
        html = _read_page(path)
        doc = html_path_document(html, rules)
        plain = clean_document(
            Document(id="p", source="p", raw_text=visible_text(html)), rules, False
        )
        removed.update(f"html {r.reason}/{r.rule}" for r in doc.removed)
        removed.update(f"text {r.reason}/{r.rule}" for r in plain.removed)
        if dump:
            dump.mkdir(parents=True, exist_ok=True)
            stem = path.name.removesuffix(".html.gz")
            (dump / f"{stem}.html-path.txt").write_text(doc.source_text, encoding="utf-8")
            (dump / f"{stem}.text-path.txt").write_text(plain.source_text, encoding="utf-8")
            audit = "\n".join(
                f"[{r.reason}/{r.rule}] {' '.join(r.text.split())}" for r in doc.removed
            )
            (dump / f"{stem}.html-removed.txt").write_text(audit, encoding="utf-8")
    html_total = sum(v for k, v in removed.items() if k.startswith("html"))
    print(f"{len(raw)} raw it/es pages (news-raw): HTML path removed {html_total} spans")
    for key, count in sorted(removed.items()):
        print(f"  {count:4} {key}")
    if dump:
        for name, texts in outputs.items():
            slug = name.replace(" ", "-").replace("(", "").replace(")", "")
            for file, text in texts.items():
                (dump / f"{file.removesuffix('.html')}.{slug}.txt").write_text(
                    text, encoding="utf-8"
                )


def _read_page(path: Path) -> str:
    """A gzipped page, decoded as the read stage does (some pages are not UTF-8)."""
    return normalise_newlines(decode(gzip.decompress(path.read_bytes())).text)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
