"""Output writers. Writes are atomic: a temporary file, renamed into place when complete.

A run that fails half-way must never leave a truncated corpus where a complete one is
expected, so every file is written beside its final name and renamed only on success.
``-`` as a path means standard output, which cannot be atomic and is written as it goes.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

STDOUT = "-"


class AtomicFile:
    """Write to a temporary file beside ``path``; rename over ``path`` on success only."""

    def __init__(self, path: Path, binary: bool = False):
        self.path = Path(path)
        self.binary = binary

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        if self.binary:
            self._handle = os.fdopen(fd, "wb")
        else:
            self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self._handle

    def __exit__(self, exc_type, exc, tb) -> None:
        self._handle.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            os.unlink(self._tmp)


class AtomicFolder:
    """Several files in one folder that appear together, or not at all.

    Files are opened lazily (a Moses export does not know in advance which language pairs
    it will meet) and all renamed into place by :meth:`commit`.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._open: dict[str, tuple[IO[str], str]] = {}

    def handle(self, name: str) -> IO[str]:
        if name not in self._open:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
            self._open[name] = (os.fdopen(fd, "w", encoding="utf-8", newline="\n"), tmp)
        return self._open[name][0]

    @property
    def names(self) -> list[str]:
        return sorted(self._open)

    def commit(self) -> None:
        for name, (handle, tmp) in sorted(self._open.items()):
            handle.close()
            os.replace(tmp, self.folder / name)
        self._open.clear()

    def discard(self) -> None:
        for handle, tmp in self._open.values():
            handle.close()
            os.unlink(tmp)
        self._open.clear()


@contextmanager
def open_output(target: Path | str) -> Iterator[IO[str]]:
    """A text handle on ``target``: atomic for a path, standard output for ``-``."""
    if str(target) == STDOUT:
        yield sys.stdout
        sys.stdout.flush()
        return
    with AtomicFile(Path(target)) as handle:
        yield handle


def write_json(data: Any, path: Path) -> None:
    with AtomicFile(path) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
