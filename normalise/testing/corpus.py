"""Synthetic input folders for scale tests and benchmarks.

Articles are taken from the seed files and, where it is at hand, from NTREX-128 (the same news
documents in English, Italian and Spanish; CC BY-SA 4.0, read from the shared data folder and
never copied into the repository), then written round-robin as many times as asked, one file
per document, so that a run of any size has a realistic mix of languages and lengths.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

NTREX_FILES = {
    "en": "newstest2019-src.eng.txt",
    "it": "newstest2019-ref.ita.txt",
    "es": "newstest2019-ref.spa.txt",
}


def seed_articles(seeds: Path) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(Path(seeds).glob("*.txt"))]


def ntrex_articles(ntrex: Path) -> list[str]:
    """One article per NTREX document and language: its lines, one paragraph each (the first
    line is the headline)."""
    ntrex = Path(ntrex)
    ids = (ntrex / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    by_lang = []
    for filename in NTREX_FILES.values():
        lines = (ntrex / filename).read_text(encoding="utf-8").splitlines()
        numbered = zip(ids, lines, strict=True)
        by_lang.append(
            [
                "\n\n".join(line for _, line in group) + "\n"
                for _, group in groupby(numbered, key=lambda pair: pair[0])
            ]
        )
    # interleaved (en, it, es, en, ...) so that any prefix of a corpus mixes the languages
    return [article for triple in zip(*by_lang, strict=True) for article in triple]


def write_corpus(folder: Path, count: int, articles: list[str]) -> Path:
    """Write ``count`` documents (cycling through ``articles``) into ``folder``, 1,000 per
    sub-folder as a crawl would; return ``folder``."""
    folder = Path(folder)
    for index in range(count):
        path = folder / f"{index // 1000:04d}" / f"{index:07d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(articles[index % len(articles)], encoding="utf-8")
    return folder
