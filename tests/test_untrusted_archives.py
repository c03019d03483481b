"""Model archives come from outside: every hostile one is refused with a clear error, through
the command line, and the store is left exactly as it was. Never the network."""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from normalise.argos import pull as pull_module
from normalise.argos.manifest import PinnedPackage, sha256_of
from normalise.argos.package import PackageError
from normalise.argos.store import MAX_COMPRESSION_RATIO, ModelStore, inspect_archive
from normalise.cli.app import cli
from normalise.testing.archives import write_symlink_zip, write_zip, write_zip_bomb

META = json.dumps({"from_code": "it", "to_code": "en", "package_version": "1.0"})


def snapshot(root: Path) -> list[tuple[str, bytes | None]]:
    """Every path under the store, and every file's bytes."""
    return sorted(
        (p.relative_to(root).as_posix(), p.read_bytes() if p.is_file() else None)
        for p in root.rglob("*")
    )


@pytest.fixture
def store(tmp_path, tiny_packages) -> Path:
    """A store with one genuine package already in it (so "unchanged" means something)."""
    root = tmp_path / "store"
    ModelStore(root).install(tiny_packages["es"])
    return root


def install(archive: Path, store: Path):
    return CliRunner().invoke(cli, ["models", "install", str(archive), "--models-dir", str(store)])


