"""Hand-made ``.argosmodel`` archives for tests of the installer: broken, hostile or odd zips
that no real package builder would write."""

from __future__ import annotations

import zipfile
from pathlib import Path

SYMLINK_MODE = 0o120777  # st_mode of a symbolic link, as Unix zip tools store it


def write_zip(
    path: Path, entries: dict[str, bytes | str], compression: int = zipfile.ZIP_STORED
) -> Path:
    """A zip with exactly these members, in this order."""
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def write_symlink_zip(path: Path, metadata: str, link: str, target: str) -> Path:
    """A package zip whose member ``link`` is a symbolic link to ``target``."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("pkg/metadata.json", metadata)
        info = zipfile.ZipInfo(link)
        info.external_attr = SYMLINK_MODE << 16
        zf.writestr(info, target)
    return path


def write_zip_bomb(path: Path, metadata: str, size: int = 8 << 20) -> Path:
    """A package zip with a member of ``size`` zero bytes, deflated a thousandfold."""
    entries = {"pkg/metadata.json": metadata, "pkg/model/model.bin": b"\0" * size}
    return write_zip(path, entries, compression=zipfile.ZIP_DEFLATED)
