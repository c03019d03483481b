"""Find the input files of a run, in a stable order, and account for every one we skip."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class InputFile:
    path: Path
    relpath: str  # POSIX path relative to the input root: the document's source


@dataclass(frozen=True)
class InputRecord:
    """An article given as data (a JSONL line, a Python API call) rather than as a file."""

    id: str
    text: str
    format: str = "text"  # "text" | "html"
    lang: str | None = None  # a hint, weighed against the text, never trusted blindly
    metadata: dict | None = None

    @property
    def relpath(self) -> str:
        return self.id


WorkItem = InputFile | InputRecord


@dataclass(frozen=True)
class Skipped:
    relpath: str
    reason: str


def _needs_escape(ch: str) -> bool:
    return ch.isspace() or not ch.isprintable() or ch == "%"


def document_id(relpath: str) -> str:
    """A stable id from the relative path: the path itself, with whitespace, control
    characters and '%' percent-escaped so that an id is always one token on one line."""
    return "".join(
        "".join(f"%{byte:02X}" for byte in ch.encode("utf-8")) if _needs_escape(ch) else ch
        for ch in relpath
    )


def walk(root: Path, extensions: tuple[str, ...]) -> Iterator[InputFile | Skipped]:
    """Yield every file under ``root`` (or ``root`` itself) in sorted relative-path order.

    Files with other extensions, broken symlinks and symlinked directories are yielded as
    :class:`Skipped` with a reason, never dropped silently.
    """
    root = Path(root)
    if root.is_file():
        yield InputFile(root, root.name)
        return
    entries: list[InputFile | Skipped] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
        base = Path(dirpath)
        for name in list(dirnames):
            if (base / name).is_symlink():
                rel = (base / name).relative_to(root).as_posix()
                entries.append(Skipped(rel, "symlinked directory not followed"))
        for name in filenames:
            path = base / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink() and not path.exists():
                entries.append(Skipped(rel, "broken or looping symlink"))
            elif path.suffix.lower() not in extensions:
                entries.append(Skipped(rel, f"unsupported file type {path.suffix or '(none)'}"))
            else:
                entries.append(InputFile(path, rel))
    entries.sort(key=lambda entry: entry.relpath)
    yield from entries
