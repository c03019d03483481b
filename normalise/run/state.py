"""The on-disk state of a resumable run: shards, completion markers and a manifest.

Layout (``STATE`` is ``OUTPUT.parts/``, beside the corpus file)::

    STATE/lock                  held (flock) while a run writes here: one run at a time
    STATE/manifest.json         the options fingerprint and, once finished, the shard order
    STATE/shards/KEY.jsonl      the records of one shard, in input order
    STATE/shards/KEY.done       its completion marker: counts, sha256, per-file fingerprints,
                                and the fingerprints of its inputs, settings, models and
                                repeated lines (to say why a shard is redone)
    STATE/lines/KEY.json        the line keys of each document of a shard, for the repetition
                                pre-pass (KEY: the shard's inputs and options, without the
                                pre-pass): only new or changed inputs are read in the pre-pass

Every file is written to a temporary name and renamed into place, and a marker is written
only after its shard file is in place, so a marker always means a whole shard. A shard file
without a marker, a marker whose shard file does not match its recorded size and sha256, or a
leftover temporary file are all treated as never written: the shard is processed again. A
reader of ``shards/`` therefore never sees a truncated record as long as it only reads shards
that have a marker.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import is_temporary, write_bytes

FORMAT = 1
MANIFEST = "manifest.json"
EXTRACTED = "extracted-"  # a run's own ExtractedStore: removed at its end, not kept state


class StateError(RuntimeError):
    """The state folder cannot be used as it is; the message says why and what to do."""


@dataclass(frozen=True)
class CompleteShard:
    key: str
    lines: list[str]
    marker: dict[str, Any]


def shard_bytes(lines: list[str]) -> bytes:
    """A shard file's content: each record, UTF-8, and a newline after each.

    Each line is encoded on its own: joined first, one record with a character past U+FFFF
    (an emoji) makes the whole shard a 4-byte-per-character string, and encoding that took
    several times as long as the shard's lines one by one."""
    return b"".join([line.encode("utf-8") + b"\n" for line in lines])


