"""Every file the tool writes goes through here: written whole, or not at all.

(The core of :mod:`normalise.outputs.atomic`; it sits at the bottom of the package, since the
run state, the model store and the input walk use it too.)

A run that fails half-way, or is killed, must never leave a truncated corpus where a complete
one is expected. So every file is written to a temporary file beside its final name
(``.NAME.XXXXXXXX.tmp``: hidden, same folder, so the rename stays on one filesystem), flushed
to disk (fsync), given its final mode, and renamed over the target in one step. The mode is
the one a plain ``open()`` would give a new file under the current umask (0644 under umask
022, 0664 under 002), or the existing file's mode when one is replaced: ``mkstemp``'s 0600
must not leak into the corpus. Temporary files left by a killed process are recognised by
:func:`is_temporary` and removed by :func:`remove_temporaries` once the next run holds the
output's lock.

"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import threading
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

TEMP_SUFFIX = ".tmp"
# mkstemp's random part is 8 characters of [a-z0-9_]; older versions wrote no suffix.
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}(\.tmp)?$")
_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows (/proc), else by
    setting and restoring it under a lock."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def final_mode(path: Path) -> int:
    """The mode ``path`` should get: that of the file it replaces, else 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def temporary_beside(path: Path) -> tuple[int, str]:
    """Create (and open) the temporary file for ``path``: ``(fd, name)``."""
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)


def commit(fd: int, tmp: str, path: Path, mode: int | None = None) -> None:
    """Flush ``fd`` to disk, give the file its final mode, rename it over ``path``, and sync
    the folder so that the rename itself survives a crash."""
    os.fsync(fd)
    os.fchmod(fd, final_mode(path) if mode is None else mode)
    os.replace(tmp, path)
    sync_folder(path.parent)


def commit_path(tmp: str, path: Path) -> None:
    """:func:`commit` for a temporary file that another library wrote and closed (Parquet)."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        commit(fd, tmp, path)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    with suppress(OSError):  # not every filesystem lets a folder be opened or synced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see the module docstring)."""
    with AtomicFile(path, binary=True) as handle:
        handle.write(data)


class AtomicFile:
    """Write to a temporary file beside ``path``; fsync and rename over ``path`` on success
    only; on failure the temporary file is removed and ``path`` is untouched."""

    def __init__(self, path: Path, binary: bool = False):
        self.path = Path(path)
        self.binary = binary

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = temporary_beside(self.path)
        if self.binary:
            self._handle = os.fdopen(fd, "wb")
        else:
            self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self._handle

    def __exit__(self, exc_type, exc, tb) -> None:
        committed = False
        try:
            if exc_type is None:
                self._handle.flush()
                commit(self._handle.fileno(), self._tmp, self.path)
                committed = True
        finally:
            self._handle.close()
            if not committed:
                with suppress(FileNotFoundError):
                    os.unlink(self._tmp)


def is_temporary(name: str, of: str | None = None) -> bool:
    """Is ``name`` a temporary file of this module (of the target named ``of``, if given)?"""
    match = TEMPORARY.match(name)
    return match is not None and (of is None or match["name"] == of)


def remove_temporaries(targets: Iterable[Path], recursive: Iterable[Path] = ()) -> list[Path]:
    """Remove the temporary files that killed runs left beside ``targets`` and anywhere under
    the folders in ``recursive`` (multi-file outputs). Call it only while holding the lock of
    these outputs, so that no live writer's file is removed. Returns what was removed."""
    removed: list[Path] = []
    for target in targets:
        target = Path(target)
        with suppress(OSError):
            for entry in os.scandir(target.parent):
                if is_temporary(entry.name, target.name) and entry.is_file(follow_symlinks=False):
                    with suppress(FileNotFoundError):
                        os.unlink(entry.path)
                        removed.append(Path(entry.path))
    for folder in recursive:
        for dirpath, _, filenames in os.walk(folder):
            for name in filenames:
                if is_temporary(name):
                    with suppress(FileNotFoundError):
                        os.unlink(os.path.join(dirpath, name))
                        removed.append(Path(dirpath, name))
    return removed
