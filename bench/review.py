"""The review page at 1k and 10k documents: build time, file size, and Chromium's load time.

Records come from a real run: the seed articles and, where at hand, NTREX-128 articles
(../shared/data/ntrex beside the repository; CC BY-SA 4.0, never copied) go through the
pipeline with tiny genuine Argos packages built on the fly. The tiny models write a few words
per sentence where a real model writes a sentence, which would make the page too small; so,
unless ``--tiny-english``, each machine translation is replaced by a stand-in as long as its
source (real English is within about 10% of Italian and Spanish lengths). Those records are
then repeated, with fresh ids, to 1,000 and 10,000 documents.

Printed per size: the build time of ``normalise review`` (reading the JSONL, streaming), the
page's size, and how many documents it embeds. At the largest size, headless Chromium loads
the page three ways: the list (what opening the file shows), one document view, and a text
search over every document. ``ready`` is the page's own clock when its first render is done
(``performance.now()``, from navigation start: parsing the HTML, the index and the first
render); ``wall`` is the whole Chromium call, start-up included, next to that of an empty
page; ``loaded`` is the load event on the same clock. ``--dump-dom`` then serialises the whole
DOM (every embedded document) to read it back, which takes many seconds at 10k and is no part
of opening the page; a screenshot of the opened page is timed instead, start-up included.
Target: ready <= 2 s at 10k on this machine.

    python bench/review.py [--sizes 1000 10000] [--tiny-english]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NTREX = REPO.parent / "shared" / "data" / "ntrex"
sys.path.insert(0, str(REPO))

import lxml.html  # noqa: E402

import normalise  # noqa: E402
from normalise.argos.store import ModelStore  # noqa: E402
from normalise.inputs.corpus import read_corpus  # noqa: E402
from normalise.outputs.review import build_review  # noqa: E402
from normalise.record import Document  # noqa: E402
from normalise.testing.argos_builder import build_package  # noqa: E402
from normalise.testing.browser import Chromium, find_chromium  # noqa: E402
from normalise.testing.corpus import ntrex_articles, seed_articles  # noqa: E402

NTREX_ARTICLES = 45  # 15 documents in each of en, it, es


def base_records(folder: Path, tiny_english: bool) -> list[str]:
    """Canonical JSONL lines from one real run over the seeds and some NTREX articles."""
    store = ModelStore(folder / "store")
    for seed, lang in enumerate(["it", "es"]):
        store.install(build_package(folder / "built", lang, seed=seed))
    articles = seed_articles(REPO / "seeds")
    if NTREX.is_dir():
        articles += ntrex_articles(NTREX)[:NTREX_ARTICLES]
    else:
        print(f"(NTREX not found at {NTREX}: the seed articles only)")
    inputs = [{"id": f"a{i:03d}.txt", "text": text} for i, text in enumerate(articles)]
    lines = []
    for doc in normalise.normalise(inputs, models_dir=folder / "store"):
        if not tiny_english:
            stand_in(doc)
        lines.append(doc.dumps())
    return lines


def stand_in(doc: Document) -> None:
    """Machine translations replaced by text as long as their source (see the docstring)."""
    for segment in doc.segments:
        for sentence in segment.sentences:
            if sentence.score is not None:
                sentence.en = sentence.src[::-1]
    if doc.segments and doc.status == "translated":
        doc.text = "\n\n".join(
            " ".join(s.en or "" for s in segment.sentences) for segment in doc.segments
        )


def write_corpus(path: Path, base: list[str], count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            record = json.loads(base[index % len(base)])
            record["id"] = record["source"] = f"{index // 1000:04d}/{index:07d}-{record['id']}"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def build(corpus: Path, page: Path):
    started = time.perf_counter()
    with corpus.open("rb") as lines:
        result = build_review(read_corpus(lines, print), page, corpus_name=corpus.name)
    return result, time.perf_counter() - started


def timings(chromium: Chromium, page: Path, fragment: str) -> tuple[int, int, int]:
    """The page's own clock when its first render was done and at the load event, and the
    rows it shows (list rows, or a document's aligned rows)."""
    tree = lxml.html.fromstring(chromium.dump_dom(page, fragment))
    body = tree.find("body")
    rows = len(tree.xpath('//table[@id="doc-list"]/tbody/tr | //table[@class="aligned"]//tr'))
    return int(body.get("data-ready")), int(body.get("data-loaded")), rows


def screenshot_seconds(chromium: Chromium, page: Path, target: Path) -> float:
    started = time.perf_counter()
    chromium.screenshot(page, target)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--tiny-english", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        base = base_records(folder, args.tiny_english)
        print(f"{len(base)} distinct records from one run in {time.perf_counter() - started:.1f}s")
        print(f"{'documents':>10} {'corpus MB':>10} {'build s':>8} {'page MB':>8} {'embedded':>9}")
        pages = {}
        for size in args.sizes:
            corpus = folder / f"corpus-{size}.jsonl"
            write_corpus(corpus, base, size)
            result, seconds = build(corpus, folder / f"review-{size}.html")
            pages[size] = result
            print(
                f"{size:>10} {corpus.stat().st_size / 1e6:>10.1f} {seconds:>8.2f} "
                f"{result.size / 1e6:>8.1f} {result.embedded:>9}"
            )
        executable = find_chromium()
        if executable is None:
            print("chromium not found: no load times (apt-get install chromium)")
            return
        chromium = Chromium(executable)
        blank = folder / "blank.html"
        blank.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
        screenshot_seconds(chromium, blank, folder / "blank.png")  # warm the disk cache
        blank_wall = screenshot_seconds(chromium, blank, folder / "blank.png")
        largest = max(pages)
        page = pages[largest]
        print(f"Chromium on the {largest}-document page ({page.size / 1e6:.1f} MB):")
        for attempt in (1, 2):
            wall = screenshot_seconds(chromium, page.path, folder / "page.png")
            print(
                f"  screenshot of the opened page, run {attempt}: {wall:.2f}s wall "
                f"(an empty page: {blank_wall:.2f}s)"
            )
        print(f"  {'view':30} {'ready ms':>9} {'load ms':>8} {'rows':>6}")
        views = [
            ("list (opening the file)", ""),
            (f"document view (#doc={page.embedded - 1})", f"doc={page.embedded - 1}"),
            ("search every document", "q=openai"),
            ("sort by mean score", "sort=score"),
        ]
        for name, fragment in views:
            ready, loaded, rows = timings(chromium, page.path, fragment)
            print(f"  {name:30} {ready:>9} {loaded:>8} {rows:>6}")


if __name__ == "__main__":
    main()
