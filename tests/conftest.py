"""Shared fixtures: an isolated environment, no network, and tiny genuine Argos packages."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from normalise.argos.store import ModelStore
from normalise.testing.argos_builder import build_package

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True, scope="session")
def _language_table_cache(tmp_path_factory):
    """The compiled language tables (normalise/langid/cache.py) go to a folder of the test
    session, not the user's cache; worker processes and CLI subprocesses inherit it."""
    from normalise.langid.cache import CACHE_ENV

    saved = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("normalise-cache"))
    yield
    if saved is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = saved


class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Any attempt to open an internet socket fails the test loudly."""
    real_connect = socket.socket.connect

    def guarded(self, address, *args, **kwargs):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise NetworkBlocked(f"test tried to connect to {address!r}")
        return real_connect(self, address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(
        socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(NetworkBlocked(a))
    )


@pytest.fixture
def socket_attempts(monkeypatch) -> list:
    """Every socket created from now on, recorded (the offline guarantee: expect none)."""
    attempts: list = []

    class RecordingSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            attempts.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(socket, "socket", RecordingSocket)
    return attempts


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Never read or write the developer's real model stores."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(home / "argos-packages"))
    monkeypatch.delenv("NORMALISE_MODELS_DIR", raising=False)


@pytest.fixture(scope="session")
def tiny_packages(tmp_path_factory) -> dict[str, Path]:
    """Freshly built it→en and es→en .argosmodel files."""
    folder = tmp_path_factory.mktemp("argos-built")
    return {
        lang: build_package(folder, lang, seed=index) for index, lang in enumerate(["it", "es"])
    }


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory, tiny_packages) -> Path:
    """A model store with both tiny packages installed through the real install code."""
    root = tmp_path_factory.mktemp("store")
    store = ModelStore(root)
    for archive in tiny_packages.values():
        store.install(archive)
    return root
