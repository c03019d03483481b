"""CPU time of the clean stage on the 61 extraction dev pages, on both paths.

HTML path: the pages extracted first (not timed), then cleaned as ``format="html"``
documents. Plain-text path: the pages' visible text (``page-text.json``, ``articleBody``) as
``format="text"`` documents. Each is cleaned five times (fresh copies); the best and median
CPU times (``time.process_time``) are printed, with the share of extraction's CPU time on the
same pages. ``--profile`` adds a cProfile of one pass of each.

Target (issue 19): the whole pipeline around translation within 25% of extraction's time;
the clean stage a small part of it.

    .venv/bin/python bench/clean.py [--data DIR] [--profile]
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import gzip
import json
import pstats
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from normalise.record import Document  # noqa: E402
from normalise.settings import Settings  # noqa: E402
from normalise.stages.clean.stage import Clean  # noqa: E402
from normalise.stages.extract import extract_html  # noqa: E402
from normalise.stages.read import decode_into  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "extraction-dev"
ROUNDS = 5


def html_documents(data: Path) -> tuple[list[Document], float]:
    """The pages, extracted; and extraction's CPU time."""
    docs = []
    for path in sorted((data / "html").glob("*.html.gz")):
        doc = Document(id=path.name, source=path.name, format="html")
        docs.append(decode_into(doc, gzip.open(path).read()))
    start = time.process_time()
    docs = [extract_html(doc) for doc in docs]
    return docs, time.process_time() - start


def text_documents(data: Path) -> list[Document]:
    pages = json.loads((data / "page-text.json").read_text(encoding="utf-8"))
    return [
        Document(id=key, source=key, format="text", raw_text=page["articleBody"])
        for key, page in sorted(pages.items())
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    html, extraction = html_documents(args.data)
    clean = Clean(Settings())
    print(f"extraction (HTML pages): {extraction:.3f} s CPU")
    for name, docs in (("HTML path", html), ("plain-text path", text_documents(args.data))):
        times = []
        for _ in range(ROUNDS):
            fresh = [copy.deepcopy(doc) for doc in docs]
            start = time.process_time()
            list(clean(fresh))
            times.append(time.process_time() - start)
        times.sort()
        print(
            f"clean, {name}: best {times[0]:.3f} s, median {times[ROUNDS // 2]:.3f} s CPU "
            f"({times[0] / extraction:.1%} of extraction), {len(docs)} documents"
        )
        if args.profile:
            fresh = [copy.deepcopy(doc) for doc in docs]
            profile = cProfile.Profile()
            profile.enable()
            list(clean(fresh))
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
