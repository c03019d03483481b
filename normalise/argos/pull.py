"""``normalise models pull``: fetch the package the catalog serves for a language, check it
against its pin, install it. The pin is the manifest's size and sha256, else the sha256
recorded on first use in this store; a package with neither is refused unless the user
trusts it on first use (``--trust-unpinned``), and then the sha256 seen is recorded."""

from __future__ import annotations

import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .download import fetch, mirror_location
from .manifest import PinnedPackage, catalog_entry, record_trusted
from .package import ArgosPackage, PackageError
from .store import ModelStore, inspect_archive


@dataclass(frozen=True)
class Pulled:
    package: ArgosPackage
    sha256: str
    trusted_now: bool  # the sha256 was recorded on first use by this pull
    source: str


def pull(
    store: ModelStore,
    lang: str,
    *,
    to_code: str = "en",
    mirror: str | None = None,
    trust_unpinned: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    opener: Callable = urllib.request.urlopen,
) -> Pulled:
    """Fetch, check and install the LANG→to package; raise :class:`PackageError` saying why
    not. The store is untouched unless every check passed."""
    entry = catalog_entry(lang, to_code)
    if entry is None:
        raise PackageError(
            f"no {lang}→{to_code} package in the catalog (normalise/data/manifest.json)"
        )
    pin: PinnedPackage | None = entry if entry.pinned else store.pins().get(entry.name)
    if pin is None and not trust_unpinned:
        raise PackageError(
            f"{entry.name} has no pinned sha256 (the Argos index publishes none): rerun with "
            "--trust-unpinned to accept the sha256 seen now (it is printed and recorded, and "
            "checked from then on), or install a file you checked with `normalise models install`"
        )
    source = mirror_location(mirror, entry.name) if mirror else entry.url
    store.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pull-", dir=store.root) as tmp:
        try:
            archive, seen = fetch(
                source,
                entry.name,
                Path(tmp),
                size=pin.size if pin else None,
                sha256=pin.sha256 if pin else None,
                progress=progress,
                opener=opener,
            )
        except OSError as error:  # a transfer that broke off half-way
            raise PackageError(f"{source}: transfer failed: {error}") from None
        top, metadata = inspect_archive(archive)
        if top != entry.name or (metadata["from_code"], metadata["to_code"]) != (lang, to_code):
            raise PackageError(
                f"{source}: holds {top} ({metadata['from_code']}→{metadata['to_code']}), "
                f"not {entry.name}; nothing was installed"
            )
        size = archive.stat().st_size
        package = store.install(archive, replace=True)
    trusted_now = pin is None
    if trusted_now:
        record_trusted(store.root, entry, seen, size)
    return Pulled(package, seen, trusted_now, source)
