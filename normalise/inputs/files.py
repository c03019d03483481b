"""Find the input files of a run, in a stable order, and account for every one we skip."""

from __future__ import annotations

import errno
import os
import stat
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


@dataclass(frozen=True)
class RejectedRecord:
    """An input record that could not be used (bad JSON, no text): it still becomes a
    document, with status ``error`` and this reason, so that nothing vanishes."""

    id: str
    reason: str

    @property
    def relpath(self) -> str:
        return self.id


WorkItem = InputFile | InputRecord | RejectedRecord


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


def display_path(relpath: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 (kept by the OS as surrogate
    escapes) are shown as ``\\xNN``, so that the name can be written to JSON and printed."""
    if not any("\udc80" <= ch <= "\udcff" for ch in relpath):
        return relpath
    return relpath.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode cannot be read as an article (a pipe would block forever)."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
    return f"not a regular file: {kind}"


def _check_file(path: Path, rel: str, extensions: tuple[str, ...]) -> InputFile | Skipped:
    try:
        mode = path.stat().st_mode  # follows symlinks: a symlinked file is read
    except OSError as error:
        if error.errno == errno.ELOOP:
            return Skipped(rel, "symlink loop")
        if path.is_symlink():
            return Skipped(rel, f"broken symlink (target {os.readlink(path)!r} does not exist)")
        return Skipped(rel, f"cannot stat file: {error.strerror or error}")
    why = _not_regular(mode)
    if why:
        return Skipped(rel, why)
    if path.suffix.lower() not in extensions:
        return Skipped(rel, f"unsupported file type {path.suffix or '(none)'}")
    return InputFile(path, rel)


def walk(root: Path, extensions: tuple[str, ...]) -> Iterator[InputFile | Skipped]:
    """Yield every file under ``root`` (or ``root`` itself) in sorted relative-path order.

    Nothing is dropped silently: files with other extensions, broken or looping symlinks,
    symlinked directories, pipes and devices, and folders that cannot be listed are yielded
    as :class:`Skipped` with a reason.
    """
    root = Path(root)
    if not root.is_dir():
        entry = _check_file(root, display_path(root.name), extensions)
        if isinstance(entry, Skipped) and entry.reason.startswith("unsupported file type"):
            entry = InputFile(root, entry.relpath)  # a file named explicitly is read anyway
        yield entry
        return
    entries: list[InputFile | Skipped] = []

    def unlisted(error: OSError) -> None:
        where = Path(error.filename or root)
        try:
            rel = display_path(where.relative_to(root).as_posix()) or "."
        except ValueError:
            rel = display_path(str(where))
        entries.append(Skipped(rel, f"cannot list folder: {error.strerror or error}"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=unlisted):
        base = Path(dirpath)
        for name in list(dirnames):
            if (base / name).is_symlink():
                rel = display_path((base / name).relative_to(root).as_posix())
                entries.append(Skipped(rel, "symlinked directory not followed"))
        for name in filenames:
            path = base / name
            entries.append(
                _check_file(path, display_path(path.relative_to(root).as_posix()), extensions)
            )
    entries.sort(key=lambda entry: entry.relpath)
    yield from entries
