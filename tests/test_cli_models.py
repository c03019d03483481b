"""`normalise models …` from the command line, offline."""

import io
import zipfile

import pytest
from click.testing import CliRunner

from normalise.cli import cli
from normalise.models.download import download
from normalise.models.manifest import PinnedPackage, load_manifest, sha256_of
from normalise.models.package import PackageError


def test_install_then_list(tmp_path, tiny_packages):
    runner = CliRunner()
    store = tmp_path / "store"
    result = runner.invoke(
        cli, ["models", "install", str(tiny_packages["it"]), "--models-dir", str(store)]
    )
    assert result.exit_code == 0, result.output
    assert "installed translate-it_en-1_0" in result.output
    listed = runner.invoke(cli, ["models", "list", "--models-dir", str(store)])
    assert "it→en  translate-it_en-1_0  v1.0  sentencepiece  [store]" in listed.output


def test_install_refuses_bad_archive_with_exit_2(tmp_path):
    bad = tmp_path / "bad.argosmodel"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../escape", "x")
    result = CliRunner().invoke(
        cli, ["models", "install", str(bad), "--models-dir", str(tmp_path / "s")]
    )
    assert result.exit_code == 2
    assert "refused" in result.output and "escapes" in result.output


def test_models_dir_from_environment(tmp_path, tiny_packages, monkeypatch):
    monkeypatch.setenv("NORMALISE_MODELS_DIR", str(tmp_path / "env-store"))
    runner = CliRunner()
    assert runner.invoke(cli, ["models", "install", str(tiny_packages["es"])]).exit_code == 0
    assert (tmp_path / "env-store" / "translate-es_en-1_0" / "metadata.json").is_file()


def test_manifest_pins_the_issue_packages():
    pinned = {p.name: p for p in load_manifest()}
    it = pinned["translate-it_en-1_0"]
    assert it.size == 87_190_224
    assert it.sha256 == "d2dd23b8b702f612b8127f07c7a0391f5f2a8b93344e6ddc9dd93c81824e85cb"
    assert pinned["translate-es_en-1_0"].sha256.startswith("1b963aa0e0cb6e5c")
    assert all(p.url.startswith("https://") for p in pinned.values())


class _FakeResponse(io.BytesIO):
    headers: dict = {}


def _opener(payload: bytes):
    return lambda url, timeout: _FakeResponse(payload)


def test_download_verifies_sha256(tmp_path, tiny_packages):
    payload = tiny_packages["it"].read_bytes()
    good = PinnedPackage(
        "translate-it_en-1_0",
        "it",
        "en",
        "1.0",
        "https://example.invalid/x",
        sha256_of(tiny_packages["it"]),
        len(payload),
    )
    target = download(good, tmp_path, opener=_opener(payload))
    assert target.read_bytes() == payload

    tampered = payload[:-1] + bytes([payload[-1] ^ 1])
    with pytest.raises(PackageError, match="sha256"):
        download(good, tmp_path / "t", opener=_opener(tampered))
    assert list((tmp_path / "t").iterdir()) == []  # nothing left behind
