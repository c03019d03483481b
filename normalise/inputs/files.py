"""Find the input files of a run, in a stable order, and account for every one we skip."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from ..atomic import TEMPORARY


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


OUTPUT_OF_THIS_RUN = "an output of this run"
STATE_FOLDER = "the saved state of a normalise run"


@dataclass(frozen=True)
class Excluded(Skipped):
    """A path under the input that a run leaves out because it is the run's own output (or a
    run's saved state): reading it back would make outputs into documents."""


def _excluded_names(root: Path, exclude: Iterable[Path]) -> set[str]:
    """The POSIX paths, relative to ``root``, of the ``exclude`` paths that lie inside it."""
    base = root.resolve()
    names = set()
    for path in exclude:
        with suppress(ValueError):
            names.add(Path(path).resolve().relative_to(base).as_posix())
    return names


def _is_output(rel: str, excluded: set[str]) -> bool:
    """``rel`` is an excluded path, or a temporary file one of them left beside it."""
    if rel in excluded:
        return True
    folder, _, name = rel.rpartition("/")
    match = TEMPORARY.match(name)
    return match is not None and (f"{folder}/" if folder else "") + match["name"] in excluded


def _is_state(path: Path) -> bool:
    return path.name.endswith(".parts") and (path / "manifest.json").is_file()


def walk(
    root: Path, extensions: tuple[str, ...], exclude: Iterable[Path] = ()
) -> Iterator[InputFile | Skipped]:
    """Yield every file under ``root`` (or ``root`` itself) in sorted relative-path order.

    Nothing is dropped silently: files with other extensions, broken or looping symlinks,
    symlinked directories, pipes and devices, and folders that cannot be listed are yielded
    as :class:`Skipped` with a reason. The paths in ``exclude`` (a run's outputs) and state
    folders of runs are not walked; they are yielded as :class:`Excluded`.
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

    excluded = _excluded_names(root, exclude)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=unlisted):
        base = Path(dirpath)
        for name in list(dirnames):
            rel = (base / name).relative_to(root).as_posix()
            if _is_output(rel, excluded) or _is_state(base / name):
                dirnames.remove(name)
                why = OUTPUT_OF_THIS_RUN if _is_output(rel, excluded) else STATE_FOLDER
                entries.append(Excluded(display_path(rel) + "/", why))
            elif (base / name).is_symlink():
                entries.append(Skipped(display_path(rel), "symlinked directory not followed"))
        for name in filenames:
            path = base / name
            rel = path.relative_to(root).as_posix()
            if _is_output(rel, excluded):
                entries.append(Excluded(display_path(rel), OUTPUT_OF_THIS_RUN))
                continue
            entries.append(_check_file(path, display_path(rel), extensions))
    entries.sort(key=lambda entry: entry.relpath)
    yield from entries