class RunState:
    """Open (and lock) the state folder of one output; see the module docstring."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.shards = self.root / "shards"
        self.lines = self.root / "lines"
        self._lock_handle = None
        self.changed_options: list[str] = []

    # -- lifetime -------------------------------------------------------------------------
    def open(self, options: dict[str, Any], *, fresh: bool = False) -> None:
        """Lock the folder, start over if ``fresh``, and note in :attr:`changed_options` the
        options that differ from the saved progress'. Saved shards made with other options
        never match this run's keys; they are not deleted now but when this run completes,
        so that stopping at once and rerunning with the old options still finds them."""
        self.shards.mkdir(parents=True, exist_ok=True)
        self._lock()
        if fresh:
            shutil.rmtree(self.shards)
            shutil.rmtree(self.lines, ignore_errors=True)
            self.shards.mkdir()
            with suppress(FileNotFoundError):
                (self.root / MANIFEST).unlink()
        previous = self.read_manifest()
        self.changed_options = []
        if previous is not None and previous.get("options") != options:
            before = previous.get("options") or {}
            self.changed_options = sorted(
                name for name in set(options) | set(before) if options.get(name) != before.get(name)
            )
        self._remove_temporaries()
        self.write_manifest({"options": options, "complete": False})

    def close(self) -> None:
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    def __enter__(self) -> RunState:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _lock(self) -> None:
        handle = open(self.root / "lock", "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            handle.close()
            if error.errno in (errno.EAGAIN, errno.EACCES):
                raise StateError(
                    f"another normalise run is writing {self.root}; wait for it to finish"
                ) from None
            raise
        self._lock_handle = handle

    def _remove_temporaries(self) -> None:
        """Temporary files of a killed run: never complete, never read; and the documents its
        pre-pass kept for its main pass (``extracted-*``, see stages/extracted.py)."""
        for folder in self.root.glob(EXTRACTED + "*"):
            shutil.rmtree(folder, ignore_errors=True)
        for folder in (self.root, self.shards, self.lines):
            for path in folder.glob(".*"):
                if is_temporary(path.name):
                    with suppress(FileNotFoundError):
                        path.unlink()

    # -- manifest -------------------------------------------------------------------------
    def read_manifest(self) -> dict[str, Any] | None:
        path = self.root / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise StateError(
                f"{path} is unreadable ({error}); rerun with --fresh to start over"
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise StateError(
                f"{path} was written by another version of normalise; "
                "rerun with --fresh to start over"
            )
        return data

    def write_manifest(self, data: dict[str, Any]) -> None:
        body = {"format": FORMAT, **data}
        text = json.dumps(body, ensure_ascii=False, indent=1) + "\n"
        write_bytes(self.root / MANIFEST, text.encode("utf-8"))

    # -- shards ---------------------------------------------------------------------------
    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.shards / f"{key}.jsonl", self.shards / f"{key}.done"

    def load(self, key: str) -> CompleteShard | None:
        """The records of a complete shard, verified against its marker; None otherwise."""
        data_path, marker_path = self._paths(key)
        try:
            marker = json.loads(marker_path.read_text(encoding="utf-8"))
            data = data_path.read_bytes()
        except (OSError, ValueError):
            return None
        if (
            not isinstance(marker, dict)
            or marker.get("key") != key
            or marker.get("bytes") != len(data)
            or marker.get("sha256") != hashlib.sha256(data).hexdigest()
        ):
            return None
        lines = data.decode("utf-8").splitlines()
        if len(lines) != marker.get("documents"):
            return None
        return CompleteShard(key, lines, marker)

    def is_complete(self, key: str) -> bool:
        """Cheap check (marker present); :meth:`load` verifies the content."""
        return self._paths(key)[1].is_file()

    def save(self, key: str, lines: list[str], marker: dict[str, Any]) -> None:
        """Write a shard, then its marker: both atomically, in that order."""
        data_path, marker_path = self._paths(key)
        data = shard_bytes(lines)
        write_bytes(data_path, data)
        full = {
            **marker,
            "key": key,
            "documents": len(lines),
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        write_bytes(marker_path, (json.dumps(full, ensure_ascii=False) + "\n").encode())

    def marker(self, key: str) -> dict[str, Any] | None:
        """The marker of a complete shard (unverified: :meth:`load` checks the data)."""
        try:
            marker = json.loads(self._paths(key)[1].read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return marker if isinstance(marker, dict) else None

    def markers(self) -> list[dict[str, Any]]:
        """Every complete shard's marker, for telling why a shard is redone."""
        found = (self.marker(path.stem) for path in self.shards.glob("*.done"))
        return [marker for marker in found if marker is not None]

    # -- line keys of the pre-pass ---------------------------------------------------------
    def load_lines(self, key: str, documents: int) -> list[list[int] | None] | None:
        """The saved line keys of the ``documents`` documents of a shard; None if absent or
        damaged (then they are computed again)."""
        try:
            data = json.loads((self.lines / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        keys = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(keys, list) or len(keys) != documents:
            return None
        return keys

    def save_lines(self, key: str, keys: list[list[int] | None]) -> None:
        self.lines.mkdir(exist_ok=True)
        text = json.dumps({"keys": keys}, separators=(",", ":")) + "\n"
        write_bytes(self.lines / f"{key}.json", text.encode())

    def size(self) -> int:
        """Bytes on disk in the state folder: what keeping it costs."""
        total = 0
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = [name for name in dirnames if not name.startswith(EXTRACTED)]
            for name in filenames:
                with suppress(OSError):
                    total += os.lstat(os.path.join(dirpath, name)).st_size
        return total

    def forget(self, key: str) -> None:
        for path in self._paths(key)[::-1]:
            with suppress(FileNotFoundError):
                path.unlink()

    def keys(self) -> set[str]:
        return {path.stem for path in self.shards.glob("*.done")}

    def prune(self, keep: set[str], keep_lines: set[str] | None = None) -> int:
        """Remove shards (and saved line keys, unless ``keep_lines`` is None) that are not part
        of the current input (files changed or removed since); returns how many shards.
        Called after a run has completed."""
        if keep_lines is not None and self.lines.is_dir():
            for path in self.lines.iterdir():
                if path.suffix == ".json" and path.stem not in keep_lines:
                    with suppress(FileNotFoundError):
                        path.unlink()
        removed = 0
        for path in self.shards.iterdir():
            if path.suffix in (".jsonl", ".done") and path.stem not in keep:
                with suppress(FileNotFoundError):
                    path.unlink()
                    removed += path.suffix == ".done"
        return removed
