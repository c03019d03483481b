"""The language tables, compiled once per machine into a cache folder and mapped from there.

Building langdetect's profile matrix from its 55 JSON files takes about 0.3 s, and the word
lists' tables about 0.7 s (``words.py``): in every process, so in every worker of every run,
which is as long as extracting 20 pages. Compiled, they load in a few hundredths of a second:
the matrices are ``.npy`` files mapped into memory (read-only, and shared through the page
cache by every worker of the machine), the keys one JSON list.

An entry is named by a digest of its sources (the files' bytes) and of ``FORMAT``, so a new
langdetect or new word lists make a new entry, never a stale one. The folder is
``$NORMALISE_CACHE_DIR``, else ``$XDG_CACHE_HOME/normalise``, else ``~/.cache/normalise``. An
entry is written to a temporary folder and renamed into place, so concurrent workers never see
half of one. A cache that cannot be read or written is only slower: the tables are built in
memory, as before, and the reason is logged at debug level.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CACHE_ENV = "NORMALISE_CACHE_DIR"
FORMAT = "2"  # bump when what an entry holds changes

log = logging.getLogger("normalise")


def cache_root() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "normalise"


def sources_digest(parts: Iterable[bytes]) -> str:
    """The name of an entry: a digest of ``FORMAT`` and of every source, in order."""
    digest = hashlib.sha256(FORMAT.encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Compiled:
    """What an entry holds: named arrays, and named lists of strings (languages, n-grams)."""

    arrays: dict[str, np.ndarray]
    lists: dict[str, list[str]]


def load_or_build(name: str, digest: str, build: Callable[[], Compiled]) -> Compiled:
    """The entry ``name``-``digest``: read from the cache, or built and stored there."""
    folder = cache_root() / f"{name}-{digest}"
    try:
        return _read(folder)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as error:
        log.debug("language table cache %s unreadable (%s): rebuilding it", folder, error)
        shutil.rmtree(folder, ignore_errors=True)
    compiled = build()
    try:
        _write(folder, compiled)
    except OSError as error:
        log.debug("cannot write the language table cache %s: %s", folder, error)
    return compiled


def _read(folder: Path) -> Compiled:
    with open(folder / "index.json", encoding="utf-8") as handle:
        index = json.load(handle)
    # mapped, then seen as plain arrays: indexing a np.memmap builds a memmap object each time
    # (through Python code), which made langdetect's inner loop 3.7 times slower
    arrays = {
        array: np.load(folder / f"{array}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)
        for array in index["arrays"]
    }
    return Compiled(arrays, index["lists"])


def _write(folder: Path, compiled: Compiled) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for array, values in compiled.arrays.items():
            np.save(scratch / f"{array}.npy", np.ascontiguousarray(values), allow_pickle=False)
        index = {"arrays": sorted(compiled.arrays), "lists": compiled.lists}
        # written last: an entry without its index is never read
        (scratch / "index.json").write_text(json.dumps(index, ensure_ascii=False), "utf-8")
        try:
            scratch.rename(folder)
        except OSError:
            if not (folder / "index.json").is_file():  # not a concurrent writer's entry
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
