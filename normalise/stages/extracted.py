"""What the pre-pass read and extracted, kept on disk so that the main pass does not do it again.

The repetition pre-pass (:mod:`.prepass`) must read, decode and extract every input to count its
lines; the main pass needs exactly those documents to go on from (clean, detect, ...). Reading
and extracting a page twice made the pre-pass cost as much as the main pass's extract stage,
the largest stage of an English HTML run. So the pre-pass writes each document it extracted to an
:class:`ExtractedStore`, and the main pass's read stage takes it from there instead of opening
the input: each input is read, decoded and extracted once per run.

The store is a folder of small JSON files, one per input, named by a digest of what identifies the
input without reading it: a file's path, size and modification time (a file changed between the
two passes is simply read again), a record's fields. Memory stays bounded at any corpus size (see
below). The folder is made for one run and removed at its end (:meth:`ExtractedStore.close`);
its disk use is the extracted text of the inputs.

When both passes run in one process (one worker, or the Python API), the store first holds the
documents themselves in memory, up to :data:`MEMORY_CHARS` characters of text in all, and only
spills the rest to disk: writing each page's extracted text as JSON and parsing it back cost as
much as a tenth of extraction. The bound keeps memory flat; what is held is given up as the main
pass takes it. Another process (a pool worker) sees only the disk.

A run whose workers do not share this machine's disk (Ray on a cluster) keeps no store: its main
pass extracts again, as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..inputs.files import InputFile, InputRecord, WorkItem
from ..record import Document

log = logging.getLogger("normalise")

# The text the store may hold in memory (characters of ``raw_text``, both passes in one process):
# a few hundred to a few thousand articles, some tens of megabytes.
MEMORY_CHARS = 16 * 2**20


@dataclass(frozen=True)
class ExtractedStore:
    """Documents as the read and extract stages left them, by input; picklable (its folder), so
    pool workers write to it in the pre-pass and read from it in the main pass.

    ``memory_chars``: how much text this process may hold in memory instead of on disk (0:
    none); only for a store that the same process fills and reads back."""

    root: Path
    memory_chars: int = 0
    _memory: dict[str, Document] = field(  # by name(), not key()
        default_factory=dict, init=False, repr=False, compare=False
    )
    _held: list[int] = field(default_factory=lambda: [0], init=False, repr=False, compare=False)
    _folders: set[str] = field(default_factory=set, init=False, repr=False, compare=False)

    @classmethod
    def create(cls, near: Path | None = None, memory_chars: int = 0) -> ExtractedStore:
        """A new, empty store in a folder of its own: inside ``near`` (the run's state folder,
        on the output's disk) when given, else in the system's temporary folder."""
        if near is not None:
            near.mkdir(parents=True, exist_ok=True)
        return cls(Path(tempfile.mkdtemp(prefix="extracted-", dir=near)), memory_chars)

    def __reduce__(self) -> tuple[type[ExtractedStore], tuple[Path]]:
        # another process sees the folder only: what this one holds in memory stays here
        return (ExtractedStore, (self.root,))

    def close(self) -> None:
        """Remove the store and everything in it (the run is over)."""
        self._memory.clear()
        self._held[0] = 0
        shutil.rmtree(self.root, ignore_errors=True)

    @staticmethod
    def name(item: WorkItem) -> str | None:
        """What identifies ``item``'s entry, found without reading it: a file's path, size and
        modification time, a record's fields; None for an input that is not worth keeping (a
        rejected record) or cannot be looked at. Names the entries held in memory as it is."""
        if isinstance(item, InputFile):
            try:
                info = os.stat(item.path)
            except OSError:
                return None
            return f"file\0{item.relpath}\0{info.st_size}\0{info.st_mtime_ns}"
        if isinstance(item, InputRecord):
            fields = json.dumps(asdict(item), ensure_ascii=False, sort_keys=True, default=repr)
            return "record\0" + fields
        return None

    @staticmethod
    def digest(name: str) -> str:
        """The file name of the entry named ``name`` (see :meth:`name`) on disk."""
        return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()

    @classmethod
    def key(cls, item: WorkItem) -> str | None:
        """What names ``item``'s entry on disk; None as for :meth:`name`."""
        name = cls.name(item)
        return None if name is None else cls.digest(name)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def put(self, item: WorkItem, doc: Document) -> None:
        """Keep ``doc`` (read and extracted from ``item``). A write that fails costs only the
        time of extracting the input again in the main pass."""
        name = self.name(item)
        if name is None:
            return
        size = len(doc.raw_text)
        replaced = self._memory.pop(name, None)  # the same record twice in the input
        if replaced is not None:
            self._held[0] -= len(replaced.raw_text)
        if self._held[0] + size <= self.memory_chars:
            self._memory[name] = doc  # by name: a sha256 per input cost more than the rest
            self._held[0] += size
            return
        key = self.digest(name)
        entry = {"document": doc.to_json(), "raw_text": doc.raw_text, "extracted": doc.extracted}
        path = self._path(key)
        try:
            data = json.dumps(entry, ensure_ascii=False)
            if key[:2] not in self._folders:
                path.parent.mkdir(exist_ok=True)
                self._folders.add(key[:2])
            scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            scratch.write_text(data, "utf-8", errors="surrogatepass")
            # whole or absent: a reader never sees half an entry. A scratch cache, removed with
            # the run, not an output: no fsync (normalise.atomic is for what the run writes)
            os.replace(scratch, path)
        except (OSError, TypeError, ValueError) as error:  # no room; metadata JSON cannot hold
            log.debug("cannot keep the extracted %s in %s: %s", doc.source, self.root, error)

    def get(self, item: WorkItem) -> Document | None:
        """The document kept for ``item``, or None (not kept, or changed since)."""
        name = self.name(item)
        if name is None:
            return None
        held = self._memory.pop(name, None)
        if held is not None:  # taken once: the main pass reads each input once
            self._held[0] -= len(held.raw_text)
            return held
        try:
            path = self._path(self.digest(name))
            entry = json.loads(path.read_text("utf-8", errors="surrogatepass"))
            doc = Document.from_json(entry["document"])
            doc.raw_text, doc.extracted = entry["raw_text"], entry["extracted"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:  # damaged: read it again
            log.debug("extracted entry for %s unreadable (%s): reading the input", item, error)
            return None
        return doc
