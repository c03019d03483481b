"""Headless Chromium for the review page's tests and benchmark, with no Python dependency:
Chromium's own ``--dump-dom`` (the DOM after the page's scripts ran) and ``--screenshot``.

The page keeps its state in the address's fragment (``review.html#lang=it&doc=3``), so a
fragment is how a test uses the filters or opens a document.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
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


class DevTools:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (the DevTools protocol, one
    JSON message per NUL-terminated frame on file descriptors 3 and 4): to press keys and
    read the page's state, with no Python dependency. Use as a context manager."""

    def __init__(self, executable: str, page: Path, fragment: str = "", timeout: float = 30.0):
        self.url = Path(page).resolve().as_uri() + (f"#{fragment}" if fragment else "")
        self.executable = executable
        self.timeout = timeout
        self._next_id = 0
        self._buffer = b""

    def __enter__(self) -> DevTools:
        self._profile = tempfile.TemporaryDirectory(prefix="normalise-chromium-")
        to_chromium, self._commands = os.pipe()
        self._replies, from_chromium = os.pipe()
        flags = [
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--remote-debugging-pipe",
            "--window-size=1280,900",
            f"--user-data-dir={self._profile.name}",
        ]
        # Chromium reads commands on fd 3 and writes replies on fd 4: a small launcher puts
        # the pipes there (a shell cannot: dash redirects single-digit descriptors only)
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _LAUNCHER,
                str(to_chromium),
                str(from_chromium),
                self.executable,
                *flags,
                self.url,
            ],  # fmt: skip
            pass_fds=(to_chromium, from_chromium),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chromium)
        os.close(from_chromium)
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        attached = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)
        self._session = attached["sessionId"]
        self.wait_for("document.body && document.body.dataset.ready")
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.send("Browser.close", session=False)
        except (OSError, RuntimeError, TimeoutError):
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._commands)
        os.close(self._replies)
        self._profile.cleanup()

    def send(self, method: str, session: bool = True, **params) -> dict:
        """Send one command and return its result (events in between are dropped)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session and getattr(self, "_session", None):
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                    raise TimeoutError(f"no reply from Chromium to {method}")
                chunk = os.read(self._replies, 1 << 16)
                if not chunk:
                    raise RuntimeError(f"Chromium closed the DevTools pipe during {method}")
                self._buffer += chunk
            frame, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(frame)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float | None = None):
        """Poll until ``expression`` is truthy; return its value."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false after {timeout or self.timeout}s: {expression}")
            time.sleep(0.05)

    def press(self, key: str) -> None:
        """One key press, as a person's: keyDown (with its text) then keyUp."""
        code, keycode = _KEYS[key] if key in _KEYS else (f"Key{key.upper()}", ord(key.upper()))
        text = key if len(key) == 1 else ""
        common = {"key": key, "code": code, "windowsVirtualKeyCode": keycode}
        self.send("Input.dispatchKeyEvent", type="keyDown", text=text, **common)
        self.send("Input.dispatchKeyEvent", type="keyUp", **common)

    def type(self, text: str) -> None:
        self.send("Input.insertText", text=text)


_LAUNCHER = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.execvp(sys.argv[3], sys.argv[3:])"
)
_KEYS = {
    "Escape": ("Escape", 27),
    "ArrowRight": ("ArrowRight", 39),
    "ArrowLeft": ("ArrowLeft", 37),
    "/": ("Slash", 191),
    "Tab": ("Tab", 9),
    "Enter": ("Enter", 13),
}
