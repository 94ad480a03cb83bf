"""``python -m handlers.cloud_run`` (as ``make serve`` runs it) on a free 127.0.0.1 port, for tests needing a server.

Browsers and command-line tools (Chromium, schemathesis) can only reach a server over a socket.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


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
