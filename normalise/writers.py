"""Output writers. Writes are atomic: a temporary file, renamed into place when complete."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .record import Document


class AtomicFile:
    """Write to a temporary file beside ``path``; rename over ``path`` on success only."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self._handle

    def __exit__(self, exc_type, exc, tb) -> None:
        self._handle.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            os.unlink(self._tmp)


def write_jsonl(docs: Iterable[Document], path: Path) -> None:
    with AtomicFile(path) as handle:
        for doc in docs:
            handle.write(doc.dumps())
            handle.write("\n")


def write_json(data: Any, path: Path) -> None:
    with AtomicFile(path) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
