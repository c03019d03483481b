"""Everything one run writes, as one set: the exports, the report and the saved state.

A run must never hurt its input, nor another run's output. So, before anything is written:

* :meth:`OutputSet.refuse_overlap` refuses outputs that would overwrite the input or an
  input document, write around the input (a folder output that contains it), or write into a
  state folder;
* :meth:`OutputSet.lock` takes one lock per written path (``.NAME.lock`` beside it), so that
  two runs sharing any output (``-o out/`` and ``-o out/ -f jsonl -f tmx`` both write
  ``out/corpus.jsonl``) cannot interleave; the second is refused with the first one's pid;
* :meth:`OutputSet.remove_leftovers` then removes the temporary files that a killed run left
  beside these outputs (safe: the lock says no one else writes them);
* :meth:`OutputSet.exclusions` names what an input walk must leave out, when the output lies
  inside the input folder: the outputs, their locks and temporaries, the state.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import remove_temporaries
from .atomic import STDOUT

LOCK_SUFFIX = ".lock"
STATE_SUFFIX = ".parts"


class OutputError(Exception):
    """The outputs cannot be used as asked (they overlap the input, or another run holds
    them); the message names the path and what to do."""


def lock_path(path: Path) -> Path:
    """The lock file of an output path: hidden, beside it."""
    return path.with_name(f".{path.name}{LOCK_SUFFIX}")


def is_state_folder(path: Path) -> bool:
    """A ``*.parts`` folder that holds a run's saved state."""
    return (
        path.name.endswith(STATE_SUFFIX)
        and path.is_dir()
        and ((path / "manifest.json").is_file() or (path / "shards").is_dir())
    )


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@dataclass
class OutputSet:
    """The files and folders of one run: ``files`` (single-file exports, the report),
    ``folders`` (multi-file exports such as Moses and text) and ``state`` (saved progress).
    Paths are made absolute, so that comparisons see through ``./`` and symlinks."""

    files: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    state: Path | None = None

    def __post_init__(self) -> None:
        self.files = [Path(p).resolve() for p in self.files if str(p) != STDOUT]
        self.folders = [Path(p).resolve() for p in self.folders if str(p) != STDOUT]
        self.state = Path(self.state).resolve() if self.state is not None else None

    @property
    def paths(self) -> list[Path]:
        """Every path this run writes, sorted (the order locks are taken in)."""
        state = [self.state] if self.state is not None else []
        return sorted({*self.files, *self.folders, *state})

    # -- before anything is written -------------------------------------------------------
    def refuse_overlap(self, input_path: Path | str, extensions: Sequence[str]) -> None:
        """Raise :class:`OutputError` if writing this set could hurt the input at
        ``input_path`` (``-`` for standard input: nothing to hurt) or a state folder."""
        if str(input_path) == STDOUT:
            return
        source = Path(input_path).resolve()
        for path in self.paths:
            if path == source:
                raise OutputError(f"the output {path} is the input; choose another -o")
            if path in self.folders or path == self.state:
                if path in source.parents:
                    raise OutputError(
                        f"the output folder {path} contains the input {source}; "
                        "choose an -o outside it"
                    )
            elif (
                source.is_dir()
                and _inside(path, source)
                and path.suffix.lower() in extensions
                and path.is_file()
            ):
                raise OutputError(
                    f"the output {path} is an input document under {source}; choose another -o"
                )
            holder = next((p for p in path.parents if is_state_folder(p)), None)
            if holder is not None or (self.state is not None and self.state in path.parents):
                raise OutputError(
                    f"the output {path} is inside the state folder {holder or self.state}; "
                    "choose another -o"
                )

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the lock of every path of the set (see the module docstring)."""
        held: list[_Lock] = []
        try:
            for path in self.paths:
                lock = _Lock(lock_path(path), path)
                lock.acquire()
                held.append(lock)
            yield
        finally:
            for lock in reversed(held):
                lock.release()

    def remove_leftovers(self) -> list[Path]:
        """Remove temporary files that killed runs left beside or inside these outputs.
        Only while holding :meth:`lock`."""
        return remove_temporaries(self.files + self.folders, recursive=self.folders)

    def exclusions(self) -> list[Path]:
        """What an input walk must leave out: every output, its lock, and the state."""
        return [*self.paths, *(lock_path(path) for path in self.paths)]


class _Lock:
    """An exclusive ``flock`` on a lock file, which records its holder (pid, time, command)
    and is removed on release."""

    def __init__(self, path: Path, guards: Path):
        self.path = path
        self.guards = guards
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                os.close(fd)
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                raise OutputError(
                    f"{self.guards} is being written by another normalise run "
                    f"({self.holder()}); wait for it to finish, or choose another -o"
                ) from None
            try:  # the holder before us may have removed the file between open and flock
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        os.write(fd, f"pid {os.getpid()}, started {started}\n".encode())
        self._fd = fd

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "pid unknown"
        except OSError:
            return "pid unknown"

    def release(self) -> None:
        if self._fd is None:
            return
        with suppress(FileNotFoundError):
            self.path.unlink()  # while still locked: a waiting run retries on the new file
        os.close(self._fd)
        self._fd = None
