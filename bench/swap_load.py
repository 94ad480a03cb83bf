"""A client loop against a running server, recording each answer's version and time: the promote-under-load check.

Shared by the benchmark (``bench/model_store.py``) and the hot-swap test (``tests/store/test_hot_swap.py``).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Answer:
    at: float
    seconds: float
    status: int
    version: str | None


@dataclass
class Load:
    """``clients`` threads, each on its own keep-alive connection, asking ``path`` until ``stop``."""

    url: str
    path: str
    clients: int = 4
    answers: list[list[Answer]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Load:
        for _ in range(self.clients):
            mine: list[Answer] = []
            self.answers.append(mine)
            thread = threading.Thread(target=self._loop, args=(mine,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _loop(self, mine: list[Answer]) -> None:
        parts = urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                connection.request("GET", self.path)
                response = connection.getresponse()
                body = response.read()
                version = json.loads(body).get("version") if response.status == 200 else None
                mine.append(Answer(time.monotonic(), time.perf_counter() - started, response.status, version))
                if response.status != 200:
                    self.errors.append(f"{response.status}: {body[:200]!r}")
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the loop
                self.errors.append(f"{type(exc).__name__}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
        connection.close()

    def all(self) -> list[Answer]:
        return sorted((a for mine in self.answers for a in mine), key=lambda a: a.at)

    def first(self, version: str, after: float) -> float | None:
        """When ``version`` first answered after ``after`` (monotonic seconds), or ``None``."""
        return next((a.at for a in self.all() if a.at >= after and a.version == version), None)

    def wait_for(self, version: str, after: float, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.first(version, after)
            if seen is not None:
                return seen
            time.sleep(0.02)
        return None
