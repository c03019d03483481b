"""Output writers: atomic files (see :mod:`normalise.atomic`), folders of files that appear
together, and ``-`` for standard output, which cannot be atomic and is written as it goes."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from ..atomic import AtomicFile, final_mode, sync_folder, temporary_beside

STDOUT = "-"


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
            fd, tmp = temporary_beside(self.folder / name)
            self._open[name] = (os.fdopen(fd, "w", encoding="utf-8", newline="\n"), tmp)
        return self._open[name][0]

    @property
    def names(self) -> list[str]:
        return sorted(self._open)

    def commit(self) -> None:
        try:
            for handle, _ in self._open.values():
                handle.flush()
                os.fsync(handle.fileno())  # all on disk before the first one is renamed
            for name, (handle, tmp) in sorted(self._open.items()):
                target = self.folder / name
                os.fchmod(handle.fileno(), final_mode(target))
                handle.close()
                os.replace(tmp, target)
            sync_folder(self.folder)
        except BaseException:
            self.discard()
            raise
        self._open.clear()

    def discard(self) -> None:
        for handle, tmp in self._open.values():
            handle.close()
            with suppress(FileNotFoundError):
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
