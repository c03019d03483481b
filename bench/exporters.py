"""Exporter throughput and memory: each format over a small and a 10x larger synthetic corpus.

Prints, per format, documents per second and the peak Python memory (tracemalloc) the export
allocated, for both sizes side by side. Streaming exporters keep the peak flat: the ratio of
the two peaks should stay near 1 while the corpus grows tenfold (parquet buffers one row
group of 1,000 documents, so its peak is bounded by that instead; text keeps one path per
document to detect clashes, so its peak grows by about 150 bytes per document).

    python bench/exporters.py [--docs 300]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

from normalise.outputs import FORMATS, export
from normalise.record import Document, Segment, Sentence, Status

SENTENCES_PER_DOC = 20


def synthetic(n: int):
    """``n`` translated Italian documents, built one at a time (never a list)."""
    for i in range(n):
        doc = Document(id=f"doc/{i:07d}.txt", source=f"doc/{i:07d}.txt", lang="it")
        doc.status = Status.TRANSLATED
        sentences = [
            Sentence(
                src=f"Questa è la frase numero {j} del documento {i}, scritta per la prova.",
                en=f"This is sentence number {j} of document {i}, written for the test.",
                score=-0.5,
            )
            for j in range(SENTENCES_PER_DOC)
        ]
        doc.segments = [Segment("paragraph", "", sentences=sentences)]
        doc.text = " ".join(s.en for s in sentences)
        yield doc


def measure(fmt: str, n: int) -> tuple[float, float]:
    """Documents per second (untraced run), and peak traced MiB (a second, traced run:
    tracemalloc slows allocation too much to time under it)."""
    results = []
    for traced in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / (fmt if fmt in ("moses", "text") else f"corpus.{fmt}")
            if traced:
                tracemalloc.start()
            start = time.perf_counter()
            export(synthetic(n), fmt, target)
            seconds = time.perf_counter() - start
            if traced:
                results.append(tracemalloc.get_traced_memory()[1] / 2**20)
                tracemalloc.stop()
            else:
                results.append(n / seconds)
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    args = parser.parse_args()
    small, large = args.docs, args.docs * 10
    print(f"{SENTENCES_PER_DOC} sentences per document; {small} vs {large} documents")
    header = ("format", "docs/s", "docs/s", "peak MiB", "peak MiB", "peak ratio")
    print(f"{header[0]:8} " + " ".join(f"{h:>9}" for h in header[1:]))
    print(f"{'':8} {'small':>9} {'large':>9} {'small':>9} {'large':>9}")
    for fmt in FORMATS:
        try:
            rate_s, peak_s = measure(fmt, small)
            rate_l, peak_l = measure(fmt, large)
        except Exception as error:  # e.g. parquet without pyarrow
            print(f"{fmt:8} skipped: {error}")
            continue
        print(
            f"{fmt:8} {rate_s:9.0f} {rate_l:9.0f} {peak_s:9.2f} {peak_l:9.2f} "
            f"{peak_l / peak_s:10.2f}"
        )


if __name__ == "__main__":
    main()
