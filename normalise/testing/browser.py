"""Headless Chromium for the review page's tests and benchmark, with no Python dependency:
Chromium's own ``--dump-dom`` (the DOM after the page's scripts ran) and ``--screenshot``.

The page keeps its state in the address's fragment (``review.html#lang=it&doc=3``), so a
fragment is how a test uses the filters or opens a document.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_ENV = "NORMALISE_CHROMIUM"  # an explicit executable, else the first one on PATH
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        return explicit
    return next((path for name in NAMES if (path := shutil.which(name))), None)


@dataclass
class Chromium:
    """One headless Chromium per call, each with a fresh profile (calls may run side by side:
    a shared profile would be locked)."""

    executable: str
    timeout: float = 120.0

    def _run(self, page: Path, fragment: str, *flags: str) -> subprocess.CompletedProcess:
        url = Path(page).resolve().as_uri() + (f"#{fragment}" if fragment else "")
        with tempfile.TemporaryDirectory(prefix="normalise-chromium-") as profile:
            command = [
                self.executable,
                "--headless",
                "--disable-gpu",
                "--no-sandbox",  # CI runs as root
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                f"--user-data-dir={profile}",
                *flags,
                url,
            ]
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=self.timeout, check=False
            )
        if done.returncode != 0:
            raise RuntimeError(
                f"{self.executable} failed ({done.returncode}) on {url}: {done.stderr[-2000:]}"
            )
        return done

    def dump_dom(self, page: Path, fragment: str = "") -> str:
        """The page's DOM, serialised after its scripts ran (after the load event)."""
        return self._run(page, fragment, "--dump-dom").stdout

    def timed_dump_dom(self, page: Path, fragment: str = "") -> tuple[str, float]:
        """The DOM and the wall-clock seconds of the whole Chromium call."""
        started = time.perf_counter()
        dom = self.dump_dom(page, fragment)
        return dom, time.perf_counter() - started

    def screenshot(
        self, page: Path, target: Path, fragment: str = "", size: tuple[int, int] = (1280, 900)
    ) -> Path:
        """A PNG of the top of the page, ``size`` wide and high."""
        target = Path(target).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        self._run(
            page,
            fragment,
            f"--screenshot={target}",
            f"--window-size={size[0]},{size[1]}",
            "--hide-scrollbars",
        )
        if not target.exists():
            raise RuntimeError(f"{self.executable} wrote no screenshot at {target}")
        return target
