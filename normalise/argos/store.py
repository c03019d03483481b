"""The model store: a folder of installed package folders, and safe installation into it.

Installing validates the whole archive before anything touches the store, extracts into a
temporary folder inside the store, then renames it into place: a reader never sees a
half-installed package, and a refused archive leaves the store exactly as it was.

Each installed package carries an install record, ``.normalise-install.json``: the archive's
name and sha256 (to compare with the pinned manifest) and the sha256 of every file extracted
(so that ``verify`` catches a changed byte long after installation).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .manifest import PinnedPackage, known_pins, sha256_of
from .package import ArgosPackage, PackageError, load_package, validate_metadata

INSTALL_RECORD = ".normalise-install.json"

MAX_PACKAGE_BYTES = 2 * 1024**3  # uncompressed; the real it/es packages are ~90 MB
MAX_COMPRESSION_RATIO = 200  # zip bomb guard for any single member


def _check_member(info: zipfile.ZipInfo, archive: Path) -> PurePosixPath:
    name = info.filename
    path = PurePosixPath(name)
    if name.startswith("/") or path.is_absolute() or (len(name) > 1 and name[1] == ":"):
        raise PackageError(f"{archive}: absolute path in archive: {name!r}")
    if ".." in path.parts or "\\" in name:
        raise PackageError(f"{archive}: path escapes the package folder: {name!r}")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise PackageError(f"{archive}: symbolic link in archive: {name!r}")
    if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
        raise PackageError(f"{archive}: member {name!r} expands suspiciously (zip bomb?)")
    return path


def inspect_archive(archive: Path, max_bytes: int = MAX_PACKAGE_BYTES) -> tuple[str, dict]:
    """Validate an ``.argosmodel`` zip without extracting it; return (top folder, metadata)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if not infos:
                raise PackageError(f"{archive}: the archive is empty")
            tops = {_check_member(info, archive).parts[0] for info in infos}
            if len(tops) != 1:
                raise PackageError(
                    f"{archive}: expected one top-level folder, found {len(tops)}: "
                    + ", ".join(sorted(tops)[:5])
                )
            top = tops.pop()
            total = sum(info.file_size for info in infos)
            if total > max_bytes:
                raise PackageError(
                    f"{archive}: unpacks to {total} bytes, over the limit of {max_bytes}"
                )
            try:
                raw = zf.read(f"{top}/metadata.json")
            except KeyError:
                raise PackageError(f"{archive}: no {top}/metadata.json") from None
            try:
                metadata = json.loads(raw.decode("utf-8"))
            except ValueError as error:
                raise PackageError(f"{archive}: invalid metadata.json: {error}") from None
            validate_metadata(metadata, str(archive))
            bad = zf.testzip()
            if bad is not None:
                raise PackageError(f"{archive}: corrupt member {bad!r} (CRC mismatch)")
            return top, metadata
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:  # corrupt compressed data too
        raise PackageError(f"{archive}: not a valid zip archive ({error})") from None
    except NotImplementedError as error:  # e.g. an encrypted or exotic compression method
        raise PackageError(f"{archive}: unsupported zip archive ({error})") from None
    except OSError as error:
        raise PackageError(f"{archive}: cannot read: {error}") from None


class ModelStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def packages(self) -> Iterator[ArgosPackage]:
        """Installed packages, in name order; broken folders are skipped (see ``problems``)."""
        for folder in self._folders():
            try:
                yield load_package(folder)
            except PackageError:
                continue

    def problems(self) -> list[str]:
        issues = []
        for folder in self._folders():
            try:
                load_package(folder)
            except PackageError as error:
                issues.append(str(error))
        return issues

    def _folders(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def pins(self) -> dict[str, PinnedPackage]:
        """The manifest's pins, and this store's trust-on-first-use records."""
        try:
            return known_pins(self.root)
        except ValueError as error:
            raise PackageError(str(error)) from None

    def check_pin(self, archive: Path, name: str) -> None:
        """Refuse an archive of a pinned package whose size or sha256 is not the pinned one."""
        pin = self.pins().get(name)
        if pin is None or pin.sha256 is None:
            return
        size, digest = archive.stat().st_size, sha256_of(archive)
        if digest == pin.sha256 and pin.size in (None, size):
            return
        differs = [f"sha256 {digest}, pinned {pin.sha256}"]
        if pin.size is not None and size != pin.size:
            differs.insert(0, f"size {size} bytes, pinned {pin.size}")
        raise PackageError(
            f"{archive}: {name} is pinned ({pin.pinned_by}) but this archive differs: "
            + "; ".join(differs)
            + ". Nothing was installed; use --force to install it anyway"
        )

    def install(self, archive: Path, *, replace: bool = False, force: bool = False) -> ArgosPackage:
        """Validate ``archive`` and move it into the store; the store is untouched on refusal.
        An archive of a pinned package must match its pin unless ``force``."""
        archive = Path(archive)
        top, _ = inspect_archive(archive)
        if not force:
            self.check_pin(archive, top)
        target = self.root / top
        if target.exists() and not replace:
            raise PackageError(f"{top} is already installed in {self.root} (use --replace)")
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=self.root))
        try:
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(staging)
            load_package(staging / top)  # the files must make a usable package
            _write_record(staging / top, archive)
            if target.exists():
                old = self.root / f".replaced-{top}-{os.getpid()}"
                target.rename(old)
                shutil.rmtree(old)
            (staging / top).rename(target)
        except PackageError as error:
            raise PackageError(f"{archive}: {error}") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return load_package(target)

    def verify(self, manifest: list[PinnedPackage] | None = None) -> list[Verification]:
        """Re-hash every installed package against its install record and its pin (the
        manifest's, or the sha256 trusted on first use)."""
        pinned = self.pins() if manifest is None else {p.name: p for p in manifest if p.sha256}
        return [verify_package(folder, pinned) for folder in self._folders()]

    def remove(self, name: str) -> Path:
        target = self.root / name
        if not (target / "metadata.json").is_file():
            raise PackageError(f"no package named {name!r} in {self.root}")
        trash = self.root / f".removing-{name}-{os.getpid()}"
        target.rename(trash)
        shutil.rmtree(trash)
        return target


def _files(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): sha256_of(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != INSTALL_RECORD
    }


def _write_record(folder: Path, archive: Path) -> None:
    record = {
        "archive": archive.name,
        "archive_sha256": sha256_of(archive),
        "files": _files(folder),
    }
    (folder / INSTALL_RECORD).write_text(json.dumps(record, indent=1), encoding="utf-8")


@dataclass(frozen=True)
class Verification:
    name: str
    ok: bool
    problems: tuple[str, ...] = ()
    pinned: bool = False  # the installed archive is the one pinned
    pinned_by: str = "manifest"  # or "trust on first use"

    def describe(self) -> str:
        if not self.ok:
            return f"FAILED {self.name}: " + "; ".join(self.problems)
        if not self.pinned:
            origin = "not pinned"
        elif self.pinned_by == "manifest":
            origin = "matches the pinned manifest sha256"
        else:
            origin = f"matches the sha256 recorded on first use ({self.pinned_by})"
        return f"ok {self.name}: every file as installed; archive {origin}"


def verify_package(folder: Path, pinned: dict[str, PinnedPackage]) -> Verification:
    name = folder.name
    try:
        record = json.loads((folder / INSTALL_RECORD).read_text(encoding="utf-8"))
        recorded: dict[str, str] = record["files"]
    except FileNotFoundError:
        return Verification(
            name, False, ("no install record: reinstall it with `normalise models install`",)
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        return Verification(name, False, (f"unreadable install record: {error}",))
    problems = []
    entry = pinned.get(name)
    if entry is not None and entry.sha256 != record.get("archive_sha256"):
        problems.append(
            f"installed from an archive with sha256 {record.get('archive_sha256')}, "
            + (
                f"the manifest pins {entry.sha256}"
                if entry.pinned_by == "manifest"
                else f"{entry.sha256} was recorded on first use"
            )
        )
    actual = _files(folder)
    for path, digest in recorded.items():
        if path not in actual:
            problems.append(f"{path} is missing")
        elif actual[path] != digest:
            problems.append(
                f"{path} has changed (sha256 {actual[path][:12]}…, installed {digest[:12]}…)"
            )
    problems += [f"{path} was added after installation" for path in actual if path not in recorded]
    return Verification(
        name,
        not problems,
        tuple(problems),
        pinned=entry is not None,
        pinned_by=entry.pinned_by if entry else "manifest",
    )