def corrupt_member(path: Path, tiny: Path) -> Path:
    """A genuine package with one byte of a stored member flipped: the CRC no longer fits."""
    data = bytearray(tiny.read_bytes())
    with zipfile.ZipFile(tiny) as zf:
        info = zf.getinfo("translate-it_en-1_0/model/model.bin")
    header = info.header_offset
    name_len = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_len = int.from_bytes(data[header + 28 : header + 30], "little")
    start = header + 30 + name_len + extra_len
    data[start + info.compress_size // 2] ^= 0x01
    path.write_bytes(bytes(data))
    return path


def corrupt_deflate(path: Path) -> Path:
    """A compressed member whose deflate stream is damaged (zlib, not zipfile, notices)."""
    blob = bytes(random.Random(1).choices(b"abcdefgh", k=200_000))
    write_zip(
        path,
        {"pkg/metadata.json": META, "pkg/model/model.bin": blob},
        compression=zipfile.ZIP_DEFLATED,
    )
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        header = zf.getinfo("pkg/model/model.bin").header_offset
    start = header + 30 + int.from_bytes(data[header + 26 : header + 28], "little")
    start += int.from_bytes(data[header + 28 : header + 30], "little")
    for offset in range(1000, 1100):
        data[start + offset] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


CASES = {
    "corrupt deflate stream": (lambda p, t: corrupt_deflate(p), "not a valid zip"),
    "parent path": (lambda p, t: write_zip(p, {"pkg/metadata.json": META, "../x": "x"}), "escapes"),
    "nested parent": (
        lambda p, t: write_zip(p, {"pkg/metadata.json": META, "pkg/../../x": "x"}),
        "escapes",
    ),
    "absolute": (
        lambda p, t: write_zip(p, {"pkg/metadata.json": META, "/tmp/x": "x"}),
        "absolute path",
    ),
    "drive letter": (
        lambda p, t: write_zip(p, {"pkg/metadata.json": META, "C:/x": "x"}),
        "absolute path",
    ),
    "backslash": (
        lambda p, t: write_zip(p, {"pkg/metadata.json": META, "pkg\\..\\x": "x"}),
        "escapes",
    ),
    "two top folders": (
        lambda p, t: write_zip(p, {"a/metadata.json": META, "b/metadata.json": META}),
        "one top-level folder",
    ),
    "no metadata": (lambda p, t: write_zip(p, {"pkg/model/model.bin": "x"}), "no pkg/metadata"),
    "metadata not json": (
        lambda p, t: write_zip(p, {"pkg/metadata.json": "{nope"}),
        "invalid metadata.json",
    ),
    "metadata not utf-8": (
        lambda p, t: write_zip(p, {"pkg/metadata.json": b"\xff\xfe{"}),
        "invalid metadata.json",
    ),
    "metadata a list": (
        lambda p, t: write_zip(p, {"pkg/metadata.json": "[]"}),
        "not a JSON object",
    ),
    "metadata wrong type": (
        lambda p, t: write_zip(
            p, {"pkg/metadata.json": json.dumps({**json.loads(META), "package_type": "x"})}
        ),
        "package_type",
    ),
    "empty archive": (lambda p, t: write_zip(p, {}), "the archive is empty"),
    "not a zip": (lambda p, t: p.write_bytes(b"PK\x03\x04 garbage") and p, "not a valid zip"),
    "truncated": (
        lambda p, t: p.write_bytes(t.read_bytes()[: t.stat().st_size // 2]) and p,
        "not a valid zip",
    ),
    "corrupt member": (corrupt_member, "CRC mismatch"),
    "zip bomb": (lambda p, t: write_zip_bomb(p, META, size=4 << 20), "expands suspiciously"),
    "no model files": (
        lambda p, t: write_zip(p, {"pkg/metadata.json": META}),
        "no CTranslate2 model",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_archive_refused_by_the_cli_and_store_unchanged(
    case, tmp_path, store, tiny_packages
):
    make, message = CASES[case]
    archive = make(tmp_path / "bad.argosmodel", tiny_packages["it"])
    before = snapshot(store)
    result = install(archive, store)
    assert result.exit_code == 2, result.output
    assert "refused:" in result.output and message in result.output
    assert str(archive) in result.output  # the error names the file
    assert snapshot(store) == before


def test_symlink_entry_refused_by_the_cli(tmp_path, store):
    archive = write_symlink_zip(tmp_path / "link.argosmodel", META, "pkg/model", "/etc")
    before = snapshot(store)
    result = install(archive, store)
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert snapshot(store) == before


def test_zip_bomb_guard_is_a_ratio_and_a_total(tmp_path):
    bomb = write_zip_bomb(tmp_path / "bomb.argosmodel", META, size=4 << 20)
    with zipfile.ZipFile(bomb) as zf:
        info = zf.getinfo("pkg/model/model.bin")
    assert info.file_size / info.compress_size > MAX_COMPRESSION_RATIO
    big = write_zip(tmp_path / "big.argosmodel", {"pkg/metadata.json": META, "pkg/m": b"1" * 5000})
    with pytest.raises(PackageError, match="over the limit of 4096"):
        inspect_archive(big, max_bytes=4096)


def test_good_archive_after_refusals_still_installs(tmp_path, store, tiny_packages):
    install(write_zip_bomb(tmp_path / "bomb.argosmodel", META, size=4 << 20), store)
    result = install(tiny_packages["it"], store)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in store.iterdir()) == ["translate-es_en-1_0", "translate-it_en-1_0"]


class _Response(io.BytesIO):
    headers: dict = {}


def test_pull_with_sha256_mismatch_is_refused_and_store_unchanged(
    tmp_path, store, tiny_packages, monkeypatch
):
    """`models pull` through the CLI, with the opener replaced: the bytes served are a
    tampered copy of a genuine package, of the pinned size."""
    genuine = tiny_packages["it"]
    payload = bytearray(genuine.read_bytes())
    payload[len(payload) // 2] ^= 0xFF
    pinned = PinnedPackage(
        "translate-it_en-1_0", "it", "en", "1.0", "https://example.invalid/it.argosmodel",
        sha256_of(genuine), len(payload),
    )  # fmt: skip
    requested = []

    def opener(url, timeout):
        requested.append(url)
        return _Response(bytes(payload))

    monkeypatch.setattr(pull_module, "catalog_entry", lambda lang, to_code="en": pinned)
    monkeypatch.setitem(pull_module.pull.__kwdefaults__, "opener", opener)
    before = snapshot(store)
    result = CliRunner().invoke(cli, ["models", "pull", "it", "--models-dir", str(store)])
    assert requested == ["https://example.invalid/it.argosmodel"]
    assert result.exit_code == 2, result.output
    assert "does not match the pinned" in result.output and "nothing was installed" in result.output
    assert snapshot(store) == before

    payload[len(payload) // 2] ^= 0xFF  # the genuine bytes: now it installs
    result = CliRunner().invoke(cli, ["models", "pull", "it", "--models-dir", str(store)])
    assert result.exit_code == 0, result.output
    assert (store / "translate-it_en-1_0" / "model" / "model.bin").is_file()
