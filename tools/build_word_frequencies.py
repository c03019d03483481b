"""Build ``normalise/data/words/<lang>.txt.gz``: the most frequent words of each language, with
their Zipf frequency, used as word-level evidence by the language decision
(``normalise/langid/words.py``).

A development tool, run by hand; it needs ``wordfreq`` (not a dependency of normalise):

    python -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq==3.1.1
    /tmp/wf/bin/python tools/build_word_frequencies.py

The word lists derive from wordfreq (Robyn Speer, https://github.com/rspeer/wordfreq), whose data
is CC BY-SA 4.0; so are these files (see ``normalise/data/words/README.md``). Only lower-cased
words are kept; frequencies are rounded to 0.01 Zipf and written in buckets, one line each:
``<zipf>\\t<word> <word> ...``.
"""

from __future__ import annotations

import gzip
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "normalise" / "data" / "words"
# The languages we route and their confusable neighbours get deep lists; the others are there
# so that a short text has somewhere else to go than it/es/en.
CORE = {"en", "it", "es", "ca", "pt", "fr", "ro", "de", "nl"}
OTHERS = {"da", "sv", "nb", "fi", "pl", "cs", "sk", "sl", "hr", "hu", "tr", "id", "ms", "lt",
          "lv", "fil", "is"}  # fmt: skip
CORE_WORDS = 20_000
OTHER_WORDS = 20_000


def main() -> None:
    import wordfreq

    OUT.mkdir(parents=True, exist_ok=True)
    for lang in sorted(CORE | OTHERS):
        size = CORE_WORDS if lang in CORE else OTHER_WORDS
        frequencies = wordfreq.get_frequency_dict(lang, wordlist="best")
        ranked = sorted(frequencies.items(), key=lambda item: (-item[1], item[0]))
        buckets: dict[float, list[str]] = defaultdict(list)
        kept = 0
        for word, frequency in ranked:
            if kept == size:
                break
            if not word.isalpha() and "'" not in word and "-" not in word:
                continue
            buckets[round(wordfreq.freq_to_zipf(frequency), 2)].append(word)
            kept += 1
        lines = [
            f"{zipf:.2f}\t{' '.join(words)}"
            for zipf, words in sorted(buckets.items(), reverse=True)
        ]
        with gzip.GzipFile(OUT / f"{lang}.txt.gz", "wb", mtime=0) as out:
            out.write(("\n".join(lines) + "\n").encode("utf-8"))
        print(f"{lang}: {kept} words", file=sys.stderr)


if __name__ == "__main__":
    main()
