"""Download pinned packages. This is the only code in normalise that opens a network
connection, and it runs only on an explicit ``normalise models pull``."""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .manifest import PinnedPackage
from .package import PackageError

CHUNK = 1 << 16


def download(
    pinned: PinnedPackage,
    into: Path,
    *,
    progress: Callable[[int, int | None], None] | None = None,
    opener: Callable = urllib.request.urlopen,
    timeout: float = 60.0,
) -> Path:
    """Download ``pinned`` into folder ``into``; verify size and sha256 before returning.

    A mismatch deletes the partial file and raises :class:`PackageError`.
    """
    into.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{pinned.name}.", suffix=".part", dir=into)
    digest, received = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out, opener(pinned.url, timeout=timeout) as response:
            total = pinned.size or int(response.headers.get("Content-Length") or 0) or None
            while block := response.read(CHUNK):
                out.write(block)
                digest.update(block)
                received += len(block)
                if progress:
                    progress(received, total)
        if pinned.size is not None and received != pinned.size:
            raise PackageError(
                f"{pinned.url}: got {received} bytes, the manifest pins {pinned.size}"
            )
        if digest.hexdigest() != pinned.sha256:
            raise PackageError(
                f"{pinned.url}: sha256 {digest.hexdigest()} does not match the pinned "
                f"{pinned.sha256}; nothing was installed"
            )
        target = into / f"{pinned.name}.argosmodel"
        os.replace(tmp, target)
        return target
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
