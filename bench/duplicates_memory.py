"""Memory of duplicate flagging per distinct document, measured with tracemalloc.

Run: python bench/duplicates_memory.py [N]. Prints the bytes per remembered text for ids
shaped like real relative paths, and the projected size of a full default table.
"""

from __future__ import annotations

import sys
import tracemalloc

from normalise.record import Document
from normalise.run.duplicates import DEFAULT_MAX_ENTRIES, DuplicateFlagger


def main(count: int) -> None:
    flagger = DuplicateFlagger()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for index in range(count):  # each document is dropped after flagging, as in a run
        doc = Document(
            id=f"crawl/2024/{index % 365:03d}/article-{index:08d}.html",
            source="",
            source_text=f"Article number {index} about something.",
        )
        flagger.flag(doc)
    del doc
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per_entry = (after - before) / count
    print(f"distinct documents: {count}")
    print(f"retained bytes per remembered text (digest + id + table slot): {per_entry:.0f}")
    print(f"ids here are {len(flagger._first[next(iter(flagger._first))])} characters")
    full = per_entry * DEFAULT_MAX_ENTRIES / 2**20
    print(f"projected for a full table of {DEFAULT_MAX_ENTRIES:,} entries: {full:.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
