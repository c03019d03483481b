"""Fetch package archives for ``normalise models pull``: from the Argos URL, from an HTTP
mirror, or from a local folder (air-gapped sites keep one). This is the only code in normalise
that opens a network connection, and it runs only on an explicit ``models pull``.

Every fetch is checked the same way: the size (stopping as soon as more bytes arrive than
pinned) and the sha256, into a temporary file that is deleted on any failure.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from ..atomic import commit_path, temporary_beside
from .manifest import PinnedPackage
from .package import PackageError

CHUNK = 1 << 16
_URL_SCHEMES = ("http", "https", "file")


def mirror_location(mirror: str, name: str) -> str:
    """Where a mirror (a folder, or an http(s)/file URL) holds ``NAME.argosmodel``."""
    if urllib.parse.urlsplit(mirror).scheme in _URL_SCHEMES:
        return mirror.rstrip("/") + "/" + urllib.parse.quote(f"{name}.argosmodel")
    folder = Path(mirror).expanduser()
    if not folder.is_dir():
        raise PackageError(f"--mirror {mirror}: not a folder, nor an http(s):// or file:// URL")
    return str(folder / f"{name}.argosmodel")


def fetch(
    location: str,
    name: str,
    into: Path,
    *,
    size: int | None,
    sha256: str | None,
    progress: Callable[[int, int | None], None] | None = None,
    opener: Callable = urllib.request.urlopen,
    timeout: float = 60.0,
) -> tuple[Path, str]:
    """Copy ``location`` (URL or path) to ``into/NAME.argosmodel``; check ``size`` and
    ``sha256`` when given. Return (path, sha256 seen). Raise :class:`PackageError` on a
    mismatch or a failed transfer, leaving nothing behind."""
    into.mkdir(parents=True, exist_ok=True)
    target = into / f"{name}.argosmodel"
    fd, tmp = temporary_beside(target)
    digest, received = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out, _Source(location, opener, timeout) as (source, length):
            total = size or length
            while block := source.read(CHUNK):
                received += len(block)
                if size is not None and received > size:
                    raise PackageError(
                        f"{location}: more than the {size} bytes pinned for {name}; "
                        "nothing was installed"
                    )
                out.write(block)
                digest.update(block)
                if progress:
                    progress(received, total)
        if size is not None and received != size:
            raise PackageError(
                f"{location}: got {received} bytes, {size} are pinned for {name}; "
                "nothing was installed"
            )
        seen = digest.hexdigest()
        if sha256 is not None and seen != sha256:
            raise PackageError(
                f"{location}: sha256 {seen} does not match the pinned sha256 {sha256} of "
                f"{name}; nothing was installed"
            )
        commit_path(tmp, target)
        return target, seen
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class _Source:
    """A readable source and its announced length, for a URL or a local path."""

    def __init__(self, location: str, opener: Callable, timeout: float):
        self.location, self.opener, self.timeout = location, opener, timeout

    def __enter__(self):
        try:
            if urllib.parse.urlsplit(self.location).scheme in _URL_SCHEMES:
                self.handle = self.opener(self.location, timeout=self.timeout)
                length = self.handle.headers.get("Content-Length") if self.handle.headers else None
            else:
                self.handle = open(self.location, "rb")  # noqa: SIM115 - closed in __exit__
                length = os.fstat(self.handle.fileno()).st_size
        except urllib.error.HTTPError as error:
            raise PackageError(f"{self.location}: HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise PackageError(f"{self.location}: cannot fetch: {reason}") from None
        return self.handle, int(length) if length else None

    def __exit__(self, *exc) -> None:
        self.handle.close()


def download(
    pinned: PinnedPackage,
    into: Path,
    *,
    progress: Callable[[int, int | None], None] | None = None,
    opener: Callable = urllib.request.urlopen,
    timeout: float = 60.0,
) -> Path:
    """Download ``pinned`` from its URL into folder ``into``, checking size and sha256."""
    path, _ = fetch(
        pinned.url,
        pinned.name,
        into,
        size=pinned.size,
        sha256=pinned.sha256,
        progress=progress,
        opener=opener,
        timeout=timeout,
    )
    return path
