"""``python -m handlers.cloud_run`` (as ``make serve`` runs it) on a free 127.0.0.1 port, and headless Chromium.

Browsers and command-line tools (Chromium, schemathesis) can only reach a server over a socket.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
"""Debian's Chromium (``make test-deps`` installs it); tests needing it skip without it, except in CI."""


def chromium_dom(url: str, budget_ms: int = 5000) -> str:
    """The DOM of ``url`` once its scripts ran, in headless Chromium with no network of its own."""
    assert CHROMIUM is not None, "chromium is required in CI: make test-deps installs it"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    flags += ["--disable-component-update", "--no-first-run", f"--virtual-time-budget={budget_ms}", "--dump-dom"]
    return subprocess.run([CHROMIUM, *flags, url], capture_output=True, text=True, timeout=120, check=True).stdout


@contextmanager
def serving(log: Path, **environ: str) -> Iterator[str]:
    """The server's URL while the block runs, its output in ``log``; ``environ`` overrides the environment.

    The server is started without API keys unless ``environ`` gives some, and is stopped however the block ends.
    """
    port = free_port()
    env = {**os.environ, "API_KEYS": "", "API_KEYS_FILE": "", **environ, "HOST": "127.0.0.1", "PORT": str(port)}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "handlers.cloud_run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise AssertionError(f"the server exited with {process.returncode}: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"the server did not start: {log.read_text()[-2000:]}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
