"""Starts a server as a user would, times process start to its first 200, and stops it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """One GET with the standard library (no client import on the timed path)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


@dataclass
class Running:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    cold_start_s: float

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def start(
    name: str, command: str, path: str, timeout: float = 60.0, env: dict[str, str] | None = None
) -> Iterator[Running]:
    """Run ``command`` (a shell line; ``{port}`` is replaced) and wait for ``path`` to answer 200.

    The cold start is the wall time from just before the process is spawned to the first 200 on
    ``path``, polled every 2 ms, so it includes interpreter start, imports and the first request.
    """
    port = free_port()
    line = command.format(port=port)
    full_env = {**os.environ, "PORT": str(port), **(env or {})}
    started = time.perf_counter()
    process = subprocess.Popen(
        line,
        shell=True,
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = started + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name}: `{line}` exited with {process.returncode}")
            try:
                status, _ = get(url + path, timeout=timeout)
                if status == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{name}: no 200 on {path} within {timeout} s")
            time.sleep(0.002)
        yield Running(name, url, process, time.perf_counter() - started)
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
